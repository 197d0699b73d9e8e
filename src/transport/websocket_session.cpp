#include "transport/websocket_session.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/websocket/stream.hpp>
#include <memory>

#include "transport/outbound_queue.hpp"

namespace nadoo::transport {
namespace {

namespace beast = boost::beast;
namespace websocket = beast::websocket;
namespace net = boost::asio;
using hub::CloseCode;

/// Every message's first bytes are read into a buffer of this size inside the
/// session, so an idle connection keeps no read buffer on the heap (Beast's
/// async_read kept a 1.5 KiB one prepared per connection). Short messages
/// (pings, presence, small events) need no allocation at all; a longer one
/// costs one allocation while it is read.
constexpr std::size_t first_read_bytes = 128;
/// The rest of a longer message is read in steps of at least this size,
/// doubling with the message, so a large message takes few reads.
constexpr std::size_t min_rest_read_bytes = 1024;

std::atomic<hub::ConnectionId> next_connection_id{1};

class WebSocketSession final : public hub::Connection, public std::enable_shared_from_this<WebSocketSession> {
 public:
  WebSocketSession(net::ip::tcp::socket socket, WebSocketRoute route, TransportContext& context)
      : ws_(std::move(socket)),
        id_(next_connection_id.fetch_add(1, std::memory_order_relaxed)),
        route_(std::move(route)),
        endpoint_(context.endpoint_for(route_.family)),
        context_(context),
        outbound_(context.metrics) {
    context_.live_websocket_sessions.fetch_add(1);
  }

  ~WebSocketSession() override {
    context_.live_websocket_sessions.fetch_sub(1);
    if (!accepted_) return;
    context_.metrics.connections_open.fetch_sub(1, std::memory_order_relaxed);
    spdlog::info("disconnect id={} user={} path={}/{} code={}", id_, user_id_,
                 endpoints::family_name(route_.family), route_.resource_id, close_code_);
  }

  void start(UpgradeRequest request, std::optional<std::string> token) {
    const auto& config = context_.config;
    ws_.set_option(websocket::stream_base::timeout{std::chrono::seconds(config.handshake_timeout_seconds),
                                                   std::chrono::seconds(config.idle_timeout_seconds),
                                                   /*keep_alive_pings=*/true});
    ws_.set_option(websocket::stream_base::decorator([](websocket::response_type& response) {
      response.set(beast::http::field::server, "nadoo-realtime");
    }));
    ws_.read_message_max(config.max_message_bytes);
    // Runs inside our own reads, which hold a reference to the session.
    ws_.control_callback([this](websocket::frame_type kind, beast::string_view) {
      if (kind == websocket::frame_type::close) on_peer_closing();
    });
    ws_.async_accept(request,
                     [self = shared_from_this(), token = std::move(token)](beast::error_code error) mutable {
                       self->on_accept(error, std::move(token));
                     });
  }

  // hub::Connection
  hub::ConnectionId id() const override { return id_; }
  const std::string& user_id() const override { return user_id_; }
  const std::string& resource_id() const override { return route_.resource_id; }
  hub::EndpointState* endpoint_state() const override { return endpoint_state_.get(); }
  void set_endpoint_state(std::unique_ptr<hub::EndpointState> state) override {
    endpoint_state_ = std::move(state);
  }

  void send(hub::SharedText message, hub::MessageKind kind) override {
    net::dispatch(ws_.get_executor(), [self = shared_from_this(), message = std::move(message),
                                       kind]() mutable { self->enqueue(std::move(message), kind); });
  }

  void close(CloseCode code, std::string_view reason) override {
    net::dispatch(ws_.get_executor(), [self = shared_from_this(), code, reason = std::string(reason)] {
      self->start_close(code, reason, /*discard_queued=*/false);
    });
  }

 private:
  enum class State { handshake, admitting, open, closing };

  void on_accept(beast::error_code error, std::optional<std::string> token) {
    if (error) {
      spdlog::debug("websocket handshake failed: {}", error.message());
      return;
    }
    accepted_ = true;
    state_ = State::admitting;
    auto& metrics = context_.metrics;
    metrics.connections_accepted_total.fetch_add(1, std::memory_order_relaxed);
    const auto open = metrics.connections_open.fetch_add(1, std::memory_order_relaxed) + 1;
    if (context_.stopping.load()) return start_close(CloseCode::going_away, "Server shutdown", true);
    if (static_cast<std::size_t>(open) > context_.config.max_connections) {
      metrics.connection_limit_closes_total.fetch_add(1, std::memory_order_relaxed);
      return start_close(CloseCode::try_again_later, "Server at connection limit", true);
    }
    endpoint_.admit(
        {route_.resource_id, std::move(token)}, [self = shared_from_this()](endpoints::Admission admission) {
          net::dispatch(self->ws_.get_executor(), [self, admission = std::move(admission)]() mutable {
            self->on_admission(std::move(admission));
          });
        });
  }

  void on_admission(endpoints::Admission admission) {
    if (state_ != State::admitting) return;
    if (admission.refusal_reason) {
      if (admission.authentication_failed) {
        context_.metrics.auth_failures_total.fetch_add(1, std::memory_order_relaxed);
      }
      if (admission.refusal_message) enqueue(admission.refusal_message, hub::MessageKind::text);
      return start_close(admission.refusal_code, *admission.refusal_reason, false);
    }
    if (context_.stopping.load()) return start_close(CloseCode::going_away, "Server shutdown", true);
    user_id_ = std::move(admission.user_id);
    state_ = State::open;
    spdlog::info("connect id={} user={} path={}/{}", id_, user_id_, endpoints::family_name(route_.family),
                 route_.resource_id);
    endpoint_.on_open(shared_from_this());
    // Shutdown sets `stopping` before it lists the hub's connections; one that
    // registered after that list sees the flag here and closes itself.
    if (context_.stopping.load()) start_close(CloseCode::going_away, "Server shutdown", false);
    read_next();
  }

  /// Waits for the next message with only the session's own small buffer;
  /// Beast still applies read_message_max to the whole message, over any
  /// number of frames.
  void read_next() {
    ws_.async_read_some(net::buffer(first_read_),
                        beast::bind_front_handler(&WebSocketSession::on_first_read, shared_from_this()));
  }

  void on_first_read(beast::error_code error, std::size_t bytes) {
    if (error) return on_read_ended(error);
    if (ws_.is_message_done()) return on_message({first_read_.data(), bytes});
    long_message_.assign(first_read_.data(), bytes);
    read_rest();
  }

  /// A message longer than first_read_ goes into long_message_, which is
  /// released once the message has been handled.
  void read_rest() {
    const auto have = long_message_.size();
    const auto step = std::max(min_rest_read_bytes, have);
    long_message_.resize(have + step);
    ws_.async_read_some(net::buffer(long_message_.data() + have, step),
                        [self = shared_from_this(), have](beast::error_code error, std::size_t bytes) {
                          self->on_rest_read(error, have + bytes);
                        });
  }

  void on_rest_read(beast::error_code error, std::size_t message_bytes) {
    if (error) return on_read_ended(error);
    long_message_.resize(message_bytes);
    if (!ws_.is_message_done()) return read_rest();
    const std::string message = std::exchange(long_message_, {});
    on_message(message);
  }

  void on_message(std::string_view message) {
    auto& metrics = context_.metrics;
    metrics.messages_received_total.fetch_add(1, std::memory_order_relaxed);
    metrics.bytes_received_total.fetch_add(message.size(), std::memory_order_relaxed);
    if (state_ == State::open) {
      endpoint_.on_message(shared_from_this(), message,
                           ws_.got_text() ? hub::MessageKind::text : hub::MessageKind::binary);
    }
    read_next();
  }

  void on_read_ended(beast::error_code error) {
    if (error == websocket::error::message_too_big) {
      // Beast has already sent the close frame with 1009.
      context_.metrics.oversized_message_closes_total.fetch_add(1, std::memory_order_relaxed);
      close_code_ = static_cast<unsigned>(CloseCode::message_too_big);
    } else if (error != websocket::error::closed && close_code_ == 0) {
      close_code_ = 1006;  // lost without a close frame
    }
    leave_endpoint();
    state_ = State::closing;
    outbound_.discard_unsent(writing_);
  }

  void on_peer_closing() {
    if (close_code_ == 0) close_code_ = ws_.reason().code;
    leave_endpoint();
    state_ = State::closing;
  }

  /// Tells the endpoint, once, as soon as the connection stops being usable,
  /// so that stats and rooms never count a connection that is closing.
  void leave_endpoint() {
    if (state_ != State::open) return;
    state_ = State::closing;
    endpoint_.on_close(shared_from_this());
  }

  void enqueue(hub::SharedText message, hub::MessageKind kind) {
    if (state_ == State::closing || state_ == State::handshake) return;
    if (!outbound_.push(std::move(message), kind, context_.config.outbound_queue_limit_bytes)) {
      context_.metrics.slow_consumer_closes_total.fetch_add(1, std::memory_order_relaxed);
      spdlog::warn("slow consumer: id={} user={} has {} bytes unsent; closing with 1013", id_, user_id_,
                   outbound_.queued_bytes());
      return start_close(CloseCode::try_again_later, "Slow consumer", true);
    }
    if (!writing_) write_next();
  }

  void write_next() {
    if (const auto* next = outbound_.front()) {
      writing_ = true;
      ws_.text(next->kind == hub::MessageKind::text);
      ws_.async_write(net::buffer(*next->payload),
                      beast::bind_front_handler(&WebSocketSession::on_write, shared_from_this()));
    } else if (closing_ && closing_->frame) {
      writing_ = true;  // the close frame is the last write
      ws_.async_close(*closing_->frame,
                      [self = shared_from_this()](beast::error_code) { self->cancel_deadline(); });
      closing_->frame.reset();
    }
  }

  void on_write(beast::error_code error, std::size_t bytes) {
    writing_ = false;
    outbound_.pop_written();
    if (error) return;  // the pending read fails too and ends the session
    context_.metrics.messages_sent_total.fetch_add(1, std::memory_order_relaxed);
    context_.metrics.bytes_sent_total.fetch_add(bytes, std::memory_order_relaxed);
    write_next();
  }

  void start_close(CloseCode code, std::string_view reason, bool discard_queued) {
    if (state_ == State::closing) return;
    leave_endpoint();
    state_ = State::closing;
    close_code_ = static_cast<unsigned>(code);
    if (discard_queued) outbound_.discard_unsent(writing_);
    closing_ = std::make_unique<Closing>(ws_.get_executor());
    closing_->frame = websocket::close_reason(static_cast<websocket::close_code>(code), reason);
    arm_close_deadline();
    if (!writing_) write_next();
  }

  /// A peer that stopped reading never lets the close frame out; after the
  /// handshake timeout the socket is shut regardless.
  void arm_close_deadline() {
    closing_->deadline.expires_after(std::chrono::seconds(context_.config.handshake_timeout_seconds));
    closing_->deadline.async_wait([weak = weak_from_this()](beast::error_code error) {
      auto self = weak.lock();
      if (error || !self) return;
      beast::get_lowest_layer(self->ws_).close();
    });
  }

  void cancel_deadline() {
    if (closing_) closing_->deadline.cancel();
  }

  websocket::stream<net::ip::tcp::socket> ws_;
  std::array<char, first_read_bytes> first_read_;
  std::string long_message_;
  const hub::ConnectionId id_;
  const WebSocketRoute route_;
  std::string user_id_;
  std::unique_ptr<hub::EndpointState> endpoint_state_;
  endpoints::Endpoint& endpoint_;
  TransportContext& context_;
  OutboundQueue outbound_;
  /// What only a connection we close needs: allocated when the close starts,
  /// so that an idle connection does not carry it (about 260 bytes).
  struct Closing {
    explicit Closing(const net::any_io_executor& executor) : deadline(executor) {}
    std::optional<websocket::close_reason> frame;  // until the close frame is written
    net::steady_timer deadline;
  };
  std::unique_ptr<Closing> closing_;
  State state_ = State::handshake;
  unsigned close_code_ = 0;
  bool accepted_ = false;
  bool writing_ = false;
};

}  // namespace

void start_websocket_session(net::ip::tcp::socket socket, UpgradeRequest request, WebSocketRoute route,
                             std::optional<std::string> token, TransportContext& context) {
  std::make_shared<WebSocketSession>(std::move(socket), std::move(route), context)
      ->start(std::move(request), std::move(token));
}

}  // namespace nadoo::transport
