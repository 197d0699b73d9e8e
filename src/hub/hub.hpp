#pragma once

#include <array>
#include <atomic>
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
/// Thread-safety: every member function may be called from any thread. A
/// delivery takes only its room's shard lock (one of `room_shards`, by the
/// room's name), to take the room's member snapshot, and sends outside it;
/// the registry lock (connections and their stats) is taken by add, remove,
/// join, leave and the readers of the registry, never by a delivery. Lock
/// order: the registry's, then a shard's.
///
/// Membership: a join or leave is O(1) (a hash map per room); the snapshot
/// that deliveries read is rebuilt by the first delivery after a change, so
/// filling a room of n costs O(n), and a delivery in flight keeps the
/// snapshot it took.
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

  /// Puts `connection` in `room`; `subscribed`, when given, is called (on
  /// any thread) once the room gets every message published from then on,
  /// on any node (Broker::when_subscribed): read a room's history there.
  void join(const ConnectionPtr& connection, const RoomId& room, Broker::Subscribed subscribed = {});
  void leave(ConnectionId id, const RoomId& room);
  /// Makes `listener` a member of `room` until stop_listening; it is not a
  /// connection (no stats).
  void listen(const ConnectionPtr& listener, const RoomId& room);
  void stop_listening(ConnectionId listener, const RoomId& room);

  /// Sends `payload` to every member of `room` on every node, but `excluded`.
  void publish(const RoomId& room, SharedText payload, ConnectionId excluded = 0);
  /// Sends `payload` to this node's members of `room` only, but `excluded`:
  /// what each node works out for itself (e.g. presence, from its own view).
  void publish_local(const RoomId& room, SharedText payload, ConnectionId excluded = 0) const;

  /// Number of this node's members of `room` (listeners included).
  std::size_t local_members(const RoomId& room) const;
  /// Number of this node's connections of `user_id` in `room`.
  std::size_t user_connections_in_room(const RoomId& room, const std::string& user_id) const;

  /// Asks every local member of every room to send what it missed from
  /// `since` on (Connection::fill_gap); the broker calls it when a gap closes.
  void fill_gaps(std::chrono::system_clock::time_point since) const;

  StatsSnapshot stats() const;
  /// Changes whenever a connection is added or removed (the stats change).
  std::uint64_t registry_version() const { return registry_version_.load(std::memory_order_relaxed); }
  /// Every registered connection, e.g. to close them all at shutdown.
  std::vector<ConnectionPtr> connections() const;

 private:
  using Members = std::shared_ptr<const std::vector<ConnectionPtr>>;
  /// Rooms are spread over this many locks: enough that I/O threads
  /// delivering to different rooms rarely meet on one.
  static constexpr std::size_t room_shards = 64;

  struct Registration {
    ConnectionPtr connection;
    StatsPlacement placement;
    std::vector<RoomId> rooms;
  };

  struct Room {
    std::unordered_map<ConnectionId, ConnectionPtr> members;
    /// What deliveries send to; null after a change until the next delivery.
    Members snapshot;
  };

  /// A cache line of its own each, so that two shards' locks never bounce one.
  struct alignas(64) RoomShard {
    std::mutex mutex;
    std::unordered_map<RoomId, Room> rooms;
  };

  RoomShard& shard_of(const RoomId& room) const;
  void add_member(const ConnectionPtr& connection, const RoomId& room);
  /// Adds `member` to the room's members; the caller holds the registry lock
  /// when `member` is a registered connection.
  void add_to_room(const ConnectionPtr& member, const RoomId& room);
  void deliver(const RoomMessage& message) const;
  /// Takes `id` out of `room`; the caller holds the registry lock when `id`
  /// is a registered connection.
  void leave_room(ConnectionId id, const RoomId& room);

  Broker& broker_;
  mutable std::mutex registry_mutex_;
  std::atomic<std::uint64_t> registry_version_{0};
  std::unordered_map<ConnectionId, Registration> registrations_;
  std::map<std::string, std::size_t> session_counts_;
  std::map<std::string, std::size_t> user_counts_;
  mutable std::array<RoomShard, room_shards> shards_;
};

}  // namespace nadoo::hub
