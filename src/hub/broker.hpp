#pragma once

#include <chrono>
#include <functional>

#include "hub/connection.hpp"
#include "hub/room_id.hpp"

namespace nadoo::hub {

/// A message for every connection in a room, on every node.
struct RoomMessage {
  RoomId room;
  SharedText payload;
  /// The connection that caused it and must not receive it (typing, relays);
  /// 0 when everyone in the room receives it.
  ConnectionId excluded_connection = 0;
};

/// Carries room messages between the hubs of all nodes. The in-process broker
/// serves one node; a Redis broker replaces it for a cluster without any
/// change to the endpoints.
///
/// Thread-safety: every member function may be called from any thread.
class Broker {
 public:
  using Delivery = std::function<void(const RoomMessage&)>;
  using Subscribed = std::function<void()>;
  /// Messages from other nodes may have been lost from `since` until now,
  /// when every room carries them again.
  using GapClosed = std::function<void(std::chrono::system_clock::time_point since)>;

  virtual ~Broker() = default;

  /// Sets where messages of subscribed rooms are delivered; called once, before
  /// any subscribe.
  virtual void set_delivery(Delivery deliver) = 0;
  /// Sets what is called (on any thread) when a gap closes; once, before start.
  /// The in-process broker never has one.
  virtual void set_gap_closed(GapClosed gap_closed) { (void)gap_closed; }
  virtual void publish(RoomMessage message) = 0;
  /// Called when a room gains its first local member and loses its last,
  /// in that order for each room.
  virtual void subscribe(const RoomId& room) = 0;
  virtual void unsubscribe(const RoomId& room) = 0;
  /// Calls `subscribed` (on any thread, possibly before returning) once the
  /// subscription that `subscribe(room)` asked for carries every message
  /// published from then on, on any node: what a joining member reads from
  /// storage after that cannot miss a message published after the read.
  /// While the broker cannot reach the other nodes, at once.
  virtual void when_subscribed(const RoomId& room, Subscribed subscribed) = 0;
  /// Whether the broker can currently carry messages (for /readyz).
  virtual bool is_ready() const = 0;
  /// Starts reaching the other nodes; after set_delivery.
  virtual void start() {}
};

}  // namespace nadoo::hub
