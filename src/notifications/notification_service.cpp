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
  boost::asio::post(strand_,
                    [this, notifications = std::move(notifications), done = std::move(done)]() mutable {
                      waiting_.push_back({std::move(notifications), std::move(done)});
                      insert_waiting();
                    });
}

void NotificationService::insert_waiting() {
  if (inserting_ || waiting_.empty()) return;
  std::vector<WaitingPublish> batch;
  std::vector<store::Notification> notifications;
  while (!waiting_.empty() &&
         (batch.empty() ||
          notifications.size() + waiting_.front().notifications.size() <= max_notifications_per_insert)) {
    auto& next = waiting_.front();
    notifications.insert(notifications.end(), next.notifications.begin(), next.notifications.end());
    batch.push_back(std::move(next));
    waiting_.pop_front();
  }
  inserting_ = true;
  storage_.run_on_lane(
      lane_, strand_,
      [notifications = std::move(notifications)](store::Store& store) {
        store.notifications().insert_notifications(notifications);
        return true;
      },
      [this, batch = std::move(batch)](store::StoreResult<bool> stored) mutable {
        on_inserted(std::move(batch), stored);
      });
}

void NotificationService::on_inserted(std::vector<WaitingPublish> batch, store::StoreResult<bool> stored) {
  inserting_ = false;
  // The next batch goes to storage first, so that its insert overlaps this
  // batch's deliveries; its own results come back after this handler.
  insert_waiting();
  for (auto& publish : batch) {
    store::StoreResult<std::vector<store::Notification>> result;
    result.unavailable = stored.unavailable;
    if (stored.ok()) {
      // Stored first, so a user who misses this live message finds it in the backlog.
      for (const auto& notification : publish.notifications) {
        hub_.publish(hub::user_room(notification.user_id), notification_message(notification));
      }
      result.value = std::move(publish.notifications);
    }
    publish.done(std::move(result));
  }
}

void NotificationService::read_backlog(const std::string& user_id, std::size_t max_notifications,
                                       BacklogRead done) {
  store::NotificationQuery query;
  query.user_id = user_id;
  query.unread_only = true;
  query.limit = max_notifications;
  list(std::move(query), std::move(done));
}

void NotificationService::read_changes(const std::string& user_id, const std::string& since,
                                       std::size_t max_notifications, BacklogRead done) {
  store::NotificationQuery query;
  query.user_id = user_id;
  query.changed_since = since;
  query.limit = max_notifications;
  list(std::move(query), std::move(done));
}

void NotificationService::list(store::NotificationQuery query, BacklogRead done) {
  // On the lane of the publishes, so that every notification stored before
  // the read has been delivered on this node when `done` runs.
  storage_.run_on_lane(
      lane_, strand_,
      [query = std::move(query)](store::Store& store) {
        return store.notifications().list_notifications(query);
      },
      std::move(done));
}

void NotificationService::acknowledge(const std::string& user_id, const std::string& id, Acknowledged done) {
  storage_.run_on_lane(
      lane_, strand_,
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
