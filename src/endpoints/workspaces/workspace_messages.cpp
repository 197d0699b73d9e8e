#include "endpoints/workspaces/workspace_messages.hpp"

#include <boost/json/array.hpp>

#include "protocol/server_message.hpp"

namespace nadoo::endpoints {

using protocol::server_message;

hub::SharedText not_a_member_message(const std::string& workspace_id) {
  return protocol::error_message("forbidden", "You are not a member of workspace " + workspace_id);
}

hub::SharedText workspace_connected_message(const std::string& workspace_id, const std::string& user_id,
                                            const std::vector<std::string>& members_online) {
  return server_message(
      "connected", {{"workspace_id", workspace_id},
                    {"user_id", user_id},
                    {"members_online", boost::json::array(members_online.begin(), members_online.end())}});
}

hub::SharedText presence_message(std::string_view type, const std::string& workspace_id,
                                 const std::string& user_id) {
  return server_message(type, {{"workspace_id", workspace_id}, {"user_id", user_id}});
}

hub::SharedText member_added_message(const std::string& workspace_id, const std::string& member_id,
                                     const std::optional<std::string>& role) {
  boost::json::object fields{{"workspace_id", workspace_id}, {"member_id", member_id}};
  if (role) fields["role"] = *role;
  return server_message("member_added", std::move(fields));
}

hub::SharedText document_updated_message(const std::string& workspace_id,
                                         const std::string& knowledge_base_id, const std::string& document_id,
                                         std::string_view action) {
  return server_message("document_updated", {{"workspace_id", workspace_id},
                                             {"knowledge_base_id", knowledge_base_id},
                                             {"document_id", document_id},
                                             {"action", action}});
}

hub::SharedText stamped_event_message(boost::json::object event, const std::string& workspace_id,
                                      const std::string* sender) {
  const std::string type(event.at("type").as_string());
  event["workspace_id"] = workspace_id;
  if (sender) event["user_id"] = *sender;
  return server_message(type, std::move(event));  // sets `timestamp`
}

}  // namespace nadoo::endpoints
