#include "endpoints/workspaces/workspace_events.hpp"

#include <spdlog/spdlog.h>

#include "endpoints/workspaces/workspace_messages.hpp"

namespace nadoo::endpoints {

void WorkspaceEvents::member_added(const std::string& workspace_id, const std::string& member_id,
                                   const std::optional<std::string>& role) {
  hub_.publish(hub::workspace_room(workspace_id), member_added_message(workspace_id, member_id, role));
}

void WorkspaceEvents::member_removed(const std::string& workspace_id, const std::string& user_id) {
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
