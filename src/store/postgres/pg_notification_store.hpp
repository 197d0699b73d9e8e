#pragma once

#include "store/notification_store.hpp"
#include "store/postgres/pg_reconnecting_connection.hpp"

namespace nadoo::store::postgres {

/// NotificationStore on the connection that PostgresStore owns.
class PostgresNotificationStore final : public NotificationStore {
 public:
  explicit PostgresNotificationStore(ReconnectingConnection& connection) : connection_(connection) {}

  void insert_notifications(const std::vector<Notification>& notifications) override;
  NotificationPage list_notifications(const NotificationQuery& query) override;
  MarkReadOutcome mark_notification_read(const std::string& user_id, const std::string& id,
                                         const std::string& read_at) override;
  std::int64_t purge_notifications(std::chrono::seconds read_max_age,
                                   std::chrono::seconds unread_max_age) override;

 private:
  ReconnectingConnection& connection_;
};

}  // namespace nadoo::store::postgres
