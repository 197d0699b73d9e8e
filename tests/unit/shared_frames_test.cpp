#include "transport/shared_frames.hpp"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <thread>

namespace nadoo::transport {
namespace {

std::string bytes_of(const FrameBytes& frames) { return std::string(frames.data, frames.size); }

TEST(SharedFrames, a_payload_is_framed_once_for_every_recipient) {
  const auto payload = hub::make_shared_text("hello");
  const FrameBytes first = SharedFrames::text_frame(payload);
  const FrameBytes again = SharedFrames::text_frame(payload);
  EXPECT_EQ(bytes_of(first), "\x81\x05hello");
  EXPECT_EQ(again.data, first.data);
  EXPECT_EQ(again.owner, first.owner);
  EXPECT_EQ(first.owner_bytes, SharedFrames::chunk_bytes);
}

TEST(SharedFrames, the_next_payload_begins_where_the_last_one_ends) {
  const FrameBytes one = SharedFrames::text_frame(hub::make_shared_text("one"));
  const FrameBytes two = SharedFrames::text_frame(hub::make_shared_text("two"));
  if (one.owner != two.owner) GTEST_SKIP() << "the chunk was full: a new one began";
  EXPECT_EQ(two.data, one.data + one.size);
  EXPECT_EQ(std::string(one.data, one.size + two.size), "\x81\x03one\x81\x03two");
}

TEST(SharedFrames, a_full_chunk_is_left_as_it_is_and_a_new_one_begins) {
  const FrameBytes before = SharedFrames::text_frame(hub::make_shared_text("before"));
  const std::string snapshot = bytes_of(before);
  // Enough frames to fill any chunk the earlier tests left half used.
  FrameBytes last;
  for (int i = 0; i < 200; ++i) last = SharedFrames::text_frame(hub::make_shared_text(std::string(100, 'x')));
  EXPECT_NE(last.owner, before.owner);
  EXPECT_EQ(bytes_of(before), snapshot);  // still alive through its owner, unchanged
}

TEST(SharedFrames, a_frame_larger_than_a_chunk_gets_a_chunk_of_its_own) {
  const std::string big(SharedFrames::chunk_bytes * 2, 'b');
  const FrameBytes frames = SharedFrames::text_frame(hub::make_shared_text(big));
  EXPECT_EQ(frames.size, big.size() + 4);  // a 16-bit length: 2 + 2 header bytes
  EXPECT_EQ(frames.owner_bytes, frames.size);
  EXPECT_TRUE(std::string_view(frames.data + 4, big.size()) == big);
}

TEST(SharedFrames, each_thread_frames_into_a_chunk_of_its_own) {
  const auto payload = hub::make_shared_text("shared");
  const FrameBytes here = SharedFrames::text_frame(payload);
  FrameBytes there;
  std::thread([&] { there = SharedFrames::text_frame(payload); }).join();
  EXPECT_NE(there.owner, here.owner);
  EXPECT_EQ(bytes_of(there), bytes_of(here));
}

}  // namespace
}  // namespace nadoo::transport
