#include "conversation/stream_events.hpp"

#include <gtest/gtest.h>

namespace nadoo::conversation {
namespace {

TEST(StreamEvents, a_delta_is_read_back_from_what_the_room_carries) {
  const auto delta = parse_text_delta(*text_delta_event("Hel", 2, "msg_1"));
  ASSERT_TRUE(delta);
  EXPECT_EQ(delta->message_id, "msg_1");
  EXPECT_EQ(delta->index, 2U);
  EXPECT_EQ(delta->text, "Hel");
  EXPECT_FALSE(parse_text_delta(*response_start_event("msg_1", "chat_1")));
  EXPECT_FALSE(parse_text_delta("not json"));
}

TEST(StreamEvents, a_sources_event_is_told_by_its_message_id) {
  EXPECT_EQ(sources_message_id(*sources_event(boost::json::array{}, "msg_1")), "msg_1");
  EXPECT_EQ(sources_message_id(*text_delta_event("a", 0, "msg_1")), std::nullopt);
  EXPECT_EQ(sources_message_id("not json"), std::nullopt);
}

TEST(StreamEvents, a_catch_up_drops_only_what_it_sent_of_its_own_generation) {
  EXPECT_TRUE(was_caught_up(*response_start_event("msg_1", "chat_1"), "msg_1", 0, false));
  EXPECT_TRUE(was_caught_up(*text_delta_event("a", 2, "msg_1"), "msg_1", 3, false));
  EXPECT_FALSE(was_caught_up(*text_delta_event("a", 3, "msg_1"), "msg_1", 3, false));
  EXPECT_FALSE(was_caught_up(*text_delta_event("a", 0, "msg_2"), "msg_1", 3, false));
  const boost::json::array sources;
  EXPECT_TRUE(was_caught_up(*sources_event(sources, "msg_1"), "msg_1", 3, true));
  EXPECT_FALSE(was_caught_up(*sources_event(sources, "msg_1"), "msg_1", 3, false));
  EXPECT_FALSE(was_caught_up(R"({"type":"typing","user_id":"u"})", "msg_1", 3, true));
}

}  // namespace
}  // namespace nadoo::conversation
