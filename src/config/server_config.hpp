// config/ owns the server's options. This struct holds each one's default;
// serve_options.cpp declares each one's flag, variable, meaning, range and
// the reason for its default, once (the README's reference is printed from
// there); option_registry.cpp and command_line.cpp set them from the command
// line, the environment and a config file; limit_consistency.cpp keeps the
// limits that bound each other consistent.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace nadoo::config {

struct ServerConfig {
  // Network
  std::string host = "127.0.0.1";
  std::uint16_t port = 8000;
  unsigned io_threads = 0;
  std::string web_dir;

  // Storage
  std::string data_dir = "data";
  std::string store = "sqlite";
  unsigned store_statement_timeout_ms = 5000;
  unsigned store_pool_size = 4;
  int sqlite_checkpoint_pages = 1000;

  // Cluster
  std::string broker = "memory";
  /// Empty: drawn at start (broker::default_node_id).
  std::string node_id;
  unsigned node_ttl_seconds = 10;

  // Authentication (the platform's own variable names where it has them)
  std::string jwt_secret;
  std::string jwt_algorithm = "HS256";
  std::string jwt_public_key_file;
  std::string jwt_issuer;
  std::string jwt_audience;
  unsigned jwt_leeway_seconds = 30;
  bool chat_require_token = false;
  std::vector<std::string> api_keys;

  // Limits
  std::size_t max_message_bytes = 64 * 1024;
  std::size_t outbound_queue_limit_bytes = 1024 * 1024;
  std::size_t max_connections = 19000;
  std::size_t max_http_body_bytes = 1024 * 1024;
  std::size_t max_http_header_bytes = 16 * 1024;
  unsigned idle_timeout_seconds = 60;
  unsigned handshake_timeout_seconds = 10;
  unsigned shutdown_grace_seconds = 10;

  // Chat
  unsigned builtin_token_interval_ms = 20;
  std::size_t chat_history_budget_characters = 12000;
  std::size_t chat_max_content_bytes = 32 * 1024;
  std::size_t chat_knowledge_chunks = 4;
  std::string openai_base_url = "https://api.openai.com/v1";
  std::string openai_api_key;
  std::string openai_ca_file;
  unsigned openai_connect_timeout_seconds = 10;
  unsigned openai_first_token_timeout_seconds = 60;
  unsigned openai_idle_timeout_seconds = 30;
  std::string seed_file;

  // Notifications
  std::size_t notification_title_max_bytes = 256;
  std::size_t notification_body_max_bytes = 4096;
  std::size_t notification_action_url_max_bytes = 2048;
  std::size_t notification_data_max_bytes = 8192;
  std::size_t notification_bulk_max_users = 1000;
  std::size_t notification_backlog_limit = 100;
  std::size_t notification_backlog_limit_bytes = 512 * 1024;
  unsigned notification_retention_days = 30;
  unsigned notification_unread_retention_days = 90;
  unsigned notification_purge_interval_seconds = 3600;

  // Workspaces
  double workspace_rate_limit_events_per_second = 20;
  unsigned workspace_rate_limit_burst_events = 40;
  unsigned workspace_rate_limit_refusals_before_close = 50;
  std::size_t membership_cache_entries = 100'000;
  std::size_t workspace_event_max_bytes = 64 * 1024;

  // Plugin debug
  unsigned plugin_execution_retention_seconds = 24 * 3600;
  unsigned plugin_execution_purge_interval_seconds = 600;
  std::int64_t plugin_debug_max_events_per_execution = 10000;
  std::size_t plugin_debug_max_event_bytes = 32 * 1024;
  std::size_t plugin_debug_max_bundle_records = 5000;
  std::size_t plugin_debug_history_limit_bytes = 512 * 1024;

  // Diagnostics
  bool enable_echo = false;
  std::string log_level = "info";
};

}  // namespace nadoo::config
