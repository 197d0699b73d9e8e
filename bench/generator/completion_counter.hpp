#pragma once
// A count that I/O threads advance and the main thread awaits, up to a
// deadline: how each workload knows that a phase is over.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <limits>
#include <mutex>

namespace nadoo::bench {

class CompletionCounter {
 public:
  /// Any thread. Takes the lock only once the awaited count is reached.
  void add(std::size_t amount = 1) {
    if (count_.fetch_add(amount) + amount >= awaited_.load()) {
      std::lock_guard lock(mutex_);
      reached_.notify_all();
    }
  }

  std::size_t count() const { return count_.load(); }

  /// Main thread: true once the count reaches `target`, false at `deadline`.
  bool wait_for(std::size_t target, std::chrono::steady_clock::time_point deadline) {
    awaited_.store(target);
    std::unique_lock lock(mutex_);
    return reached_.wait_until(lock, deadline, [&] { return count_.load() >= target; });
  }

 private:
  std::atomic<std::size_t> count_{0};
  std::atomic<std::size_t> awaited_{std::numeric_limits<std::size_t>::max()};
  std::mutex mutex_;
  std::condition_variable reached_;
};

}  // namespace nadoo::bench
