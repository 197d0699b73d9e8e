// endpoints/ owns the behaviour of each WebSocket endpoint family. An endpoint
// never sees Beast: it gets a hub::Connection that can send, close and tell
// its user.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "hub/connection.hpp"

namespace nadoo::endpoints {

enum class EndpointFamily { chat, notifications, workspaces, plugin_debug, echo };

std::string_view family_name(EndpointFamily family);

/// `error` `internal_error`: storage failed while serving the connection.
hub::SharedText storage_failed_message();
/// Sends storage_failed_message and closes with 1011: a connection that
/// cannot get what storage holds (a backlog, a history) would miss messages,
/// so it is asked to reconnect.
void close_for_storage_failure(const hub::ConnectionPtr& connection);

/// What the transport knows of a connection before it is admitted.
struct AdmissionRequest {
  std::string resource_id;           // the `{id}` of the path
  std::optional<std::string> token;  // `?token=` or `Authorization: Bearer`
};

/// The verdict on a new connection: a user (possibly empty, for endpoints
/// without users), or a refusal that closes it (1008 unless said otherwise).
struct Admission {
  std::string user_id;
  std::optional<std::string> refusal_reason;
  /// Whether the refusal was an authentication failure (counted in metrics).
  bool authentication_failed = false;
  /// Optional `error` message sent before the close.
  hub::SharedText refusal_message;
  hub::CloseCode refusal_code = hub::CloseCode::policy_violation;

  static Admission admit(std::string user_id) { return Admission{std::move(user_id), {}, false, {}}; }
  static Admission invalid_token() { return Admission{{}, std::string("Invalid token"), true, {}}; }
  /// Refused with 1008 `reason`, after `message` says why.
  static Admission refused(std::string_view reason, hub::SharedText message) {
    return Admission{{}, std::string(reason), false, std::move(message)};
  }
  /// Storage could not decide (membership, execution): not the client's
  /// fault, so 1013 "try again later" with `message` rather than a 1008.
  static Admission storage_unavailable(hub::SharedText message) {
    return Admission{
        {}, std::string("Storage unavailable"), false, std::move(message), hub::CloseCode::try_again_later};
  }
};

/// One endpoint family. The transport calls these on the connection's own
/// strand, one at a time per connection; different connections call
/// concurrently from several I/O threads. None of them may block.
class Endpoint {
 public:
  using AdmissionDone = std::function<void(Admission)>;
  /// Tells the transport that the connection's greeting (the contract's first
  /// message, and what must precede every reply, such as the notifications
  /// backlog) is queued. Until then the transport reads nothing from the
  /// client, so no inbound message is handled and no reply (pong, error,
  /// relay…) can overtake the greeting. Callable from any thread; calls after
  /// the first, or after the connection closed, do nothing. An endpoint that
  /// closes instead of greeting simply never calls it.
  using FirstMessageSent = std::function<void()>;

  virtual ~Endpoint() = default;

  /// Decides whether a connection whose WebSocket handshake completed may
  /// stay. `done` may be called later and from any thread (storage lookups).
  virtual void admit(const AdmissionRequest& request, AdmissionDone done) = 0;
  /// The connection is admitted: send the first message, join rooms, then
  /// call `first_message_sent` (here or later, e.g. after a storage read).
  virtual void on_open(const hub::ConnectionPtr& connection, FirstMessageSent first_message_sent) = 0;
  /// One client message, in arrival order; never before `first_message_sent`.
  virtual void on_message(const hub::ConnectionPtr& connection, std::string_view message,
                          hub::MessageKind kind) = 0;
  /// The connection is closing (either side) or lost; called once, after on_open.
  virtual void on_close(const hub::ConnectionPtr& connection) = 0;
};

}  // namespace nadoo::endpoints
