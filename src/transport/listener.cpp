#include "transport/listener.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/strand.hpp>

#include "transport/http_session.hpp"

namespace nadoo::transport {

namespace net = boost::asio;
using tcp = net::ip::tcp;

Listener::Listener(net::io_context& io_context, const tcp::endpoint& endpoint, TransportContext& context)
    : io_context_(io_context),
      acceptor_(net::make_strand(io_context)),
      retry_timer_(acceptor_.get_executor()),
      context_(context) {
  acceptor_.open(endpoint.protocol());
  acceptor_.set_option(net::socket_base::reuse_address(true));
  acceptor_.bind(endpoint);
  acceptor_.set_option(tcp::no_delay(true));  // inherited by accepted sockets: see set_no_delay
  acceptor_.listen(net::socket_base::max_listen_connections);
}

void Listener::start() { accept_next(); }

void Listener::stop() {
  net::dispatch(acceptor_.get_executor(), [self = shared_from_this()] {
    boost::system::error_code ignored;
    self->acceptor_.close(ignored);
    self->retry_timer_.cancel();
  });
}

void Listener::accept_next() {
  acceptor_.async_accept(net::make_strand(io_context_),
                         [self = shared_from_this()](boost::system::error_code error, tcp::socket socket) {
                           self->on_accept(error, std::move(socket));
                         });
}

void Listener::on_accept(boost::system::error_code error, tcp::socket socket) {
  if (!acceptor_.is_open()) return;
  if (error) {
    // Typically EMFILE: wait for connections to close rather than spin.
    spdlog::warn("accept failed: {}", error.message());
    retry_timer_.expires_after(std::chrono::milliseconds(100));
    retry_timer_.async_wait([self = shared_from_this()](boost::system::error_code waited) {
      if (!waited) self->accept_next();
    });
    return;
  }
  set_no_delay(socket);
  start_http_session(std::move(socket), context_);
  accept_next();
}

void Listener::set_no_delay(tcp::socket& socket) {
  // Streamed deltas must not wait for Nagle.
  boost::system::error_code ignored;
  if (!accepted_sockets_inherit_no_delay_) {
    tcp::no_delay inherited;
    socket.get_option(inherited, ignored);
    accepted_sockets_inherit_no_delay_ = inherited.value();
  }
  if (!*accepted_sockets_inherit_no_delay_) socket.set_option(tcp::no_delay(true), ignored);
}

}  // namespace nadoo::transport
