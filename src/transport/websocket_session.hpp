#pragma once

#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <optional>
#include <string>

#include "transport/transport_context.hpp"
#include "transport/websocket_router.hpp"

namespace nadoo::transport {

using UpgradeRequest = boost::beast::http::request<boost::beast::http::string_body>;

/// Completes the WebSocket handshake on `stream`, asks the route's endpoint to
/// admit the connection, and serves it until it closes.
void start_websocket_session(boost::beast::tcp_stream stream, UpgradeRequest request, WebSocketRoute route,
                             std::optional<std::string> token, TransportContext& context);

}  // namespace nadoo::transport
