#include "util/random_id.hpp"

#include <gtest/gtest.h>

namespace nadoo::util {
namespace {

TEST(RandomId, has_the_prefix_and_32_hex_digits_and_is_recognised) {
  const auto id = random_id("ntf_");
  EXPECT_EQ(id.size(), 4u + 32);
  EXPECT_TRUE(id.starts_with("ntf_"));
  EXPECT_TRUE(is_random_id(id, "ntf_"));
  EXPECT_NE(random_id("ntf_"), id);
}

TEST(RandomId, other_shapes_are_not_ours) {
  const auto id = random_id("msg_");
  EXPECT_FALSE(is_random_id(id, "ntf_"));                           // another prefix
  EXPECT_FALSE(is_random_id(id.substr(0, id.size() - 1), "msg_"));  // one digit short
  EXPECT_FALSE(is_random_id(id + "0", "msg_"));                     // one too many
  auto upper = id;
  upper.back() = 'F';
  EXPECT_FALSE(is_random_id(upper, "msg_"));  // we write lower case only
  EXPECT_FALSE(is_random_id("garbage", "msg_"));
  EXPECT_TRUE(is_random_id(random_id("guest-", 8), "guest-", 8));
}

}  // namespace
}  // namespace nadoo::util
