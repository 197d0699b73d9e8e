#include "store/sqlite/sqlite_notification_store.hpp"

#include "store/sqlite/page_rows.hpp"

namespace nadoo::store::sqlite {
namespace {

constexpr std::string_view notification_columns =
    "id, user_id, title, body, action_url, data_json, created_at, read_at";

Notification read_notification(const Query& row) {
  Notification notification;
  notification.id = row.text(0);
  notification.user_id = row.text(1);
  notification.title = row.text(2);
  notification.body = row.text(3);
  notification.action_url = row.text(4);
  notification.data_json = row.optional_text(5);
  notification.created_at = row.text(6);
  notification.read_at = row.optional_text(7);
  return notification;
}

/// The list SQL for the filters present, each written only when used so that
/// SQLite picks the index that fits (the partial unread index for the
/// backlog). Parameters: 1 user, 2 after-sequence, 3 limit, 4 changed-since.
std::string list_sql(const NotificationQuery& query) {
  std::string sql = "SELECT " + std::string(notification_columns) + " FROM notifications WHERE user_id = ?1";
  if (query.unread_only) sql += " AND read_at IS NULL";
  if (query.after_id) sql += " AND sequence > ?2";
  if (query.changed_since) sql += " AND (created_at >= ?4 OR read_at >= ?4)";
  return sql + " ORDER BY sequence LIMIT ?3";
}

/// The SQLite time modifier for `age` ago, e.g. "-2592000 seconds".
std::string seconds_ago(std::chrono::seconds age) { return "-" + std::to_string(age.count()) + " seconds"; }

}  // namespace

void SqliteNotificationStore::insert_notifications(const std::vector<Notification>& notifications) {
  Transaction transaction(connection_, Transaction::Kind::write);
  for (const auto& notification : notifications) {
    auto insert = connection_.query(
        "INSERT INTO notifications (id, user_id, title, body, action_url, data_json, created_at, read_at) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
    insert.bind_text(1, notification.id)
        .bind_text(2, notification.user_id)
        .bind_text(3, notification.title)
        .bind_text(4, notification.body)
        .bind_text(5, notification.action_url)
        .bind_optional_text(6, notification.data_json)
        .bind_text(7, notification.created_at)
        .bind_optional_text(8, notification.read_at)
        .execute();
  }
  transaction.commit();
}

NotificationPage SqliteNotificationStore::list_notifications(const NotificationQuery& query) {
  Transaction transaction(connection_, Transaction::Kind::read);
  NotificationPage page;
  std::int64_t after_sequence = 0;
  if (query.after_id) {
    auto after = connection_.query("SELECT sequence FROM notifications WHERE id = ?1 AND user_id = ?2");
    after.bind_text(1, *query.after_id).bind_text(2, query.user_id);
    if (!after.next_row()) return page;  // not the user's: nothing of theirs comes after it
    after_sequence = after.integer(0);
  }
  auto rows = connection_.query(list_sql(query));
  rows.bind_text(1, query.user_id);
  if (query.after_id) rows.bind_integer(2, after_sequence);
  if (query.changed_since) rows.bind_text(4, *query.changed_since);
  const auto limit = bind_page_limit(rows, 3, query.limit);
  page.has_more = read_page_rows(rows, limit, page.notifications, read_notification);
  return page;
}

MarkReadOutcome SqliteNotificationStore::mark_notification_read(const std::string& user_id,
                                                                const std::string& id,
                                                                const std::string& read_at) {
  Transaction transaction(connection_, Transaction::Kind::write);
  connection_
      .query("UPDATE notifications SET read_at = ?3 WHERE id = ?1 AND user_id = ?2 AND read_at IS NULL")
      .bind_text(1, id)
      .bind_text(2, user_id)
      .bind_text(3, read_at)
      .execute();
  if (connection_.changed_rows() > 0) {
    transaction.commit();
    return MarkReadOutcome::marked_read;
  }
  auto existing = connection_.query("SELECT 1 FROM notifications WHERE id = ?1 AND user_id = ?2");
  existing.bind_text(1, id).bind_text(2, user_id);
  return existing.next_row() ? MarkReadOutcome::already_read : MarkReadOutcome::not_found;
}

std::int64_t SqliteNotificationStore::purge_notifications(std::chrono::seconds read_max_age,
                                                          std::chrono::seconds unread_max_age) {
  Transaction transaction(connection_, Transaction::Kind::write);
  std::int64_t purged = 0;
  // created_at is always written as strftime writes it here, so text order is time order.
  const auto purge = [&](std::string_view sql, std::chrono::seconds max_age) {
    if (max_age.count() <= 0) return;
    connection_.query(sql).bind_text(1, seconds_ago(max_age)).execute();
    purged += connection_.changed_rows();
  };
  purge(
      "DELETE FROM notifications WHERE read_at IS NOT NULL "
      "AND created_at < strftime('%Y-%m-%dT%H:%M:%fZ', 'now', ?1)",
      read_max_age);
  purge(
      "DELETE FROM notifications WHERE read_at IS NULL "
      "AND created_at < strftime('%Y-%m-%dT%H:%M:%fZ', 'now', ?1)",
      unread_max_age);
  transaction.commit();
  return purged;
}

}  // namespace nadoo::store::sqlite
