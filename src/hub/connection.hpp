// hub/ owns who is connected and where: connections, users, rooms, statistics,
// and the broker interface that carries room messages between nodes.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace nadoo::hub {

/// One serialized message, shared by every recipient of a broadcast.
using SharedText = std::shared_ptr<const std::string>;

inline SharedText make_shared_text(std::string text) {
  return std::make_shared<const std::string>(std::move(text));
}

/// Unique among the connections of one server process; never reused.
using ConnectionId = std::uint64_t;

enum class MessageKind { text, binary };

/// RFC 6455 close codes the server uses, named for why it uses them.
enum class CloseCode : std::uint16_t {
  normal = 1000,
  going_away = 1001,        // server shutdown
  policy_violation = 1008,  // authentication or authorization failed
  message_too_big = 1009,
  internal_error = 1011,
  try_again_later = 1013,  // shed: slow consumer, connection limit
};

/// What an endpoint keeps for one connection (e.g. its rate limit). Owned by
/// the connection, so it lives exactly as long; touched only from the
/// endpoint's callbacks, which run one at a time per connection: no lock.
class EndpointState {
 public:
  virtual ~EndpointState() = default;
};

/// What an endpoint sees of a WebSocket connection. Implemented by the
/// transport; every member function may be called from any thread and never
/// blocks (sends are queued and written by the connection's own strand).
class Connection {
 public:
  virtual ~Connection() = default;

  virtual ConnectionId id() const = 0;
  /// The authenticated (or guest) user; empty on unauthenticated endpoints.
  virtual const std::string& user_id() const = 0;
  /// The `{id}` path parameter: session, user, workspace or execution id.
  virtual const std::string& resource_id() const = 0;

  virtual void send(SharedText message, MessageKind kind = MessageKind::text) = 0;
  /// A text message of a room, sent like send(), in the same order with the
  /// connection's other messages. The hub sends one payload to every member
  /// in turn, which lets a transport prepare it once for all of them.
  virtual void send_room_message(const SharedText& message) { send(message); }
  /// Sends what is already queued, then the close frame. Later sends are dropped.
  virtual void close(CloseCode code, std::string_view reason) = 0;
  /// Like close, with `last_message` (an `error` saying why) right before the
  /// close frame: no other sender's message comes between them, as it could
  /// between a send and a close. This default, for connections that nobody
  /// else sends to, is just that send and close.
  virtual void close_after(SharedText last_message, CloseCode code, std::string_view reason) {
    send(std::move(last_message));
    close(code, reason);
  }

  /// Messages of the rooms this connection is in may have been lost from
  /// `since` on: the broker could not reach the other nodes, and now can
  /// again. A member that can read what it missed from storage sends it
  /// (each once); by default nothing is sent: ephemeral messages stay lost
  /// (docs/decisions.md, "Redis down").
  virtual void fill_gap(std::chrono::system_clock::time_point since) { (void)since; }

  /// The endpoint's state for this connection; null until it sets one. Only
  /// from the endpoint's callbacks (Endpoint::on_open, on_message, on_close).
  virtual EndpointState* endpoint_state() const = 0;
  virtual void set_endpoint_state(std::unique_ptr<EndpointState> state) = 0;
};

using ConnectionPtr = std::shared_ptr<Connection>;

}  // namespace nadoo::hub
