#pragma once

#include <boost/json/object.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "endpoints/presence/presence.hpp"
#include "hub/hub.hpp"

namespace nadoo::endpoints {

/// What the platform's REST calls do to a workspace's live connections:
/// announce a new member, a knowledge document change or any server event,
/// and close the connections of a removed member.
///
/// Thread-safety: every member function may be called from any thread.
class WorkspaceEvents {
 public:
  /// Listens to the nodes' membership room from now on (RoomListener).
  WorkspaceEvents(hub::Hub& hub, Presence& presence);

  /// Sends `member_added` to every connection of the workspace.
  void member_added(const std::string& workspace_id, const std::string& member_id,
                    const std::optional<std::string>& role);
  /// Closes the user's connections to the workspace on every node with 1008
  /// `Forbidden`, after an `error` (code `forbidden`); the others then get
  /// `user_left` as for any departure. Through the nodes' membership room:
  /// this node's connections are closed before this returns, the other
  /// nodes' when the room's message reaches them.
  void member_removed(const std::string& workspace_id, const std::string& user_id);
  /// Sends `document_updated` for a knowledge document of the workspace.
  void document_changed(const std::string& workspace_id, const std::string& knowledge_base_id,
                        const std::string& document_id, std::string_view action);
  /// Sends the platform's `event` (a valid server event type; see
  /// workspace_event_types.hpp), stamped with `workspace_id` and `timestamp`.
  void broadcast(const std::string& workspace_id, boost::json::object event);

 private:
  /// Closes this node's connections of a removed member.
  void close_member_connections(const std::string& workspace_id, const std::string& user_id);

  hub::Hub& hub_;
  Presence& presence_;
};

}  // namespace nadoo::endpoints
