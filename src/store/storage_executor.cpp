#include "store/storage_executor.hpp"

#include <functional>
#include <stdexcept>

#include "util/thread_name.hpp"
#include "util/thread_priority.hpp"

namespace nadoo::store {

namespace {

std::vector<std::unique_ptr<Store>> one_store(std::unique_ptr<Store> store) {
  std::vector<std::unique_ptr<Store>> stores;
  stores.push_back(std::move(store));
  return stores;
}

}  // namespace

StorageExecutor::StorageExecutor(std::unique_ptr<Store> store)
    : StorageExecutor(one_store(std::move(store))) {}

StorageExecutor::StorageExecutor(std::vector<std::unique_ptr<Store>> stores, std::unique_ptr<Store> reader) {
  if (stores.empty()) throw std::invalid_argument("a storage executor needs at least one store");
  for (auto& store : stores)
    lanes_.push_back(std::make_unique<Lane>(std::move(store), "nadoo-storage", Lane::Role::lane));
  if (reader) reader_ = std::make_unique<Lane>(std::move(reader), "nadoo-reader", Lane::Role::reader);
}

// The lanes' destructors finish their queued calls.
StorageExecutor::~StorageExecutor() = default;

std::size_t StorageExecutor::lane_of(std::string_view ordering_key) const {
  return std::hash<std::string_view>{}(ordering_key) % lanes_.size();
}

StorageExecutor::Lane::Lane(std::unique_ptr<Store> store, const char* thread_name, Role role)
    : store_(std::move(store)), role_(role), thread_([this, thread_name] {
        util::name_this_thread(thread_name);
        if (role_ == Role::reader) util::run_this_thread_in_background();
        run_calls();
      }) {}

StorageExecutor::Lane::~Lane() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;  // run_calls() returns once the queued calls are done
  }
  queued_.notify_one();
  thread_.join();
}

void StorageExecutor::Lane::enqueue(std::unique_ptr<PendingCall> call) {
  {
    std::lock_guard lock(mutex_);
    queue_.push_back(std::move(call));
  }
  queued_.notify_one();
}

StorageExecutor::Calls StorageExecutor::Lane::next_calls() {
  std::unique_lock lock(mutex_);
  queued_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
  Calls calls;
  const auto count = std::min(queue_.size(), max_group_calls);
  calls.reserve(count);
  for (std::size_t i = 0; i < count; ++i) {
    calls.push_back(std::move(queue_.front()));
    queue_.pop_front();
  }
  return calls;
}

void StorageExecutor::Lane::run_calls() {
  while (true) {
    // Destroyed before the next wait: a call's captures (a session, say) must not outlive it.
    const auto calls = next_calls();
    if (calls.empty()) return;
    if (role_ == Role::reader) {
      for (const auto& call : calls) {
        call->run_alone(*store_);
        if (call->failed_unavailable()) call->run_alone(*store_);
      }
      for (const auto& call : calls) call->hand_back();
      continue;
    }
    const auto outcome = calls.size() == 1 ? GroupOutcome::not_committed : run_as_group(calls);
    if (outcome == GroupOutcome::not_committed) {
      for (const auto& call : calls) call->run_alone(*store_);
    }
    for (const auto& call : calls) call->hand_back();
  }
}

StorageExecutor::GroupOutcome StorageExecutor::Lane::run_as_group(const Calls& calls) {
  try {
    store_->begin_group();
  } catch (const std::exception&) {
    return GroupOutcome::not_committed;  // each call, run alone, fails or succeeds as it would have
  }
  try {
    for (const auto& call : calls) call->run_in_group(*store_);
  } catch (const std::exception& error) {
    spdlog::debug("a group of {} storage calls failed ({}); running them one by one", calls.size(),
                  error.what());
    store_->rollback_group();
    return GroupOutcome::not_committed;
  }
  try {
    if (store_->commit_group()) return GroupOutcome::committed;
    store_->rollback_group();  // a call rolled back its own transaction: nothing was committed
    return GroupOutcome::not_committed;
  } catch (const StoreUnavailable& error) {
    // The COMMIT may have reached the database before the connection went:
    // running the calls again could store them twice. Each fails instead.
    spdlog::debug("committing a group of {} storage calls failed: {}", calls.size(), error.what());
    store_->rollback_group();
    for (const auto& call : calls) call->fail(true);
  } catch (const std::exception& error) {
    spdlog::error("committing a group of {} storage calls failed: {}", calls.size(), error.what());
    store_->rollback_group();
    for (const auto& call : calls) call->fail(false);
  }
  return GroupOutcome::failed;
}

}  // namespace nadoo::store
