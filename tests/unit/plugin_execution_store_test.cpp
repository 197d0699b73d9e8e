// Plugin executions and their debug events on every store kind (store_kinds.hpp).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "store_kinds.hpp"

namespace nadoo::store {
namespace {

constexpr AppendLimits generous{1000};

PluginExecution execution(const std::string& id, const std::string& started_at = "2025-01-15T10:30:00.000Z") {
  PluginExecution execution;
  execution.execution_id = id;
  execution.plugin_id = "plugin-1";
  execution.tool_name = "summarize";
  execution.started_at = started_at;
  return execution;
}

DebugEvent log_event(const std::string& message) {
  return DebugEvent{"log", R"({"level":"info","message":")" + message + R"("})", "2025-01-15T10:30:01.000Z"};
}

template <typename Kind>
class PluginExecutionStoreTest : public test_support::StoreTestBase<Kind> {
 protected:
  std::vector<std::int64_t> sequences_after(const std::string& id, std::int64_t after,
                                            std::size_t limit = 100) {
    std::vector<std::int64_t> sequences;
    for (const auto& event : this->plugin_executions().events_after(id, after, limit).events)
      sequences.push_back(event.sequence);
    return sequences;
  }
};
TYPED_TEST_SUITE(PluginExecutionStoreTest, test_support::StoreKinds, test_support::StoreKindNames);

TYPED_TEST(PluginExecutionStoreTest, an_execution_is_created_once_and_read_back) {
  auto first = execution("exec-1");
  first.workspace_id = "ws-1";
  EXPECT_TRUE(this->plugin_executions().create_execution(first));
  EXPECT_FALSE(this->plugin_executions().create_execution(execution("exec-1")));
  const auto found = this->plugin_executions().find_execution("exec-1");
  ASSERT_TRUE(found);
  EXPECT_EQ(found->plugin_id, "plugin-1");
  EXPECT_EQ(found->tool_name, "summarize");
  EXPECT_EQ(found->workspace_id, "ws-1");
  EXPECT_EQ(found->status, "running");
  EXPECT_FALSE(found->ended_at);
  EXPECT_FALSE(this->plugin_executions().find_execution("exec-2"));
}

TYPED_TEST(PluginExecutionStoreTest, events_get_increasing_sequences_per_execution) {
  this->plugin_executions().create_execution(execution("exec-1"));
  this->plugin_executions().create_execution(execution("exec-2"));
  const auto first = this->plugin_executions().append_events("exec-1", {log_event("a"), log_event("b")},
                                                             std::nullopt, "now", generous);
  ASSERT_TRUE(first);
  ASSERT_EQ(first->stored.size(), 2u);
  EXPECT_EQ(first->stored[1].sequence, 2);
  this->plugin_executions().append_events("exec-2", {log_event("other")}, std::nullopt, "now", generous);
  const auto second =
      this->plugin_executions().append_events("exec-1", {log_event("c")}, std::nullopt, "now", generous);
  EXPECT_EQ(second->stored.at(0).sequence, 3);
  EXPECT_EQ(this->sequences_after("exec-1", 0), (std::vector<std::int64_t>{1, 2, 3}));
  EXPECT_EQ(this->sequences_after("exec-1", 1), (std::vector<std::int64_t>{2, 3}));
  EXPECT_EQ(this->sequences_after("exec-2", 0), (std::vector<std::int64_t>{1}));
  const auto page = this->plugin_executions().events_after("exec-1", 0, 2);
  EXPECT_TRUE(page.has_more);
  EXPECT_EQ(page.events.at(0).data_json, R"({"level":"info","message":"a"})");
}

TYPED_TEST(PluginExecutionStoreTest, appending_to_an_unknown_execution_stores_nothing) {
  EXPECT_FALSE(
      this->plugin_executions().append_events("nope", {log_event("a")}, std::nullopt, "now", generous));
  EXPECT_TRUE(this->plugin_executions().events_after("nope", 0, 10).events.empty());
}

TYPED_TEST(PluginExecutionStoreTest, the_first_terminal_event_ends_the_execution) {
  this->plugin_executions().create_execution(execution("exec-1"));
  const auto ended = this->plugin_executions().append_events(
      "exec-1", {log_event("a"), DebugEvent{"execution_error", R"({"error":"boom"})", "t"}}, 2'500'000,
      "2025-01-15T10:31:00.000Z", generous);
  EXPECT_EQ(ended->status, "failed");
  const auto again = this->plugin_executions().append_events(
      "exec-1", {DebugEvent{"execution_complete", "{}", "t"}}, std::nullopt, "later", generous);
  EXPECT_EQ(again->status, "failed");
  EXPECT_EQ(again->stored.size(), 1u);  // stored, but the status stays
  const auto found = this->plugin_executions().find_execution("exec-1");
  EXPECT_EQ(found->status, "failed");
  EXPECT_EQ(found->ended_at, "2025-01-15T10:31:00.000Z");
  EXPECT_EQ(found->total_execution_time_us, 2'500'000);
  EXPECT_EQ(found->event_count, 3);
}

TYPED_TEST(PluginExecutionStoreTest, past_the_limit_events_are_dropped_but_the_terminal_one_is_kept) {
  this->plugin_executions().create_execution(execution("exec-1"));
  const AppendLimits two{2};
  const auto appended =
      this->plugin_executions().append_events("exec-1",
                                              {log_event("a"), log_event("b"), log_event("c"),
                                               DebugEvent{"execution_complete", "{}", "t"}, log_event("d")},
                                              std::nullopt, "now", two);
  ASSERT_EQ(appended->stored.size(), 3u);
  EXPECT_EQ(appended->stored.back().type, "execution_complete");
  EXPECT_EQ(appended->stored.back().sequence, 3);
  EXPECT_EQ(appended->dropped, 2);
  EXPECT_EQ(appended->status, "completed");
  // Once ended, a terminal event past the limit is dropped like any other.
  const auto late = this->plugin_executions().append_events(
      "exec-1", {DebugEvent{"execution_error", R"({"error":"x"})", "t"}}, std::nullopt, "now", two);
  EXPECT_TRUE(late->stored.empty());
  EXPECT_EQ(this->plugin_executions().find_execution("exec-1")->dropped_events, 3);
}

TYPED_TEST(PluginExecutionStoreTest, recent_events_are_the_newest_that_fit_the_budget) {
  this->plugin_executions().create_execution(execution("exec-1"));
  std::vector<DebugEvent> events;
  for (int i = 0; i < 10; ++i) events.push_back(log_event(std::string(400, static_cast<char>('a' + i))));
  this->plugin_executions().append_events("exec-1", events, std::nullopt, "now", generous);
  const auto all = this->plugin_executions().recent_events("exec-1", 1024 * 1024);
  EXPECT_EQ(all.events.size(), 10u);
  EXPECT_EQ(all.omitted_events, 0);
  EXPECT_EQ(all.last_sequence, 10);
  const auto some =
      this->plugin_executions().recent_events("exec-1", 1600);  // three events of ~530 bytes each
  ASSERT_EQ(some.events.size(), 3u);
  EXPECT_EQ(some.events.front().sequence, 8);
  EXPECT_EQ(some.events.back().sequence, 10);
  EXPECT_EQ(some.omitted_events, 7);
  EXPECT_EQ(some.last_sequence, 10);
}

TYPED_TEST(PluginExecutionStoreTest, purge_deletes_executions_started_before_the_cutoff_with_their_events) {
  this->plugin_executions().create_execution(execution("old", "2025-01-14T10:00:00.000Z"));
  this->plugin_executions().create_execution(execution("new", "2025-01-15T10:00:00.000Z"));
  this->plugin_executions().append_events("old", {log_event("a")}, std::nullopt, "now", generous);
  EXPECT_EQ(this->plugin_executions().purge_started_before("2025-01-15T00:00:00.000Z"), 1u);
  EXPECT_FALSE(this->plugin_executions().find_execution("old"));
  EXPECT_TRUE(this->plugin_executions().events_after("old", 0, 10).events.empty());
  EXPECT_TRUE(this->plugin_executions().find_execution("new"));
  // A new execution with the purged id starts its sequences afresh.
  this->plugin_executions().create_execution(execution("old", "2025-01-15T11:00:00.000Z"));
  EXPECT_EQ(this->plugin_executions()
                .append_events("old", {log_event("b")}, std::nullopt, "now", generous)
                ->stored.at(0)
                .sequence,
            1);
}

TYPED_TEST(PluginExecutionStoreTest, executions_survive_reopening_the_database) {
  this->plugin_executions().create_execution(execution("exec-1"));
  this->plugin_executions().append_events("exec-1", {log_event("a")}, std::nullopt, "now", generous);
  this->reopen();
  EXPECT_EQ(this->sequences_after("exec-1", 0), (std::vector<std::int64_t>{1}));
}

}  // namespace
}  // namespace nadoo::store
