// Notifications on every store kind (store_kinds.hpp).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "store_kinds.hpp"

namespace nadoo::store {
namespace {

using std::chrono::seconds;

constexpr auto thirty_days = seconds(30 * 24 * 3600);

template <typename Kind>
using NotificationStoreTest = test_support::StoreTestBase<Kind>;
TYPED_TEST_SUITE(NotificationStoreTest, test_support::StoreKinds, test_support::StoreKindNames);

// Equal timestamps everywhere: order must come from insertion alone.
Notification sample(const std::string& id, const std::string& user_id,
                    const std::string& created_at = "2099-01-15T10:30:00.000Z") {
  return Notification{id,          user_id,      "Title " + id, "Body " + id,
                      "/go/" + id, std::nullopt, created_at,    std::nullopt};
}

NotificationQuery of_user(const std::string& user_id, std::size_t limit = 50) {
  NotificationQuery query;
  query.user_id = user_id;
  query.limit = limit;
  return query;
}

NotificationQuery unread_of(const std::string& user_id, std::size_t limit = 50) {
  auto query = of_user(user_id, limit);
  query.unread_only = true;
  return query;
}

std::vector<std::string> ids_of(const NotificationPage& page) {
  std::vector<std::string> ids;
  for (const auto& notification : page.notifications) ids.push_back(notification.id);
  return ids;
}

using Ids = std::vector<std::string>;

TYPED_TEST(NotificationStoreTest, inserted_notification_comes_back_with_every_field) {
  auto stored = sample("ntf_1", "alice");
  stored.data_json = R"({"workflow_id":"wf-123","ok":true})";
  this->notifications().insert_notifications({stored, sample("ntf_2", "alice")});

  const auto page = this->notifications().list_notifications(of_user("alice"));
  ASSERT_EQ(page.notifications.size(), 2u);
  const auto& found = page.notifications[0];
  EXPECT_EQ(found.id, "ntf_1");
  EXPECT_EQ(found.user_id, "alice");
  EXPECT_EQ(found.title, "Title ntf_1");
  EXPECT_EQ(found.body, "Body ntf_1");
  EXPECT_EQ(found.action_url, "/go/ntf_1");
  EXPECT_EQ(found.data_json, R"({"workflow_id":"wf-123","ok":true})");
  EXPECT_EQ(found.created_at, "2099-01-15T10:30:00.000Z");
  EXPECT_FALSE(found.read_at);
  EXPECT_FALSE(page.notifications[1].data_json);
  EXPECT_FALSE(page.has_more);
}

TYPED_TEST(NotificationStoreTest, notifications_list_in_insertion_order_and_only_the_users_own) {
  this->notifications().insert_notifications({sample("ntf_c", "alice"), sample("ntf_x", "bob")});
  this->notifications().insert_notifications({sample("ntf_a", "alice")});
  this->notifications().insert_notifications({sample("ntf_b", "alice")});

  EXPECT_EQ(ids_of(this->notifications().list_notifications(of_user("alice"))),
            (Ids{"ntf_c", "ntf_a", "ntf_b"}));
  EXPECT_EQ(ids_of(this->notifications().list_notifications(of_user("bob"))), Ids{"ntf_x"});
  EXPECT_TRUE(this->notifications().list_notifications(of_user("carol")).notifications.empty());
}

TYPED_TEST(NotificationStoreTest, bulk_insert_with_a_reused_id_stores_none_of_them) {
  this->notifications().insert_notifications({sample("ntf_1", "alice")});
  EXPECT_THROW(this->notifications().insert_notifications({sample("ntf_2", "bob"), sample("ntf_1", "carol")}),
               StoreError);
  EXPECT_TRUE(this->notifications().list_notifications(of_user("bob")).notifications.empty());
  EXPECT_TRUE(this->notifications().list_notifications(of_user("carol")).notifications.empty());
}

TYPED_TEST(NotificationStoreTest, pages_follow_after_and_limit_and_say_whether_more_follow) {
  std::vector<Notification> batch;
  for (int i = 1; i <= 5; ++i) batch.push_back(sample("ntf_" + std::to_string(i), "alice"));
  this->notifications().insert_notifications(batch);

  auto first = this->notifications().list_notifications(of_user("alice", 2));
  EXPECT_EQ(ids_of(first), (Ids{"ntf_1", "ntf_2"}));
  EXPECT_TRUE(first.has_more);

  auto query = of_user("alice", 2);
  query.after_id = "ntf_2";
  auto second = this->notifications().list_notifications(query);
  EXPECT_EQ(ids_of(second), (Ids{"ntf_3", "ntf_4"}));
  EXPECT_TRUE(second.has_more);

  query.after_id = "ntf_4";
  auto last = this->notifications().list_notifications(query);
  EXPECT_EQ(ids_of(last), Ids{"ntf_5"});
  EXPECT_FALSE(last.has_more);

  query.limit = 3;
  query.after_id = "ntf_2";
  EXPECT_FALSE(this->notifications().list_notifications(query).has_more);  // exactly the rest
}

TYPED_TEST(NotificationStoreTest, after_an_id_that_is_not_the_users_gives_an_empty_page) {
  this->notifications().insert_notifications(
      {sample("ntf_a1", "alice"), sample("ntf_b1", "bob"), sample("ntf_a2", "alice")});
  auto query = of_user("alice");
  query.after_id = "ntf_b1";  // bob's: must not reveal where it sits among alice's
  EXPECT_TRUE(this->notifications().list_notifications(query).notifications.empty());
  query.after_id = "ntf_unknown";
  EXPECT_TRUE(this->notifications().list_notifications(query).notifications.empty());
}

TYPED_TEST(NotificationStoreTest, mark_read_sets_read_at_once_and_only_for_the_owner) {
  this->notifications().insert_notifications({sample("ntf_1", "alice"), sample("ntf_2", "alice")});

  EXPECT_EQ(this->notifications().mark_notification_read("bob", "ntf_1", "2099-01-16T00:00:00.000Z"),
            MarkReadOutcome::not_found);
  EXPECT_EQ(this->notifications().mark_notification_read("alice", "ntf_9", "2099-01-16T00:00:00.000Z"),
            MarkReadOutcome::not_found);
  EXPECT_EQ(this->notifications().mark_notification_read("alice", "ntf_1", "2099-01-16T00:00:00.000Z"),
            MarkReadOutcome::marked_read);
  EXPECT_EQ(this->notifications().mark_notification_read("alice", "ntf_1", "2099-01-17T00:00:00.000Z"),
            MarkReadOutcome::already_read);

  const auto all = this->notifications().list_notifications(of_user("alice"));
  EXPECT_EQ(all.notifications[0].read_at, "2099-01-16T00:00:00.000Z");  // the first ack counts
  EXPECT_FALSE(all.notifications[1].read_at);
}

TYPED_TEST(NotificationStoreTest, unread_filter_skips_read_ones_and_pages_among_unread) {
  std::vector<Notification> batch;
  for (int i = 1; i <= 5; ++i) batch.push_back(sample("ntf_" + std::to_string(i), "alice"));
  this->notifications().insert_notifications(batch);
  this->notifications().mark_notification_read("alice", "ntf_2", "2099-01-16T00:00:00.000Z");
  this->notifications().mark_notification_read("alice", "ntf_4", "2099-01-16T00:00:00.000Z");

  EXPECT_EQ(ids_of(this->notifications().list_notifications(unread_of("alice"))),
            (Ids{"ntf_1", "ntf_3", "ntf_5"}));
  auto query = unread_of("alice", 1);
  query.after_id = "ntf_2";  // a read one still marks a place
  const auto page = this->notifications().list_notifications(query);
  EXPECT_EQ(ids_of(page), Ids{"ntf_3"});
  EXPECT_TRUE(page.has_more);
}

TYPED_TEST(NotificationStoreTest, changed_since_lists_those_created_or_read_at_or_after_it) {
  this->notifications().insert_notifications({sample("ntf_old", "alice", "2099-01-15T10:00:00.000Z"),
                                              sample("ntf_old_read", "alice", "2099-01-15T10:00:00.000Z"),
                                              sample("ntf_at", "alice", "2099-01-15T11:00:00.000Z"),
                                              sample("ntf_new", "alice", "2099-01-15T12:00:00.000Z"),
                                              sample("ntf_bob", "bob", "2099-01-15T12:00:00.000Z")});
  this->notifications().mark_notification_read("alice", "ntf_old_read", "2099-01-15T11:30:00.000Z");
  this->notifications().mark_notification_read("alice", "ntf_new", "2099-01-15T12:30:00.000Z");

  auto query = of_user("alice");
  query.changed_since = "2099-01-15T11:00:00.000Z";
  EXPECT_EQ(ids_of(this->notifications().list_notifications(query)),
            (Ids{"ntf_old_read", "ntf_at", "ntf_new"}));
  query.unread_only = true;
  EXPECT_EQ(ids_of(this->notifications().list_notifications(query)), Ids{"ntf_at"});
}

TYPED_TEST(NotificationStoreTest, purge_deletes_what_outlived_its_retention_and_keeps_the_rest) {
  this->notifications().insert_notifications({
      sample("ntf_old_read", "alice", "2020-01-01T00:00:00.000Z"),
      sample("ntf_old_unread", "alice", "2020-01-01T00:00:00.000Z"),
      sample("ntf_new_read", "alice"),
      sample("ntf_new_unread", "alice"),
  });
  this->notifications().mark_notification_read("alice", "ntf_old_read", "2020-01-02T00:00:00.000Z");
  this->notifications().mark_notification_read("alice", "ntf_new_read", "2099-01-16T00:00:00.000Z");

  // Unread kept forever (age 0): only the old read one goes.
  EXPECT_EQ(this->notifications().purge_notifications(thirty_days, seconds(0)), 1);
  EXPECT_EQ(ids_of(this->notifications().list_notifications(of_user("alice"))),
            (Ids{"ntf_old_unread", "ntf_new_read", "ntf_new_unread"}));

  EXPECT_EQ(this->notifications().purge_notifications(seconds(0), thirty_days), 1);
  EXPECT_EQ(ids_of(this->notifications().list_notifications(of_user("alice"))),
            (Ids{"ntf_new_read", "ntf_new_unread"}));
  EXPECT_EQ(this->notifications().purge_notifications(thirty_days, thirty_days), 0);
}

TYPED_TEST(NotificationStoreTest, notifications_survive_reopening_the_database) {
  this->notifications().insert_notifications({sample("ntf_1", "alice"), sample("ntf_2", "alice")});
  this->notifications().mark_notification_read("alice", "ntf_1", "2099-01-16T00:00:00.000Z");
  this->reopen();

  EXPECT_EQ(ids_of(this->notifications().list_notifications(unread_of("alice"))), Ids{"ntf_2"});
  // The order goes on where it stopped.
  this->notifications().insert_notifications({sample("ntf_3", "alice")});
  EXPECT_EQ(ids_of(this->notifications().list_notifications(of_user("alice"))),
            (Ids{"ntf_1", "ntf_2", "ntf_3"}));
}

}  // namespace
}  // namespace nadoo::store
