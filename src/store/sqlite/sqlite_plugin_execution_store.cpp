#include "store/sqlite/sqlite_plugin_execution_store.hpp"

#include "store/debug_event_append.hpp"
#include "store/sqlite/page_rows.hpp"

namespace nadoo::store::sqlite {
namespace {

StoredDebugEvent read_event(const Query& row) {
  return StoredDebugEvent{row.integer(0), row.text(1), row.text(2), row.text(3)};
}

}  // namespace

bool SqlitePluginExecutionStore::create_execution(const PluginExecution& execution) {
  Transaction transaction(connection_, Transaction::Kind::write);
  auto insert = connection_.query(
      "INSERT INTO plugin_executions (execution_id, plugin_id, tool_name, workspace_id, status, started_at) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (execution_id) DO NOTHING");
  insert.bind_text(1, execution.execution_id)
      .bind_text(2, execution.plugin_id)
      .bind_text(3, execution.tool_name)
      .bind_optional_text(4, execution.workspace_id)
      .bind_text(5, execution.status)
      .bind_text(6, execution.started_at);
  insert.execute();
  const bool created = connection_.changed_rows() > 0;
  transaction.commit();
  return created;
}

std::optional<PluginExecution> SqlitePluginExecutionStore::find_execution(const std::string& execution_id) {
  Transaction transaction(connection_, Transaction::Kind::read);
  auto row = connection_.query(
      "SELECT plugin_id, tool_name, workspace_id, status, started_at, ended_at, total_execution_time_us, "
      "event_count, dropped_events FROM plugin_executions WHERE execution_id = ?1");
  row.bind_text(1, execution_id);
  if (!row.next_row()) return std::nullopt;
  PluginExecution execution;
  execution.execution_id = execution_id;
  execution.plugin_id = row.text(0);
  execution.tool_name = row.text(1);
  execution.workspace_id = row.optional_text(2);
  execution.status = row.text(3);
  execution.started_at = row.text(4);
  execution.ended_at = row.optional_text(5);
  execution.total_execution_time_us = row.optional_integer(6);
  execution.event_count = row.integer(7);
  execution.dropped_events = row.integer(8);
  return execution;
}

std::optional<AppendedEvents> SqlitePluginExecutionStore::append_events(
    const std::string& execution_id, const std::vector<DebugEvent>& events,
    std::optional<std::int64_t> total_execution_time_us, const std::string& now, const AppendLimits& limits) {
  Transaction transaction(connection_, Transaction::Kind::write);
  ExecutionProgress before;
  {
    auto row = connection_.query(
        "SELECT last_sequence, event_count, status FROM plugin_executions WHERE execution_id = ?1");
    row.bind_text(1, execution_id);
    if (!row.next_row()) {
      transaction.commit();  // nothing written; committed so that a group it is part of stands
      return std::nullopt;
    }
    before = ExecutionProgress{row.integer(0), row.integer(1), row.text(2)};
  }
  auto plan = plan_append(before, events, now, limits);
  for (const auto& stored : plan.appended.stored) {
    connection_
        .query(
            "INSERT INTO plugin_debug_events (execution_id, sequence, type, data_json, timestamp) "
            "VALUES (?1, ?2, ?3, ?4, ?5)")
        .bind_text(1, execution_id)
        .bind_integer(2, stored.sequence)
        .bind_text(3, stored.type)
        .bind_text(4, stored.data_json)
        .bind_text(5, stored.timestamp)
        .execute();
  }
  auto update = connection_.query(
      "UPDATE plugin_executions SET last_sequence = ?2, event_count = ?3, dropped_events = dropped_events + "
      "?4, status = ?5, ended_at = coalesce(?6, ended_at), "
      "total_execution_time_us = coalesce(?7, total_execution_time_us) WHERE execution_id = ?1");
  update.bind_text(1, execution_id)
      .bind_integer(2, plan.after.last_sequence)
      .bind_integer(3, plan.after.event_count)
      .bind_integer(4, plan.appended.dropped)
      .bind_text(5, plan.after.status)
      .bind_optional_text(6, plan.ended_at);
  if (total_execution_time_us) update.bind_integer(7, *total_execution_time_us);
  update.execute();
  transaction.commit();
  return std::move(plan.appended);
}

DebugEventPage SqlitePluginExecutionStore::events_after(const std::string& execution_id,
                                                        std::int64_t after_sequence, std::size_t limit) {
  Transaction transaction(connection_, Transaction::Kind::read);
  auto rows = connection_.query(
      "SELECT sequence, type, data_json, timestamp FROM plugin_debug_events "
      "WHERE execution_id = ?1 AND sequence > ?2 ORDER BY sequence LIMIT ?3");
  rows.bind_text(1, execution_id).bind_integer(2, after_sequence);
  const auto page_limit = bind_page_limit(rows, 3, limit);
  DebugEventPage page;
  page.has_more = read_page_rows(rows, page_limit, page.events, read_event);
  return page;
}

RecentDebugEvents SqlitePluginExecutionStore::recent_events(const std::string& execution_id,
                                                            std::size_t max_bytes) {
  Transaction transaction(connection_, Transaction::Kind::read);
  RecentDebugEvents recent;
  {
    auto row =
        connection_.query("SELECT last_sequence, event_count FROM plugin_executions WHERE execution_id = ?1");
    row.bind_text(1, execution_id);
    if (!row.next_row()) return recent;
    recent.last_sequence = row.integer(0);
    recent.omitted_events = row.integer(1);
  }
  // What is sent has no gap before the live events that follow it.
  auto rows = connection_.query(
      "SELECT sequence, type, data_json, timestamp, length(CAST(data_json AS BLOB)) FROM plugin_debug_events "
      "WHERE execution_id = ?1 ORDER BY sequence DESC");
  rows.bind_text(1, execution_id);
  recent.events =
      read_newest_within(rows, /*length_column=*/4, debug_event_envelope_bytes, max_bytes, read_event);
  recent.omitted_events -= static_cast<std::int64_t>(recent.events.size());
  return recent;
}

std::size_t SqlitePluginExecutionStore::purge_started_before(const std::string& cutoff) {
  Transaction transaction(connection_, Transaction::Kind::write);
  // The events go by cascade.
  connection_.query("DELETE FROM plugin_executions WHERE started_at < ?1").bind_text(1, cutoff).execute();
  const auto purged = static_cast<std::size_t>(connection_.changed_rows());
  transaction.commit();
  return purged;
}

}  // namespace nadoo::store::sqlite
