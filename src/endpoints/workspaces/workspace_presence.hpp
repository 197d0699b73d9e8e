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

/// Who is online in each workspace on this node: the connections of each
/// user, so that a user with several tabs is announced once (when the first
/// arrives) and leaves once (when the last goes).
///
/// Thread-safety: every member function may be called from any thread. The
/// actions given to `arrive` and `depart` run under their workspace's lock,
/// so that the announcements they publish leave in the order the presence
/// changed: a tab that closes on one I/O thread while another tab of the same
/// user opens on another is seen as left-then-joined or stays joined, never as
/// joined-then-left. Each workspace has a lock of its own: an announcement to
/// one workspace's room never holds up arrivals in another. Those actions
/// must not call back into the presence.
class WorkspacePresence {
 public:
  struct Arrival {
    /// The user had no other connection to the workspace: announce them.
    bool first_connection = false;
    /// Users online in the workspace, the arriving one included, by id.
    std::vector<std::string> online_users;
    /// The user was removed from the workspace recently: the admission that
    /// let this connection in may have read the membership before the removal.
    bool removal_may_have_raced = false;
  };

  /// Records `connection` in its workspace (its resource id) for its user,
  /// then runs `while_locked`.
  void arrive(const hub::ConnectionPtr& connection, const std::function<void(const Arrival&)>& while_locked);

  /// Forgets `connection`, then runs `while_locked(last_connection)`, true
  /// when the user has no other connection to the workspace left. Unknown
  /// connections are ignored.
  void depart(const hub::Connection& connection,
              const std::function<void(bool last_connection)>& while_locked);

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
    /// Emptied and taken out of the map: an arrival that found it before must
    /// look again.
    bool retired = false;
  };
  using WorkspacePtr = std::shared_ptr<Workspace>;

  WorkspacePtr find_workspace(const std::string& workspace_id) const;
  WorkspacePtr find_or_add_workspace(const std::string& workspace_id);
  void retire(const std::string& workspace_id, Workspace& workspace);
  bool removed_recently(const std::string& workspace_id, const std::string& user_id) const;
  static std::vector<std::string> online_users_locked(const Workspace& workspace);

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
