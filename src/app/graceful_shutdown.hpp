#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <memory>

#include "transport/transport_context.hpp"

namespace nadoo::app {

/// Waits until every WebSocket session has finished its close handshake, or
/// the grace period is over, then stops the I/O threads.
class GracefulShutdown : public std::enable_shared_from_this<GracefulShutdown> {
 public:
  GracefulShutdown(boost::asio::io_context& io_context, const transport::TransportContext& context,
                   std::chrono::seconds grace);

  void wait_for_connections();

 private:
  boost::asio::io_context& io_context_;
  const transport::TransportContext& context_;
  boost::asio::steady_timer timer_;
  std::chrono::steady_clock::time_point deadline_;
};

}  // namespace nadoo::app
