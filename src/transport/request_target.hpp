// transport/ owns the network: the listener, HTTP sessions, WebSocket
// sessions, and the routing of a request target to an endpoint.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace nadoo::transport {

/// An HTTP request target (`/ws/chat/abc?token=…`) split and percent-decoded.
struct RequestTarget {
  std::vector<std::string> path_segments;
  std::vector<std::pair<std::string, std::string>> query;

  std::optional<std::string> query_value(std::string_view name) const;
  /// `/`-joined decoded path, for HTTP routes and logs.
  std::string path() const;
};

/// nullopt for a target that is not a valid origin-form (`/path?query`).
std::optional<RequestTarget> parse_request_target(std::string_view target);

}  // namespace nadoo::transport
