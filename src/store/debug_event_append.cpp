#include "store/debug_event_append.hpp"

namespace nadoo::store {
namespace {

/// The status a terminal event gives a running execution; nullopt for the
/// other event types.
std::optional<std::string> status_after(const std::string& event_type) {
  if (event_type == "execution_complete") return "completed";
  if (event_type == "execution_error") return "failed";
  return std::nullopt;
}

bool has_ended(const std::string& status) { return status == "completed" || status == "failed"; }

}  // namespace

AppendPlan plan_append(const ExecutionProgress& before, const std::vector<DebugEvent>& events,
                       const std::string& now, const AppendLimits& limits) {
  AppendPlan plan;
  plan.after = before;
  plan.appended.status = before.status;
  for (const auto& event : events) {
    const auto terminal_status = status_after(event.type);
    const bool ends_execution = terminal_status && !has_ended(plan.appended.status);
    if (plan.after.event_count >= limits.max_events_per_execution && !ends_execution) {
      ++plan.appended.dropped;
      continue;
    }
    if (ends_execution) {
      plan.appended.status = *terminal_status;
      plan.ended_at = now;
    }
    ++plan.after.event_count;
    plan.appended.stored.push_back(
        StoredDebugEvent{++plan.after.last_sequence, event.type, event.data_json, event.timestamp});
  }
  plan.after.status = plan.appended.status;
  return plan;
}

}  // namespace nadoo::store
