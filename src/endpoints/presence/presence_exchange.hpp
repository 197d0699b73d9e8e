#pragma once

#include <atomic>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <utility>

#include "endpoints/presence/presence.hpp"
#include "hub/hub.hpp"

namespace nadoo::endpoints {

/// Carries one endpoint family's presence (workspaces, chat sessions)
/// between nodes, in the nodes' room `cluster:<topic>`: a node says when a
/// user's first connection to a scope (a workspace, a session) opens on it
/// and when the last closes, and says everyone it has online when Redis is
/// back and every third of the node TTL. A node that has said nothing for a
/// TTL (killed, partitioned) is forgotten: its users leave. Each node
/// announces to its own connections, from its own view (Presence), through
/// the family's `Announce`.
///
/// Thread-safety: every member function may be called from any thread.
class PresenceExchange {
 public:
  /// Tells this node's connections of a scope that a user is now online
  /// (or not) on any node; called under the scope's presence lock.
  using Announce = std::function<void(const std::string& scope, const std::string& user_id, bool online)>;

  PresenceExchange(std::string_view topic, boost::asio::any_io_executor executor, hub::Hub& hub,
                   const hub::Broker& broker, Presence& presence, Announce announce, std::string node_id,
                   std::chrono::milliseconds node_ttl);

  /// Starts hearing and telling the other nodes; a single node never does.
  void start();
  void stop();
  /// This node's first connection of `user_id` to the scope opened
  /// (`online`) or its last closed: call under the scope's presence lock,
  /// so that the other nodes hear one user's changes in order.
  void local_change(const std::string& scope, const std::string& user_id, bool online);

 private:
  using Entry = std::pair<std::string, std::string>;  // scope, user id
  struct NodePresence {
    std::set<Entry> online;
    std::chrono::steady_clock::time_point heard;
  };

  // On the strand.
  void tick();
  void send_state();
  void on_message(const std::string& payload);
  void apply(const std::string& node, const Entry& entry, bool online);
  void replace(const std::string& node, std::set<Entry> online);
  void forget(const std::string& node);
  void announce(const Entry& entry, bool online) const { announce_(entry.first, entry.second, online); }

  const hub::RoomId room_;
  hub::Hub& hub_;
  const hub::Broker& broker_;
  Presence& presence_;
  const Announce announce_;
  const std::string node_id_;
  const std::chrono::milliseconds node_ttl_;
  boost::asio::steady_timer timer_;  // on a strand of its own, as is everything below
  std::atomic<bool> started_{false};
  /// Whether a node may have heard of a user online here since the last
  /// empty state this node sent (set by any thread's local_change).
  std::atomic<bool> others_may_see_users_here_{false};
  bool broker_was_ready_ = false;
  std::chrono::steady_clock::time_point state_sent_at_;
  std::map<std::string, NodePresence> nodes_;
};

}  // namespace nadoo::endpoints
