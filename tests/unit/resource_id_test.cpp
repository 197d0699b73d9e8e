#include "util/resource_id.hpp"

#include <gtest/gtest.h>

#include <string>

namespace nadoo::util {
namespace {

TEST(ResourceId, ids_of_the_allowed_characters_are_valid) {
  EXPECT_TRUE(is_valid_resource_id("session-abc"));
  EXPECT_TRUE(is_valid_resource_id("ntf_0123456789abcdef0123456789abcdef"));
  EXPECT_TRUE(is_valid_resource_id("a.b~c:d@e+f"));
  EXPECT_TRUE(is_valid_resource_id(std::string(max_resource_id_length, 'x')));
}

TEST(ResourceId, dot_and_dot_dot_are_refused) {
  EXPECT_FALSE(is_valid_resource_id("."));
  EXPECT_FALSE(is_valid_resource_id(".."));
}

TEST(ResourceId, names_that_only_contain_dots_are_still_ids) {
  EXPECT_TRUE(is_valid_resource_id("..."));
  EXPECT_TRUE(is_valid_resource_id(".hidden"));
  EXPECT_TRUE(is_valid_resource_id("v1..2"));
}

TEST(ResourceId, empty_long_and_other_characters_are_refused) {
  EXPECT_FALSE(is_valid_resource_id(""));
  EXPECT_FALSE(is_valid_resource_id(std::string(max_resource_id_length + 1, 'x')));
  EXPECT_FALSE(is_valid_resource_id("bad id"));
  EXPECT_FALSE(is_valid_resource_id("a/b"));
  EXPECT_FALSE(is_valid_resource_id("caf\xc3\xa9"));
}

}  // namespace
}  // namespace nadoo::util
