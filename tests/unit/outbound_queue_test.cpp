#include "transport/outbound_queue.hpp"

#include <gtest/gtest.h>

#include <string>

namespace nadoo::transport {
namespace {

using Framing = OutboundQueue::Framing;
using Pushed = OutboundQueue::Pushed;
constexpr std::size_t limit_bytes = 100;

/// The bytes the next write would send, as one string.
std::string next_write(const OutboundQueue& queue) {
  OutboundQueue::WriteBuffers buffers;
  OutboundQueue::Headers headers;
  const auto gathered = queue.gather(buffers, headers);
  std::string bytes;
  for (std::size_t i = 0; i < gathered.buffers; ++i) {
    bytes.append(static_cast<const char*>(buffers[i].iov_base), buffers[i].iov_len);
  }
  EXPECT_EQ(bytes.size(), gathered.bytes);
  return bytes;
}

TEST(OutboundQueue, gathers_every_queued_frame_into_one_write) {
  hub::ServerMetrics metrics;
  OutboundQueue queue(metrics);
  EXPECT_EQ(queue.push(hub::make_shared_text("HTTP/1.1 101\r\n\r\n"), Framing::raw, limit_bytes),
            Pushed::flush_needed);
  EXPECT_EQ(queue.push(hub::make_shared_text("one"), Framing::text, limit_bytes), Pushed::queued);
  EXPECT_EQ(queue.push(hub::make_shared_text("two"), Framing::binary, limit_bytes), Pushed::queued);
  EXPECT_EQ(next_write(queue), "HTTP/1.1 101\r\n\r\n\x81\x03one\x82\x03two");
  EXPECT_EQ(metrics.outbound_queue_messages.load(), 2);
  EXPECT_EQ(metrics.outbound_queue_bytes.load(), 6);
}

TEST(OutboundQueue, a_partial_write_resumes_inside_the_frame) {
  hub::ServerMetrics metrics;
  OutboundQueue queue(metrics);
  queue.push(hub::make_shared_text("hello"), Framing::text, limit_bytes);
  queue.push(hub::make_shared_text("world"), Framing::text, limit_bytes);
  auto written = queue.advance(4);  // the header and "he"
  EXPECT_EQ(written.messages, 0u);
  EXPECT_EQ(next_write(queue), "llo\x81\x05world");
  written = queue.advance(5);  // "llo", and the next header
  EXPECT_EQ(written.messages, 1u);
  EXPECT_EQ(next_write(queue), "world");
  EXPECT_EQ(queue.advance(5).messages, 1u);
  EXPECT_TRUE(queue.end_flush_if_empty());
  EXPECT_EQ(metrics.outbound_queue_bytes.load(), 0);
}

TEST(OutboundQueue, refuses_messages_past_the_limit_but_not_into_an_empty_queue) {
  hub::ServerMetrics metrics;
  OutboundQueue queue(metrics);
  EXPECT_EQ(queue.push(hub::make_shared_text(std::string(150, 'x')), Framing::text, limit_bytes),
            Pushed::flush_needed);
  EXPECT_EQ(queue.push(hub::make_shared_text("y"), Framing::text, limit_bytes), Pushed::over_limit);
  EXPECT_EQ(queue.push(hub::make_shared_text(""), Framing::pong, limit_bytes),
            Pushed::queued);  // control frames pass
}

TEST(OutboundQueue, close_frame_is_the_last_frame_and_survives_a_discard) {
  hub::ServerMetrics metrics;
  OutboundQueue queue(metrics);
  queue.push(hub::make_shared_text("sent"), Framing::text, limit_bytes);
  queue.advance(3);  // the header and "s": under way, it must be finished
  queue.push(hub::make_shared_text("unsent"), Framing::text, limit_bytes);
  EXPECT_EQ(queue.push(hub::make_shared_text("\x03\xe8"), Framing::close, limit_bytes), Pushed::queued);
  EXPECT_EQ(queue.push(hub::make_shared_text("late"), Framing::text, limit_bytes), Pushed::after_close);
  queue.discard_unsent();
  EXPECT_EQ(next_write(queue), "ent\x88\x02\x03\xe8");
  const auto written = queue.advance(7);
  EXPECT_TRUE(written.close_frame);
  EXPECT_EQ(metrics.outbound_queue_messages.load(), 0);
  EXPECT_EQ(metrics.outbound_queue_bytes.load(), 0);
}

TEST(OutboundQueue, a_flush_is_asked_for_once_until_it_ends) {
  hub::ServerMetrics metrics;
  OutboundQueue queue(metrics);
  EXPECT_EQ(queue.push(hub::make_shared_text("a"), Framing::text, limit_bytes), Pushed::flush_needed);
  EXPECT_FALSE(queue.end_flush_if_empty());
  queue.advance(3);
  EXPECT_TRUE(queue.end_flush_if_empty());
  EXPECT_EQ(queue.push(hub::make_shared_text("b"), Framing::text, limit_bytes), Pushed::flush_needed);
}

TEST(OutboundQueue, gathers_at_most_one_writev_worth_of_frames) {
  hub::ServerMetrics metrics;
  OutboundQueue queue(metrics);
  for (std::size_t i = 0; i < OutboundQueue::max_frames_per_write + 5; ++i) {
    EXPECT_NE(queue.push(hub::make_shared_text("m"), Framing::text, 1024 * 1024), Pushed::over_limit);
  }
  EXPECT_EQ(next_write(queue).size(), 3 * OutboundQueue::max_frames_per_write);
}

TEST(OutboundQueue, last_words_and_the_close_frame_go_in_together_and_ask_for_one_flush) {
  hub::ServerMetrics metrics;
  OutboundQueue queue(metrics);
  EXPECT_EQ(queue.push_closing(hub::make_shared_text("why"), hub::make_shared_text("\x03\xf0")),
            Pushed::flush_needed);
  EXPECT_EQ(queue.push(hub::make_shared_text("late"), Framing::text, limit_bytes), Pushed::after_close);
  EXPECT_EQ(next_write(queue), "\x81\x03why\x88\x02\x03\xf0");
  EXPECT_EQ(queue.push_closing(nullptr, hub::make_shared_text("")), Pushed::after_close);
}

}  // namespace
}  // namespace nadoo::transport
