#include <gtest/gtest.h>

#include "default_sqlite_store.hpp"
#include "temporary_directory.hpp"

namespace nadoo::store {
namespace {

constexpr AppendLimits generous{1000};

class SqlitePluginExecutionStoreTest : public ::testing::Test {
 protected:
  void SetUp() override { store_ = open_default_sqlite_store(directory_.path() / "nadoo.db"); }

  PluginExecutionStore& executions() { return store_->plugin_executions(); }

  static PluginExecution execution(const std::string& id,
                                   const std::string& started_at = "2025-01-15T10:30:00.000Z") {
    PluginExecution execution;
    execution.execution_id = id;
    execution.plugin_id = "plugin-1";
    execution.tool_name = "summarize";
    execution.started_at = started_at;
    return execution;
  }

  static DebugEvent log(const std::string& message) {
    return DebugEvent{"log", R"({"level":"info","message":")" + message + R"("})",
                      "2025-01-15T10:30:01.000Z"};
  }

  std::vector<std::int64_t> sequences_after(const std::string& id, std::int64_t after,
                                            std::size_t limit = 100) {
    std::vector<std::int64_t> sequences;
    for (const auto& event : executions().events_after(id, after, limit).events)
      sequences.push_back(event.sequence);
    return sequences;
  }

  test_support::TemporaryDirectory directory_;
  std::unique_ptr<Store> store_;
};

TEST_F(SqlitePluginExecutionStoreTest, an_execution_is_created_once_and_read_back) {
  auto first = execution("exec-1");
  first.workspace_id = "ws-1";
  EXPECT_TRUE(executions().create_execution(first));
  EXPECT_FALSE(executions().create_execution(execution("exec-1")));
  const auto found = executions().find_execution("exec-1");
  ASSERT_TRUE(found);
  EXPECT_EQ(found->plugin_id, "plugin-1");
  EXPECT_EQ(found->tool_name, "summarize");
  EXPECT_EQ(found->workspace_id, "ws-1");
  EXPECT_EQ(found->status, "running");
  EXPECT_FALSE(found->ended_at);
  EXPECT_FALSE(executions().find_execution("exec-2"));
}

TEST_F(SqlitePluginExecutionStoreTest, events_get_increasing_sequences_per_execution) {
  executions().create_execution(execution("exec-1"));
  executions().create_execution(execution("exec-2"));
  const auto first =
      executions().append_events("exec-1", {log("a"), log("b")}, std::nullopt, "now", generous);
  ASSERT_TRUE(first);
  ASSERT_EQ(first->stored.size(), 2u);
  EXPECT_EQ(first->stored[1].sequence, 2);
  executions().append_events("exec-2", {log("other")}, std::nullopt, "now", generous);
  const auto second = executions().append_events("exec-1", {log("c")}, std::nullopt, "now", generous);
  EXPECT_EQ(second->stored.at(0).sequence, 3);
  EXPECT_EQ(sequences_after("exec-1", 0), (std::vector<std::int64_t>{1, 2, 3}));
  EXPECT_EQ(sequences_after("exec-1", 1), (std::vector<std::int64_t>{2, 3}));
  EXPECT_EQ(sequences_after("exec-2", 0), (std::vector<std::int64_t>{1}));
  const auto page = executions().events_after("exec-1", 0, 2);
  EXPECT_TRUE(page.has_more);
  EXPECT_EQ(page.events.at(0).data_json, R"({"level":"info","message":"a"})");
}

TEST_F(SqlitePluginExecutionStoreTest, appending_to_an_unknown_execution_stores_nothing) {
  EXPECT_FALSE(executions().append_events("nope", {log("a")}, std::nullopt, "now", generous));
  EXPECT_TRUE(executions().events_after("nope", 0, 10).events.empty());
}

TEST_F(SqlitePluginExecutionStoreTest, the_first_terminal_event_ends_the_execution) {
  executions().create_execution(execution("exec-1"));
  const auto ended = executions().append_events(
      "exec-1", {log("a"), DebugEvent{"execution_error", R"({"error":"boom"})", "t"}}, 2'500'000,
      "2025-01-15T10:31:00.000Z", generous);
  EXPECT_EQ(ended->status, "failed");
  const auto again = executions().append_events("exec-1", {DebugEvent{"execution_complete", "{}", "t"}},
                                                std::nullopt, "later", generous);
  EXPECT_EQ(again->status, "failed");
  EXPECT_EQ(again->stored.size(), 1u);  // stored, but the status stays
  const auto found = executions().find_execution("exec-1");
  EXPECT_EQ(found->status, "failed");
  EXPECT_EQ(found->ended_at, "2025-01-15T10:31:00.000Z");
  EXPECT_EQ(found->total_execution_time_us, 2'500'000);
  EXPECT_EQ(found->event_count, 3);
}

TEST_F(SqlitePluginExecutionStoreTest, past_the_limit_events_are_dropped_but_the_terminal_one_is_kept) {
  executions().create_execution(execution("exec-1"));
  const AppendLimits two{2};
  const auto appended = executions().append_events(
      "exec-1", {log("a"), log("b"), log("c"), DebugEvent{"execution_complete", "{}", "t"}, log("d")},
      std::nullopt, "now", two);
  ASSERT_EQ(appended->stored.size(), 3u);
  EXPECT_EQ(appended->stored.back().type, "execution_complete");
  EXPECT_EQ(appended->stored.back().sequence, 3);
  EXPECT_EQ(appended->dropped, 2);
  EXPECT_EQ(appended->status, "completed");
  // Once ended, a terminal event past the limit is dropped like any other.
  const auto late = executions().append_events(
      "exec-1", {DebugEvent{"execution_error", R"({"error":"x"})", "t"}}, std::nullopt, "now", two);
  EXPECT_TRUE(late->stored.empty());
  EXPECT_EQ(executions().find_execution("exec-1")->dropped_events, 3);
}

TEST_F(SqlitePluginExecutionStoreTest, recent_events_are_the_newest_that_fit_the_budget) {
  executions().create_execution(execution("exec-1"));
  std::vector<DebugEvent> events;
  for (int i = 0; i < 10; ++i) events.push_back(log(std::string(400, static_cast<char>('a' + i))));
  executions().append_events("exec-1", events, std::nullopt, "now", generous);
  const auto all = executions().recent_events("exec-1", 1024 * 1024);
  EXPECT_EQ(all.events.size(), 10u);
  EXPECT_EQ(all.omitted_events, 0);
  EXPECT_EQ(all.last_sequence, 10);
  const auto some = executions().recent_events("exec-1", 1600);  // three events of ~530 bytes each
  ASSERT_EQ(some.events.size(), 3u);
  EXPECT_EQ(some.events.front().sequence, 8);
  EXPECT_EQ(some.events.back().sequence, 10);
  EXPECT_EQ(some.omitted_events, 7);
  EXPECT_EQ(some.last_sequence, 10);
}

TEST_F(SqlitePluginExecutionStoreTest, purge_deletes_executions_started_before_the_cutoff_with_their_events) {
  executions().create_execution(execution("old", "2025-01-14T10:00:00.000Z"));
  executions().create_execution(execution("new", "2025-01-15T10:00:00.000Z"));
  executions().append_events("old", {log("a")}, std::nullopt, "now", generous);
  EXPECT_EQ(executions().purge_started_before("2025-01-15T00:00:00.000Z"), 1u);
  EXPECT_FALSE(executions().find_execution("old"));
  EXPECT_TRUE(executions().events_after("old", 0, 10).events.empty());
  EXPECT_TRUE(executions().find_execution("new"));
  // A new execution with the purged id starts its sequences afresh.
  executions().create_execution(execution("old", "2025-01-15T11:00:00.000Z"));
  EXPECT_EQ(
      executions().append_events("old", {log("b")}, std::nullopt, "now", generous)->stored.at(0).sequence, 1);
}

TEST_F(SqlitePluginExecutionStoreTest, executions_survive_reopening_the_database) {
  executions().create_execution(execution("exec-1"));
  executions().append_events("exec-1", {log("a")}, std::nullopt, "now", generous);
  store_.reset();
  store_ = open_default_sqlite_store(directory_.path() / "nadoo.db");
  EXPECT_EQ(sequences_after("exec-1", 0), (std::vector<std::int64_t>{1}));
}

}  // namespace
}  // namespace nadoo::store
