#pragma once

#include <string>
#include <variant>

#include "endpoints/endpoint.hpp"
#include "transport/request_target.hpp"

namespace nadoo::transport {

struct WebSocketRoute {
  endpoints::EndpointFamily family;
  std::string resource_id;  // empty for /ws/echo
};

enum class RouteRefusal {
  not_found,    // HTTP 404: no endpoint at this path
  bad_segment,  // HTTP 400: the id is too long or has characters outside [A-Za-z0-9._~:@+-]
};

/// Maps a WebSocket upgrade's path to its endpoint: the spec's paths, the
/// same under `/api/ws/…`, and the plugin SDK's `/ws/plugin-debug/{id}`.
std::variant<WebSocketRoute, RouteRefusal> route_websocket(const RequestTarget& target, bool echo_enabled);

}  // namespace nadoo::transport
