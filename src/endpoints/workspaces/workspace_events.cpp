#include "endpoints/workspaces/workspace_events.hpp"

#include <spdlog/spdlog.h>

#include <boost/json/parse.hpp>

#include "endpoints/workspaces/workspace_messages.hpp"
#include "hub/room_listener.hpp"
#include "util/json_serialize.hpp"

namespace nadoo::endpoints {
namespace {

/// Where the nodes tell each other of removed members.
const hub::RoomId memberships_room = hub::cluster_room("memberships");

}  // namespace

WorkspaceEvents::WorkspaceEvents(hub::Hub& hub, Presence& presence)
    : hub_(hub), presence_(presence) {
  hub_.listen(
      std::make_shared<hub::RoomListener>([this](const std::string& payload) {
        boost::system::error_code error;
        const auto change = boost::json::parse(payload, error);
        const auto* fields = change.if_object();
        const auto* workspace_id = fields ? fields->if_contains("workspace_id") : nullptr;
        const auto* user_id = fields ? fields->if_contains("user_id") : nullptr;
        if (error || !workspace_id || !workspace_id->is_string() || !user_id || !user_id->is_string()) {
          return spdlog::error("membership room: a message that is not a removal: {}", payload);
        }
        close_member_connections(std::string(workspace_id->get_string()), std::string(user_id->get_string()));
      }),
      memberships_room);
}

void WorkspaceEvents::member_added(const std::string& workspace_id, const std::string& member_id,
                                   const std::optional<std::string>& role) {
  hub_.publish(hub::workspace_room(workspace_id), member_added_message(workspace_id, member_id, role));
}

void WorkspaceEvents::member_removed(const std::string& workspace_id, const std::string& user_id) {
  hub_.publish(memberships_room, hub::make_shared_text(util::serialize_json(boost::json::object{
                                     {"workspace_id", workspace_id}, {"user_id", user_id}})));
}

void WorkspaceEvents::close_member_connections(const std::string& workspace_id, const std::string& user_id) {
  const auto connections = presence_.remove_member(workspace_id, user_id);
  if (connections.empty()) return;
  spdlog::info("closing {} connections of {} removed from workspace {}", connections.size(), user_id,
               workspace_id);
  const auto refusal = not_a_member_message(workspace_id);
  for (const auto& connection : connections) {
    connection->close_after(refusal, hub::CloseCode::policy_violation, not_a_member_close_reason);
  }
}

void WorkspaceEvents::document_changed(const std::string& workspace_id, const std::string& knowledge_base_id,
                                       const std::string& document_id, std::string_view action) {
  hub_.publish(hub::workspace_room(workspace_id),
               document_updated_message(workspace_id, knowledge_base_id, document_id, action));
}

void WorkspaceEvents::broadcast(const std::string& workspace_id, boost::json::object event) {
  hub_.publish(hub::workspace_room(workspace_id),
               stamped_event_message(std::move(event), workspace_id, nullptr));
}

}  // namespace nadoo::endpoints
