#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace nadoo::store {

/// One notification for one user, as stored and as listed.
/// Prefix of the ids the server gives notifications (util::random_id).
inline constexpr std::string_view notification_id_prefix = "ntf_";

struct Notification {
  std::string id;  // `ntf_<32 hex>`, made by the server
  std::string user_id;
  std::string title;
  std::string body;
  std::string action_url;
  /// The publisher's optional `data`: the text of a JSON object.
  std::optional<std::string> data_json;
  std::string created_at;              // ISO-8601 UTC, milliseconds
  std::optional<std::string> read_at;  // set by the user's `ack`
};

/// One page of a user's notifications, oldest first.
struct NotificationPage {
  std::vector<Notification> notifications;
  bool has_more = false;
};

/// Which notifications to list: the user's own, optionally only the unread
/// ones, after a notification id (exclusive), only those created or read at
/// or after `changed_since` (same form as created_at), at most `limit`.
struct NotificationQuery {
  std::string user_id;
  bool unread_only = false;
  std::optional<std::string> after_id;
  std::optional<std::string> changed_since;
  std::size_t limit = 50;
};

enum class MarkReadOutcome {
  marked_read,   // it was unread and now is read
  already_read,  // a repeated ack: nothing changed
  not_found,     // no such notification of that user
};

/// Durable storage of the user's notifications and which of them were read.
/// Calls block and run on the storage executor, like every Store call; each
/// call is one transaction. Order is the order of insertion, exactly, even
/// for notifications created within the same millisecond.
class NotificationStore {
 public:
  virtual ~NotificationStore() = default;

  /// Stores every notification, in the order given, or none of them (one
  /// transaction). Throws StoreError for a reused id.
  virtual void insert_notifications(const std::vector<Notification>& notifications) = 0;
  /// An `after_id` that is not one of the user's notifications gives an empty page.
  virtual NotificationPage list_notifications(const NotificationQuery& query) = 0;
  /// Marks the user's notification `id` read at `read_at`; another user's is not found.
  virtual MarkReadOutcome mark_notification_read(const std::string& user_id, const std::string& id,
                                                 const std::string& read_at) = 0;
  /// Deletes read notifications created more than `read_max_age` ago and
  /// unread ones created more than `unread_max_age` ago; a zero age keeps
  /// that kind forever. Returns how many were deleted.
  virtual std::int64_t purge_notifications(std::chrono::seconds read_max_age,
                                           std::chrono::seconds unread_max_age) = 0;
};

}  // namespace nadoo::store
