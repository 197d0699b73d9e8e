#include "app/graceful_shutdown.hpp"

#include <spdlog/spdlog.h>

namespace nadoo::app {
namespace {

/// How often shutdown checks whether every close handshake has finished.
constexpr auto poll_interval = std::chrono::milliseconds(20);

}  // namespace

GracefulShutdown::GracefulShutdown(boost::asio::io_context& io_context,
                                   const transport::TransportContext& context, std::chrono::seconds grace)
    : io_context_(io_context),
      context_(context),
      timer_(io_context),
      deadline_(std::chrono::steady_clock::now() + grace) {}

void GracefulShutdown::wait_for_connections() {
  const auto left = context_.live_websocket_sessions.load();
  if (left <= 0 || std::chrono::steady_clock::now() >= deadline_) {
    spdlog::info("shutdown: {} connections left; stopping", left);
    return io_context_.stop();
  }
  timer_.expires_after(poll_interval);
  timer_.async_wait([self = shared_from_this()](boost::system::error_code) { self->wait_for_connections(); });
}

}  // namespace nadoo::app
