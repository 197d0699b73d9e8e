#pragma once

#include <string>
#include <string_view>

namespace nadoo::hub {

/// A room name, namespaced by kind so that a chat session and a user that
/// happen to share an id never share a room. The same names are used as
/// broker channels across nodes.
using RoomId = std::string;

inline RoomId chat_room(std::string_view session_id) { return "chat:" + std::string(session_id); }
inline RoomId workspace_room(std::string_view workspace_id) {
  return "workspace:" + std::string(workspace_id);
}
inline RoomId user_room(std::string_view user_id) { return "user:" + std::string(user_id); }
/// A room of the nodes themselves (RoomListener), e.g. `memberships`.
inline RoomId cluster_room(std::string_view topic) { return "cluster:" + std::string(topic); }
inline RoomId execution_room(std::string_view execution_id) {
  return "execution:" + std::string(execution_id);
}

}  // namespace nadoo::hub
