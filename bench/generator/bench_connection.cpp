#include "bench_connection.hpp"

#include <netinet/in.h>

#include <boost/asio/detail/socket_option.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/buffered_read_stream.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/websocket/stream.hpp>
#include <string>

// The WebSocket closing handshake ends by tearing down the stream beneath it;
// for a buffered stream that is the TCP stream it buffers (found by ADL).
namespace boost::beast {
template <class NextLayer, class DynamicBuffer, class TeardownHandler>
void async_teardown(role_type role, buffered_read_stream<NextLayer, DynamicBuffer>& stream,
                    TeardownHandler&& handler) {
  using websocket::async_teardown;
  async_teardown(role, stream.next_layer(), std::forward<TeardownHandler>(handler));
}
}  // namespace boost::beast

namespace nadoo::bench {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;

/// Lets connect() rather than bind() choose the source port, per destination:
/// with bind() choosing, thousands of sockets on one source address make the
/// kernel's free-port search dominate the generator's time.
using bind_address_no_port = net::detail::socket_option::boolean<IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT>;

/// Beast's WebSocket stream reads at most 1,536 bytes per recv (its
/// tcp_frame_size): a dozen small events. A receiver that falls behind should
/// take everything waiting in one recv instead, as a Node client does (64 KiB):
/// the kernel's cost per recv is most of a delivery's cost here.
constexpr std::size_t socket_read_bytes = 16 * 1024;

using BufferedTcp = beast::buffered_read_stream<beast::tcp_stream, beast::flat_buffer>;

}  // namespace

struct BenchConnection::Stream {
  explicit Stream(net::any_io_executor executor) : ws(std::move(executor)) {
    ws.next_layer().capacity(socket_read_bytes);
    // Reserved now: a recv asks for the buffer's free space, at least 512 bytes,
    // so an unreserved buffer would read 512 bytes at a time.
    ws.next_layer().buffer().reserve(socket_read_bytes);
  }
  websocket::stream<BufferedTcp> ws;
  beast::flat_buffer read_buffer;
};

BenchConnection::BenchConnection(net::any_io_executor executor)
    : stream_(std::make_unique<Stream>(std::move(executor))) {}

BenchConnection::~BenchConnection() = default;

net::any_io_executor BenchConnection::get_executor() { return stream_->ws.get_executor(); }

net::awaitable<void> BenchConnection::open(const net::ip::address& source,
                                           const net::ip::tcp::endpoint& server, std::string_view host_header,
                                           std::string_view path, std::chrono::seconds timeout) {
  auto& tcp = beast::get_lowest_layer(stream_->ws);
  auto& socket = tcp.socket();
  socket.open(server.protocol());
  socket.set_option(bind_address_no_port(true));
  socket.set_option(net::ip::tcp::no_delay(true));
  socket.bind(net::ip::tcp::endpoint(source, 0));
  tcp.expires_after(timeout);
  co_await tcp.async_connect(server, net::use_awaitable);
  // From here the WebSocket stream keeps its own time: handshake only, no
  // idle timeout (an idle connection is the point of the idle workload).
  tcp.expires_never();
  stream_->ws.set_option(websocket::stream_base::timeout{timeout, websocket::stream_base::none(), false});
  co_await stream_->ws.async_handshake(std::string(host_header), std::string(path), net::use_awaitable);
  stream_->ws.text(true);
}

net::awaitable<std::string_view> BenchConnection::read_message() {
  auto& buffer = stream_->read_buffer;
  buffer.consume(buffer.size());
  co_await stream_->ws.async_read(buffer, net::use_awaitable);
  const auto data = buffer.cdata();
  co_return std::string_view(static_cast<const char*>(data.data()), data.size());
}

net::awaitable<void> BenchConnection::write_text(std::string_view text) {
  co_await stream_->ws.async_write(net::buffer(text.data(), text.size()), net::use_awaitable);
}

net::awaitable<void> BenchConnection::close() {
  co_await stream_->ws.async_close(websocket::close_code::normal, net::use_awaitable);
}

}  // namespace nadoo::bench
