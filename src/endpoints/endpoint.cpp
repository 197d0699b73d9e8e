#include "endpoints/endpoint.hpp"

#include "protocol/server_message.hpp"

namespace nadoo::endpoints {

std::string_view family_name(EndpointFamily family) {
  switch (family) {
    case EndpointFamily::chat:
      return "chat";
    case EndpointFamily::notifications:
      return "notifications";
    case EndpointFamily::workspaces:
      return "workspaces";
    case EndpointFamily::plugin_debug:
      return "plugin_debug";
    case EndpointFamily::echo:
      return "echo";
  }
  return "unknown";
}

hub::SharedText storage_failed_message() {
  return protocol::error_message("internal_error", "Storage failed; please reconnect");
}

void close_for_storage_failure(const hub::ConnectionPtr& connection) {
  connection->close_after(storage_failed_message(), hub::CloseCode::internal_error, "Storage unavailable");
}

}  // namespace nadoo::endpoints
