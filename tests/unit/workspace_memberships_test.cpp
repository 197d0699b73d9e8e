#include "endpoints/workspaces/workspace_memberships.hpp"

#include <gtest/gtest.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>

#include "store_kinds.hpp"

namespace nadoo::endpoints {
namespace {

/// Far beyond what one SQLite call on a temporary file takes.
constexpr auto storage_wait = std::chrono::seconds(10);

class WorkspaceMembershipsTest : public ::testing::Test {
 protected:
  /// The answer, and whether it came at once (from the cache) rather than
  /// through the storage thread.
  struct Answer {
    std::optional<bool> is_member;
    bool at_once = false;
  };

  Answer ask(const std::string& workspace_id, const std::string& user_id) {
    Answer answer;
    bool answered = false;
    memberships_.is_member(workspace_id, user_id, [&](std::optional<bool> is_member) {
      answer.is_member = is_member;
      answered = true;
    });
    answer.at_once = answered;
    wait_for([&] { return answered; });
    return answer;
  }

  bool put(const std::string& workspace_id, const std::string& user_id) {
    std::optional<bool> added;
    memberships_.put({workspace_id, user_id, std::nullopt, "2025-01-15T10:30:00.000Z"},
                     [&](store::StoreResult<bool> result) { added = result.value.value_or(false); });
    wait_for([&] { return added.has_value(); });
    return *added;
  }

  bool remove(const std::string& workspace_id, const std::string& user_id) {
    std::optional<bool> removed;
    memberships_.remove(workspace_id, user_id,
                        [&](store::StoreResult<bool> result) { removed = result.value.value_or(false); });
    wait_for([&] { return removed.has_value(); });
    return *removed;
  }

  template <typename Done>
  void wait_for(Done done) {
    const auto deadline = std::chrono::steady_clock::now() + storage_wait;
    while (!done() && std::chrono::steady_clock::now() < deadline) {
      io_context_.run_one_for(std::chrono::milliseconds(100));
    }
    ASSERT_TRUE(done());
  }

  // The cache in front of the store is under test, not the store: one store
  // kind serves (the stores' answers are proved alike in workspace_store_test.cpp).
  test_support::SqliteStoreKind store_kind_;
  boost::asio::io_context io_context_;
  // Keeps run_one_for waiting for storage's answers rather than returning at once.
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_ =
      boost::asio::make_work_guard(io_context_);
  store::StorageExecutor storage_{store_kind_.open()};
  WorkspaceMemberships memberships_{storage_, io_context_.get_executor(), 100};
};

TEST_F(WorkspaceMembershipsTest, a_first_question_goes_to_storage_and_the_next_is_answered_at_once) {
  const auto first = ask("ws-1", "alice");
  EXPECT_EQ(first.is_member, false);
  EXPECT_FALSE(first.at_once);
  const auto second = ask("ws-1", "alice");
  EXPECT_EQ(second.is_member, false);
  EXPECT_TRUE(second.at_once);
}

TEST_F(WorkspaceMembershipsTest, an_added_member_is_admitted_at_once) {
  EXPECT_EQ(ask("ws-1", "alice").is_member, false);
  EXPECT_TRUE(put("ws-1", "alice"));
  EXPECT_FALSE(put("ws-1", "alice"));
  const auto answer = ask("ws-1", "alice");
  EXPECT_EQ(answer.is_member, true);
  EXPECT_TRUE(answer.at_once);
  EXPECT_EQ(ask("ws-2", "alice").is_member, false);
}

TEST_F(WorkspaceMembershipsTest, a_removed_member_is_refused_at_once) {
  put("ws-1", "alice");
  EXPECT_EQ(ask("ws-1", "alice").is_member, true);
  EXPECT_TRUE(remove("ws-1", "alice"));
  const auto answer = ask("ws-1", "alice");
  EXPECT_EQ(answer.is_member, false);
  EXPECT_TRUE(answer.at_once);
  EXPECT_FALSE(remove("ws-1", "alice"));
}

TEST_F(WorkspaceMembershipsTest, answers_match_storage_after_the_cache_forgot_them) {
  WorkspaceMemberships small(storage_, io_context_.get_executor(), 1);
  std::optional<bool> answer;
  int stored = 0;
  small.put({"ws-1", "alice", std::nullopt, "2025-01-15T10:30:00.000Z"},
            [&](store::StoreResult<bool>) { ++stored; });
  small.put({"ws-1", "bob", std::nullopt, "2025-01-15T10:30:00.000Z"},
            [&](store::StoreResult<bool>) { ++stored; });
  // Both stored (asked before they were, alice might still be cached): alice's
  // answer was evicted by bob's, so it is read again.
  wait_for([&] { return stored == 2; });
  small.is_member("ws-1", "alice", [&](std::optional<bool> is_member) { answer = is_member; });
  EXPECT_FALSE(answer.has_value());
  wait_for([&] { return answer.has_value(); });
  EXPECT_EQ(answer, true);
}

}  // namespace
}  // namespace nadoo::endpoints
