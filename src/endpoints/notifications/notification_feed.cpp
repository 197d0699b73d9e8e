#include "endpoints/notifications/notification_feed.hpp"

#include "notifications/notification_messages.hpp"
#include "util/utc_timestamp.hpp"

namespace nadoo::endpoints {

NotificationFeed::NotificationFeed(hub::ConnectionPtr connection, ReadChanges read_changes,
                                   std::size_t held_bytes_limit)
    : ForwardingConnection(connection),
      gate_(std::move(connection), held_bytes_limit),
      read_changes_(std::move(read_changes)) {}

namespace {

/// What the feed remembers of a `notification_read` it sent.
std::string read_key(const std::string& id) { return "read:" + id; }

/// The key a message is remembered by; nullopt for one that is not.
std::optional<std::string> key_of(std::string_view message) {
  if (auto id = notifications::notification_id_of(message)) return id;
  if (auto id = notifications::notification_read_id_of(message)) return read_key(*id);
  return std::nullopt;
}

}  // namespace

void NotificationFeed::send(hub::SharedText message, hub::MessageKind kind) {
  const auto key = key_of(*message);
  std::lock_guard lock(mutex_);
  if (key) {
    // Already sent: by the backlog, or by a fill, before its live copy came.
    if (sent_.contains(*key)) return;
    remember(*key);
  }
  gate_.send(std::move(message), kind);
}

void NotificationFeed::open(const std::unordered_set<std::string>& sent_ids) {
  std::lock_guard lock(mutex_);
  for (const auto& id : sent_ids) remember(id);
  gate_.open([&sent_ids](const std::string& payload) {
    const auto id = notifications::notification_id_of(payload);
    return !id || !sent_ids.contains(*id);
  });
  open_ = true;
  if (gap_before_open_) read_since(*std::exchange(gap_before_open_, std::nullopt));
}

void NotificationFeed::fill_gap(std::chrono::system_clock::time_point since) {
  std::lock_guard lock(mutex_);
  if (!open_) {
    gap_before_open_ = gap_before_open_ ? std::min(*gap_before_open_, since) : since;
    return;
  }
  read_since(since);
}

void NotificationFeed::remember(const std::string& id) {
  if (!sent_.insert(id).second) return;
  sent_order_.push_back(id);
  if (sent_order_.size() > remembered_ids) {
    sent_.erase(sent_order_.front());
    sent_order_.pop_front();
  }
}

void NotificationFeed::read_since(std::chrono::system_clock::time_point gap_since) {
  auto since = util::format_utc_timestamp(gap_since - clock_skew_margin);
  // The read never calls back before returning (it runs on storage), so
  // making it with the lock held cannot deadlock.
  read_changes_(since, [weak = weak_from_this(), since](Page page) {
    if (const auto self = weak.lock()) {
      std::lock_guard lock(self->mutex_);
      self->on_changes(page, since);
    }
  });
}

void NotificationFeed::on_changes(const Page& page, const std::string& since) {
  // Rather than leave the tab with a gap: it reconnects (the spec's client
  // does on 1013) and gets what it missed in its backlog.
  if (!page.ok())
    return connection()->close(hub::CloseCode::try_again_later, "Could not catch up; reconnect");
  const auto& notifications = page.value->notifications;
  for (const auto& notification : notifications) {
    if (!notification.read_at) {
      if (sent_.contains(notification.id)) continue;
      remember(notification.id);
      connection()->send(notifications::notification_message(notification));
    } else if ((sent_.contains(notification.id) || notification.created_at < since) &&
               !sent_.contains(read_key(notification.id))) {
      // The tab may show it unread: it missed the `notification_read`.
      remember(read_key(notification.id));
      connection()->send(notifications::notification_read_message(notification.id));
    }
  }
  if (page.value->has_more && !notifications.empty())
    connection()->send(notifications::backlog_truncated_message(notifications.back().id));
}

}  // namespace nadoo::endpoints
