#include "broker/redis/redis_address.hpp"

#include <gtest/gtest.h>

namespace nadoo::broker::redis {
namespace {

RedisAddress parsed(std::string_view url) {
  auto result = parse_redis_url(url);
  EXPECT_TRUE(std::holds_alternative<RedisAddress>(result)) << url;
  return std::holds_alternative<RedisAddress>(result) ? std::get<RedisAddress>(result) : RedisAddress{};
}

std::string refusal(std::string_view url) {
  auto result = parse_redis_url(url);
  EXPECT_TRUE(std::holds_alternative<InvalidRedisUrl>(result)) << url;
  return std::holds_alternative<InvalidRedisUrl>(result) ? std::get<InvalidRedisUrl>(result).reason : "";
}

TEST(RedisAddress, host_and_port_with_the_default_port_and_database) {
  const auto address = parsed("redis://127.0.0.1");
  EXPECT_EQ(address.host, "127.0.0.1");
  EXPECT_EQ(address.port, 6379);
  EXPECT_EQ(address.database, 0U);
  EXPECT_TRUE(address.password.empty());
  EXPECT_EQ(parsed("redis://cache.internal:6380/").port, 6380);
}

TEST(RedisAddress, a_password_with_or_without_a_user_and_a_database) {
  const auto address = parsed("redis://:s%40cret@10.0.0.5:6380/3");
  EXPECT_EQ(address.user, "");
  EXPECT_EQ(address.password, "s@cret");
  EXPECT_EQ(address.database, 3U);
  const auto acl = parsed("redis://nadoo:pw@10.0.0.5");
  EXPECT_EQ(acl.user, "nadoo");
  EXPECT_EQ(acl.password, "pw");
}

TEST(RedisAddress, anything_else_is_refused_with_the_reason) {
  EXPECT_FALSE(is_redis_url("memory"));
  EXPECT_NE(refusal("rediss://127.0.0.1").find("redis://"), std::string::npos);
  EXPECT_NE(refusal("redis://").find("host"), std::string::npos);
  EXPECT_NE(refusal("redis://127.0.0.1/db1").find("database"), std::string::npos);
  EXPECT_NE(refusal("redis://127.0.0.1:0").find("port"), std::string::npos);
  EXPECT_NE(refusal("redis://127.0.0.1?timeout=1").find("query"), std::string::npos);
}

}  // namespace
}  // namespace nadoo::broker::redis
