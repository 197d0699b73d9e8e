#pragma once

#include "store/notification_store.hpp"
#include "store/sqlite/sqlite_connection.hpp"

namespace nadoo::store::sqlite {

/// NotificationStore on the SQLite connection that SqliteStore owns.
class SqliteNotificationStore final : public NotificationStore {
 public:
  explicit SqliteNotificationStore(Connection& connection) : connection_(connection) {}

 private:
  Connection& connection_;
};

}  // namespace nadoo::store::sqlite
