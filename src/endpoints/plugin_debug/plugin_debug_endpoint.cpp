#include "endpoints/plugin_debug/plugin_debug_endpoint.hpp"

#include "protocol/server_message.hpp"

namespace nadoo::endpoints {

using protocol::error_message;
using protocol::server_message;

void PluginDebugEndpoint::admit(const AdmissionRequest&, AdmissionDone done) { done(Admission::admit({})); }

void PluginDebugEndpoint::on_open(const hub::ConnectionPtr& connection) {
  const auto& execution_id = connection->resource_id();
  hub_.add(connection, {});
  hub_.join(connection, hub::execution_room(execution_id));
  // Executions are not stored yet: the console learns its id, and that
  // nothing more is known about it.
  connection->send(
      server_message("execution_info", {{"data", boost::json::object{{"execution_id", execution_id},
                                                                     {"plugin_id", nullptr},
                                                                     {"tool_name", nullptr},
                                                                     {"status", "pending"},
                                                                     {"started_at", nullptr}}}}));
}

void PluginDebugEndpoint::on_message(const hub::ConnectionPtr& connection, std::string_view message,
                                     hub::MessageKind kind) {
  static const hub::SharedText plain_pong = hub::make_shared_text("pong");
  if (kind == hub::MessageKind::text && message == "ping") return connection->send(plain_pong);
  JsonEndpoint::on_message(connection, message, kind);
}

void PluginDebugEndpoint::on_close(const hub::ConnectionPtr& connection) { hub_.remove(connection->id()); }

}  // namespace nadoo::endpoints
