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


/// Frames as SharedFrames hands them out: `count` frames of `each`, one
/// after another in one chunk of `chunk_bytes`.
struct Chunk {
  explicit Chunk(std::string bytes_, std::size_t chunk_bytes = 1000)
      : bytes(std::make_shared<std::string>(std::move(bytes_))), chunk_bytes(chunk_bytes) {}
  FrameBytes at(std::size_t offset, std::size_t size) const {
    return FrameBytes{bytes, chunk_bytes, bytes->data() + offset, size};
  }
  std::shared_ptr<std::string> bytes;
  std::size_t chunk_bytes;
};

TEST(OutboundQueue, frames_that_follow_each_other_in_a_chunk_join_one_entry_and_one_buffer) {
  hub::ServerMetrics metrics;
  OutboundQueue queue(metrics);
  const Chunk chunk("\x81\x01" "a" "\x81\x01" "b" "\x81\x01" "c");
  EXPECT_EQ(queue.push_frames(chunk.at(0, 3), limit_bytes * 100), Pushed::flush_needed);
  EXPECT_EQ(queue.push_frames(chunk.at(3, 3), limit_bytes * 100), Pushed::queued);
  EXPECT_EQ(queue.push_frames(chunk.at(6, 3), limit_bytes * 100), Pushed::queued);
  OutboundQueue::WriteBuffers buffers;
  OutboundQueue::Headers headers;
  const auto gathered = queue.gather(buffers, headers);
  EXPECT_EQ(gathered.buffers, 1u);
  EXPECT_EQ(next_write(queue), "\x81\x01" "a" "\x81\x01" "b" "\x81\x01" "c");
  EXPECT_EQ(metrics.outbound_queue_messages.load(), 3);
  const auto written = queue.advance(9);
  EXPECT_EQ(written.messages, 3u);
  EXPECT_EQ(metrics.outbound_queue_messages.load(), 0);
  EXPECT_EQ(metrics.outbound_queue_bytes.load(), 0);
}

TEST(OutboundQueue, frames_keep_their_order_with_the_connections_other_messages) {
  hub::ServerMetrics metrics;
  OutboundQueue queue(metrics);
  const Chunk chunk("\x81\x01" "a" "\x81\x01" "b");
  queue.push_frames(chunk.at(0, 3), limit_bytes * 100);
  queue.push(hub::make_shared_text("direct"), Framing::text, limit_bytes * 100);
  queue.push_frames(chunk.at(3, 3), limit_bytes * 100);  // after "direct": not joined to "a"
  EXPECT_EQ(next_write(queue), "\x81\x01" "a" "\x81\x06" "direct" "\x81\x01" "b");
}

TEST(OutboundQueue, a_frame_joining_an_entry_under_way_goes_out_after_the_rest_of_it) {
  hub::ServerMetrics metrics;
  OutboundQueue queue(metrics);
  const Chunk chunk("\x81\x02" "ab" "\x81\x02" "cd");
  queue.push_frames(chunk.at(0, 4), limit_bytes * 100);
  EXPECT_EQ(queue.advance(3).messages, 0u);  // "\x81\x02a" went out
  queue.push_frames(chunk.at(4, 4), limit_bytes * 100);
  EXPECT_EQ(next_write(queue), "b\x81\x02" "cd");
  EXPECT_EQ(queue.advance(5).messages, 2u);
  EXPECT_TRUE(queue.end_flush_if_empty());
}

TEST(OutboundQueue, a_chunk_counts_against_the_limit_once_whatever_its_frames) {
  hub::ServerMetrics metrics;
  OutboundQueue queue(metrics);
  const Chunk first("\x81\x01" "a" "\x81\x01" "b", 25);
  const Chunk second("\x81\x01" "c", 25);
  const auto direct = [] { return hub::make_shared_text(std::string(60, 'd')); };
  queue.push_frames(first.at(0, 3), limit_bytes);                            // held 25
  EXPECT_EQ(queue.push(direct(), Framing::text, limit_bytes), Pushed::queued);  // 85
  // The same chunk again, after another message: a new entry, no new charge.
  EXPECT_EQ(queue.push_frames(first.at(3, 3), limit_bytes), Pushed::queued);
  EXPECT_EQ(queue.push_frames(second.at(0, 3), limit_bytes), Pushed::over_limit);  // 110
  queue.advance(3 + 62);  // "a" and the direct message: "b" still holds the chunk
  EXPECT_EQ(queue.push(direct(), Framing::text, limit_bytes), Pushed::queued);  // 85
  EXPECT_EQ(queue.push_frames(second.at(0, 3), limit_bytes), Pushed::over_limit);
  queue.advance(3);  // "b": the chunk is free
  EXPECT_EQ(queue.push_frames(second.at(0, 3), limit_bytes), Pushed::queued);  // 60 + 25
}

TEST(OutboundQueue, a_chunk_is_charged_at_most_a_quarter_of_the_limit) {
  hub::ServerMetrics metrics;
  OutboundQueue queue(metrics);
  const auto chunk = [](char letter) { return Chunk(std::string("\x81\x01") + letter, 10'000); };
  // Four chunks of any size fit a limit of 100, the fifth does not.
  for (char letter : std::string("abcd")) {
    EXPECT_NE(queue.push_frames(chunk(letter).at(0, 3), limit_bytes), Pushed::over_limit);
  }
  EXPECT_EQ(queue.push_frames(chunk('e').at(0, 3), limit_bytes), Pushed::over_limit);
}

TEST(OutboundQueue, a_discard_keeps_a_joined_entry_under_way_whole) {
  hub::ServerMetrics metrics;
  OutboundQueue queue(metrics);
  const Chunk chunk("\x81\x01" "a" "\x81\x01" "b" "\x81\x01" "c");
  queue.push_frames(chunk.at(0, 6), limit_bytes * 100);
  queue.advance(1);
  queue.push(hub::make_shared_text("unsent"), Framing::text, limit_bytes * 100);
  queue.discard_unsent();
  EXPECT_EQ(next_write(queue), "\x01" "a" "\x81\x01" "b");
  EXPECT_EQ(queue.push_frames(chunk.at(6, 3), limit_bytes * 100), Pushed::after_close);
  queue.advance(5);
  EXPECT_EQ(metrics.outbound_queue_messages.load(), 0);
  EXPECT_EQ(metrics.outbound_queue_bytes.load(), 0);
}

}  // namespace
}  // namespace nadoo::transport
