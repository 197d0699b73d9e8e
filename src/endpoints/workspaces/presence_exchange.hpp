#pragma once

#include <atomic>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <map>
#include <set>
#include <string>
#include <utility>

#include "endpoints/workspaces/workspace_presence.hpp"
#include "hub/hub.hpp"

namespace nadoo::endpoints {

/// Carries workspace presence between nodes, in the nodes' room
/// `cluster:presence`: a node says when a user's first connection to a
/// workspace opens on it and when the last closes, and says everyone it has
/// online when Redis is back and every third of the node TTL. A node that
/// has said nothing for a TTL (killed, partitioned) is forgotten: its users
/// leave. Each node announces user_joined and user_left to its own
/// connections, from its own view (WorkspacePresence).
///
/// Thread-safety: every member function may be called from any thread.
class PresenceExchange {
 public:
  PresenceExchange(boost::asio::any_io_executor executor, hub::Hub& hub, const hub::Broker& broker,
                   WorkspacePresence& presence, std::string node_id, std::chrono::milliseconds node_ttl);

  /// Starts hearing and telling the other nodes; a single node never does.
  void start();
  void stop();
  /// This node's first connection of `user_id` to the workspace opened
  /// (`online`) or its last closed: call under the workspace's presence
  /// lock, so that the other nodes hear one user's changes in order.
  void local_change(const std::string& workspace_id, const std::string& user_id, bool online);

 private:
  using Entry = std::pair<std::string, std::string>;  // workspace id, user id
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
  void announce(const Entry& entry, bool online) const;

  hub::Hub& hub_;
  const hub::Broker& broker_;
  WorkspacePresence& presence_;
  const std::string node_id_;
  const std::chrono::milliseconds node_ttl_;
  boost::asio::steady_timer timer_;  // on a strand of its own, as is everything below
  std::atomic<bool> started_{false};
  bool broker_was_ready_ = false;
  std::chrono::steady_clock::time_point state_sent_at_;
  std::map<std::string, NodePresence> nodes_;
};

}  // namespace nadoo::endpoints
