#pragma once

#include <boost/json/object.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hub/connection.hpp"

namespace nadoo::endpoints {

// What the workspace socket sends. In every message `workspace_id` is the
// workspace and `user_id`, when present, the user who caused it: the one who
// joined, left, or sent the event. Events caused by the platform over REST
// carry no `user_id` unless the platform names one.

/// `connected` with the workspace, the user, and `members_online`: the users
/// connected to the workspace, the joining one included.
hub::SharedText workspace_connected_message(const std::string& workspace_id, const std::string& user_id,
                                            const std::vector<std::string>& members_online);

/// `user_joined` or `user_left`.
hub::SharedText presence_message(std::string_view type, const std::string& workspace_id,
                                 const std::string& user_id);

/// `member_added` for a membership added over REST: `member_id`, and `role`
/// when the membership has one.
hub::SharedText member_added_message(const std::string& workspace_id, const std::string& member_id,
                                     const std::optional<std::string>& role);

/// `document_updated` for a knowledge document change: `document_id`,
/// `knowledge_base_id`, `action` (created, updated or deleted).
hub::SharedText document_updated_message(const std::string& workspace_id,
                                         const std::string& knowledge_base_id, const std::string& document_id,
                                         std::string_view action);

/// The `error` (code `forbidden`) sent before a connection of a user who is
/// not, or no longer, a member is closed with 1008 and this reason.
hub::SharedText not_a_member_message(const std::string& workspace_id);
inline constexpr std::string_view not_a_member_close_reason = "Forbidden";

/// `event` (which has a string `type`) with the server's `workspace_id` and
/// `timestamp`, and `sender` as `user_id` when given, whatever the event said.
hub::SharedText stamped_event_message(boost::json::object event, const std::string& workspace_id,
                                      const std::string* sender);

}  // namespace nadoo::endpoints
