#include "protocol/plugin_debug_messages.hpp"

#include <gtest/gtest.h>

namespace nadoo::protocol {
namespace {

TEST(DebugEventSequence, is_read_from_our_own_message_and_from_any_other_of_the_shape) {
  const store::StoredDebugEvent event{42, "log", R"({"message":"a \"sequence\":7}"})",
                                      "2099-01-01T00:00:00.000Z"};
  EXPECT_EQ(debug_event_sequence(*live_debug_event_message(event)), 42);
  EXPECT_EQ(debug_event_sequence(R"({"sequence":9,"type":"log"})"), 9);
  EXPECT_EQ(debug_event_sequence(R"({"data":{"b":1,"sequence":5}})"), std::nullopt);
  EXPECT_EQ(debug_event_sequence(R"({"type":"log","sequence":"x"})"), std::nullopt);
  EXPECT_EQ(debug_event_sequence("not json"), std::nullopt);
}

}  // namespace
}  // namespace nadoo::protocol
