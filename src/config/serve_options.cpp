#include "config/serve_options.hpp"

#include "store/postgres/pg_uri.hpp"

namespace nadoo::config {
namespace {

using Secrecy = OptionRegistry::Secrecy;
using Visibility = OptionRegistry::Visibility;

// Ranges shared by options of one kind: 0 is never meant (it would refuse
// every message, body or connection) and beyond 1 GiB is a typo.
const auto positive_bytes = CLI::Range(std::size_t{1}, std::size_t{1} << 30);
/// A buffer that must hold at least a few messages.
const auto buffer_bytes = CLI::Range(std::size_t{1024}, std::size_t{1} << 30);
const auto timeout_seconds = CLI::Range(1u, 3600u);
const auto retention_days = CLI::Range(0u, 36'500u);

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

void add_auth_options(OptionRegistry& registry, ServerConfig& config) {
  registry.add("--jwt-secret", config.jwt_secret, "JWT_SECRET",
               "HMAC secret of access tokens (HS256/384/512)", Secrecy::secret);
  registry
      .add("--jwt-algorithm", config.jwt_algorithm, "JWT_ALGORITHM",
           "HS256, HS384, HS512, RS256 or ES256; a token signed otherwise is refused")
      ->check(CLI::IsMember({"HS256", "HS384", "HS512", "RS256", "ES256"}));
  registry.add("--jwt-public-key-file", config.jwt_public_key_file, "JWT_PUBLIC_KEY_FILE",
               "PEM public key for RS256 / ES256");
  registry.add("--jwt-issuer", config.jwt_issuer, "JWT_ISSUER", "required `iss` claim, when set");
  registry.add("--jwt-audience", config.jwt_audience, "JWT_AUDIENCE", "required `aud` claim, when set");
  registry
      .add("--jwt-leeway-seconds", config.jwt_leeway_seconds, "JWT_LEEWAY_SECONDS",
           "clock skew tolerated on exp and nbf")
      ->check(CLI::Range(0u, 3600u));
}

void add_notification_options(OptionRegistry& registry, ServerConfig& config) {
  registry
      .add("--notification-title-max-bytes", config.notification_title_max_bytes,
           "NADOO_NOTIFICATION_TITLE_MAX_BYTES", "longest notification `title`")
      ->check(positive_bytes);
  registry
      .add("--notification-body-max-bytes", config.notification_body_max_bytes,
           "NADOO_NOTIFICATION_BODY_MAX_BYTES", "longest notification `body`")
      ->check(positive_bytes);
  registry
      .add("--notification-action-url-max-bytes", config.notification_action_url_max_bytes,
           "NADOO_NOTIFICATION_ACTION_URL_MAX_BYTES", "longest notification `action_url`")
      ->check(positive_bytes);
  registry
      .add("--notification-data-max-bytes", config.notification_data_max_bytes,
           "NADOO_NOTIFICATION_DATA_MAX_BYTES", "largest notification `data` object, as JSON text")
      ->check(positive_bytes);
  registry
      .add("--notification-bulk-max-users", config.notification_bulk_max_users,
           "NADOO_NOTIFICATION_BULK_MAX_USERS", "most `user_ids` in one bulk publish")
      ->check(CLI::Range(std::size_t{1}, std::size_t{100000}));
  registry
      .add("--notification-backlog-limit", config.notification_backlog_limit,
           "NADOO_NOTIFICATION_BACKLOG_LIMIT",
           "unread notifications sent on connect; the rest are listed with GET")
      ->check(CLI::Range(std::size_t{1}, std::size_t{100000}));
  registry
      .add("--notification-backlog-limit-bytes", config.notification_backlog_limit_bytes,
           "NADOO_NOTIFICATION_BACKLOG_LIMIT_BYTES",
           "serialized size of the backlog sent on connect (at most --outbound-queue-limit-bytes)")
      ->check(buffer_bytes);
  registry
      .add("--notification-retention-days", config.notification_retention_days,
           "NADOO_NOTIFICATION_RETENTION_DAYS",
           "read notifications are deleted this long after creation (0: never)")
      ->check(retention_days);
  registry
      .add("--notification-unread-retention-days", config.notification_unread_retention_days,
           "NADOO_NOTIFICATION_UNREAD_RETENTION_DAYS",
           "unread notifications are deleted this long after creation (0: never)")
      ->check(retention_days);
  registry
      .add("--notification-purge-interval-seconds", config.notification_purge_interval_seconds,
           "NADOO_NOTIFICATION_PURGE_INTERVAL_SECONDS", "how often expired notifications are deleted")
      ->check(CLI::Range(1u, 7u * 86400u));
}

void add_workspace_options(OptionRegistry& registry, ServerConfig& config) {
  registry
      .add("--workspace-rate-limit-events-per-second", config.workspace_rate_limit_events_per_second,
           "NADOO_WORKSPACE_RATE_LIMIT_EVENTS_PER_SECOND", "events a workspace connection may send a second")
      ->check(CLI::PositiveNumber);
  registry
      .add("--workspace-rate-limit-burst-events", config.workspace_rate_limit_burst_events,
           "NADOO_WORKSPACE_RATE_LIMIT_BURST_EVENTS", "events a workspace connection may send at once")
      ->check(CLI::Range(1u, 1000000u));
  registry
      .add("--membership-cache-entries", config.membership_cache_entries, "NADOO_MEMBERSHIP_CACHE_ENTRIES",
           "workspace membership answers kept for admissions (about 110 bytes each)")
      ->check(CLI::Range(std::size_t{1}, std::size_t{100'000'000}));
  registry
      .add("--workspace-rate-limit-refusals-before-close", config.workspace_rate_limit_refusals_before_close,
           "NADOO_WORKSPACE_RATE_LIMIT_REFUSALS_BEFORE_CLOSE",
           "events refused in a run before the connection is closed with 1008")
      ->check(CLI::Range(1u, 1000000u));
  registry
      .add("--workspace-event-max-bytes", config.workspace_event_max_bytes, "NADOO_WORKSPACE_EVENT_MAX_BYTES",
           "largest event body of POST /api/v1/workspaces/{id}/events")
      ->check(positive_bytes);
}

void add_plugin_debug_options(OptionRegistry& registry, ServerConfig& config) {
  registry
      .add("--plugin-execution-retention-seconds", config.plugin_execution_retention_seconds,
           "NADOO_PLUGIN_EXECUTION_RETENTION_SECONDS",
           "plugin executions and their events are deleted this long after start")
      ->check(CLI::Range(1u, 366u * 24 * 3600));
  registry
      .add("--plugin-execution-purge-interval-seconds", config.plugin_execution_purge_interval_seconds,
           "NADOO_PLUGIN_EXECUTION_PURGE_INTERVAL_SECONDS", "how often expired plugin executions are deleted")
      ->check(CLI::Range(1u, 86400u));
  registry
      .add("--plugin-debug-max-events-per-execution", config.plugin_debug_max_events_per_execution,
           "NADOO_PLUGIN_DEBUG_MAX_EVENTS_PER_EXECUTION",
           "debug events stored per execution; later ones are dropped")
      ->check(CLI::Range(std::int64_t{1}, std::int64_t{10'000'000}));
  registry
      .add("--plugin-debug-max-event-bytes", config.plugin_debug_max_event_bytes,
           "NADOO_PLUGIN_DEBUG_MAX_EVENT_BYTES", "largest debug record (serialized JSON)")
      ->check(CLI::Range(std::size_t{256}, std::size_t{16 * 1024 * 1024}));
  registry
      .add("--plugin-debug-max-bundle-records", config.plugin_debug_max_bundle_records,
           "NADOO_PLUGIN_DEBUG_MAX_BUNDLE_RECORDS", "records in one debug bundle")
      ->check(CLI::Range(std::size_t{1}, std::size_t{1'000'000}));
  registry
      .add("--plugin-debug-history-limit-bytes", config.plugin_debug_history_limit_bytes,
           "NADOO_PLUGIN_DEBUG_HISTORY_LIMIT_BYTES",
           "stored events a console gets on connect (newest first), in bytes; at most half "
           "--outbound-queue-limit-bytes")
      ->check(buffer_bytes);
}

}  // namespace

void declare_serve_options(OptionRegistry& registry, ServerConfig& config, Visibility others) {
  add_auth_options(registry, config);
  registry.set_visibility(others);
  registry.add("--host", config.host, "NADOO_HOST", "address to listen on");
  registry.add("--port", config.port, "NADOO_PORT", "TCP port (0: any free port, logged at start)");
  registry.add("--io-threads", config.io_threads, "NADOO_IO_THREADS", "network threads (0: one per core)")
      ->check(CLI::Range(0u, 1024u));
  registry.add("--data-dir", config.data_dir, "NADOO_DATA_DIR", "where the embedded storage keeps its files");
  registry
      .add_masked("--store", config.store, "NADOO_STORE",
                  "sqlite (in --data-dir), or postgresql://user[:password]@host:port/dbname for a database "
                  "that several nodes share",
                  [](std::string_view store) {
                    return store::postgres::is_postgres_uri(store)
                               ? store::postgres::with_masked_password(store)
                               : std::string(store);
                  })
      ->check(store_location);
  registry
      .add("--store-statement-timeout-ms", config.store_statement_timeout_ms,
           "NADOO_STORE_STATEMENT_TIMEOUT_MS", "longest PostgreSQL statement; a longer one fails the call")
      ->check(CLI::Range(100u, 600'000u));
  registry
      .add("--store-pool-size", config.store_pool_size, "NADOO_STORE_POOL_SIZE",
           "PostgreSQL connections, each on a storage thread of its own (SQLite: always one)")
      ->check(CLI::Range(1u, 64u));
  registry
      .add("--sqlite-checkpoint-pages", config.sqlite_checkpoint_pages, "NADOO_SQLITE_CHECKPOINT_PAGES",
           "write-ahead log pages after which the embedded storage checkpoints (on a thread of its own)")
      ->check(CLI::Range(1, 1'000'000));
  registry
      .add("--api-keys", config.api_keys, "NADOO_API_KEYS",
           "comma-separated X-API-Key values for server-to-server REST", Secrecy::secret)
      ->delimiter(',')
      ->transform(api_key_without_spaces);
  registry.add_flag("--chat-require-token", config.chat_require_token, "NADOO_CHAT_REQUIRE_TOKEN",
                    "refuse chat connections without a token (default: anonymous guests)");
  registry
      .add("--max-message-bytes", config.max_message_bytes, "NADOO_MAX_MESSAGE_BYTES",
           "largest inbound WebSocket message; larger closes with 1009")
      ->check(positive_bytes);
  registry
      .add("--outbound-queue-limit-bytes", config.outbound_queue_limit_bytes,
           "NADOO_OUTBOUND_QUEUE_LIMIT_BYTES", "unsent bytes per connection before it is closed with 1013")
      ->check(buffer_bytes);
  registry
      .add("--max-connections", config.max_connections, "NADOO_MAX_CONNECTIONS",
           "open WebSocket connections; more are closed with 1013")
      ->check(CLI::Range(std::size_t{1}, std::size_t{10'000'000}));
  registry
      .add("--max-http-body-bytes", config.max_http_body_bytes, "NADOO_MAX_HTTP_BODY_BYTES",
           "largest REST request body")
      ->check(positive_bytes);
  registry
      .add("--max-http-header-bytes", config.max_http_header_bytes, "NADOO_MAX_HTTP_HEADER_BYTES",
           "largest HTTP request head")
      ->check(CLI::Range(std::size_t{1024}, std::size_t{1024 * 1024}));
  registry
      .add("--idle-timeout-seconds", config.idle_timeout_seconds, "NADOO_IDLE_TIMEOUT_SECONDS",
           "silence after which a peer is dropped; pinged at half of it")
      ->check(CLI::Range(2u, 86400u));
  registry
      .add("--handshake-timeout-seconds", config.handshake_timeout_seconds, "NADOO_HANDSHAKE_TIMEOUT_SECONDS",
           "time allowed for the HTTP request, the upgrade and the close handshake")
      ->check(timeout_seconds);
  registry
      .add("--shutdown-grace-seconds", config.shutdown_grace_seconds, "NADOO_SHUTDOWN_GRACE_SECONDS",
           "on SIGTERM, time for close frames to reach peers before exit")
      ->check(CLI::Range(0u, 3600u));
  registry
      .add("--builtin-token-interval-ms", config.builtin_token_interval_ms, "NADOO_BUILTIN_TOKEN_INTERVAL_MS",
           "pause between two tokens of the offline builtin provider")
      ->check(CLI::Range(0u, 60'000u));
  registry
      .add("--chat-history-budget-characters", config.chat_history_budget_characters,
           "NADOO_CHAT_HISTORY_BUDGET_CHARACTERS",
           "earlier messages of a chat sent with each question, in characters")
      ->check(CLI::Range(std::size_t{0}, std::size_t{10'000'000}));
  registry
      .add("--chat-max-content-bytes", config.chat_max_content_bytes, "NADOO_CHAT_MAX_CONTENT_BYTES",
           "longest chat message content; longer is refused with invalid_message")
      ->check(CLI::Range(std::size_t{1}, std::size_t{16} * 1024 * 1024));
  registry
      .add("--chat-knowledge-chunks", config.chat_knowledge_chunks, "NADOO_CHAT_KNOWLEDGE_CHUNKS",
           "knowledge chunks retrieved per question")
      ->check(CLI::Range(std::size_t{0}, std::size_t{100}));
  registry.add("--openai-base-url", config.openai_base_url, "OPENAI_BASE_URL",
               "OpenAI-compatible endpoint for applications that name none");
  registry.add("--openai-api-key", config.openai_api_key, "OPENAI_API_KEY",
               "key for that endpoint (prefer the environment variable)", Secrecy::secret);
  registry.add("--openai-ca-file", config.openai_ca_file, "NADOO_OPENAI_CA_FILE",
               "extra trusted CA certificate (PEM) for model endpoints");
  registry
      .add("--openai-connect-timeout-seconds", config.openai_connect_timeout_seconds,
           "NADOO_OPENAI_CONNECT_TIMEOUT_SECONDS", "connect and TLS handshake with the model endpoint")
      ->check(timeout_seconds);
  registry
      .add("--openai-first-token-timeout-seconds", config.openai_first_token_timeout_seconds,
           "NADOO_OPENAI_FIRST_TOKEN_TIMEOUT_SECONDS", "request sent to first token")
      ->check(timeout_seconds);
  registry
      .add("--openai-idle-timeout-seconds", config.openai_idle_timeout_seconds,
           "NADOO_OPENAI_IDLE_TIMEOUT_SECONDS", "silence between two chunks of a stream")
      ->check(timeout_seconds);
  registry.add("--seed-file", config.seed_file, "NADOO_SEED_FILE",
               "JSON file of applications and documents to load at start (demo data)");
  registry.add_flag("--enable-echo", config.enable_echo, "NADOO_ENABLE_ECHO",
                    "serve the /ws/echo diagnostic route");
  registry.add("--log-level", config.log_level, "NADOO_LOG_LEVEL", "trace, debug, info, warn, error")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "critical", "off"}));
  add_notification_options(registry, config);
  add_workspace_options(registry, config);
  add_plugin_debug_options(registry, config);
  registry.set_visibility(Visibility::shown);
}

}  // namespace nadoo::config
