#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace nadoo::store {

/// One run of a plugin tool, watched by debug consoles.
struct PluginExecution {
  std::string execution_id;
  std::string plugin_id;
  std::string tool_name;
  std::optional<std::string> workspace_id;
  std::string status = "running";  // pending, running, completed, failed
  std::string started_at;          // UTC, the contract's form; retention counts from it
  std::optional<std::string> ended_at;
  /// The SDK bundle's `total_execution_time`, in microseconds, once known.
  std::optional<std::int64_t> total_execution_time_us;
  std::int64_t event_count = 0;
  /// Events refused because the execution held its maximum already.
  std::int64_t dropped_events = 0;
};

/// A debug event to append: `data_json` is the record, already validated,
/// redacted and serialized; `timestamp` is when the server received it.
struct DebugEvent {
  std::string type;
  std::string data_json;
  std::string timestamp;
};

/// A stored debug event: `sequence` is 1, 2, 3 … within its execution.
struct StoredDebugEvent {
  std::int64_t sequence = 0;
  std::string type;
  std::string data_json;
  std::string timestamp;
};

/// What one append did: the events stored (with their sequences), how many
/// were dropped at the limit, and the execution's status afterwards.
struct AppendedEvents {
  std::vector<StoredDebugEvent> stored;
  std::int64_t dropped = 0;
  std::string status;
};

/// How many events an execution keeps: non-terminal events past
/// `max_events_per_execution` are dropped; a terminal event is stored while
/// the execution has not ended, whatever the count.
struct AppendLimits {
  std::int64_t max_events_per_execution = 0;
};

/// A page of an execution's events, oldest first.
struct DebugEventPage {
  std::vector<StoredDebugEvent> events;
  bool has_more = false;
};

/// The newest events that fit a byte budget, oldest first, as a console gets
/// them on connect.
struct RecentDebugEvents {
  std::vector<StoredDebugEvent> events;
  std::int64_t omitted_events = 0;  // older events left out for the budget
  std::int64_t last_sequence = 0;   // the newest stored sequence, sent or not
};

/// Durable storage of plugin executions and their debug events. Calls block and run on the
/// storage executor, like every Store call; each call is one transaction.
class PluginExecutionStore {
 public:
  virtual ~PluginExecutionStore() = default;

  /// False when an execution with that id exists already.
  virtual bool create_execution(const PluginExecution& execution) = 0;
  virtual std::optional<PluginExecution> find_execution(const std::string& execution_id) = 0;
  /// Appends `events` in order, all or none. A terminal event
  /// (`execution_complete` → completed, `execution_error` → failed) of a
  /// running execution ends it at `now`; an ended execution keeps its status.
  /// `total_execution_time_us`, when given, is recorded. Nullopt for an
  /// unknown execution.
  virtual std::optional<AppendedEvents> append_events(const std::string& execution_id,
                                                      const std::vector<DebugEvent>& events,
                                                      std::optional<std::int64_t> total_execution_time_us,
                                                      const std::string& now, const AppendLimits& limits) = 0;
  /// Events with a sequence above `after_sequence`, at most `limit`.
  virtual DebugEventPage events_after(const std::string& execution_id, std::int64_t after_sequence,
                                      std::size_t limit) = 0;
  /// The newest events that, as console messages, together stay within
  /// about `max_bytes` (each counted as its data plus a fixed envelope).
  virtual RecentDebugEvents recent_events(const std::string& execution_id, std::size_t max_bytes) = 0;
  /// Deletes the executions started before `cutoff` (same form as
  /// started_at), with their events; returns how many.
  virtual std::size_t purge_started_before(const std::string& cutoff) = 0;
};

}  // namespace nadoo::store
