#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <memory>
#include <optional>

#include "transport/transport_context.hpp"

namespace nadoo::transport {

/// Accepts TCP connections and gives each one its own strand and HttpSession.
class Listener : public std::enable_shared_from_this<Listener> {
 public:
  /// Throws boost::system::system_error when the address cannot be bound.
  Listener(boost::asio::io_context& io_context, const boost::asio::ip::tcp::endpoint& endpoint,
           TransportContext& context);

  void start();
  /// Stops accepting; safe from any thread.
  void stop();
  boost::asio::ip::tcp::endpoint local_endpoint() const { return acceptor_.local_endpoint(); }

 private:
  void accept_next();
  void on_accept(boost::system::error_code error, boost::asio::ip::tcp::socket socket);
  /// Disables Nagle on an accepted socket, unless it came so from the listener.
  void set_no_delay(boost::asio::ip::tcp::socket& socket);

  boost::asio::io_context& io_context_;
  boost::asio::ip::tcp::acceptor acceptor_;
  /// Backs off after resource errors (out of file descriptors) instead of spinning.
  boost::asio::steady_timer retry_timer_;
  TransportContext& context_;
  /// Whether accepted sockets have the listener's TCP_NODELAY (Linux copies
  /// it), so that no setsockopt is needed per connection; read on the first.
  std::optional<bool> accepted_sockets_inherit_no_delay_;
};

}  // namespace nadoo::transport
