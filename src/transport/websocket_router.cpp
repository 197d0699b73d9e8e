#include "transport/websocket_router.hpp"

#include <algorithm>
#include <array>
#include <span>

#include "util/resource_id.hpp"

namespace nadoo::transport {
namespace {

using endpoints::EndpointFamily;

struct PathPattern {
  std::array<std::string_view, 5> prefix;  // fixed segments before the id, unused ones empty
  EndpointFamily family;
};

constexpr std::array patterns{
    PathPattern{{"ws", "chat"}, EndpointFamily::chat},
    PathPattern{{"ws", "notifications"}, EndpointFamily::notifications},
    PathPattern{{"ws", "workspaces"}, EndpointFamily::workspaces},
    PathPattern{{"ws", "plugin-debug"}, EndpointFamily::plugin_debug},
    PathPattern{{"api", "v1", "ws", "plugin", "debug"}, EndpointFamily::plugin_debug},
    // Behind the platform's documented proxy rule, /ws/… arrives as /api/ws/….
    PathPattern{{"api", "ws", "chat"}, EndpointFamily::chat},
    PathPattern{{"api", "ws", "notifications"}, EndpointFamily::notifications},
    PathPattern{{"api", "ws", "workspaces"}, EndpointFamily::workspaces},
    PathPattern{{"api", "ws", "plugin-debug"}, EndpointFamily::plugin_debug},
};

bool matches_prefix(const PathPattern& pattern, std::span<const std::string> segments) {
  const auto prefix_length = static_cast<std::size_t>(
      std::count_if(pattern.prefix.begin(), pattern.prefix.end(), [](auto s) { return !s.empty(); }));
  if (segments.size() != prefix_length + 1) return false;
  return std::equal(segments.begin(), segments.begin() + static_cast<std::ptrdiff_t>(prefix_length),
                    pattern.prefix.begin());
}

}  // namespace

std::variant<WebSocketRoute, RouteRefusal> route_websocket(const RequestTarget& target, bool echo_enabled) {
  const auto& segments = target.path_segments;
  if (echo_enabled && segments.size() == 2 && segments[0] == "ws" && segments[1] == "echo") {
    return WebSocketRoute{EndpointFamily::echo, {}};
  }
  for (const auto& pattern : patterns) {
    if (!matches_prefix(pattern, segments)) continue;
    if (!util::is_valid_resource_id(segments.back())) return RouteRefusal::bad_segment;
    return WebSocketRoute{pattern.family, segments.back()};
  }
  return RouteRefusal::not_found;
}

}  // namespace nadoo::transport
