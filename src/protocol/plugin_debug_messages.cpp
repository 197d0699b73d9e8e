#include "protocol/plugin_debug_messages.hpp"

#include <fmt/format.h>

#include <boost/json/parse.hpp>
#include <charconv>

#include "protocol/json_or_null.hpp"
#include "protocol/server_message.hpp"

namespace nadoo::protocol {
namespace {

/// Written by hand around the stored `data_json`, which is already valid
/// serialized JSON: parsing it back only to serialize it again would double
/// the cost of every event. `type` and `timestamp` are the server's own
/// (one of seven names; its clock), so they need no escaping.
void append_event(std::string& out, const store::StoredDebugEvent& event) {
  fmt::format_to(std::back_inserter(out), R"({{"type":"{}","data":{},"timestamp":"{}","sequence":{}}})",
                 event.type, event.data_json, event.timestamp, event.sequence);
}

}  // namespace

boost::json::object execution_json(const store::PluginExecution& execution) {
  boost::json::object shown{
      {"execution_id", execution.execution_id},    {"plugin_id", execution.plugin_id},
      {"tool_name", execution.tool_name},          {"status", execution.status},
      {"started_at", execution.started_at},        {"event_count", execution.event_count},
      {"dropped_events", execution.dropped_events}};
  shown["workspace_id"] = json_or_null(execution.workspace_id);
  shown["ended_at"] = json_or_null(execution.ended_at);
  shown["total_execution_time"] = execution.total_execution_time_us
                                      ? boost::json::value(*execution.total_execution_time_us / 1e6)
                                      : nullptr;
  return shown;
}

boost::json::object debug_event_json(const store::StoredDebugEvent& event) {
  return {{"type", event.type},
          {"data", boost::json::parse(event.data_json)},
          {"timestamp", event.timestamp},
          {"sequence", event.sequence}};
}

hub::SharedText execution_info_message(const store::PluginExecution& execution) {
  return server_message("execution_info", {{"data", execution_json(execution)}});
}

hub::SharedText live_debug_event_message(const store::StoredDebugEvent& event) {
  std::string message;
  message.reserve(event.data_json.size() + 128);
  append_event(message, event);
  return hub::make_shared_text(std::move(message));
}

hub::SharedText debug_data_message(const store::RecentDebugEvents& history) {
  std::size_t bytes = 128;
  for (const auto& event : history.events) bytes += event.data_json.size() + 128;
  std::string message;
  message.reserve(bytes);
  message += R"({"type":"debug_data","data":[)";
  for (std::size_t index = 0; index < history.events.size(); ++index) {
    if (index > 0) message += ',';
    append_event(message, history.events[index]);
  }
  fmt::format_to(std::back_inserter(message), R"(],"omitted_events":{},"timestamp":"{}"}})",
                 history.omitted_events, utc_timestamp_now());
  return hub::make_shared_text(std::move(message));
}

std::optional<std::int64_t> debug_event_sequence(std::string_view message) {
  // append_event writes the sequence last: our own messages are read from
  // their end without parsing them (a console's feed reads every event).
  static constexpr std::string_view last_key = R"(,"sequence":)";
  if (const auto key = message.rfind(last_key); key != std::string_view::npos && message.ends_with('}')) {
    const auto* first = message.data() + key + last_key.size();
    const auto* last = message.data() + message.size() - 1;
    std::int64_t sequence = 0;
    const auto [end, failure] = std::from_chars(first, last, sequence);
    if (failure == std::errc() && end == last && first != last) return sequence;
  }
  boost::system::error_code error;
  const auto parsed = boost::json::parse(message, error);
  const auto* object = error ? nullptr : parsed.if_object();
  const auto* sequence = object ? object->if_contains("sequence") : nullptr;
  if (!sequence || !sequence->is_int64()) return std::nullopt;
  return sequence->get_int64();
}

}  // namespace nadoo::protocol
