#include "store/postgres/pg_plugin_execution_store.hpp"

#include "store/debug_event_append.hpp"
#include "store/postgres/pg_page_rows.hpp"

namespace nadoo::store::postgres {
namespace {

StoredDebugEvent read_event(const Rows& rows, int row) {
  return StoredDebugEvent{rows.integer(row, 0), rows.text(row, 1), rows.text(row, 2), rows.text(row, 3)};
}

}  // namespace

bool PostgresPluginExecutionStore::create_execution(const PluginExecution& execution) {
  return connection_.run([&](Connection& connection) {
    return connection
               .query(
                   "INSERT INTO plugin_executions (execution_id, plugin_id, tool_name, workspace_id, status, "
                   "started_at) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (execution_id) DO NOTHING",
                   {execution.execution_id, execution.plugin_id, execution.tool_name,
                    execution.workspace_id ? Connection::Parameter(*execution.workspace_id) : std::nullopt,
                    execution.status, execution.started_at})
               .affected() > 0;
  });
}

std::optional<PluginExecution> PostgresPluginExecutionStore::find_execution(const std::string& execution_id) {
  return connection_.run([&](Connection& connection) -> std::optional<PluginExecution> {
    const Rows rows = connection.query(
        "SELECT plugin_id, tool_name, workspace_id, status, started_at, ended_at, total_execution_time_us, "
        "event_count, dropped_events FROM plugin_executions WHERE execution_id = $1",
        {execution_id});
    if (rows.size() == 0) return std::nullopt;
    PluginExecution execution;
    execution.execution_id = execution_id;
    execution.plugin_id = rows.text(0, 0);
    execution.tool_name = rows.text(0, 1);
    execution.workspace_id = rows.optional_text(0, 2);
    execution.status = rows.text(0, 3);
    execution.started_at = rows.text(0, 4);
    execution.ended_at = rows.optional_text(0, 5);
    execution.total_execution_time_us = rows.optional_integer(0, 6);
    execution.event_count = rows.integer(0, 7);
    execution.dropped_events = rows.integer(0, 8);
    return execution;
  });
}

std::optional<AppendedEvents> PostgresPluginExecutionStore::append_events(
    const std::string& execution_id, const std::vector<DebugEvent>& events,
    std::optional<std::int64_t> total_execution_time_us, const std::string& now, const AppendLimits& limits) {
  return connection_.run([&](Connection& connection) -> std::optional<AppendedEvents> {
    Transaction transaction(connection);
    // The row's lock makes appends to one execution, from any node, one at a
    // time: each reads the counters the previous one committed.
    const Rows counters = connection.query(
        "SELECT last_sequence, event_count, status FROM plugin_executions WHERE execution_id = $1 FOR UPDATE",
        {execution_id});
    if (counters.size() == 0) {
      transaction.commit();  // nothing written; committed so that a group it is part of stands
      return std::nullopt;
    }
    auto plan =
        plan_append(ExecutionProgress{counters.integer(0, 0), counters.integer(0, 1), counters.text(0, 2)},
                    events, now, limits);
    if (!plan.appended.stored.empty()) {
      std::vector<std::string> sequences, types, data, timestamps;
      for (const auto& stored : plan.appended.stored) {
        sequences.push_back(std::to_string(stored.sequence));
        types.push_back(stored.type);
        data.push_back(stored.data_json);
        timestamps.push_back(stored.timestamp);
      }
      connection.query(
          "INSERT INTO plugin_debug_events (execution_id, sequence, type, data_json, timestamp) "
          "SELECT $1, sequence, type, data_json, timestamp "
          "FROM unnest($2::bigint[], $3::text[], $4::text[], $5::text[]) AS listed (sequence, type, "
          "data_json, "
          "timestamp)",
          {execution_id, text_array(sequences), text_array(types), text_array(data), text_array(timestamps)});
    }
    connection.query(
        "UPDATE plugin_executions SET last_sequence = $2, event_count = $3, "
        "dropped_events = dropped_events + $4, status = $5, ended_at = coalesce($6, ended_at), "
        "total_execution_time_us = coalesce($7, total_execution_time_us) WHERE execution_id = $1",
        {execution_id, std::to_string(plan.after.last_sequence), std::to_string(plan.after.event_count),
         std::to_string(plan.appended.dropped), plan.after.status,
         plan.ended_at ? Connection::Parameter(*plan.ended_at) : std::nullopt,
         total_execution_time_us ? std::optional<std::string>(std::to_string(*total_execution_time_us))
                                 : std::nullopt});
    transaction.commit();
    return std::move(plan.appended);
  });
}

DebugEventPage PostgresPluginExecutionStore::events_after(const std::string& execution_id,
                                                          std::int64_t after_sequence, std::size_t limit) {
  return connection_.run([&](Connection& connection) {
    const Rows rows = connection.query(
        "SELECT sequence, type, data_json, timestamp FROM plugin_debug_events "
        "WHERE execution_id = $1 AND sequence > $2 ORDER BY sequence LIMIT $3",
        {execution_id, std::to_string(after_sequence), page_limit_parameter(limit)});
    DebugEventPage page;
    page.has_more = read_page_rows(rows, limit, page.events, read_event);
    return page;
  });
}

RecentDebugEvents PostgresPluginExecutionStore::recent_events(const std::string& execution_id,
                                                              std::size_t max_bytes) {
  return connection_.run([&](Connection& connection) {
    // One statement, one snapshot: the counters and the newest events whose
    // running size, counted from the newest, stays within the budget (no gap
    // before the live events that follow). A row with NULL events when none fit.
    const Rows rows = connection.query(
        "SELECT e.sequence, e.type, e.data_json, e.timestamp, x.last_sequence, x.event_count "
        "FROM plugin_executions x LEFT JOIN LATERAL ("
        "SELECT sequence, type, data_json, timestamp, "
        "sum(octet_length(data_json) + $3) OVER (ORDER BY sequence DESC) AS running "
        "FROM plugin_debug_events WHERE execution_id = x.execution_id) e ON e.running <= $2 "
        "WHERE x.execution_id = $1 ORDER BY e.sequence",
        {execution_id, std::to_string(capped_page_limit(max_bytes)),
         std::to_string(debug_event_envelope_bytes)});
    RecentDebugEvents recent;
    if (rows.size() == 0) return recent;
    recent.last_sequence = rows.integer(0, 4);
    for (int row = 0; row < rows.size(); ++row) {
      if (rows.optional_integer(row, 0)) recent.events.push_back(read_event(rows, row));
    }
    recent.omitted_events = rows.integer(0, 5) - static_cast<std::int64_t>(recent.events.size());
    return recent;
  });
}

std::size_t PostgresPluginExecutionStore::purge_started_before(const std::string& cutoff) {
  return connection_.run([&](Connection& connection) {
    // The events go by cascade.
    return static_cast<std::size_t>(
        connection.query("DELETE FROM plugin_executions WHERE started_at < $1", {cutoff}).affected());
  });
}

}  // namespace nadoo::store::postgres
