// config/ owns the server's options: their defaults and reasons (here), their
// flags, variables and ranges (serve_options.cpp), how the command line, the
// environment and a config file set them (option_registry.cpp,
// command_line.cpp), and the limits that bound each other (limit_consistency.cpp).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace nadoo::config {

struct ServerConfig {
  // Network
  std::string host = "127.0.0.1";  // loopback unless an operator opens it up
  std::uint16_t port = 8000;       // the spec's examples use :8000
  unsigned io_threads = 0;         // 0: one per core
  std::string data_dir = "data";
  /// `sqlite` (the embedded store, in data_dir: nothing to set up) or a
  /// PostgreSQL URI, the database that several nodes share.
  std::string store = "sqlite";
  /// A storage call that takes longer fails (503) instead of holding every
  /// call queued behind it: 5 s is fifty times the largest call we make (a
  /// bulk publish to 1,000 users: 40 ms median, 97 ms at worst, measured
  /// with the whole HTTP round trip), and a hung one is noticed before a
  /// client's own timeout.
  unsigned store_statement_timeout_ms = 5000;
  /// Storage lanes on PostgreSQL: threads with a connection each, a call's
  /// lane chosen by its ordering key (a chat session, a plugin execution,
  /// the notification service). 4: enough that chats, plugin events and
  /// notifications no longer wait behind one another (bench/storage.sh with
  /// PostgreSQL on the other core: p99 to response_start for 200 chats at
  /// once 803 ms on one lane, 251 ms on four; spread over 1 s, 107 ms and
  /// 19 ms), while a dozen nodes stay well
  /// within PostgreSQL's default max_connections (100). More lanes help
  /// only with a database that has cores to spare for them. The embedded
  /// store always has one lane (SQLite has one writer).
  unsigned store_pool_size = 4;
  /// Write-ahead log pages after which the embedded store checkpoints, on a
  /// thread of its own: SQLite's own automatic checkpoint default (about
  /// 4 MiB of 4 KiB pages), which bounds the log and the time a checkpoint takes.
  int sqlite_checkpoint_pages = 1000;

  // Authentication (the platform's own variable names where it has them)
  std::string jwt_secret;
  std::string jwt_algorithm = "HS256";  // the platform's default
  std::string jwt_public_key_file;      // PEM, for RS256 / ES256
  std::string jwt_issuer;               // checked when set
  std::string jwt_audience;             // checked when set
  unsigned jwt_leeway_seconds = 30;     // ordinary clock drift between hosts
  bool chat_require_token = false;      // the spec lets guests chat
  std::vector<std::string> api_keys;    // X-API-Key values for server-to-server REST

  // Limits
  std::size_t max_message_bytes = 64 * 1024;  // the contract's default inbound limit
  /// Bytes queued for one connection before it is closed as a slow consumer:
  /// 1 MiB is thousands of chat deltas, far more than a healthy client lags.
  std::size_t outbound_queue_limit_bytes = 1024 * 1024;
  /// Open WebSocket connections; beyond it new ones are closed with 1013.
  /// 19,000 keeps one process under a 20,000 open-file limit.
  std::size_t max_connections = 19000;
  std::size_t max_http_body_bytes = 1024 * 1024;  // REST bodies: documents, event batches
  std::size_t max_http_header_bytes = 16 * 1024;  // a long JWT in a header fits
  /// Time a peer may stay silent; a ping is sent at half of it, so a live
  /// browser (which always answers pings) is never dropped.
  unsigned idle_timeout_seconds = 60;
  unsigned handshake_timeout_seconds = 10;  // HTTP request, upgrade, and close handshake
  unsigned shutdown_grace_seconds = 10;     // SIGTERM: time for close frames to reach peers

  // Chat
  /// Pace of the offline builtin provider: about a real model's speed.
  unsigned builtin_token_interval_ms = 20;
  /// Earlier messages sent with a question: ~3,000 tokens of recent turns.
  std::size_t chat_history_budget_characters = 12000;
  /// A question longer than this is refused (invalid_message): 32 KiB is a
  /// few pages, far more than anyone types, and bounds what one message asks
  /// of the model.
  std::size_t chat_max_content_bytes = 32 * 1024;
  /// Knowledge chunks retrieved per question: a few of ~800 characters.
  std::size_t chat_knowledge_chunks = 4;
  /// OpenAI-compatible endpoint and key for applications that name none.
  std::string openai_base_url = "https://api.openai.com/v1";
  std::string openai_api_key;
  std::string openai_ca_file;                        // extra trusted CA (PEM) for private endpoints
  unsigned openai_connect_timeout_seconds = 10;      // a reachable endpoint connects in well under one
  unsigned openai_first_token_timeout_seconds = 60;  // large prompts can take tens of seconds
  unsigned openai_idle_timeout_seconds = 30;         // silence between chunks that means a stalled stream
  /// JSON file of applications and documents loaded at start (demo data).
  std::string seed_file;

  // Notifications
  std::size_t notification_title_max_bytes = 256;        // a headline: two lines on a phone
  std::size_t notification_body_max_bytes = 4096;        // a paragraph or two, not a document
  std::size_t notification_action_url_max_bytes = 2048;  // the URL length every browser handles
  std::size_t notification_data_max_bytes = 8192;        // ids and flags for the client, as JSON text
  /// Users of one bulk call, stored in one transaction: 1,000 rows take milliseconds.
  std::size_t notification_bulk_max_users = 1000;
  /// Unread notifications sent on connect; more is a client that needs to
  /// page (GET), not a longer replay that delays the live ones.
  std::size_t notification_backlog_limit = 100;
  /// The backlog's serialized size; half the default outbound queue, so a
  /// backlog never closes its connection as a slow consumer (never more than
  /// the queue: config::reconcile_limits).
  std::size_t notification_backlog_limit_bytes = 512 * 1024;
  unsigned notification_retention_days = 30;            // read ones: a month to look back on
  unsigned notification_unread_retention_days = 90;     // unread ones: a quarter, for users away that long
  unsigned notification_purge_interval_seconds = 3600;  // hourly keeps each purge small

  // Workspaces
  /// Events a workspace connection may send: a person editing together with
  /// others produces a few a second; 20 leaves room for busy tools.
  double workspace_rate_limit_events_per_second = 20;
  unsigned workspace_rate_limit_burst_events = 40;  // a client catching up after a reconnect
  /// Refused events in a run (no pause long enough to refill the burst) before
  /// the connection is closed: a client that ignores 50 `rate_limit` errors is broken or abusive.
  unsigned workspace_rate_limit_refusals_before_close = 50;
  /// Membership answers kept for admissions (endpoints::MembershipCache),
  /// about 110 bytes each, so at most about 11 MB: every connection of a node
  /// near its connection limit is admitted from the cache, and a
  /// million-connection node still finds its busiest members there.
  std::size_t membership_cache_entries = 100'000;
  /// Largest event the platform may broadcast over REST: every member's queue
  /// holds a copy, so it is kept to what a client may send itself.
  std::size_t workspace_event_max_bytes = 64 * 1024;

  // Plugin debug
  /// Executions and their events are deleted this long after they started:
  /// a day covers a debugging session and keeps the database small.
  unsigned plugin_execution_retention_seconds = 24 * 3600;
  /// How often expired executions are purged: every 10 minutes keeps the
  /// overrun small without the purge showing on the storage thread.
  unsigned plugin_execution_purge_interval_seconds = 600;
  /// Events stored per execution; past it non-terminal events are dropped
  /// (counted). 10,000 is far more than a console can show usefully.
  std::int64_t plugin_debug_max_events_per_execution = 10000;
  /// One debug record, serialized: 32 KiB holds a long log line or traceback.
  std::size_t plugin_debug_max_event_bytes = 32 * 1024;
  /// Records in one SDK bundle; the HTTP body limit bounds its bytes too.
  std::size_t plugin_debug_max_bundle_records = 5000;
  /// The history a console gets on connect (newest events first to go in):
  /// half the outbound queue, so live events still fit behind it.
  std::size_t plugin_debug_history_limit_bytes = 512 * 1024;

  // Diagnostics
  bool enable_echo = false;  // /ws/echo, for WebSocket conformance suites
  std::string log_level = "info";
};

}  // namespace nadoo::config
