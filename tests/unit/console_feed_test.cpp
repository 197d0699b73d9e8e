#include "endpoints/plugin_debug/console_feed.hpp"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include "protocol/plugin_debug_messages.hpp"
#include "unit/recording_connection.hpp"

namespace nadoo::endpoints {
namespace {

namespace net = boost::asio;
using namespace std::chrono_literals;

store::StoredDebugEvent event(std::int64_t sequence) {
  return {sequence, "log", R"({"message":"step )" + std::to_string(sequence) + "\"}",
          "2026-12-04T00:00:00.000Z"};
}

hub::SharedText live(std::int64_t sequence) { return protocol::live_debug_event_message(event(sequence)); }

/// A console feed over an execution whose stored events the test sets; its
/// reads answer on the io_context, as storage's do on their strand.
class ConsoleFeedTest : public ::testing::Test {
 protected:
  std::shared_ptr<ConsoleFeed> make_feed(std::size_t held_bytes_limit = 64 * 1024) {
    return std::make_shared<ConsoleFeed>(
        client, io.get_executor(),
        [this](std::int64_t after, std::function<void(ConsoleFeed::Page)> done) {
          reads.push_back(after);
          store::DebugEventPage page;
          for (const auto& stored : stored_events)
            if (stored.sequence > after && page.events.size() < page_size) page.events.push_back(stored);
          page.has_more = !page.events.empty() && page.events.back().sequence < stored_events.back().sequence;
          net::post(io, [done = std::move(done), page = std::move(page)]() mutable {
            done(store::StoreResult<store::DebugEventPage>{std::move(page)});
          });
        },
        held_bytes_limit);
  }

  void store_events(std::int64_t first, std::int64_t last) {
    for (auto sequence = first; sequence <= last; ++sequence) stored_events.push_back(event(sequence));
  }

  /// The sequences the client got, in order.
  std::vector<std::int64_t> received() const {
    std::vector<std::int64_t> sequences;
    for (const auto& message : client->sent()) sequences.push_back(*protocol::debug_event_sequence(message));
    return sequences;
  }

  /// Runs the timers and reads until nothing is left to do, at most 5 s.
  void settle() {
    io.restart();
    io.run_for(5s);
  }

  net::io_context io;
  std::shared_ptr<hub::RecordingConnection> client = std::make_shared<hub::RecordingConnection>();
  std::vector<store::StoredDebugEvent> stored_events;
  std::vector<std::int64_t> reads;
  std::size_t page_size = 200;
};

TEST_F(ConsoleFeedTest, holds_events_until_opened_then_sends_those_after_the_history_in_order) {
  auto feed = make_feed();
  for (const auto sequence : {3, 2, 4}) feed->send(live(sequence), hub::MessageKind::text);
  EXPECT_TRUE(client->sent().empty());
  feed->open(2);  // the history had 1 and 2
  feed->send(live(5), hub::MessageKind::text);
  EXPECT_EQ(received(), (std::vector<std::int64_t>{3, 4, 5}));
  EXPECT_TRUE(reads.empty());
}

TEST_F(ConsoleFeedTest, an_early_event_waits_for_the_one_before_it) {
  auto feed = make_feed();
  feed->open(0);
  feed->send(live(2), hub::MessageKind::text);
  EXPECT_TRUE(client->sent().empty());
  feed->send(live(1), hub::MessageKind::text);
  feed->send(live(1), hub::MessageKind::text);
  EXPECT_EQ(received(), (std::vector<std::int64_t>{1, 2}));
  settle();
  EXPECT_TRUE(reads.empty());
}

TEST_F(ConsoleFeedTest, a_hole_that_stays_is_read_from_storage) {
  store_events(1, 4);
  auto feed = make_feed();
  feed->open(1);
  feed->send(live(4), hub::MessageKind::text);  // 2 and 3 were lost on their way
  settle();
  EXPECT_EQ(reads, (std::vector<std::int64_t>{1}));
  feed->send(live(3), hub::MessageKind::text);  // late: already sent from storage
  EXPECT_EQ(received(), (std::vector<std::int64_t>{2, 3, 4}));
}

TEST_F(ConsoleFeedTest, a_closed_gap_sends_what_storage_has_after_the_last_event_sent) {
  store_events(1, 450);
  auto feed = make_feed();
  feed->open(0);
  feed->send(live(1), hub::MessageKind::text);
  feed->fill_gap(std::chrono::system_clock::now());
  settle();
  EXPECT_EQ(reads, (std::vector<std::int64_t>{1, 201, 401}));  // page by page
  const auto got = received();
  ASSERT_EQ(got.size(), 450u);
  for (std::size_t index = 0; index < got.size(); ++index) EXPECT_EQ(got[index], std::int64_t(index) + 1);
}

TEST_F(ConsoleFeedTest, a_gap_closed_before_the_history_is_sent_is_filled_after_it) {
  store_events(1, 3);
  auto feed = make_feed();
  feed->fill_gap(std::chrono::system_clock::now());
  EXPECT_TRUE(reads.empty());
  feed->open(1);
  settle();
  EXPECT_EQ(received(), (std::vector<std::int64_t>{2, 3}));
}

TEST_F(ConsoleFeedTest, a_hole_that_storage_no_longer_has_is_skipped_after_some_reads) {
  store_events(5, 5);  // 2 to 4 were purged
  auto feed = make_feed();
  feed->open(1);
  feed->send(live(5), hub::MessageKind::text);
  settle();
  EXPECT_EQ(received(), (std::vector<std::int64_t>{5}));
  EXPECT_EQ(reads.size(), std::size_t(ConsoleFeed::max_reads_for_a_hole) + 1);
}

TEST_F(ConsoleFeedTest, holding_more_than_the_limit_closes_the_console_with_1013) {
  auto feed = make_feed(live(2)->size() * 2);
  feed->open(0);
  for (const auto sequence : {2, 3, 4}) feed->send(live(sequence), hub::MessageKind::text);
  EXPECT_EQ(client->close_code(), hub::CloseCode::try_again_later);
  feed->send(live(1), hub::MessageKind::text);
  EXPECT_TRUE(client->sent().empty());
}

}  // namespace
}  // namespace nadoo::endpoints
