#include "transport/websocket_session.hpp"

#include <spdlog/spdlog.h>
#include <sys/socket.h>

#include <array>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cerrno>
#include <memory>

#include "transport/keep_alive_sweep.hpp"
#include "transport/outbound_queue.hpp"
#include "transport/rfc6455/client_frame_reader.hpp"

namespace nadoo::transport {
namespace {

namespace net = boost::asio;
using tcp = net::ip::tcp;
using hub::CloseCode;
using Framing = OutboundQueue::Framing;

/// One read takes at most this much; the buffer belongs to the I/O thread,
/// not to a connection, so an idle connection holds no read buffer at all
/// (only a frame split across reads is copied into the connection).
constexpr std::size_t read_buffer_bytes = 64 * 1024;
/// A connection that keeps its socket full is read at most this many times
/// per wake-up, so that it cannot starve the others on its thread.
constexpr int max_reads_per_wakeup = 4;
/// A close frame's reason must fit the 125-byte control payload with its code.
constexpr std::size_t max_close_reason_bytes = rfc6455::max_control_payload_bytes - 2;
/// Unknown to the peer: the code logged for a connection lost without a close frame.
constexpr unsigned abnormal_closure = 1006;

std::atomic<hub::ConnectionId> next_connection_id{1};

std::span<char> thread_read_buffer() {
  thread_local auto buffer = std::make_unique<std::array<char, read_buffer_bytes>>();
  return *buffer;
}

hub::SharedText close_frame_payload(unsigned code, std::string_view reason) {
  std::string payload;
  if (code != 1005) {  // "no status": an empty close frame answers one
    payload += static_cast<char>(code >> 8);
    payload += static_cast<char>(code & 0xFF);
    payload += reason.substr(0, max_close_reason_bytes);
  }
  return hub::make_shared_text(std::move(payload));
}

const hub::SharedText& empty_ping() {
  static const auto payload = hub::make_shared_text({});
  return payload;
}

class WebSocketSession final : public hub::Connection,
                               public KeepAliveSweep::Member,
                               public std::enable_shared_from_this<WebSocketSession> {
 public:
  WebSocketSession(tcp::socket socket, WebSocketRoute route, TransportContext& context)
      : socket_(std::move(socket)),
        reader_(context.config.max_message_bytes),
        id_(next_connection_id.fetch_add(1, std::memory_order_relaxed)),
        route_(std::move(route)),
        endpoint_(context.endpoint_for(route_.family)),
        context_(context),
        outbound_(context.metrics) {
    context_.live_websocket_sessions.fetch_add(1);
    context_.keep_alive.add(*this);
  }

  ~WebSocketSession() override {
    context_.keep_alive.remove(*this);
    context_.live_websocket_sessions.fetch_sub(1);
    context_.metrics.connections_open.fetch_sub(1, std::memory_order_relaxed);
    spdlog::info("disconnect id={} user={} path={}/{} code={}", id_, user_id_,
                 endpoints::family_name(route_.family), route_.resource_id, close_code_);
  }

  void start(std::string handshake_response, std::optional<std::string> token, std::string pipelined_bytes) {
    pipelined_bytes_ = std::move(pipelined_bytes);
    auto& metrics = context_.metrics;
    metrics.connections_accepted_total.fetch_add(1, std::memory_order_relaxed);
    const auto open = metrics.connections_open.fetch_add(1, std::memory_order_relaxed) + 1;
    boost::system::error_code error;
    socket_.non_blocking(true, error);  // reads and writes return would_block, never wait
    if (error) return;
    queue(hub::make_shared_text(std::move(handshake_response)), Framing::raw);
    if (context_.stopping.load()) return start_close(CloseCode::going_away, "Server shutdown", true);
    if (static_cast<std::size_t>(open) > context_.config.max_connections) {
      metrics.connection_limit_closes_total.fetch_add(1, std::memory_order_relaxed);
      return start_close(CloseCode::try_again_later, "Server at connection limit", true);
    }
    endpoint_.admit(
        {route_.resource_id, std::move(token)}, [self = shared_from_this()](endpoints::Admission admission) {
          net::dispatch(self->socket_.get_executor(), [self, admission = std::move(admission)]() mutable {
            self->on_admission(std::move(admission));
          });
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
    const auto framing = kind == hub::MessageKind::text ? Framing::text : Framing::binary;
    in_send_order([message = std::move(message), framing](WebSocketSession& session) mutable {
      session.queue(std::move(message), framing);
    });
  }

  /// Framed once per thread for every member (SharedFrames), right here on
  /// the sender's thread, in the order of its other sends.
  void send_room_message(const hub::SharedText& message) override {
    const FrameBytes& frames = SharedFrames::text_frame(message);
    // Most of the time (open, nothing waiting on the strand): no copy of the
    // chunk's reference for a frame that joins the entry before it.
    if (may_send_now()) return push_frames(frames);
    in_send_order([frames](WebSocketSession& session) { session.push_frames(frames); });
  }

  /// The close frame goes right behind the caller's last message, like a send.
  void close(CloseCode code, std::string_view reason) override { close_after(nullptr, code, reason); }

  void close_after(hub::SharedText last_message, CloseCode code, std::string_view reason) override {
    in_send_order([last_message = std::move(last_message), code,
                   reason = std::string(reason)](WebSocketSession& session) mutable {
      if (!session.queue_closing(std::move(last_message), code, reason)) return;
      net::dispatch(session.socket_.get_executor(),
                    [self = session.shared_from_this(), code] { self->begin_closing(code); });
    });
  }

 private:
  enum class State { admitting, open, closing };

  /// Runs `enqueue(*this)` right away, from the sender's thread, once the
  /// endpoint's on_open has returned: a broadcast costs each recipient a
  /// queue entry, not a posted handler. Until then it runs on the strand, so
  /// that what on_open sends (`connected` first) precedes any broadcast; and
  /// so does a sender's call while its earlier one still waits there, so its
  /// messages keep their order.
  template <class Enqueue>
  void in_send_order(Enqueue enqueue) {
    if (may_send_now()) return enqueue(*this);
    sends_via_strand_.fetch_add(1, std::memory_order_acq_rel);
    net::dispatch(socket_.get_executor(),
                  [self = shared_from_this(), enqueue = std::move(enqueue)]() mutable {
                    enqueue(*self);
                    self->sends_via_strand_.fetch_sub(1, std::memory_order_release);
                  });
  }

  /// Whether a send may be queued from the sender's thread (in_send_order).
  bool may_send_now() const {
    return opened_.load(std::memory_order_acquire) && sends_via_strand_.load(std::memory_order_acquire) == 0;
  }

  void push_frames(const FrameBytes& frames) {
    on_pushed(outbound_.push_frames(frames, context_.config.outbound_queue_limit_bytes));
  }

  // KeepAliveSweep::Member: called under the sweep's lock, possibly while
  // this session is being destroyed on another thread (then lock() fails).
  // The reference taken is moved to the strand, never released here: if it
  // were the last one, the destructor would take the sweep's lock again.
  void ping_silent_peer() override {
    if (auto self = weak_from_this().lock()) {
      net::post(socket_.get_executor(),
                [self = std::move(self)] { self->queue(empty_ping(), Framing::ping); });
    }
  }
  void drop_silent_peer() override {
    if (auto self = weak_from_this().lock()) {
      net::post(socket_.get_executor(), [self = std::move(self)] { self->end_connection(abnormal_closure); });
    }
  }

  void on_admission(endpoints::Admission admission) {
    if (state_ != State::admitting) return;
    if (admission.refusal_reason) {
      if (admission.authentication_failed) {
        context_.metrics.auth_failures_total.fetch_add(1, std::memory_order_relaxed);
      }
      if (admission.refusal_message) queue(admission.refusal_message, Framing::text);
      return start_close(admission.refusal_code, *admission.refusal_reason, false);
    }
    if (context_.stopping.load()) return start_close(CloseCode::going_away, "Server shutdown", true);
    user_id_ = std::move(admission.user_id);
    state_ = State::open;
    spdlog::info("connect id={} user={} path={}/{}", id_, user_id_, endpoints::family_name(route_.family),
                 route_.resource_id);
    // Posted, never run inline: reading (and so on_message, on_close for a
    // close frame that came with the request) starts after on_open returns.
    endpoint_.on_open(shared_from_this(), [weak = weak_from_this()] {
      if (auto self = weak.lock()) {
        net::post(self->socket_.get_executor(), [self] { self->on_first_message_sent(); });
      }
    });
    opened_.store(true, std::memory_order_release);
    // Shutdown sets `stopping` before it lists the hub's connections; one that
    // registered after that list sees the flag here and closes itself.
    if (context_.stopping.load()) start_close(CloseCode::going_away, "Server shutdown", false);
  }

  /// The endpoint's first message is queued: only now is the client read.
  /// Whatever it sent meanwhile waits in the socket (the kernel's receive
  /// buffer, then TCP flow control stops the client), so every reply follows
  /// the first message, messages are handled in arrival order, and a client
  /// that floods before it is greeted costs no memory of ours. A connection
  /// that closed instead of greeting reads only for the close handshake and
  /// acts on nothing it reads (on_message).
  void on_first_message_sent() {
    if (state_ == State::open && !reading_) start_reading();
  }

  // Reading ------------------------------------------------------------------

  /// Reads what the client sent right behind its upgrade request (which the
  /// HTTP session read with it), then waits on the socket.
  void start_reading() {
    if (!pipelined_bytes_.empty()) {
      auto bytes = std::exchange(pipelined_bytes_, {});
      reading_ = true;  // as in on_readable: a close started by these frames must not start a read
      reader_.consume(bytes);
      if (!handle_frames()) {
        reading_ = false;
        return;
      }
    }
    wait_readable();
  }

  /// Waits for bytes without holding a buffer; they are read into the
  /// thread's buffer once they are there.
  void wait_readable() {
    reading_ = true;
    socket_.async_wait(tcp::socket::wait_read, [self = shared_from_this()](boost::system::error_code error) {
      self->on_readable(error);
    });
  }

  void on_readable(boost::system::error_code error) {
    if (error) return on_read_ended(error);
    for (int round = 0; round < max_reads_per_wakeup; ++round) {
      const auto buffer = thread_read_buffer();
      const auto bytes = socket_.read_some(net::buffer(buffer.data(), buffer.size()), error);
      if (error == net::error::would_block) break;
      if (error) return on_read_ended(error);
      heard_from_peer();
      reader_.consume(buffer.first(bytes));
      if (!handle_frames()) {
        reading_ = false;
        return;
      }
      if (bytes < buffer.size()) break;
    }
    wait_readable();
  }

  /// Acts on every complete frame read; false once nothing more is to be read.
  bool handle_frames() {
    using Kind = rfc6455::ClientEvent::Kind;
    while (const auto event = reader_.next()) {
      switch (event->kind) {
        case Kind::message:
          on_message(event->payload, event->message_opcode);
          break;
        case Kind::ping:
          queue(hub::make_shared_text(std::string(event->payload)), Framing::pong);
          break;
        case Kind::pong:
          break;
        case Kind::close:
          on_peer_close(event->code);
          return false;
        case Kind::violation:
          on_protocol_violation(event->code, event->payload);
          return false;
      }
    }
    return true;
  }

  void on_message(std::string_view message, rfc6455::Opcode opcode) {
    auto& metrics = context_.metrics;
    metrics.messages_received_total.fetch_add(1, std::memory_order_relaxed);
    metrics.bytes_received_total.fetch_add(message.size(), std::memory_order_relaxed);
    if (state_ != State::open) return;  // closing: the peer's last words are not acted on
    endpoint_.on_message(shared_from_this(), message,
                         opcode == rfc6455::Opcode::text ? hub::MessageKind::text : hub::MessageKind::binary);
  }

  void on_peer_close(unsigned code) {
    if (close_code_ == 0) close_code_ = code;
    leave_endpoint();
    peer_closed_ = true;
    // Answer with the peer's code; what we had queued is not sent after it.
    outbound_.discard_unsent();
    queue_closing(nullptr, static_cast<CloseCode>(code), {});
    if (close_frame_sent_) shut_down_socket();
  }

  void on_protocol_violation(std::uint16_t code, std::string_view why) {
    if (code == static_cast<std::uint16_t>(CloseCode::message_too_big)) {
      context_.metrics.oversized_message_closes_total.fetch_add(1, std::memory_order_relaxed);
    }
    spdlog::debug("protocol violation id={}: {}", id_, why);
    start_close(static_cast<CloseCode>(code), why, true);
    peer_closed_ = true;  // nothing more is read: close once our frame is out
    if (close_frame_sent_) shut_down_socket();
  }

  void on_read_ended(boost::system::error_code error) {
    reading_ = false;
    if (error == net::error::operation_aborted) return;  // we closed the socket
    end_connection(abnormal_closure);
  }

  // Writing ------------------------------------------------------------------

  /// From any thread: queues a frame, and starts a flush on the strand when
  /// none is under way. False when the frame was not queued.
  bool queue(hub::SharedText payload, Framing framing) {
    return on_pushed(outbound_.push(std::move(payload), framing, context_.config.outbound_queue_limit_bytes));
  }

  /// Queues `last_message` (when given) and the close frame as one.
  bool queue_closing(hub::SharedText last_message, CloseCode code, std::string_view reason) {
    return on_pushed(outbound_.push_closing(std::move(last_message),
                                            close_frame_payload(static_cast<unsigned>(code), reason)));
  }

  /// Starts a flush when the queue asks for one; false when nothing was queued.
  bool on_pushed(OutboundQueue::Pushed pushed) {
    switch (pushed) {
      case OutboundQueue::Pushed::flush_needed:
        // Posted, not run here: frames queued meanwhile go out in the same write.
        net::post(socket_.get_executor(), [self = shared_from_this()] { self->flush(); });
        return true;
      case OutboundQueue::Pushed::queued:
        return true;
      case OutboundQueue::Pushed::over_limit:
        net::dispatch(socket_.get_executor(), [self = shared_from_this()] { self->shed_slow_consumer(); });
        return false;
      case OutboundQueue::Pushed::after_close:
        return false;
    }
    return false;
  }

  /// Writes every queued frame, as many as one writev takes at a time,
  /// until the queue is empty or the socket is full.
  void flush() {
    OutboundQueue::WriteBuffers buffers;
    OutboundQueue::Headers headers;
    while (true) {
      const auto gathered = outbound_.gather(buffers, headers);
      if (gathered.buffers == 0) {
        if (outbound_.end_flush_if_empty()) return on_flushed();
        continue;  // a frame arrived between gather and end_flush_if_empty
      }
      msghdr message{};
      message.msg_iov = buffers.data();
      message.msg_iovlen = gathered.buffers;
      // sendmsg itself, not Asio's write_some, which passes at most 64 buffers.
      const auto sent = ::sendmsg(socket_.native_handle(), &message, MSG_NOSIGNAL);
      if (sent < 0 && errno == EINTR) continue;
      if (sent < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return wait_writable();
      if (sent < 0) return end_connection(abnormal_closure);
      const auto bytes = static_cast<std::size_t>(sent);
      const auto written = outbound_.advance(bytes);
      auto& metrics = context_.metrics;
      metrics.messages_sent_total.fetch_add(written.messages, std::memory_order_relaxed);
      metrics.bytes_sent_total.fetch_add(written.bytes, std::memory_order_relaxed);
      close_frame_sent_ = close_frame_sent_ || written.close_frame;
      if (bytes < gathered.bytes) return wait_writable();
    }
  }

  void wait_writable() {
    socket_.async_wait(tcp::socket::wait_write, [self = shared_from_this()](boost::system::error_code error) {
      if (error) return self->end_connection(abnormal_closure);
      self->flush();
    });
  }

  void on_flushed() {
    if (close_frame_sent_ && peer_closed_) shut_down_socket();
  }

  void shed_slow_consumer() {
    if (state_ == State::closing) return;
    context_.metrics.slow_consumer_closes_total.fetch_add(1, std::memory_order_relaxed);
    spdlog::warn("slow consumer: id={} user={} has {} bytes unsent; closing with 1013", id_, user_id_,
                 outbound_.queued_bytes());
    start_close(CloseCode::try_again_later, "Slow consumer", true);
  }

  // Closing ------------------------------------------------------------------

  /// Tells the endpoint, once, as soon as the connection stops being usable,
  /// so that stats and rooms never count a connection that is closing.
  void leave_endpoint() {
    const bool was_open = state_ == State::open;
    state_ = State::closing;
    if (was_open) endpoint_.on_close(shared_from_this());
  }

  void start_close(CloseCode code, std::string_view reason, bool discard_queued) {
    if (discard_queued) outbound_.discard_unsent();
    if (queue_closing(nullptr, code, reason)) begin_closing(code);
  }

  /// Our close frame is queued: the connection is closing from now on.
  void begin_closing(CloseCode code) {
    leave_endpoint();
    if (close_code_ == 0) close_code_ = static_cast<unsigned>(code);
    if (peer_closed_) return;  // nothing to wait for
    arm_close_deadline();
    // The peer's answering close frame ends the handshake: read for it.
    if (!reading_) start_reading();
  }

  /// A peer that stopped reading never lets the close frame out, and one
  /// that never answers it keeps the socket; after the handshake timeout
  /// the socket is shut regardless.
  void arm_close_deadline() {
    closing_deadline_ = std::make_unique<net::steady_timer>(socket_.get_executor());
    closing_deadline_->expires_after(std::chrono::seconds(context_.config.handshake_timeout_seconds));
    closing_deadline_->async_wait([weak = weak_from_this()](boost::system::error_code error) {
      auto self = weak.lock();
      if (!error && self) self->shut_down_socket();
    });
  }

  /// The connection is lost (or dropped as silent): no close handshake.
  void end_connection(unsigned code) {
    if (close_code_ == 0) close_code_ = code;
    leave_endpoint();
    outbound_.discard_unsent();
    shut_down_socket();
  }

  void shut_down_socket() {
    boost::system::error_code ignored;
    socket_.shutdown(tcp::socket::shutdown_both, ignored);
    socket_.close(ignored);  // pending waits end with operation_aborted
    if (closing_deadline_) closing_deadline_->cancel();
  }

  tcp::socket socket_;
  rfc6455::ClientFrameReader reader_;
  const hub::ConnectionId id_;
  const WebSocketRoute route_;
  std::string user_id_;
  std::unique_ptr<hub::EndpointState> endpoint_state_;
  endpoints::Endpoint& endpoint_;
  TransportContext& context_;
  OutboundQueue outbound_;
  /// Allocated when a close starts, so that an idle connection does not carry it.
  std::unique_ptr<net::steady_timer> closing_deadline_;
  State state_ = State::admitting;
  unsigned close_code_ = 0;
  bool reading_ = false;
  /// Bytes the client sent behind its upgrade request, not yet read.
  std::string pipelined_bytes_;
  std::atomic<bool> opened_{false};                 // on_open has returned
  std::atomic<std::uint32_t> sends_via_strand_{0};  // posted sends not yet queued
  bool close_frame_sent_ = false;
  bool peer_closed_ = false;  // its close frame arrived, or it broke the protocol
};

}  // namespace

void start_websocket_session(tcp::socket socket, std::string handshake_response, WebSocketRoute route,
                             std::optional<std::string> token, std::string pipelined_bytes,
                             TransportContext& context) {
  std::make_shared<WebSocketSession>(std::move(socket), std::move(route), context)
      ->start(std::move(handshake_response), std::move(token), std::move(pipelined_bytes));
}

}  // namespace nadoo::transport
