#pragma once

#include <boost/json/object.hpp>
#include <optional>
#include <string>
#include <vector>

#include "notifications/notification_settings.hpp"

namespace nadoo::notifications {

/// What every recipient of one publish call gets.
struct NotificationContent {
  std::string title;
  std::string body;
  std::string action_url;
  std::optional<std::string> data_json;  // a JSON object, compact
};

/// A validated `POST /api/v1/notifications` body: one user (`user_id`) or
/// several (`user_ids`, the bulk form), and the content.
struct NotificationRequest {
  std::vector<std::string> user_ids;  // distinct, in the order given
  bool bulk = false;
  NotificationContent content;
};

/// Validates a publish body against `limits`; throws util::FieldError naming
/// the field that is missing, of the wrong type, or too long.
NotificationRequest parse_notification_request(const boost::json::object& body,
                                               const NotificationLimits& limits);

}  // namespace nadoo::notifications
