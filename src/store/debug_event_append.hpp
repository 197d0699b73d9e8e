// What appending debug events to an execution does, decided once for every
// store: which events are kept (and with which sequences), which are dropped
// at the limit, and whether the execution ends. The stores only persist it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "store/plugin_execution_store.hpp"

namespace nadoo::store {

/// What a console message adds around an event's data (type, timestamp,
/// sequence), counted against recent_events' byte budget.
inline constexpr std::size_t debug_event_envelope_bytes = 96;

/// An execution's counters, as an append finds them (read under the
/// execution's lock) and as it leaves them.
struct ExecutionProgress {
  std::int64_t last_sequence = 0;
  std::int64_t event_count = 0;
  std::string status;
};

struct AppendPlan {
  AppendedEvents appended;  // the events to store, with their sequences; the drops; the status after
  ExecutionProgress after;
  std::optional<std::string> ended_at;  // `now` when a terminal event ended the execution
};

/// Non-terminal events past `limits.max_events_per_execution` are dropped; a
/// terminal event (`execution_complete` → completed, `execution_error` →
/// failed) of a running execution is kept whatever the count and ends it at
/// `now`; an ended execution keeps its status.
AppendPlan plan_append(const ExecutionProgress& before, const std::vector<DebugEvent>& events,
                       const std::string& now, const AppendLimits& limits);

}  // namespace nadoo::store
