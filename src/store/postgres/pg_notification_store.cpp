#include "store/postgres/pg_notification_store.hpp"

#include "store/postgres/pg_page_rows.hpp"
#include "store/store.hpp"

namespace nadoo::store::postgres {
namespace {

// The advisory-lock namespace ("nntf") under which a user's notifications
// are inserted, keyed by the user id's hash: a user's sequence numbers are
// taken in commit order, so a backlog read or a page `after` one of them
// never skips one that another node was committing meanwhile.
constexpr int user_notification_lock = 0x6e6e7466;

Notification read_notification(const Rows& rows, int row) {
  Notification notification;
  notification.id = rows.text(row, 0);
  notification.user_id = rows.text(row, 1);
  notification.title = rows.text(row, 2);
  notification.body = rows.text(row, 3);
  notification.action_url = rows.text(row, 4);
  notification.data_json = rows.optional_text(row, 5);
  notification.created_at = rows.text(row, 6);
  notification.read_at = rows.optional_text(row, 7);
  return notification;
}

/// The list SQL for the filters present, each written only when used so that
/// the planner picks the index that fits (the partial unread index for the
/// backlog). Parameters: 1 user, 2 after-id, 3 limit, 4 changed-since (each
/// NULL when absent).
std::string list_sql(const NotificationQuery& query) {
  std::string sql =
      "SELECT id, user_id, title, body, action_url, data_json, created_at, read_at FROM notifications "
      "WHERE user_id = $1";
  if (query.unread_only) sql += " AND read_at IS NULL";
  // Not one of the user's: NULL, which nothing is greater than, so an empty page.
  sql += query.after_id
             ? " AND sequence > (SELECT sequence FROM notifications WHERE id = $2 AND user_id = $1)"
             : " AND $2::text IS NULL";
  sql += query.changed_since ? " AND (created_at >= $4 OR read_at >= $4)" : " AND $4::text IS NULL";
  return sql + " ORDER BY sequence LIMIT $3";
}

}  // namespace

void PostgresNotificationStore::insert_notifications(const std::vector<Notification>& notifications) {
  if (notifications.empty()) return;
  std::vector<std::string> ids, user_ids, titles, bodies, action_urls, created_ats;
  std::vector<std::optional<std::string>> data_jsons, read_ats;
  for (const auto& notification : notifications) {
    ids.push_back(notification.id);
    user_ids.push_back(notification.user_id);
    titles.push_back(notification.title);
    bodies.push_back(notification.body);
    action_urls.push_back(notification.action_url);
    data_jsons.push_back(notification.data_json);
    created_ats.push_back(notification.created_at);
    read_ats.push_back(notification.read_at);
  }
  const auto users = text_array(user_ids);
  static const std::string lock_users =
      "SELECT pg_advisory_xact_lock($1, key) FROM "
      "(SELECT DISTINCT hashtext(user_id) AS key FROM unnest($2::text[]) AS listed (user_id)) keys "
      "ORDER BY key";
  static const std::string insert =
      "INSERT INTO notifications (id, user_id, title, body, action_url, data_json, created_at, read_at) "
      "SELECT id, user_id, title, body, action_url, data_json, created_at, read_at "
      "FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], "
      "$8::text[]) WITH ORDINALITY "
      "AS listed (id, user_id, title, body, action_url, data_json, created_at, read_at, position) "
      "ORDER BY position";
  connection_.run([&](Connection& connection) {
    // The users' locks in one order on every node (by key), so that two
    // batches never wait for each other; then the rows, whose sequences are
    // thus taken in commit order. One round trip: the insert needs no result
    // of the locks, only to run after them. Inside a group this is part of
    // the group's transaction; alone, the pipeline is the transaction (the
    // server commits a pipeline's statements at its sync), so the commit
    // rides in the same round trip.
    connection.pipeline(
        {{lock_users, {std::to_string(user_notification_lock), users}},
         {insert,
          {text_array(ids), users, text_array(titles), text_array(bodies), text_array(action_urls),
           text_array(data_jsons), text_array(created_ats), text_array(read_ats)}}});
  });
}

NotificationPage PostgresNotificationStore::list_notifications(const NotificationQuery& query) {
  return connection_.run([&](Connection& connection) {
    const Rows rows = connection.query(
        list_sql(query),
        std::vector<Connection::Parameter>{
            query.user_id, query.after_id ? Connection::Parameter(*query.after_id) : std::nullopt,
            page_limit_parameter(query.limit),
            query.changed_since ? Connection::Parameter(*query.changed_since) : std::nullopt});
    NotificationPage page;
    page.has_more = read_page_rows(rows, query.limit, page.notifications, read_notification);
    return page;
  });
}

MarkReadOutcome PostgresNotificationStore::mark_notification_read(const std::string& user_id,
                                                                  const std::string& id,
                                                                  const std::string& read_at) {
  return connection_.run([&](Connection& connection) {
    // One statement: of two acks at once, the second waits for the row's
    // lock, finds it read, and marks nothing.
    const Rows rows = connection.query(
        "WITH marked AS (UPDATE notifications SET read_at = $3 "
        "WHERE id = $1 AND user_id = $2 AND read_at IS NULL RETURNING 1) "
        "SELECT (SELECT count(*) FROM marked), "
        "EXISTS (SELECT 1 FROM notifications WHERE id = $1 AND user_id = $2)",
        {id, user_id, read_at});
    if (rows.integer(0, 0) > 0) return MarkReadOutcome::marked_read;
    return rows.boolean(0, 1) ? MarkReadOutcome::already_read : MarkReadOutcome::not_found;
  });
}

std::int64_t PostgresNotificationStore::purge_notifications(std::chrono::seconds read_max_age,
                                                            std::chrono::seconds unread_max_age) {
  if (read_max_age.count() <= 0 && unread_max_age.count() <= 0) return 0;
  return connection_.run([&](Connection& connection) {
    // created_at is ISO 8601 UTC text with milliseconds, so text order is
    // time order; the cutoffs are written the same way. A zero age keeps
    // that kind forever.
    const Rows rows = connection.query(
        "WITH cutoff AS (SELECT to_char((now() AT TIME ZONE 'UTC') - make_interval(secs => $1::bigint), "
        "'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"') AS read, "
        "to_char((now() AT TIME ZONE 'UTC') - make_interval(secs => $2::bigint), "
        "'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"') AS unread) "
        "DELETE FROM notifications USING cutoff WHERE "
        "($1::bigint > 0 AND read_at IS NOT NULL AND created_at < cutoff.read) OR "
        "($2::bigint > 0 AND read_at IS NULL AND created_at < cutoff.unread)",
        {std::to_string(read_max_age.count()), std::to_string(unread_max_age.count())});
    return rows.affected();
  });
}

}  // namespace nadoo::store::postgres
