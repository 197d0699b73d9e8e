#pragma once

#include <boost/json/object.hpp>
#include <cstdint>
#include <optional>
#include <string_view>

#include "hub/connection.hpp"
#include "store/plugin_execution_store.hpp"

namespace nadoo::protocol {

/// `{execution_id, plugin_id, tool_name, workspace_id, status, started_at,
/// ended_at, total_execution_time, event_count, dropped_events}`: what
/// `execution_info` and the REST API show of an execution.
boost::json::object execution_json(const store::PluginExecution& execution);

/// `{type, data, timestamp, sequence}`: one debug event, as REST shows it.
boost::json::object debug_event_json(const store::StoredDebugEvent& event);

/// `execution_info {data: execution_json}`: a console's first message.
hub::SharedText execution_info_message(const store::PluginExecution& execution);

/// One live event, `{type, data, timestamp, sequence}`, serialized once for
/// every console. `timestamp` is when the server received it.
hub::SharedText live_debug_event_message(const store::StoredDebugEvent& event);

/// `debug_data {data: [live event…], omitted_events}`: the stored history a
/// console gets after execution_info; `omitted_events` older events did not
/// fit the history's byte limit.
hub::SharedText debug_data_message(const store::RecentDebugEvents& history);

/// The `sequence` of a message made by live_debug_event_message; nullopt for
/// any other message.
std::optional<std::int64_t> debug_event_sequence(std::string_view message);

}  // namespace nadoo::protocol
