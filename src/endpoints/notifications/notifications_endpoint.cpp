#include "endpoints/notifications/notifications_endpoint.hpp"

#include <unordered_set>

#include "notifications/notification_messages.hpp"
#include "protocol/server_message.hpp"
#include "util/json_fields.hpp"

namespace nadoo::endpoints {

using protocol::error_message;
using protocol::server_message;

void NotificationsEndpoint::admit(const AdmissionRequest& request, AdmissionDone done) {
  done(policy_.require_token_of_path_user(request));
}

void NotificationsEndpoint::on_open(const hub::ConnectionPtr& connection,
                                    FirstMessageSent first_message_sent) {
  const auto& user_id = connection->user_id();
  hub_.add(connection, {user_id, {}});
  // In the room before the backlog is read: a notification stored after the
  // read is held by the feed, one stored before it is in the backlog.
  auto feed = std::make_shared<NotificationFeed>(
      connection,
      [this, user_id](const std::string& since, std::function<void(NotificationFeed::Page)> done) {
        service_.read_changes(user_id, since, backlog_.max_notifications, std::move(done));
      },
      held_bytes_limit_);
  connection->send(server_message("connected", {{"user_id", user_id}}));
  // The client is heard once the backlog is out: an ack's answer or a pong
  // never comes between `connected` and the backlog. The read waits for the
  // room's subscription, so that what another node stores after the read
  // reaches the gate.
  hub_.join(feed, hub::user_room(user_id),
            [this, connection, feed, first_message_sent = std::move(first_message_sent)]() mutable {
              service_.read_backlog(
                  connection->user_id(), backlog_.max_notifications,
                  [this, connection, feed, first_message_sent = std::move(first_message_sent)](
                      store::StoreResult<store::NotificationPage> backlog) {
                    if (send_backlog(connection, *feed, backlog)) first_message_sent();
                  });
            });
}

bool NotificationsEndpoint::send_backlog(const hub::ConnectionPtr& connection, NotificationFeed& feed,
                                         const store::StoreResult<store::NotificationPage>& backlog) {
  if (!backlog.ok()) {
    close_for_storage_failure(connection);
    return false;
  }
  std::unordered_set<std::string> sent_ids;
  std::string last_sent_id;
  std::size_t sent_bytes = 0;
  bool truncated = backlog.value->has_more;
  for (const auto& notification : backlog.value->notifications) {
    auto message = notifications::notification_message(notification);
    if (!sent_ids.empty() && sent_bytes + message->size() > backlog_.max_bytes) {
      truncated = true;
      break;
    }
    sent_bytes += message->size();
    connection->send(std::move(message));
    sent_ids.insert(notification.id);
    last_sent_id = notification.id;
  }
  if (truncated) connection->send(notifications::backlog_truncated_message(last_sent_id));
  // A notification stored before the read and published after the feed
  // joined is in both: the backlog copy went out, the other is dropped.
  feed.open(sent_ids);
  return true;
}

void NotificationsEndpoint::on_close(const hub::ConnectionPtr& connection) { hub_.remove(connection->id()); }

bool NotificationsEndpoint::on_json_message(const hub::ConnectionPtr& connection, std::string_view type,
                                            const boost::json::object& message) {
  if (type != "ack") return false;
  on_ack(connection, message);
  return true;
}

void NotificationsEndpoint::on_ack(const hub::ConnectionPtr& connection, const boost::json::object& message) {
  auto id = util::JsonFields(message).required_id("id");
  service_.acknowledge(
      connection->user_id(), id, [this, connection, id](store::StoreResult<store::MarkReadOutcome> outcome) {
        if (!outcome.ok()) {
          return connection->send(error_message(
              "internal_error", "Storage failed; the acknowledgement was not saved. Please retry."));
        }
        switch (*outcome.value) {
          case store::MarkReadOutcome::marked_read:
            break;  // every tab, this one included, got notification_read
          case store::MarkReadOutcome::already_read:
            connection->send(notifications::notification_read_message(id));  // the confirmation it waits for
            break;
          case store::MarkReadOutcome::not_found:
            reject(connection, "not_found", "No notification " + id + " of this user");
            break;
        }
      });
}

}  // namespace nadoo::endpoints
