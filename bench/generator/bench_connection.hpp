#pragma once
// One WebSocket client connection of nadoo-bench.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <memory>
#include <string_view>

namespace nadoo::bench {

/// A client connection on one executor. Every coroutine must run on that
/// executor; at most one read is in flight at once (writes queue behind each
/// other). Failures throw.
class BenchConnection {
 public:
  explicit BenchConnection(boost::asio::any_io_executor executor);
  ~BenchConnection();
  BenchConnection(const BenchConnection&) = delete;
  BenchConnection& operator=(const BenchConnection&) = delete;

  boost::asio::any_io_executor get_executor();

  /// Binds to `source` (any port), connects to `server` and upgrades with
  /// `path`; each of the two steps gets `timeout`.
  boost::asio::awaitable<void> open(const boost::asio::ip::address& source,
                                    const boost::asio::ip::tcp::endpoint& server,
                                    std::string_view host_header, std::string_view path,
                                    std::chrono::seconds timeout);

  /// The next whole message. The view stays valid until the next read: the
  /// read buffer is reused, so a delivery costs no allocation once it is grown.
  boost::asio::awaitable<std::string_view> read_message();

  boost::asio::awaitable<void> write_text(std::string_view text);

  /// Sends close 1000 and waits for the server's close frame (a pending
  /// read_message then ends with an error).
  boost::asio::awaitable<void> close();

 private:
  struct Stream;
  std::unique_ptr<Stream> stream_;
};

}  // namespace nadoo::bench
