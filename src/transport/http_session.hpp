#pragma once

#include <boost/asio/ip/tcp.hpp>

#include "transport/transport_context.hpp"

namespace nadoo::transport {

/// Serves one TCP connection's HTTP/1.1 requests (keep-alive) until it asks
/// for a WebSocket upgrade, which is routed and handed to a WebSocket session.
void start_http_session(boost::asio::ip::tcp::socket socket, TransportContext& context);

}  // namespace nadoo::transport
