#include "notifications/notification_service.hpp"

#include "notifications/notification_messages.hpp"
#include "protocol/server_message.hpp"
#include "util/random_id.hpp"

namespace nadoo::notifications {

void NotificationService::publish(const NotificationRequest& request, Published done) {
  std::vector<store::Notification> notifications;
  notifications.reserve(request.user_ids.size());
  const auto created_at = protocol::utc_timestamp_now();
  for (const auto& user_id : request.user_ids) {
    const auto& content = request.content;
    notifications.push_back(store::Notification{util::random_id(store::notification_id_prefix), user_id,
                                                content.title, content.body, content.action_url,
                                                content.data_json, created_at, std::nullopt});
  }
  storage_.run(
      strand_,
      [notifications = std::move(notifications)](store::Store& store) mutable {
        store.notifications().insert_notifications(notifications);
        return std::move(notifications);
      },
      [this, done = std::move(done)](store::StoreResult<std::vector<store::Notification>> stored) {
        if (stored.ok()) {
          // Stored first, so a user who misses this live message finds it in the backlog.
          for (const auto& notification : *stored.value) {
            hub_.publish(hub::user_room(notification.user_id), notification_message(notification));
          }
        }
        done(std::move(stored));
      });
}

void NotificationService::read_backlog(const std::string& user_id, std::size_t max_notifications,
                                       BacklogRead done) {
  store::NotificationQuery query;
  query.user_id = user_id;
  query.unread_only = true;
  query.limit = max_notifications;
  storage_.run(
      strand_,
      [query = std::move(query)](store::Store& store) {
        return store.notifications().list_notifications(query);
      },
      std::move(done));
}

void NotificationService::acknowledge(const std::string& user_id, const std::string& id, Acknowledged done) {
  storage_.run(
      strand_,
      [user_id, id, read_at = protocol::utc_timestamp_now()](store::Store& store) {
        return store.notifications().mark_notification_read(user_id, id, read_at);
      },
      [this, user_id, id, done = std::move(done)](store::StoreResult<store::MarkReadOutcome> outcome) {
        if (outcome.ok() && *outcome.value == store::MarkReadOutcome::marked_read) {
          hub_.publish(hub::user_room(user_id), notification_read_message(id));
        }
        done(std::move(outcome));
      });
}

}  // namespace nadoo::notifications
