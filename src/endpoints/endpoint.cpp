#include "endpoints/endpoint.hpp"

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

}  // namespace nadoo::endpoints
