#pragma once

#include <atomic>
#include <thread>

namespace nadoo::util {

/// A one-byte lock for critical sections of a few instructions taken once
/// per message (a connection's outbound queue): std::mutex would add 40 bytes
/// to every connection, idle or not. Meets BasicLockable, for std::lock_guard.
class SpinLock {
 public:
  void lock() noexcept {
    while (locked_.test_and_set(std::memory_order_acquire)) {
      while (locked_.test(std::memory_order_relaxed)) std::this_thread::yield();
    }
  }
  void unlock() noexcept { locked_.clear(std::memory_order_release); }

 private:
  std::atomic_flag locked_;
};

}  // namespace nadoo::util
