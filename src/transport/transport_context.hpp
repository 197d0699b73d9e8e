#pragma once

#include <array>
#include <atomic>

#include "api/rest_router.hpp"
#include "config/server_config.hpp"
#include "endpoints/endpoint.hpp"
#include "hub/server_metrics.hpp"
#include "transport/keep_alive_sweep.hpp"

namespace nadoo::transport {

/// What every session needs from the server, shared by reference: sessions
/// keep one pointer to it rather than a copy of each part.
struct TransportContext {
  const config::ServerConfig& config;
  hub::ServerMetrics& metrics;
  const api::RestRouter& http_api;
  /// Pings silent peers and drops dead ones, for every WebSocket connection.
  KeepAliveSweep& keep_alive;
  /// Indexed by EndpointFamily; the echo slot may be null when echo is off.
  std::array<endpoints::Endpoint*, 5> endpoints{};
  /// Set at SIGTERM: connections admitted from now on are closed with 1001.
  std::atomic<bool> stopping{false};
  /// WebSocket sessions alive, from the upgrade request to the end, including
  /// those still in their handshake: shutdown waits for all of them.
  std::atomic<std::int64_t> live_websocket_sessions{0};

  endpoints::Endpoint& endpoint_for(endpoints::EndpointFamily family) const {
    return *endpoints[static_cast<std::size_t>(family)];
  }
};

}  // namespace nadoo::transport
