#pragma once

#include <array>
#include <atomic>
#include <cstddef>

namespace nadoo::hub {

/// A counter that many threads add to on every message: each thread adds to
/// a slot (a cache line) of its own, so that two I/O threads counting their
/// deliveries never bounce one line between their cores, and a read sums the
/// slots. The same interface as the std::atomic it replaces, without the
/// value before an add: a read is a sum of slots each read at its own
/// instant, exact once the adds have stopped. For values that a decision
/// reads back at once (the open connections against their limit), keep a
/// std::atomic.
template <typename Integer>
class StripedCounter {
 public:
  void fetch_add(Integer value, std::memory_order order = std::memory_order_seq_cst) {
    slots_[this_thread_slot()].value.fetch_add(value, order);
  }
  void fetch_sub(Integer value, std::memory_order order = std::memory_order_seq_cst) {
    slots_[this_thread_slot()].value.fetch_sub(value, order);
  }
  Integer load(std::memory_order order = std::memory_order_seq_cst) const {
    Integer sum = 0;
    for (const auto& slot : slots_) sum += slot.value.load(order);
    return sum;
  }

 private:
  /// More than this process's busy threads (one per core, plus storage), so
  /// that threads share a slot only on a machine with more cores than this.
  static constexpr std::size_t slot_count = 16;

  struct alignas(64) Slot {
    std::atomic<Integer> value{0};
  };

  /// Threads take slots in turn, the first time each counts.
  static std::size_t this_thread_slot() {
    static std::atomic<std::size_t> threads_seen{0};
    thread_local const std::size_t slot = threads_seen.fetch_add(1, std::memory_order_relaxed) % slot_count;
    return slot;
  }

  std::array<Slot, slot_count> slots_{};
};

}  // namespace nadoo::hub
