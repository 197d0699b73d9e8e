#pragma once

#include "store/notification_store.hpp"
#include "store/sqlite/sqlite_connection.hpp"

namespace nadoo::store::sqlite {

/// NotificationStore on the SQLite connection that SqliteStore owns.
class SqliteNotificationStore final : public NotificationStore {
 public:
  explicit SqliteNotificationStore(Connection& connection) : connection_(connection) {}

  void insert_notifications(const std::vector<Notification>& notifications) override;
  NotificationPage list_notifications(const NotificationQuery& query) override;
  MarkReadOutcome mark_notification_read(const std::string& user_id, const std::string& id,
                                         const std::string& read_at) override;
  std::int64_t purge_notifications(std::chrono::seconds read_max_age,
                                   std::chrono::seconds unread_max_age) override;

 private:
  Connection& connection_;
};

}  // namespace nadoo::store::sqlite
