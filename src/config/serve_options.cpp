#include "config/serve_options.hpp"

#include <algorithm>
#include <cctype>
#include <variant>

#include "broker/redis/redis_address.hpp"
#include "store/postgres/pg_uri.hpp"
#include "util/masked_uri.hpp"

// Each option once: its flag, variable, meaning, the reason for its default
// (the default itself is ServerConfig's initializer) and its range. The
// README's reference is printed from these (`serve --print-options`).
namespace nadoo::config {
namespace {

using Secrecy = OptionRegistry::Secrecy;
using Visibility = OptionRegistry::Visibility;

// Ranges shared by options of one kind: 0 is never meant (it would refuse
// every message, body or connection) and beyond 1 GiB is a typo.
constexpr OptionBounds<std::size_t> positive_bytes{1, std::size_t{1} << 30};
/// A buffer that must hold at least a few messages.
constexpr OptionBounds<std::size_t> buffer_bytes{1024, std::size_t{1} << 30};
constexpr OptionBounds<unsigned> timeout_seconds{1, 3600};
constexpr OptionBounds<unsigned> retention_days{0, 36'500};

/// `k1, k2` means the keys `k1` and `k2`: spaces around a key are never part
/// of it, and an empty key (`k1,,k2`) is a mistake, not a key.
const CLI::Validator api_key_without_spaces(
    [](std::string& key) -> std::string {
      key = CLI::detail::trim_copy(key);
      return key.empty() ? "an API key is empty or only spaces" : "";
    },
    "KEY");

/// `sqlite`, or a libpq URI: anything else is refused at start, not at the
/// first storage call.
const CLI::Validator store_location(
    [](std::string& store) -> std::string {
      if (store == "sqlite" || store::postgres::is_postgres_uri(store)) return "";
      return "--store is `sqlite` or a URI that starts with postgresql:// or postgres://";
    },
    "STORE");

/// `memory`, or a Redis URL that parses: a typo is refused at start, not
/// found by the first message that fails to reach another node.
const CLI::Validator broker_location(
    [](std::string& broker) -> std::string {
      if (broker == "memory") return "";
      const auto address = broker::redis::parse_redis_url(broker);
      if (const auto* invalid = std::get_if<broker::redis::InvalidRedisUrl>(&address))
        return "--broker is `memory` or a redis://[:password@]host:port[/db] URL; this one is not: " +
               invalid->reason;
      return "";
    },
    "BROKER");

/// A node id goes into log lines and Redis channel names: short, and no
/// space or newline.
const CLI::Validator node_name(
    [](std::string& name) -> std::string {
      const bool plain = std::all_of(name.begin(), name.end(), [](unsigned char c) {
        return std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == ':';
      });
      if (name.size() <= 100 && plain) return "";
      return "--node-id has at most 100 letters, digits, `-`, `_`, `.` and `:`";
    },
    "NAME");

void add_network_options(OptionRegistry& registry, ServerConfig& config) {
  registry.add({"--host", "NADOO_HOST",
                "address to listen on; a name (`localhost`) is resolved at start, its IPv4 address first",
                "loopback, until an operator opens it up"},
               config.host);
  registry
      .add({"--port", "NADOO_PORT", "TCP port; `0` picks a free one (printed at start)",
            "the spec's examples use :8000"},
           config.port)
      .within(OptionBounds<std::uint16_t>{0, 65535});
  registry
      .add({"--io-threads", "NADOO_IO_THREADS", "network threads; `0`: one per core",
            "each core runs its own connections; more threads than cores only take turns"},
           config.io_threads)
      .within(OptionBounds<unsigned>{0, 1024});
  registry.add({"--web-dir", "NADOO_WEB_DIR",
                "the web console and JavaScript client served at `/` and `/sdk/` (read at start); empty: "
                "the `web` folder beside the binary",
                "the build installs `src/web` there"},
               config.web_dir);
}

void add_storage_options(OptionRegistry& registry, ServerConfig& config) {
  registry.add({"--data-dir", "NADOO_DATA_DIR",
                "where the embedded storage keeps its files (`nadoo.db`, SQLite in WAL mode)",
                "beside the working directory, as `scripts/run` uses it"},
               config.data_dir);
  registry
      .add_masked(
          {"--store", "NADOO_STORE",
           "`sqlite` (in `--data-dir`), or a libpq URI "
           "`postgresql://user[:password]@host:port/dbname[?params]` "
           "(`postgres://` too) of a PostgreSQL 15 database that several nodes share; `PGPASSWORD` and "
           "`~/.pgpass` work as in `psql`; logged with its password masked",
           "nothing to set up: one node runs on its own file"},
          config.store,
          [](std::string_view store) {
            return store::postgres::is_postgres_uri(store) ? util::with_masked_password(store)
                                                           : std::string(store);
          })
      .check(store_location, "`sqlite` or a `postgresql://` URI");
  registry
      .add(
          {"--store-statement-timeout-ms", "NADOO_STORE_STATEMENT_TIMEOUT_MS",
           "longest PostgreSQL statement (`statement_timeout`); a longer one fails its call (503), so a hung "
           "database cannot hold the calls queued behind it",
           "fifty times the longest call measured (a bulk publish to 1,000 users: 97 ms at worst), and "
           "noticed before a client's own timeout"},
          config.store_statement_timeout_ms)
      .within(OptionBounds<unsigned>{100, 600'000});
  registry
      .add(
          {"--store-pool-size", "NADOO_STORE_POOL_SIZE",
           "PostgreSQL connections, each on a storage thread of its own; a call's lane follows its ordering "
           "key (chat session, plugin execution, the notification service), so calls with one key stay in "
           "order while others run at once; one more connection reads beside them (knowledge search). SQLite "
           "always uses one lane",
           "200 chats at once, PostgreSQL on the other core: p99 to `response_start` 803 ms on one lane, "
           "251 ms on four; a dozen nodes stay within PostgreSQL's default 100 connections"},
          config.store_pool_size)
      .within(OptionBounds<unsigned>{1, 64});
  registry
      .add({"--sqlite-checkpoint-pages", "NADOO_SQLITE_CHECKPOINT_PAGES",
            "write-ahead log pages (4 KiB) after which the log is checkpointed into `nadoo.db`, on a thread "
            "and connection of its own so that no storage call waits for its fsyncs",
            "SQLite's own automatic threshold: it bounds the log, and the time one checkpoint takes"},
           config.sqlite_checkpoint_pages)
      .within(OptionBounds<int>{1, 1'000'000});
}

void add_cluster_options(OptionRegistry& registry, ServerConfig& config) {
  registry
      .add_masked({"--broker", "NADOO_BROKER",
                   "what carries room messages between nodes: `memory` (this node only) or "
                   "`redis://[[user]:password@]host[:port][/db]`, a Redis 7 that every node of the cluster "
                   "uses; logged with its password masked",
                   "one node needs nothing else"},
                  config.broker,
                  [](std::string_view broker) {
                    return broker == "memory" ? std::string(broker) : util::with_masked_password(broker);
                  })
      .check(broker_location, "`memory` or a `redis://` URL");
  registry
      .add({"--node-id", "NADOO_NODE_ID",
            "this node's name in the cluster (log lines, Redis channels); unique per node",
            "empty: the host name, the port and a random suffix, so that two nodes never share one"},
           config.node_id)
      .check(node_name, "letters, digits, `-_.:`");
  registry
      .add({"--node-ttl-seconds", "NADOO_NODE_TTL_SECONDS",
            "a node that stops reporting (crashed, partitioned) leaves the other nodes' `/ws/stats` after "
            "this long; each node reports three times per TTL, and at once (within 250 ms) when its figures "
            "change",
            "Centrifugo holds a node's figures 7 s and hears from it every 3 s; 10 s survives a missed "
            "report or two on a busy Redis"},
           config.node_ttl_seconds)
      .within(OptionBounds<unsigned>{1, 3600});
}

void add_jwt_options(OptionRegistry& registry, ServerConfig& config) {
  registry.add({"--jwt-secret", "JWT_SECRET", "HMAC secret of access tokens (HS256/384/512)",
                "none: it is the identity provider's; `scripts/run` makes a development one"},
               config.jwt_secret, Secrecy::secret);
  registry
      .add({"--jwt-algorithm", "JWT_ALGORITHM", "the algorithm of access tokens; never taken from the token",
            "the platform's"},
           config.jwt_algorithm)
      .one_of({"HS256", "HS384", "HS512", "RS256", "ES256"});
  registry.add({"--jwt-public-key-file", "JWT_PUBLIC_KEY_FILE", "PEM public key for RS256/ES256",
                "none: only the asymmetric algorithms need one"},
               config.jwt_public_key_file);
  registry.add({"--jwt-issuer", "JWT_ISSUER", "`iss` required to equal this, when set",
                "checked once an operator names the identity provider"},
               config.jwt_issuer);
  registry.add({"--jwt-audience", "JWT_AUDIENCE", "`aud` required to contain this, when set",
                "checked once an operator names the audience"},
               config.jwt_audience);
  registry
      .add({"--jwt-leeway-seconds", "JWT_LEEWAY_SECONDS", "clock skew tolerated on `exp`/`nbf`",
            "ordinary clock drift between hosts"},
           config.jwt_leeway_seconds)
      .within(OptionBounds<unsigned>{0, 3600});
}

void add_access_options(OptionRegistry& registry, ServerConfig& config) {
  registry.add_flag({"--chat-require-token", "NADOO_CHAT_REQUIRE_TOKEN", "refuse chat without a token",
                     "the spec lets guests chat"},
                    config.chat_require_token);
  registry
      .add({"--api-keys", "NADOO_API_KEYS",
            "comma-separated `X-API-Key` values of server-to-server REST (spaces around each are dropped)",
            "none: the operator chooses them"},
           config.api_keys, Secrecy::secret)
      ->delimiter(',')
      ->transform(api_key_without_spaces);
}

void add_connection_limit_options(OptionRegistry& registry, ServerConfig& config) {
  registry
      .add({"--max-message-bytes", "NADOO_MAX_MESSAGE_BYTES",
            "largest inbound message (whole message, any number of fragments); larger → 1009",
            "the contract's default inbound limit"},
           config.max_message_bytes)
      .within_bytes(positive_bytes);
  registry
      .add({"--outbound-queue-limit-bytes", "NADOO_OUTBOUND_QUEUE_LIMIT_BYTES",
            "unsent bytes one connection may hold; more → closed with 1013",
            "thousands of chat deltas, far more than a healthy client lags"},
           config.outbound_queue_limit_bytes)
      .within_bytes(buffer_bytes);
  registry
      .add({"--max-connections", "NADOO_MAX_CONNECTIONS", "open WebSockets; more → closed with 1013",
            "keeps one process under a 20,000 open-file limit"},
           config.max_connections)
      .within(OptionBounds<std::size_t>{1, 10'000'000});
  registry
      .add({"--max-http-body-bytes", "NADOO_MAX_HTTP_BODY_BYTES",
            "largest REST body (413 beyond, before `100 Continue`)",
            "documents and event batches of a few hundred KiB fit"},
           config.max_http_body_bytes)
      .within_bytes(positive_bytes);
  registry
      .add({"--max-http-header-bytes", "NADOO_MAX_HTTP_HEADER_BYTES",
            "largest HTTP request head (431 beyond; 414 when the request line alone does not fit)",
            "a long JWT in a header fits"},
           config.max_http_header_bytes)
      .within_bytes(OptionBounds<std::size_t>{1024, 1024 * 1024});
  registry
      .add({"--idle-timeout-seconds", "NADOO_IDLE_TIMEOUT_SECONDS",
            "a silent peer is pinged at half of it and dropped at it",
            "a live browser always answers the ping in time; a dead peer is gone within a minute"},
           config.idle_timeout_seconds)
      .within(OptionBounds<unsigned>{2, 86400});
  registry
      .add({"--handshake-timeout-seconds", "NADOO_HANDSHAKE_TIMEOUT_SECONDS",
            "HTTP request, upgrade and close handshake",
            "a healthy client takes milliseconds; a stuck one holds nothing for long"},
           config.handshake_timeout_seconds)
      .within(timeout_seconds);
  registry
      .add({"--shutdown-grace-seconds", "NADOO_SHUTDOWN_GRACE_SECONDS",
            "SIGTERM: time for 1001 closes to complete",
            "close frames reach peers on a slow network, within a deployment's usual stop timeout"},
           config.shutdown_grace_seconds)
      .within(OptionBounds<unsigned>{0, 3600});
}

void add_chat_options(OptionRegistry& registry, ServerConfig& config) {
  registry.add({"--seed-file", "NADOO_SEED_FILE",
                "JSON of applications and documents loaded at start (`demo/seed.json`)",
                "none: `scripts/run` passes the demo data"},
               config.seed_file);
  registry
      .add({"--builtin-token-interval-ms", "NADOO_BUILTIN_TOKEN_INTERVAL_MS",
            "pace of the offline `builtin` provider", "about a real model's speed"},
           config.builtin_token_interval_ms)
      .within(OptionBounds<unsigned>{0, 60'000});
  registry
      .add({"--chat-history-budget-characters", "NADOO_CHAT_HISTORY_BUDGET_CHARACTERS",
            "earlier messages sent with a question", "about 3,000 tokens of recent turns"},
           config.chat_history_budget_characters)
      .within(OptionBounds<std::size_t>{0, 10'000'000});
  registry
      .add({"--chat-max-content-bytes", "NADOO_CHAT_MAX_CONTENT_BYTES",
            "longest `content` of a `chat` message; longer → `error` `invalid_message` (the connection stays "
            "open)",
            "a few pages, far more than anyone types; it bounds what one message asks of the model"},
           config.chat_max_content_bytes)
      .within_bytes(OptionBounds<std::size_t>{1, std::size_t{16} * 1024 * 1024});
  registry
      .add({"--chat-knowledge-chunks", "NADOO_CHAT_KNOWLEDGE_CHUNKS",
            "knowledge chunks retrieved per question", "a few sections of about 800 characters"},
           config.chat_knowledge_chunks)
      .within(OptionBounds<std::size_t>{0, 100});
  registry.add({"--openai-base-url", "OPENAI_BASE_URL", "endpoint for `openai` applications that name none",
                "OpenAI's own API"},
               config.openai_base_url);
  registry.add({"--openai-api-key", "OPENAI_API_KEY", "its key (never logged; prefer the environment)",
                "none: the operator's"},
               config.openai_api_key, Secrecy::secret);
  registry.add({"--openai-ca-file", "NADOO_OPENAI_CA_FILE",
                "extra trusted CA (PEM) for model endpoints; verification is always on",
                "none: the system's trusted CAs"},
               config.openai_ca_file);
  registry
      .add({"--openai-connect-timeout-seconds", "NADOO_OPENAI_CONNECT_TIMEOUT_SECONDS",
            "connect and TLS handshake", "a reachable endpoint connects in well under one"},
           config.openai_connect_timeout_seconds)
      .within(timeout_seconds);
  registry
      .add({"--openai-first-token-timeout-seconds", "NADOO_OPENAI_FIRST_TOKEN_TIMEOUT_SECONDS",
            "request to first token", "large prompts can take tens of seconds"},
           config.openai_first_token_timeout_seconds)
      .within(timeout_seconds);
  registry
      .add({"--openai-idle-timeout-seconds", "NADOO_OPENAI_IDLE_TIMEOUT_SECONDS", "silence between chunks",
            "longer silence means a stalled stream"},
           config.openai_idle_timeout_seconds)
      .within(timeout_seconds);
}

void add_notification_options(OptionRegistry& registry, ServerConfig& config) {
  registry
      .add({"--notification-title-max-bytes", "NADOO_NOTIFICATION_TITLE_MAX_BYTES", "longest `title`",
            "a headline: two lines on a phone"},
           config.notification_title_max_bytes)
      .within_bytes(positive_bytes);
  registry
      .add({"--notification-body-max-bytes", "NADOO_NOTIFICATION_BODY_MAX_BYTES", "longest `body`",
            "a paragraph or two, not a document"},
           config.notification_body_max_bytes)
      .within_bytes(positive_bytes);
  registry
      .add({"--notification-action-url-max-bytes", "NADOO_NOTIFICATION_ACTION_URL_MAX_BYTES",
            "longest `action_url`", "the URL length every browser handles"},
           config.notification_action_url_max_bytes)
      .within_bytes(positive_bytes);
  registry
      .add({"--notification-data-max-bytes", "NADOO_NOTIFICATION_DATA_MAX_BYTES",
            "largest `data`, as compact JSON", "ids and flags for the client, not content"},
           config.notification_data_max_bytes)
      .within_bytes(positive_bytes);
  registry
      .add({"--notification-bulk-max-users", "NADOO_NOTIFICATION_BULK_MAX_USERS",
            "most `user_ids` in one call (one transaction)",
            "1,000 rows in one transaction take milliseconds"},
           config.notification_bulk_max_users)
      .within(OptionBounds<std::size_t>{1, 100'000});
  registry
      .add({"--notification-backlog-limit", "NADOO_NOTIFICATION_BACKLOG_LIMIT",
            "unread notifications sent on connect; the rest are listed with GET",
            "more is a client that needs to page, not a longer replay that delays the live ones"},
           config.notification_backlog_limit)
      .within(OptionBounds<std::size_t>{1, 100'000});
  registry
      .add({"--notification-backlog-limit-bytes", "NADOO_NOTIFICATION_BACKLOG_LIMIT_BYTES",
            "their serialized size; at most `--outbound-queue-limit-bytes` (refused above it; the default is "
            "lowered to it)",
            "half the default outbound queue, so a backlog never closes its own connection"},
           config.notification_backlog_limit_bytes)
      .within_bytes(buffer_bytes);
  registry
      .add({"--notification-retention-days", "NADOO_NOTIFICATION_RETENTION_DAYS",
            "read notifications are deleted this long after creation; `0` keeps them",
            "a month to look back on"},
           config.notification_retention_days)
      .within(retention_days);
  registry
      .add({"--notification-unread-retention-days", "NADOO_NOTIFICATION_UNREAD_RETENTION_DAYS",
            "the same for unread ones", "a quarter, for users away that long"},
           config.notification_unread_retention_days)
      .within(retention_days);
  registry
      .add({"--notification-purge-interval-seconds", "NADOO_NOTIFICATION_PURGE_INTERVAL_SECONDS",
            "how often expired notifications are deleted", "hourly keeps each purge small"},
           config.notification_purge_interval_seconds)
      .within(OptionBounds<unsigned>{1, 7 * 86400});
}

void add_workspace_options(OptionRegistry& registry, ServerConfig& config) {
  registry
      .add({"--workspace-rate-limit-events-per-second", "NADOO_WORKSPACE_RATE_LIMIT_EVENTS_PER_SECOND",
            "events one workspace connection may send a second (every message but `ping`)",
            "a person editing with others sends a few a second; 20 leaves room for busy tools"},
           config.workspace_rate_limit_events_per_second)
      .check(CLI::PositiveNumber, "more than 0");
  registry
      .add({"--workspace-rate-limit-burst-events", "NADOO_WORKSPACE_RATE_LIMIT_BURST_EVENTS",
            "events it may send at once", "a client catching up after a reconnect"},
           config.workspace_rate_limit_burst_events)
      .within(OptionBounds<unsigned>{1, 1'000'000});
  registry
      .add(
          {"--workspace-rate-limit-refusals-before-close", "NADOO_WORKSPACE_RATE_LIMIT_REFUSALS_BEFORE_CLOSE",
           "refused events in a run before 1008 `Rate limit exceeded`",
           "a client that ignores 50 `rate_limit` errors is broken or abusive"},
          config.workspace_rate_limit_refusals_before_close)
      .within(OptionBounds<unsigned>{1, 1'000'000});
  registry
      .add({"--membership-cache-entries", "NADOO_MEMBERSHIP_CACHE_ENTRIES",
            "workspace membership answers kept for admissions, about 110 bytes each; none on PostgreSQL, "
            "where "
            "other nodes change memberships too",
            "11 MB at most, and every connection of a node at its connection limit is admitted from it"},
           config.membership_cache_entries)
      .within(OptionBounds<std::size_t>{1, 100'000'000});
  registry
      .add({"--workspace-event-max-bytes", "NADOO_WORKSPACE_EVENT_MAX_BYTES",
            "largest body of `POST /api/v1/workspaces/{id}/events` (413 beyond)",
            "every member's queue holds a copy: kept to what a client may send itself"},
           config.workspace_event_max_bytes)
      .within_bytes(positive_bytes);
}

void add_plugin_debug_options(OptionRegistry& registry, ServerConfig& config) {
  registry
      .add({"--plugin-execution-retention-seconds", "NADOO_PLUGIN_EXECUTION_RETENTION_SECONDS",
            "plugin executions and their events are deleted this long after they started",
            "a day covers a debugging session and keeps the database small"},
           config.plugin_execution_retention_seconds)
      .within(OptionBounds<unsigned>{1, 366 * 24 * 3600});
  registry
      .add({"--plugin-execution-purge-interval-seconds", "NADOO_PLUGIN_EXECUTION_PURGE_INTERVAL_SECONDS",
            "how often expired executions are deleted",
            "the overrun stays small and the purge never shows on the storage thread"},
           config.plugin_execution_purge_interval_seconds)
      .within(OptionBounds<unsigned>{1, 86400});
  registry
      .add({"--plugin-debug-max-events-per-execution", "NADOO_PLUGIN_DEBUG_MAX_EVENTS_PER_EXECUTION",
            "events stored per execution; later non-terminal ones are dropped (counted in `dropped_events`)",
            "far more than a console can show usefully"},
           config.plugin_debug_max_events_per_execution)
      .within(OptionBounds<std::int64_t>{1, 10'000'000});
  registry
      .add({"--plugin-debug-max-event-bytes", "NADOO_PLUGIN_DEBUG_MAX_EVENT_BYTES",
            "largest debug record, serialized", "a long log line or traceback fits"},
           config.plugin_debug_max_event_bytes)
      .within_bytes(OptionBounds<std::size_t>{256, 16 * 1024 * 1024});
  registry
      .add({"--plugin-debug-max-bundle-records", "NADOO_PLUGIN_DEBUG_MAX_BUNDLE_RECORDS",
            "records in one bundle",
            "a busy step's records in one request; the HTTP body limit bounds their bytes"},
           config.plugin_debug_max_bundle_records)
      .within(OptionBounds<std::size_t>{1, 1'000'000});
  registry
      .add({"--plugin-debug-history-limit-bytes", "NADOO_PLUGIN_DEBUG_HISTORY_LIMIT_BYTES",
            "the `debug_data` a console gets (newest events); at most half `--outbound-queue-limit-bytes` "
            "(refused above it; the default is lowered to it)",
            "half the outbound queue, so live events still fit behind it"},
           config.plugin_debug_history_limit_bytes)
      .within_bytes(buffer_bytes);
}

void add_diagnostic_options(OptionRegistry& registry, ServerConfig& config) {
  registry.add_flag({"--enable-echo", "NADOO_ENABLE_ECHO", "serve `/ws/echo` for conformance suites",
                     "only conformance suites need it"},
                    config.enable_echo);
  registry
      .add({"--log-level", "NADOO_LOG_LEVEL", "what the log holds",
            "start, stop and every failure, without a line per message"},
           config.log_level)
      .one_of({"trace", "debug", "info", "warn", "error", "critical", "off"});
}

}  // namespace

void declare_serve_options(OptionRegistry& registry, ServerConfig& config, Visibility others) {
  registry.set_visibility(others);
  add_network_options(registry, config);
  add_storage_options(registry, config);
  add_cluster_options(registry, config);
  registry.set_visibility(Visibility::shown);
  // `token` uses these.
  add_jwt_options(registry, config);
  registry.set_visibility(others);
  add_access_options(registry, config);
  add_connection_limit_options(registry, config);
  add_chat_options(registry, config);
  add_notification_options(registry, config);
  add_workspace_options(registry, config);
  add_plugin_debug_options(registry, config);
  add_diagnostic_options(registry, config);
  registry.set_visibility(Visibility::shown);
}

}  // namespace nadoo::config
