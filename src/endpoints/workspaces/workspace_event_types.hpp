#pragma once

#include <boost/json/object.hpp>
#include <string_view>

namespace nadoo::endpoints {

/// `user_joined` and `user_left`: presence is the server's to announce; a
/// client that sends one gets `forbidden`.
bool is_server_only_event_type(std::string_view type);

/// `document_updated`, `application_changed` and `member_added`: the events
/// a client may send to the other members.
bool is_client_event_type(std::string_view type);

/// Checks the fields a client event of `type` (one of the client event types)
/// needs: `document_updated` a `document_id` (and optionally a
/// `knowledge_base_id` and an `action`), `application_changed` an
/// `application_id` (optionally an `action`), `member_added` a `member_id`
/// (optionally a `role`). Throws util::FieldError naming the bad field.
void validate_client_event(std::string_view type, const boost::json::object& event);

/// Checks the `type` of an event the platform broadcasts over REST: 1-64
/// characters of snake_case, and not a type the protocol keeps for itself
/// (connected, error, ping, pong, user_joined, user_left). Throws
/// util::FieldError.
void validate_server_event_type(std::string_view type);

}  // namespace nadoo::endpoints
