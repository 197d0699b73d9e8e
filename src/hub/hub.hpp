#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "hub/broker.hpp"
#include "hub/connection.hpp"
#include "hub/room_id.hpp"

namespace nadoo::hub {

/// How a connection appears in the stats document.
struct StatsPlacement {
  /// Counted under `details.users` when non-empty.
  std::string user_id;
  /// Counted under `details.sessions` when non-empty: a chat session id or
  /// `workspace_<id>`, as the spec's stats document names them.
  std::string session_key;
};

/// The stats document's figures, taken at one instant.
struct StatsSnapshot {
  std::size_t total_connections = 0;
  std::map<std::string, std::size_t> sessions;
  std::map<std::string, std::size_t> users;
};

/// The registry of this node's connections and their rooms. Room messages go
/// out through the broker and come back to every node's hub, which fans them
/// out to its local members.
///
/// Thread-safety: every member function may be called from any thread. The
/// lock is held only to read or change the registry, never while sending: a
/// broadcast takes the room's member list (an immutable snapshot) and sends
/// outside the lock.
class Hub {
 public:
  explicit Hub(Broker& broker);
  Hub(const Hub&) = delete;
  Hub& operator=(const Hub&) = delete;

  /// Registers a connection whose first message has been sent; it counts in
  /// the stats from now until `remove`.
  void add(const ConnectionPtr& connection, StatsPlacement placement);
  /// Forgets a connection and takes it out of every room it joined.
  void remove(ConnectionId id);

  void join(const ConnectionPtr& connection, const RoomId& room);
  void leave(ConnectionId id, const RoomId& room);

  /// Sends `payload` to every member of `room` on every node, but `excluded`.
  void publish(const RoomId& room, SharedText payload, ConnectionId excluded = 0);

  /// Number of this node's connections of `user_id` in `room`.
  std::size_t user_connections_in_room(const RoomId& room, const std::string& user_id) const;

  StatsSnapshot stats() const;
  /// Every registered connection, e.g. to close them all at shutdown.
  std::vector<ConnectionPtr> connections() const;

 private:
  using Members = std::shared_ptr<const std::vector<ConnectionPtr>>;

  struct Registration {
    ConnectionPtr connection;
    StatsPlacement placement;
    std::vector<RoomId> rooms;
  };

  void deliver(const RoomMessage& message) const;
  void leave_locked(ConnectionId id, const RoomId& room);

  Broker& broker_;
  mutable std::mutex mutex_;
  std::unordered_map<ConnectionId, Registration> registrations_;
  std::unordered_map<RoomId, Members> rooms_;
  std::map<std::string, std::size_t> session_counts_;
  std::map<std::string, std::size_t> user_counts_;
};

}  // namespace nadoo::hub
