#include "endpoints/notifications/notification_feed.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "notifications/notification_messages.hpp"
#include "unit/recording_connection.hpp"
#include "util/utc_timestamp.hpp"

namespace nadoo::endpoints {
namespace {

using Clock = std::chrono::system_clock;

store::Notification stored(const std::string& id, const std::string& created_at,
                           std::optional<std::string> read_at = std::nullopt) {
  return {id, "user-1", "Title " + id, "Body", "/go", std::nullopt, created_at, std::move(read_at)};
}

hub::SharedText live(const std::string& id) {
  return notifications::notification_message(stored(id, "2099-01-01T00:00:00.000Z"));
}

/// A feed whose reads the test answers by hand.
class NotificationFeedTest : public ::testing::Test {
 protected:
  std::shared_ptr<NotificationFeed> make_feed() {
    return std::make_shared<NotificationFeed>(
        client,
        [this](const std::string& since, std::function<void(NotificationFeed::Page)> done) {
          reads_since.push_back(since);
          pending = std::move(done);
        },
        64 * 1024);
  }

  /// Answers the pending read with `notifications`.
  void answer(std::vector<store::Notification> notifications, bool has_more = false) {
    ASSERT_TRUE(pending);
    auto done = std::exchange(pending, nullptr);
    done(NotificationFeed::Page{store::NotificationPage{std::move(notifications), has_more}});
  }

  /// What the client got: a notification's id, or `read <id>`, or the type.
  std::vector<std::string> received() const {
    std::vector<std::string> got;
    for (const auto& text : client->sent()) {
      const auto message = boost::json::parse(text).as_object();
      const auto type = std::string(message.at("type").as_string());
      if (type == "notification") {
        got.push_back(std::string(message.at("id").as_string()));
      } else if (type == "notification_read") {
        got.push_back("read " + std::string(message.at("id").as_string()));
      } else {
        got.push_back(type);
      }
    }
    return got;
  }

  std::shared_ptr<hub::RecordingConnection> client = std::make_shared<hub::RecordingConnection>();
  std::vector<std::string> reads_since;
  std::function<void(NotificationFeed::Page)> pending;
};

using Ids = std::vector<std::string>;

TEST_F(NotificationFeedTest, holds_live_ones_until_the_backlog_is_out_and_sends_each_once) {
  auto feed = make_feed();
  feed->send(live("ntf_1"), hub::MessageKind::text);  // stored before the read: in the backlog too
  feed->send(live("ntf_2"), hub::MessageKind::text);
  EXPECT_TRUE(client->sent().empty());
  client->send(live("ntf_0"), hub::MessageKind::text);
  client->send(live("ntf_1"), hub::MessageKind::text);
  feed->open({"ntf_0", "ntf_1"});
  feed->send(live("ntf_0"), hub::MessageKind::text);  // its publish came after the backlog
  feed->send(live("ntf_3"), hub::MessageKind::text);
  EXPECT_EQ(received(), (Ids{"ntf_0", "ntf_1", "ntf_2", "ntf_3"}));
}

TEST_F(NotificationFeedTest, a_closed_gap_sends_what_was_stored_meanwhile_and_what_was_read) {
  auto feed = make_feed();
  feed->open({"ntf_old"});
  feed->send(live("ntf_local"), hub::MessageKind::text);  // stored on this node during the outage
  const auto gap = Clock::now() - std::chrono::seconds(60);
  feed->fill_gap(gap);
  ASSERT_EQ(reads_since.size(), 1u);
  EXPECT_EQ(reads_since[0], util::format_utc_timestamp(gap - NotificationFeed::clock_skew_margin));
  const auto before = util::format_utc_timestamp(gap - std::chrono::seconds(3600));
  const auto during = util::format_utc_timestamp(gap + std::chrono::seconds(1));
  feed->send(live("ntf_late"), hub::MessageKind::text);  // live while the read runs
  feed->send(notifications::notification_read_message("ntf_seen"), hub::MessageKind::text);
  answer({stored("ntf_old", before, during),               // read elsewhere: the tab shows it unread
          stored("ntf_seen", before, during),              // its notification_read came through
          stored("ntf_remote", during),                    // missed
          stored("ntf_local", during),                     // sent already
          stored("ntf_gone", during, during),              // missed, and read elsewhere: nothing to show
          stored("ntf_late", during)});                    // sent already
  feed->send(live("ntf_remote"), hub::MessageKind::text);  // its publish came after the read
  EXPECT_EQ(received(), (Ids{"ntf_local", "ntf_late", "read ntf_seen", "read ntf_old", "ntf_remote"}));
}

TEST_F(NotificationFeedTest, a_gap_closed_before_the_backlog_is_out_is_filled_after_it) {
  auto feed = make_feed();
  feed->fill_gap(Clock::now());
  EXPECT_TRUE(reads_since.empty());
  feed->open({});
  ASSERT_EQ(reads_since.size(), 1u);
  answer({stored("ntf_1", util::format_utc_timestamp(Clock::now()))});
  EXPECT_EQ(received(), Ids{"ntf_1"});
}

TEST_F(NotificationFeedTest, more_than_a_backlog_of_changes_says_where_to_list_the_rest) {
  auto feed = make_feed();
  feed->open({});
  feed->fill_gap(Clock::now());
  const auto now = util::format_utc_timestamp(Clock::now());
  answer({stored("ntf_1", now), stored("ntf_2", now)}, true);
  EXPECT_EQ(received(), (Ids{"ntf_1", "ntf_2", "notification_backlog_truncated"}));
}

TEST_F(NotificationFeedTest, a_failed_read_closes_the_tab_so_that_it_reconnects_to_its_backlog) {
  auto feed = make_feed();
  feed->open({});
  feed->fill_gap(Clock::now());
  std::exchange(pending, nullptr)(NotificationFeed::Page{});
  EXPECT_EQ(client->close_code(), hub::CloseCode::try_again_later);
}

TEST_F(NotificationFeedTest, only_the_last_sent_ids_are_remembered) {
  auto feed = make_feed();
  feed->open({});
  for (std::size_t n = 0; n <= NotificationFeed::remembered_ids; ++n)
    feed->send(live("ntf_" + std::to_string(n)), hub::MessageKind::text);
  feed->send(live("ntf_1"), hub::MessageKind::text);  // still remembered: dropped
  feed->send(live("ntf_0"), hub::MessageKind::text);  // forgotten: sent again, never lost
  const auto got = received();
  EXPECT_EQ(got.size(), NotificationFeed::remembered_ids + 2);
  EXPECT_EQ(got.back(), "ntf_0");
}

}  // namespace
}  // namespace nadoo::endpoints
