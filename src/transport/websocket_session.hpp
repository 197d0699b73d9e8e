#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <optional>
#include <string>

#include "transport/transport_context.hpp"
#include "transport/websocket_router.hpp"

namespace nadoo::transport {

/// Serves an upgraded connection: writes `handshake_response` (the HTTP 101),
/// asks the route's endpoint to admit the connection, and then reads and
/// writes its frames (transport/rfc6455) until it closes; it reads nothing
/// before the endpoint's first message is queued (Endpoint::on_open), and
/// then first `pipelined_bytes`, what the client sent behind its upgrade
/// request. The socket must be on a strand of its own: every handler of the
/// session runs on it.
void start_websocket_session(boost::asio::ip::tcp::socket socket, std::string handshake_response,
                             WebSocketRoute route, std::optional<std::string> token,
                             std::string pipelined_bytes, TransportContext& context);

}  // namespace nadoo::transport
