#pragma once

#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "hub/connection.hpp"

namespace nadoo::endpoints {

/// Who is online in each workspace (or chat session: one Presence per
/// endpoint family, keyed by the connections' resource id; "workspace" below
/// stands for either): this node's connections of each user, and the other
/// nodes where a user has one (PresenceExchange), so that a user with
/// several tabs on any nodes is announced once (when the first arrives) and
/// leaves once (when the last goes). Each node announces to its own
/// connections what its view of the workspace says. Membership removals
/// concern workspaces only.
///
/// Thread-safety: every member function may be called from any thread. The
/// actions given to `arrive` and `depart` run under their workspace's lock,
/// so that the announcements they publish leave in the order the presence
/// changed: a tab that closes on one I/O thread while another tab of the same
/// user opens on another is seen as left-then-joined or stays joined, never as
/// joined-then-left. Each workspace has a lock of its own: an announcement to
/// one workspace's room never holds up arrivals in another. Those actions
/// must not call back into the presence.
class Presence {
 public:
  /// Whether an arrival lists who is online (a workspace's `connected`
  /// does; a chat session needs only the counts, and listing would make
  /// filling a session of n cost O(n²)).
  enum class Listing { online_users, none };
  explicit Presence(Listing listing = Listing::online_users) : listing_(listing) {}

  struct Arrival {
    /// The user had no other connection to the workspace, on any node: announce them.
    bool first_connection = false;
    /// The user had no other connection to the workspace on this node: tell the other nodes.
    bool first_on_this_node = false;
    /// Users online in the workspace, the arriving one included, by id
    /// (with Listing::online_users).
    std::vector<std::string> online_users;
    /// The user was removed from the workspace recently: the admission that
    /// let this connection in may have read the membership before the removal.
    bool removal_may_have_raced = false;
  };

  /// Records `connection` in its workspace (its resource id) for its user,
  /// then runs `while_locked`.
  void arrive(const hub::ConnectionPtr& connection, const std::function<void(const Arrival&)>& while_locked);

  struct Departure {
    /// The user has no connection to the workspace left, on any node: announce it.
    bool last_connection = false;
    /// The user has none left on this node: tell the other nodes.
    bool last_on_this_node = false;
  };

  /// Forgets `connection`, then runs `while_locked`. Unknown connections are
  /// ignored.
  void depart(const hub::Connection& connection, const std::function<void(const Departure&)>& while_locked);

  /// Whether `user_id` has a connection to the workspace on the other node
  /// `node`; runs `announce(online)`, under the workspace's lock, when that
  /// changes whether the user is online anywhere.
  void remote_change(const std::string& workspace_id, const std::string& user_id, const std::string& node,
                     bool online, const std::function<void(bool online)>& announce);
  /// The users online on this node, by workspace (what the other nodes are told).
  std::map<std::string, std::vector<std::string>> local_users() const;

  /// The user was removed from the workspace: returns their connections to
  /// close, and remembers the removal for admissions still in flight.
  std::vector<hub::ConnectionPtr> remove_member(const std::string& workspace_id, const std::string& user_id);

  std::vector<std::string> online_users(const std::string& workspace_id) const;

 private:
  using MemberKey = std::pair<std::string, std::string>;  // workspace id, user id

  /// One workspace's users online, under its own lock.
  struct Workspace {
    std::mutex mutex;
    std::map<std::string, std::vector<hub::ConnectionPtr>> connections_by_user;
    /// The other nodes where each user has a connection to the workspace.
    std::map<std::string, std::set<std::string>> nodes_by_user;
    /// Emptied and taken out of the map: an arrival that found it before must
    /// look again.
    bool retired = false;
  };
  using WorkspacePtr = std::shared_ptr<Workspace>;

  WorkspacePtr find_workspace(const std::string& workspace_id) const;
  WorkspacePtr find_or_add_workspace(const std::string& workspace_id);
  /// Runs `with_locked` on the workspace's entry, made if missing, under its lock.
  void with_workspace(const std::string& workspace_id, const std::function<void(Workspace&)>& with_locked);
  /// Retires the workspace once nobody is in it on any node; under its lock.
  void retire_if_empty(const std::string& workspace_id, Workspace& workspace);
  void retire(const std::string& workspace_id, Workspace& workspace);
  bool removed_recently(const std::string& workspace_id, const std::string& user_id) const;
  static std::vector<std::string> online_users_locked(const Workspace& workspace);

  const Listing listing_;
  /// Guards the map and the removals, never held while a workspace's lock is
  /// taken (only the other way round, to retire an emptied workspace).
  mutable std::mutex mutex_;
  std::map<std::string, WorkspacePtr> workspaces_;
  /// Recent removals, oldest first, bounded: an admission checks membership
  /// within milliseconds, so only the latest removals can have raced one.
  std::deque<MemberKey> recent_removals_;
  std::multiset<MemberKey> recent_removal_keys_;
};

}  // namespace nadoo::endpoints
