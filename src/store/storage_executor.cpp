#include "store/storage_executor.hpp"

#include <functional>
#include <stdexcept>

#include "util/thread_name.hpp"

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

StorageExecutor::StorageExecutor(std::vector<std::unique_ptr<Store>> stores) {
  if (stores.empty()) throw std::invalid_argument("a storage executor needs at least one store");
  for (auto& store : stores) lanes_.push_back(std::make_unique<Lane>(std::move(store)));
}

// The lanes' destructors finish their queued calls.
StorageExecutor::~StorageExecutor() = default;

std::size_t StorageExecutor::lane_of(std::string_view ordering_key) const {
  return std::hash<std::string_view>{}(ordering_key) % lanes_.size();
}

StorageExecutor::Lane::Lane(std::unique_ptr<Store> store)
    : store_(std::move(store)), thread_([this] {
        util::name_this_thread("nadoo-storage");
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
    if (calls.size() == 1 || !run_as_group(calls)) {
      for (const auto& call : calls) call->run_alone(*store_);
    }
    for (const auto& call : calls) call->hand_back();
  }
}

bool StorageExecutor::Lane::run_as_group(const Calls& calls) {
  try {
    store_->begin_group();
  } catch (const std::exception&) {
    return false;  // each call, run alone, fails or succeeds as it would have
  }
  try {
    for (const auto& call : calls) call->run_in_group(*store_);
    if (store_->commit_group()) return true;
  } catch (const std::exception& error) {
    spdlog::debug("a group of {} storage calls failed ({}); running them one by one", calls.size(),
                  error.what());
  }
  store_->rollback_group();
  return false;
}

}  // namespace nadoo::store
