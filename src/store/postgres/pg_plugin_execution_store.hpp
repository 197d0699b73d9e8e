#pragma once

#include "store/plugin_execution_store.hpp"
#include "store/postgres/pg_reconnecting_connection.hpp"

namespace nadoo::store::postgres {

/// PluginExecutionStore on the connection that PostgresStore owns.
class PostgresPluginExecutionStore final : public PluginExecutionStore {
 public:
  explicit PostgresPluginExecutionStore(ReconnectingConnection& connection) : connection_(connection) {}

  bool create_execution(const PluginExecution& execution) override;
  std::optional<PluginExecution> find_execution(const std::string& execution_id) override;
  std::optional<AppendedEvents> append_events(const std::string& execution_id,
                                              const std::vector<DebugEvent>& events,
                                              std::optional<std::int64_t> total_execution_time_us,
                                              const std::string& now, const AppendLimits& limits) override;
  DebugEventPage events_after(const std::string& execution_id, std::int64_t after_sequence,
                              std::size_t limit) override;
  RecentDebugEvents recent_events(const std::string& execution_id, std::size_t max_bytes) override;
  std::size_t purge_started_before(const std::string& cutoff) override;

 private:
  ReconnectingConnection& connection_;
};

}  // namespace nadoo::store::postgres
