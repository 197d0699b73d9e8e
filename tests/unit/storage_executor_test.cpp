// The storage executor's group commit, on both stores: calls that queue up
// behind a running one share a transaction, yet each call's result is what
// it would have been alone, and results come back in the order of the calls.
#include "store/storage_executor.hpp"

#include <gtest/gtest.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <future>
#include <optional>
#include <stdexcept>
#include <vector>

#include "store_kinds.hpp"

namespace nadoo::store {
namespace {

using test_support::StoreKindNames;
using test_support::StoreKinds;

/// Far beyond what any call here takes.
constexpr auto storage_wait = std::chrono::seconds(10);

Chat chat_named(const std::string& id) {
  return Chat{id, "app-1", "session-1", "user-1", "2025-01-15T10:30:00.000Z"};
}

template <typename Kind>
class StorageExecutorTest : public ::testing::Test {
 protected:
  /// Holds the storage thread inside a call until release(): calls made
  /// meanwhile queue up and then run as one group.
  void hold_storage_thread() {
    storage_.run(
        io_context_.get_executor(),
        [released = released_.get_future().share()](Store&) {
          released.wait_for(storage_wait);
          return true;
        },
        [this](StoreResult<bool>) { ++answered_; });
    ++made_;
  }
  void release() { released_.set_value(); }

  /// Runs the io_context until every call made has answered.
  void await_answers() {
    const auto deadline = std::chrono::steady_clock::now() + storage_wait;
    while (answered_ < made_ && std::chrono::steady_clock::now() < deadline) {
      io_context_.run_one_for(std::chrono::milliseconds(100));
    }
    ASSERT_EQ(answered_, made_);
  }

  template <typename Work, typename Done>
  void call(Work work, Done done) {
    ++made_;
    storage_.run(io_context_.get_executor(), std::move(work), [this, done = std::move(done)](auto result) {
      ++answered_;
      done(std::move(result));
    });
  }

  Kind kind_;
  boost::asio::io_context io_context_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_ =
      boost::asio::make_work_guard(io_context_);
  std::promise<void> released_;
  StorageExecutor storage_{kind_.open()};
  int made_ = 0;
  int answered_ = 0;
};

TYPED_TEST_SUITE(StorageExecutorTest, StoreKinds, StoreKindNames);

TYPED_TEST(StorageExecutorTest, results_of_a_group_come_back_in_the_order_of_the_calls) {
  this->hold_storage_thread();
  std::vector<int> order;
  const int calls = 3 * static_cast<int>(StorageExecutor::max_group_calls);  // several full groups
  for (int i = 0; i < calls; ++i) {
    this->call(
        [i](Store& store) {
          store.create_chat(chat_named("chat-" + std::to_string(i)));
          return i;
        },
        [&order](StoreResult<int> result) { order.push_back(result.ok() ? *result.value : -1); });
  }
  this->release();
  this->await_answers();
  ASSERT_EQ(order.size(), static_cast<std::size_t>(calls));
  for (int i = 0; i < calls; ++i) EXPECT_EQ(order[i], i);
}

TYPED_TEST(StorageExecutorTest, a_call_of_a_group_sees_what_the_calls_before_it_wrote) {
  this->hold_storage_thread();
  this->call(
      [](Store& store) {
        store.create_chat(chat_named("chat-written"));
        return true;
      },
      [](StoreResult<bool> result) { EXPECT_TRUE(result.ok()); });
  std::optional<bool> found;
  int runs = 0;
  this->call(
      [&runs](Store& store) {
        ++runs;
        return store.find_chat("chat-written").has_value();
      },
      [&found](StoreResult<bool> result) { found = result.value; });
  this->release();
  this->await_answers();
  EXPECT_EQ(found, true);
  EXPECT_EQ(runs, 1);  // a group that succeeds runs each call once
}

TYPED_TEST(StorageExecutorTest, a_failing_call_fails_alone_and_the_others_of_its_group_are_stored) {
  this->hold_storage_thread();
  std::vector<bool> succeeded;
  const auto record = [&succeeded](StoreResult<bool> result) { succeeded.push_back(result.ok()); };
  const auto write = [](std::string id) {
    return [id](Store& store) {
      store.create_chat(chat_named(id));
      return true;
    };
  };
  int runs_of_first_call = 0;
  this->call(
      [&runs_of_first_call, write_before = write("chat-before")](Store& store) {
        ++runs_of_first_call;
        return write_before(store);
      },
      record);
  // A second chat of the same id breaks a constraint: a database error.
  this->call(write("chat-before"), record);
  this->call([](Store&) -> bool { throw std::runtime_error("a bug in a call"); }, record);
  this->call(write("chat-after"), record);
  this->release();
  this->await_answers();
  EXPECT_EQ(succeeded, (std::vector<bool>{true, false, false, true}));
  // Once in the group, rolled back with it, then alone: the calls were grouped.
  EXPECT_EQ(runs_of_first_call, 2);

  auto store = this->kind_.open();
  EXPECT_TRUE(store->find_chat("chat-before"));
  EXPECT_TRUE(store->find_chat("chat-after"));
}

TYPED_TEST(StorageExecutorTest, a_group_is_committed_before_its_results_come_back) {
  this->hold_storage_thread();
  std::optional<bool> visible_elsewhere;
  this->call(
      [](Store& store) {
        store.create_chat(chat_named("chat-committed"));
        return true;
      },
      [&](StoreResult<bool>) {
        visible_elsewhere = this->kind_.open()->find_chat("chat-committed").has_value();
      });
  this->call([](Store&) { return true; }, [](StoreResult<bool>) {});
  this->release();
  this->await_answers();
  EXPECT_EQ(visible_elsewhere, true);
}

/// Two lanes, each on a Store of its own over the same data.
template <typename Kind>
class StorageLanesTest : public ::testing::Test {
 protected:
  std::vector<std::unique_ptr<Store>> two_stores() {
    std::vector<std::unique_ptr<Store>> stores;
    stores.push_back(kind_.open());
    stores.push_back(kind_.open());
    return stores;
  }
  /// A key whose lane is not `other`'s.
  std::string key_on_another_lane_than(const std::string& other) {
    for (int i = 0; i < 1000; ++i) {
      auto key = "key-" + std::to_string(i);
      if (storage_.lane_of(key) != storage_.lane_of(other)) return key;
    }
    ADD_FAILURE() << "no key found on the other lane";
    return other;
  }

  Kind kind_;
  boost::asio::io_context io_context_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_ =
      boost::asio::make_work_guard(io_context_);
  StorageExecutor storage_{two_stores()};
};

TYPED_TEST_SUITE(StorageLanesTest, StoreKinds, StoreKindNames);

TYPED_TEST(StorageLanesTest, a_held_lane_does_not_hold_calls_of_another_key) {
  ASSERT_EQ(this->storage_.lanes(), 2u);
  std::promise<void> released;
  bool held_answered = false;
  this->storage_.run_ordered_by(
      "held", this->io_context_.get_executor(),
      [until = released.get_future().share()](Store&) {
        until.wait_for(storage_wait);
        return true;
      },
      [&held_answered](StoreResult<bool>) { held_answered = true; });
  // Same key: queued behind the held call. Other key: runs at once.
  std::vector<std::string> answered;
  this->storage_.run_ordered_by(
      "held", this->io_context_.get_executor(), [](Store&) { return true; },
      [&answered](StoreResult<bool>) { answered.push_back("same key"); });
  this->storage_.run_ordered_by(
      this->key_on_another_lane_than("held"), this->io_context_.get_executor(),
      [](Store& store) { return store.find_chat("none").has_value(); },
      [&answered](StoreResult<bool> result) {
        EXPECT_TRUE(result.ok());
        answered.push_back("other key");
      });
  const auto deadline = std::chrono::steady_clock::now() + storage_wait;
  while (answered.empty() && std::chrono::steady_clock::now() < deadline) {
    this->io_context_.run_one_for(std::chrono::milliseconds(100));
  }
  EXPECT_EQ(answered, std::vector<std::string>{"other key"});
  EXPECT_FALSE(held_answered);

  released.set_value();
  while (answered.size() < 2 && std::chrono::steady_clock::now() < deadline) {
    this->io_context_.run_one_for(std::chrono::milliseconds(100));
  }
  EXPECT_TRUE(held_answered);
  EXPECT_EQ(answered, (std::vector<std::string>{"other key", "same key"}));
}

/// A lane and the reader beside it.
template <typename Kind>
class StorageReaderTest : public ::testing::Test {
 protected:
  /// Runs the io_context until `answered`, at most storage_wait.
  void run_until(const bool& answered) {
    const auto deadline = std::chrono::steady_clock::now() + storage_wait;
    while (!answered && std::chrono::steady_clock::now() < deadline) {
      io_context_.run_one_for(std::chrono::milliseconds(100));
    }
  }

  Kind kind_;
  boost::asio::io_context io_context_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_ =
      boost::asio::make_work_guard(io_context_);
  std::unique_ptr<Store> lane_store_ = kind_.open();
  StorageExecutor storage_{[this] {
                             std::vector<std::unique_ptr<Store>> lanes;
                             lanes.push_back(std::move(lane_store_));
                             return lanes;
                           }(),
                           kind_.open_reader()};
};

TYPED_TEST_SUITE(StorageReaderTest, StoreKinds, StoreKindNames);

TYPED_TEST(StorageReaderTest, a_read_sees_what_was_committed_and_does_not_wait_behind_a_held_lane) {
  bool stored = false;
  this->storage_.run(
      this->io_context_.get_executor(),
      [](Store& store) {
        store.create_chat(chat_named("chat-read"));
        return true;
      },
      [&stored](StoreResult<bool> result) { stored = result.ok(); });
  this->run_until(stored);
  ASSERT_TRUE(stored);

  std::promise<void> released;
  bool held_answered = false;
  this->storage_.run(
      this->io_context_.get_executor(),
      [until = released.get_future().share()](Store&) {
        until.wait_for(storage_wait);
        return true;
      },
      [&held_answered](StoreResult<bool>) { held_answered = true; });
  bool read = false;
  std::optional<std::string> found_user;
  this->storage_.run_read_only(
      this->io_context_.get_executor(),
      [](Store& store) {
        const auto chat = store.find_chat("chat-read");
        return chat ? chat->user_id : std::string();
      },
      [&](StoreResult<std::string> result) {
        read = true;
        found_user = result.value;
      });
  this->run_until(read);
  EXPECT_TRUE(read);
  EXPECT_FALSE(held_answered);
  EXPECT_EQ(found_user, "user-1");
  released.set_value();
  this->run_until(held_answered);
  EXPECT_TRUE(held_answered);
}

}  // namespace
}  // namespace nadoo::store
