#include "endpoints/workspaces/membership_cache.hpp"

#include <gtest/gtest.h>

#include <string>

namespace nadoo::endpoints {
namespace {

TEST(MembershipCache, knows_only_what_was_recorded) {
  MembershipCache cache(10);
  EXPECT_EQ(cache.find("ws-1", "alice"), std::nullopt);
  cache.record("ws-1", "alice", true);
  cache.record("ws-1", "bob", false);
  EXPECT_EQ(cache.find("ws-1", "alice"), true);
  EXPECT_EQ(cache.find("ws-1", "bob"), false);
  EXPECT_EQ(cache.find("ws-2", "alice"), std::nullopt);
}

TEST(MembershipCache, a_cache_of_no_entries_keeps_no_answer) {
  MembershipCache cache(0);
  cache.record("ws-1", "alice", true);
  EXPECT_EQ(cache.find("ws-1", "alice"), std::nullopt);
  EXPECT_EQ(cache.size(), 0U);
}

TEST(MembershipCache, the_latest_answer_wins) {
  MembershipCache cache(10);
  cache.record("ws-1", "alice", true);
  cache.record("ws-1", "alice", false);
  EXPECT_EQ(cache.find("ws-1", "alice"), false);
  cache.record("ws-1", "alice", true);
  EXPECT_EQ(cache.find("ws-1", "alice"), true);
  EXPECT_EQ(cache.size(), 1U);
}

TEST(MembershipCache, workspace_and_user_are_not_confused_by_how_they_join) {
  MembershipCache cache(10);
  cache.record("ws", "1alice", true);
  EXPECT_EQ(cache.find("ws1", "alice"), std::nullopt);
  EXPECT_EQ(cache.find("ws1a", "lice"), std::nullopt);
}

TEST(MembershipCache, keeps_at_most_its_capacity_dropping_the_oldest_first) {
  MembershipCache cache(3);
  for (int user = 0; user < 5; ++user) cache.record("ws-1", "user-" + std::to_string(user), true);
  EXPECT_EQ(cache.size(), 3U);
  EXPECT_EQ(cache.find("ws-1", "user-0"), std::nullopt);
  EXPECT_EQ(cache.find("ws-1", "user-1"), std::nullopt);
  EXPECT_EQ(cache.find("ws-1", "user-2"), true);
  EXPECT_EQ(cache.find("ws-1", "user-4"), true);
}

TEST(MembershipCache, updating_an_answer_does_not_make_it_younger) {
  MembershipCache cache(2);
  cache.record("ws-1", "alice", true);
  cache.record("ws-1", "bob", true);
  cache.record("ws-1", "alice", false);
  cache.record("ws-1", "carol", true);
  EXPECT_EQ(cache.find("ws-1", "alice"), std::nullopt);
  EXPECT_EQ(cache.find("ws-1", "bob"), true);
  EXPECT_EQ(cache.find("ws-1", "carol"), true);
}

TEST(MembershipCache, forget_drops_one_answer_and_frees_its_place) {
  MembershipCache cache(2);
  cache.record("ws-1", "alice", true);
  cache.record("ws-1", "bob", true);
  cache.forget("ws-1", "alice");
  cache.forget("ws-1", "nobody");
  EXPECT_EQ(cache.find("ws-1", "alice"), std::nullopt);
  cache.record("ws-1", "carol", true);
  EXPECT_EQ(cache.size(), 2U);
  EXPECT_EQ(cache.find("ws-1", "bob"), true);
  EXPECT_EQ(cache.find("ws-1", "carol"), true);
}

}  // namespace
}  // namespace nadoo::endpoints
