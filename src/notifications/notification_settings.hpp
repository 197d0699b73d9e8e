// notifications/ owns the user notifications: what a publisher may send, how
// it is stored before it is delivered, the backlog a connecting user gets,
// acknowledgements, and retention.
#pragma once

#include <chrono>
#include <cstddef>

namespace nadoo::notifications {

/// Bounds on what a publisher may send; the defaults and their reasons are in
/// config::ServerConfig, which is where these always come from.
struct NotificationLimits {
  std::size_t title_max_bytes = 0;
  std::size_t body_max_bytes = 0;
  std::size_t action_url_max_bytes = 0;
  std::size_t data_max_bytes = 0;  // `data` as compact JSON text
  std::size_t bulk_max_users = 0;  // `user_ids` of one bulk call
};

/// What a connecting user gets before the live notifications.
struct BacklogLimits {
  std::size_t max_notifications = 0;
  std::size_t max_bytes = 0;  // serialized; at least one notification is always sent
};

/// How long notifications are kept; zero keeps that kind forever.
struct RetentionSettings {
  std::chrono::seconds read_max_age{0};
  std::chrono::seconds unread_max_age{0};
  std::chrono::seconds purge_interval{0};
};

struct NotificationSettings {
  NotificationLimits limits;
  BacklogLimits backlog;
  RetentionSettings retention;
};

}  // namespace nadoo::notifications
