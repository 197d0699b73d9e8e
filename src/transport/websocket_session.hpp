#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <optional>
#include <string>

#include "transport/transport_context.hpp"
#include "transport/websocket_router.hpp"

namespace nadoo::transport {

using UpgradeRequest = boost::beast::http::request<boost::beast::http::string_body>;

/// Completes the WebSocket handshake on `socket`, asks the route's endpoint to
/// admit the connection, and serves it until it closes. The WebSocket stream
/// runs its own handshake and idle timeouts, so it takes the bare socket: a
/// beast::tcp_stream would keep three more timers per idle connection.
void start_websocket_session(boost::asio::ip::tcp::socket socket, UpgradeRequest request,
                             WebSocketRoute route, std::optional<std::string> token,
                             TransportContext& context);

}  // namespace nadoo::transport
