#include "bench_connection.hpp"

#include <netinet/in.h>
#include <openssl/evp.h>

#include <array>
#include <boost/asio/detail/socket_option.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <deque>
#include <optional>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "transport/rfc6455/frame_header.hpp"

namespace nadoo::bench {
namespace {

namespace net = boost::asio;
namespace rfc6455 = transport::rfc6455;

/// Lets connect() rather than bind() choose the source port, per destination:
/// with bind() choosing, thousands of sockets on one source address make the
/// kernel's free-port search dominate the generator's time.
using bind_address_no_port = net::detail::socket_option::boolean<IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT>;

/// A receiver that falls behind takes everything waiting in one recv, as a
/// Node client does (64 KiB): the kernel's cost per recv is most of a
/// delivery's cost here. Grown when one frame is larger.
constexpr std::size_t socket_read_bytes = 16 * 1024;
/// The opening handshake's response never gets near this.
constexpr std::size_t max_handshake_response_bytes = 8 * 1024;

/// Handshake keys and frame masks need no secrecy from a load generator, so
/// one generator per I/O thread serves all its connections: an mt19937 is
/// about 5 KB, and seeding one per connection read std::random_device each time.
std::mt19937& thread_random() {
  thread_local std::mt19937 random(std::random_device{}());
  return random;
}

std::string random_key() {
  std::array<unsigned char, 16> nonce;
  for (auto& byte : nonce) byte = static_cast<unsigned char>(thread_random()());
  std::array<unsigned char, 25> encoded{};
  EVP_EncodeBlock(encoded.data(), nonce.data(), nonce.size());
  return reinterpret_cast<const char*>(encoded.data());
}

}  // namespace

/// The client side of RFC 6455, as small as a load generator can have it:
/// the server's frames are parsed straight out of one read buffer (many per
/// recv once the server coalesces), with no per-message work but the
/// observer's. Beast's client stream parsed each message in its own
/// operation, which made the generator, not the server, the bottleneck.
struct BenchConnection::Stream {
  explicit Stream(net::any_io_executor executor)
      : socket(executor), open_deadline(executor), close_reply(executor) {
    buffer.resize(socket_read_bytes);
  }

  net::ip::tcp::socket socket;
  net::steady_timer open_deadline;
  net::steady_timer close_reply;  // cancelled when the server's close frame arrives
  std::vector<char> buffer;
  std::size_t begin = 0, end = 0;  // bytes read and not yet parsed
  std::string fragments;           // a fragmented message being joined
  std::deque<std::string> outbox;  // frames waiting for the one write in flight
  bool writing = false;
  bool reading = false;
  bool close_received = false;
  bool close_sent = false;

  /// A masked client frame (RFC 6455 §5.3).
  std::string frame(rfc6455::Opcode opcode, std::string_view payload) {
    // The server's header with the mask bit set: the same bytes otherwise.
    auto header = rfc6455::server_frame_header(opcode, payload.size());
    header.bytes[1] |= 0x80;
    std::string bytes(reinterpret_cast<const char*>(header.bytes.data()), header.size);
    const auto key = thread_random()();
    const std::array<char, 4> mask{static_cast<char>(key), static_cast<char>(key >> 8),
                                   static_cast<char>(key >> 16), static_cast<char>(key >> 24)};
    bytes.append(mask.data(), mask.size());
    for (std::size_t i = 0; i < payload.size(); ++i) bytes += static_cast<char>(payload[i] ^ mask[i % 4]);
    return bytes;
  }

  /// Queues a frame; the first caller with nothing in flight writes the
  /// whole outbox, so a pong or close never interleaves with another write.
  net::awaitable<void> send(std::string bytes) {
    outbox.push_back(std::move(bytes));
    if (writing) co_return;
    writing = true;
    try {
      while (!outbox.empty()) {
        co_await net::async_write(socket, net::buffer(outbox.front()), net::use_awaitable);
        outbox.pop_front();
      }
    } catch (...) {
      writing = false;
      throw;
    }
    writing = false;
  }

  net::awaitable<void> fill() {
    if (begin > 0) {
      std::copy(buffer.begin() + static_cast<std::ptrdiff_t>(begin),
                buffer.begin() + static_cast<std::ptrdiff_t>(end), buffer.begin());
      end -= begin;
      begin = 0;
    }
    if (end == buffer.size()) buffer.resize(buffer.size() * 2);
    end += co_await socket.async_read_some(net::buffer(buffer.data() + end, buffer.size() - end),
                                           net::use_awaitable);
  }

  struct Frame {
    rfc6455::Opcode opcode;
    bool final_fragment;
    std::string_view payload;
  };

  /// The next whole frame in the buffer, if one is there.
  std::optional<Frame> take_frame() {
    const std::size_t available = end - begin;
    if (available < 2) return std::nullopt;
    const auto* head = reinterpret_cast<const unsigned char*>(buffer.data() + begin);
    if (head[1] & 0x80) throw std::runtime_error("the server masked a frame");
    const std::size_t length_field = head[1] & 0x7F;
    const std::size_t length_bytes = length_field == 126 ? 2 : length_field == 127 ? 8 : 0;
    if (available < 2 + length_bytes) return std::nullopt;
    std::uint64_t length = length_field;
    if (length_bytes) {
      length = 0;
      for (std::size_t i = 0; i < length_bytes; ++i) length = (length << 8) | head[2 + i];
    }
    if (available - 2 - length_bytes < length) {
      if (2 + length_bytes + length > buffer.size()) buffer.resize(2 + length_bytes + length);
      return std::nullopt;
    }
    const Frame frame{static_cast<rfc6455::Opcode>(head[0] & 0x0F),
                      static_cast<bool>(head[0] & 0x80),
                      {buffer.data() + begin + 2 + length_bytes, static_cast<std::size_t>(length)}};
    begin += 2 + length_bytes + length;
    return frame;
  }
};

BenchConnection::BenchConnection(net::any_io_executor executor)
    : stream_(std::make_unique<Stream>(std::move(executor))) {}

BenchConnection::~BenchConnection() = default;

net::any_io_executor BenchConnection::get_executor() { return stream_->socket.get_executor(); }

net::awaitable<void> BenchConnection::open(const net::ip::address& source,
                                           const net::ip::tcp::endpoint& server, std::string_view host_header,
                                           std::string_view path, std::chrono::seconds timeout) {
  auto& stream = *stream_;
  auto& socket = stream.socket;
  socket.open(server.protocol());
  socket.set_option(bind_address_no_port(true));
  socket.set_option(net::ip::tcp::no_delay(true));
  socket.bind(net::ip::tcp::endpoint(source, 0));
  // Connect and handshake within `timeout`: past it the socket is closed,
  // which ends the pending step with an error.
  stream.open_deadline.expires_after(timeout);
  stream.open_deadline.async_wait([&socket](boost::system::error_code error) {
    if (!error) socket.close();
  });
  co_await socket.async_connect(server, net::use_awaitable);

  std::string request = "GET ";
  request.append(path).append(" HTTP/1.1\r\nHost: ").append(host_header);
  request.append(
      "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: ");
  request.append(random_key()).append("\r\n\r\n");
  co_await net::async_write(socket, net::buffer(request), net::use_awaitable);

  std::size_t header_end;
  while ((header_end = std::string_view(stream.buffer.data(), stream.end).find("\r\n\r\n")) ==
         std::string_view::npos) {
    if (stream.end >= max_handshake_response_bytes) throw std::runtime_error("handshake response too long");
    co_await stream.fill();
  }
  const std::string_view status_line(stream.buffer.data(),
                                     std::string_view(stream.buffer.data(), header_end).find("\r\n"));
  if (!status_line.starts_with("HTTP/1.1 101"))
    throw std::runtime_error("handshake refused: " + std::string(status_line));
  stream.begin = header_end + 4;  // frames the server sent with its answer stay in the buffer
  stream.open_deadline.cancel();
}

net::awaitable<std::string_view> BenchConnection::read_message() {
  auto& stream = *stream_;
  stream.reading = true;
  struct ReadingEnds {
    Stream& stream;
    ~ReadingEnds() {
      stream.reading = false;
      // A close() waiting for the server's answer looks again.
      if (stream.close_sent) stream.close_reply.cancel();
    }
  } reading_ends{stream};
  for (;;) {
    const auto frame = stream.take_frame();
    if (!frame) {
      co_await stream.fill();
      continue;
    }
    switch (frame->opcode) {
      case rfc6455::Opcode::text:
      case rfc6455::Opcode::binary:
        if (frame->final_fragment) co_return frame->payload;
        stream.fragments.assign(frame->payload);
        break;
      case rfc6455::Opcode::continuation:
        stream.fragments.append(frame->payload);
        if (frame->final_fragment) co_return stream.fragments;
        break;
      case rfc6455::Opcode::ping:
        co_await stream.send(stream.frame(rfc6455::Opcode::pong, frame->payload));
        break;
      case rfc6455::Opcode::close:
        stream.close_received = true;
        stream.close_reply.cancel();
        if (!stream.close_sent) {
          stream.close_sent = true;
          co_await stream.send(stream.frame(rfc6455::Opcode::close, frame->payload.substr(0, 2)));
        }
        throw boost::system::system_error(net::error::eof, "the server closed the WebSocket");
      default:
        break;  // pongs
    }
  }
}

net::awaitable<void> BenchConnection::write_text(std::string_view text) {
  co_await stream_->send(stream_->frame(rfc6455::Opcode::text, text));
}

net::awaitable<void> BenchConnection::close() {
  auto& stream = *stream_;
  if (!stream.close_sent) {
    stream.close_sent = true;
    co_await stream.send(stream.frame(rfc6455::Opcode::close, std::string_view("\x03\xe8", 2)));  // 1000
  }
  // A read in flight sees the server's close frame; each time it ends (with
  // a message or the close frame) it wakes us to look.
  while (stream.reading && !stream.close_received) {
    stream.close_reply.expires_at(net::steady_timer::time_point::max());
    boost::system::error_code ignored;
    co_await stream.close_reply.async_wait(net::redirect_error(net::use_awaitable, ignored));
  }
  if (!stream.close_received) {
    try {
      for (;;) co_await read_message();
    } catch (const boost::system::system_error&) {
    }
  }
  if (!stream.close_received) throw std::runtime_error("the server did not answer the close frame");
  boost::system::error_code ignored;
  stream.socket.shutdown(net::ip::tcp::socket::shutdown_both, ignored);
  stream.socket.close(ignored);
}

}  // namespace nadoo::bench
