#include "store/storage_executor.hpp"

#include "util/thread_name.hpp"

namespace nadoo::store {

StorageExecutor::StorageExecutor(std::unique_ptr<Store> store)
    : store_(std::move(store)), thread_([this] {
        util::name_this_thread("nadoo-storage");
        run_calls();
      }) {}

StorageExecutor::~StorageExecutor() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;  // run_calls() returns once the queued calls are done
  }
  queued_.notify_one();
  thread_.join();
}

void StorageExecutor::enqueue(std::unique_ptr<PendingCall> call) {
  {
    std::lock_guard lock(mutex_);
    queue_.push_back(std::move(call));
  }
  queued_.notify_one();
}

StorageExecutor::Calls StorageExecutor::next_calls() {
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

void StorageExecutor::run_calls() {
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

bool StorageExecutor::run_as_group(const Calls& calls) {
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
