#include "config/command_line.hpp"

#include <CLI/CLI.hpp>
#include <algorithm>

namespace nadoo::config {
namespace {

constexpr const char* version_text = "nadoo-realtime " NADOO_VERSION;

template <typename T>
CLI::Option* add(CLI::App& app, const std::string& flag, T& value, const std::string& env,
                 const std::string& help) {
  return app.add_option(flag, value, help)->envname(env)->capture_default_str();
}

void add_auth_options(CLI::App& app, ServerConfig& config) {
  add(app, "--jwt-secret", config.jwt_secret, "JWT_SECRET", "HMAC secret of access tokens (HS256/384/512)");
  add(app, "--jwt-algorithm", config.jwt_algorithm, "JWT_ALGORITHM",
      "HS256, HS384, HS512, RS256 or ES256; a token signed otherwise is refused")
      ->check(CLI::IsMember({"HS256", "HS384", "HS512", "RS256", "ES256"}));
  add(app, "--jwt-public-key-file", config.jwt_public_key_file, "JWT_PUBLIC_KEY_FILE",
      "PEM public key for RS256 / ES256");
  add(app, "--jwt-issuer", config.jwt_issuer, "JWT_ISSUER", "required `iss` claim, when set");
  add(app, "--jwt-audience", config.jwt_audience, "JWT_AUDIENCE", "required `aud` claim, when set");
  add(app, "--jwt-leeway-seconds", config.jwt_leeway_seconds, "JWT_LEEWAY_SECONDS",
      "clock skew tolerated on exp and nbf");
}

void add_notification_options(CLI::App& app, ServerConfig& config) {
  add(app, "--notification-title-max-bytes", config.notification_title_max_bytes,
      "NADOO_NOTIFICATION_TITLE_MAX_BYTES", "longest notification `title`");
  add(app, "--notification-body-max-bytes", config.notification_body_max_bytes,
      "NADOO_NOTIFICATION_BODY_MAX_BYTES", "longest notification `body`");
  add(app, "--notification-action-url-max-bytes", config.notification_action_url_max_bytes,
      "NADOO_NOTIFICATION_ACTION_URL_MAX_BYTES", "longest notification `action_url`");
  add(app, "--notification-data-max-bytes", config.notification_data_max_bytes,
      "NADOO_NOTIFICATION_DATA_MAX_BYTES", "largest notification `data` object, as JSON text");
  add(app, "--notification-bulk-max-users", config.notification_bulk_max_users,
      "NADOO_NOTIFICATION_BULK_MAX_USERS", "most `user_ids` in one bulk publish")
      ->check(CLI::Range(std::size_t{1}, std::size_t{100000}));
  add(app, "--notification-backlog-limit", config.notification_backlog_limit,
      "NADOO_NOTIFICATION_BACKLOG_LIMIT",
      "unread notifications sent on connect; the rest are listed with GET")
      ->check(CLI::Range(std::size_t{1}, std::size_t{100000}));
  add(app, "--notification-backlog-limit-bytes", config.notification_backlog_limit_bytes,
      "NADOO_NOTIFICATION_BACKLOG_LIMIT_BYTES", "serialized size of the backlog sent on connect");
  add(app, "--notification-retention-days", config.notification_retention_days,
      "NADOO_NOTIFICATION_RETENTION_DAYS",
      "read notifications are deleted this long after creation (0: never)");
  add(app, "--notification-unread-retention-days", config.notification_unread_retention_days,
      "NADOO_NOTIFICATION_UNREAD_RETENTION_DAYS",
      "unread notifications are deleted this long after creation (0: never)");
  add(app, "--notification-purge-interval-seconds", config.notification_purge_interval_seconds,
      "NADOO_NOTIFICATION_PURGE_INTERVAL_SECONDS", "how often expired notifications are deleted")
      ->check(CLI::Range(1u, 7u * 86400u));
}

void add_workspace_options(CLI::App& app, ServerConfig& config) {
  add(app, "--workspace-rate-limit-events-per-second", config.workspace_rate_limit_events_per_second,
      "NADOO_WORKSPACE_RATE_LIMIT_EVENTS_PER_SECOND", "events a workspace connection may send a second")
      ->check(CLI::PositiveNumber);
  add(app, "--workspace-rate-limit-burst-events", config.workspace_rate_limit_burst_events,
      "NADOO_WORKSPACE_RATE_LIMIT_BURST_EVENTS", "events a workspace connection may send at once")
      ->check(CLI::Range(1u, 1000000u));
  add(app, "--workspace-rate-limit-refusals-before-close", config.workspace_rate_limit_refusals_before_close,
      "NADOO_WORKSPACE_RATE_LIMIT_REFUSALS_BEFORE_CLOSE",
      "events refused in a run before the connection is closed with 1008")
      ->check(CLI::Range(1u, 1000000u));
  add(app, "--workspace-event-max-bytes", config.workspace_event_max_bytes, "NADOO_WORKSPACE_EVENT_MAX_BYTES",
      "largest event body of POST /api/v1/workspaces/{id}/events");
}

void add_plugin_debug_options(CLI::App& app, ServerConfig& config) {
  add(app, "--plugin-execution-retention-seconds", config.plugin_execution_retention_seconds,
      "NADOO_PLUGIN_EXECUTION_RETENTION_SECONDS",
      "plugin executions and their events are deleted this long after start")
      ->check(CLI::Range(1u, 366u * 24 * 3600));
  add(app, "--plugin-execution-purge-interval-seconds", config.plugin_execution_purge_interval_seconds,
      "NADOO_PLUGIN_EXECUTION_PURGE_INTERVAL_SECONDS", "how often expired plugin executions are deleted")
      ->check(CLI::Range(1u, 86400u));
  add(app, "--plugin-debug-max-events-per-execution", config.plugin_debug_max_events_per_execution,
      "NADOO_PLUGIN_DEBUG_MAX_EVENTS_PER_EXECUTION",
      "debug events stored per execution; later ones are dropped")
      ->check(CLI::Range(std::int64_t{1}, std::int64_t{10'000'000}));
  add(app, "--plugin-debug-max-event-bytes", config.plugin_debug_max_event_bytes,
      "NADOO_PLUGIN_DEBUG_MAX_EVENT_BYTES", "largest debug record (serialized JSON)")
      ->check(CLI::Range(std::size_t{256}, std::size_t{16 * 1024 * 1024}));
  add(app, "--plugin-debug-max-bundle-records", config.plugin_debug_max_bundle_records,
      "NADOO_PLUGIN_DEBUG_MAX_BUNDLE_RECORDS", "records in one debug bundle")
      ->check(CLI::Range(std::size_t{1}, std::size_t{1'000'000}));
  add(app, "--plugin-debug-history-limit-bytes", config.plugin_debug_history_limit_bytes,
      "NADOO_PLUGIN_DEBUG_HISTORY_LIMIT_BYTES",
      "stored events a console gets on connect (newest first), in bytes")
      ->check(CLI::Range(std::size_t{1024}, std::size_t{1024 * 1024 * 1024}));
}

void add_serve_options(CLI::App& app, ServerConfig& config) {
  add(app, "--host", config.host, "NADOO_HOST", "address to listen on");
  add(app, "--port", config.port, "NADOO_PORT", "TCP port (0: any free port, logged at start)");
  add(app, "--io-threads", config.io_threads, "NADOO_IO_THREADS", "network threads (0: one per core)");
  add(app, "--data-dir", config.data_dir, "NADOO_DATA_DIR", "where the embedded storage keeps its files");
  add(app, "--api-keys", config.api_keys, "NADOO_API_KEYS",
      "comma-separated X-API-Key values for server-to-server REST")
      ->delimiter(',');
  app.add_flag("--chat-require-token", config.chat_require_token,
               "refuse chat connections without a token (default: anonymous guests)")
      ->envname("NADOO_CHAT_REQUIRE_TOKEN");
  add(app, "--max-message-bytes", config.max_message_bytes, "NADOO_MAX_MESSAGE_BYTES",
      "largest inbound WebSocket message; larger closes with 1009");
  add(app, "--outbound-queue-limit-bytes", config.outbound_queue_limit_bytes,
      "NADOO_OUTBOUND_QUEUE_LIMIT_BYTES", "unsent bytes per connection before it is closed with 1013");
  add(app, "--max-connections", config.max_connections, "NADOO_MAX_CONNECTIONS",
      "open WebSocket connections; more are closed with 1013");
  add(app, "--max-http-body-bytes", config.max_http_body_bytes, "NADOO_MAX_HTTP_BODY_BYTES",
      "largest REST request body");
  add(app, "--max-http-header-bytes", config.max_http_header_bytes, "NADOO_MAX_HTTP_HEADER_BYTES",
      "largest HTTP request head");
  add(app, "--idle-timeout-seconds", config.idle_timeout_seconds, "NADOO_IDLE_TIMEOUT_SECONDS",
      "silence after which a peer is dropped; pinged at half of it")
      ->check(CLI::Range(2u, 86400u));
  add(app, "--handshake-timeout-seconds", config.handshake_timeout_seconds, "NADOO_HANDSHAKE_TIMEOUT_SECONDS",
      "time allowed for the HTTP request, the upgrade and the close handshake")
      ->check(CLI::Range(1u, 3600u));
  add(app, "--shutdown-grace-seconds", config.shutdown_grace_seconds, "NADOO_SHUTDOWN_GRACE_SECONDS",
      "on SIGTERM, time for close frames to reach peers before exit");
  add(app, "--builtin-token-interval-ms", config.builtin_token_interval_ms, "NADOO_BUILTIN_TOKEN_INTERVAL_MS",
      "pause between two tokens of the offline builtin provider");
  add(app, "--chat-history-budget-characters", config.chat_history_budget_characters,
      "NADOO_CHAT_HISTORY_BUDGET_CHARACTERS",
      "earlier messages of a chat sent with each question, in characters");
  add(app, "--chat-knowledge-chunks", config.chat_knowledge_chunks, "NADOO_CHAT_KNOWLEDGE_CHUNKS",
      "knowledge chunks retrieved per question");
  add(app, "--openai-base-url", config.openai_base_url, "OPENAI_BASE_URL",
      "OpenAI-compatible endpoint for applications that name none");
  add(app, "--openai-api-key", config.openai_api_key, "OPENAI_API_KEY",
      "key for that endpoint (prefer the environment variable)");
  add(app, "--openai-ca-file", config.openai_ca_file, "NADOO_OPENAI_CA_FILE",
      "extra trusted CA certificate (PEM) for model endpoints");
  add(app, "--openai-connect-timeout-seconds", config.openai_connect_timeout_seconds,
      "NADOO_OPENAI_CONNECT_TIMEOUT_SECONDS", "connect and TLS handshake with the model endpoint");
  add(app, "--openai-first-token-timeout-seconds", config.openai_first_token_timeout_seconds,
      "NADOO_OPENAI_FIRST_TOKEN_TIMEOUT_SECONDS", "request sent to first token");
  add(app, "--openai-idle-timeout-seconds", config.openai_idle_timeout_seconds,
      "NADOO_OPENAI_IDLE_TIMEOUT_SECONDS", "silence between two chunks of a stream");
  add(app, "--seed-file", config.seed_file, "NADOO_SEED_FILE",
      "JSON file of applications and documents to load at start (demo data)");
  app.add_flag("--enable-echo", config.enable_echo, "serve the /ws/echo diagnostic route")
      ->envname("NADOO_ENABLE_ECHO");
  add(app, "--log-level", config.log_level, "NADOO_LOG_LEVEL", "trace, debug, info, warn, error")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "critical", "off"}));
  add_auth_options(app, config);
  add_notification_options(app, config);
  add_workspace_options(app, config);
  add_plugin_debug_options(app, config);
}

/// Fills the options that neither the command line nor the environment set
/// from a TOML/INI file of `name = value` lines (names as the flags, without
/// `--`; `_` and `-` alike).
void apply_config_file(CLI::App& app, const std::string& path) {
  for (const auto& item : CLI::ConfigTOML().from_file(path)) {
    std::string name = item.name;
    std::replace(name.begin(), name.end(), '_', '-');
    auto* option = app.get_option_no_throw("--" + name);
    if (!option || name == "config")
      throw CLI::ConversionError("unknown option `" + item.name + "` in " + path);
    if (option->count() > 0) continue;
    option->add_result(item.inputs);
    option->run_callback();
  }
}

}  // namespace

Command parse_command_line(int argc, const char* const* argv) {
  CLI::App app{"Nadoo Realtime: the Nadoo AI WebSocket server", "nadoo-realtime"};
  app.set_version_flag("--version", version_text);
  app.require_subcommand(1);

  ServeCommand serve;
  auto* serve_app = app.add_subcommand("serve", "run the server");
  std::string serve_config_file;
  serve_app
      ->add_option("--config", serve_config_file,
                   "TOML/INI file of options: `name = value`, names as the flags")
      ->envname("NADOO_CONFIG")
      ->check(CLI::ExistingFile);
  add_serve_options(*serve_app, serve.config);

  TokenCommand token;
  auto* token_app =
      app.add_subcommand("token", "print a development access token signed with the JWT secret");
  std::string token_config_file;
  token_app->add_option("--config", token_config_file, "TOML/INI file of options")
      ->envname("NADOO_CONFIG")
      ->check(CLI::ExistingFile);
  add_auth_options(*token_app, token.config);
  token_app->add_option("--sub", token.request.subject, "user id (`sub` claim)")->required();
  std::int64_t ttl_seconds = 3600;
  token_app->add_option("--ttl", ttl_seconds, "lifetime in seconds")
      ->capture_default_str()
      ->check(CLI::Range(std::int64_t{1}, std::int64_t{366} * 24 * 3600));

  try {
    app.parse(argc, argv);
    if (!serve_config_file.empty()) apply_config_file(*serve_app, serve_config_file);
    if (!token_config_file.empty()) apply_config_file(*token_app, token_config_file);
  } catch (const CLI::ParseError& error) {
    std::ostringstream out, err;
    const int exit_code = app.exit(error, out, err);
    return ExitCommand{exit_code, out.str() + err.str()};
  }

  if (token_app->parsed()) {
    token.request.time_to_live = std::chrono::seconds(ttl_seconds);
    token.request.issuer = token.config.jwt_issuer;
    token.request.audience = token.config.jwt_audience;
    return token;
  }
  return serve;
}

}  // namespace nadoo::config
