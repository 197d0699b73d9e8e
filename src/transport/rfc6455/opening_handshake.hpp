#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace nadoo::transport::rfc6455 {

/// Why an upgrade request cannot be answered with 101.
struct HandshakeRefusal {
  unsigned status;  // 400, or 426 for a version other than 13
  std::string_view message;
  /// A header field the refusal must carry: for 426, the version we speak
  /// (RFC 6455 §4.4); empty name for none.
  std::pair<std::string_view, std::string_view> header = {};
};

/// Checks the request's Sec-WebSocket-Version and Sec-WebSocket-Key headers
/// (the Upgrade and Connection headers are checked by the HTTP session).
std::optional<HandshakeRefusal> check_upgrade_headers(std::string_view version, std::string_view key);

/// The whole HTTP 101 response for a request whose key passed the check.
std::string switching_protocols_response(std::string_view key);

}  // namespace nadoo::transport::rfc6455
