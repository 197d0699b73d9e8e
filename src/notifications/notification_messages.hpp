#pragma once

#include <boost/json/object.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "hub/connection.hpp"
#include "store/notification_store.hpp"

namespace nadoo::notifications {

/// The spec's `notification` message plus a top-level `id`:
/// `{"type":"notification","id":…,"notification":{"title","body","action_url"[,"data"]},"timestamp":…}`.
/// `timestamp` is when it was created, so a notification reads the same live
/// and in a later backlog.
hub::SharedText notification_message(const store::Notification& notification);

/// `{"type":"notification_read","id":…}`: a tab acknowledged it; every tab
/// of the user hides it.
hub::SharedText notification_read_message(std::string_view id);

/// `{"type":"notification_backlog_truncated","after":…}`: more unread
/// notifications wait than one connect sends; the client lists them with
/// `GET /api/v1/notifications?unread=true&after=<after>`.
hub::SharedText backlog_truncated_message(std::string_view last_sent_id);

/// The id of a `notification` message; nullopt for any other message.
std::optional<std::string> notification_id_of(std::string_view payload);
/// The id of a `notification_read` message; nullopt for any other message.
std::optional<std::string> notification_read_id_of(std::string_view payload);

/// A stored notification as `GET /api/v1/notifications` lists it.
boost::json::object notification_to_json(const store::Notification& notification);

}  // namespace nadoo::notifications
