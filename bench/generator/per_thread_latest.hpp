#pragma once
// The latest of a time that each I/O thread notes in a slot of its own (the
// last delivery, the last token): no shared write on the receive path.

#include <algorithm>
#include <cstdint>
#include <vector>

namespace nadoo::bench {

class PerThreadLatest {
 public:
  explicit PerThreadLatest(unsigned threads) : slots_(threads) {}

  /// I/O thread `thread_index` only.
  void note(unsigned thread_index, std::uint64_t value) { slots_[thread_index].value = value; }

  /// Main thread, once the I/O threads have stopped: the largest noted, 0 if none.
  std::uint64_t latest() const {
    std::uint64_t latest = 0;
    for (const auto& slot : slots_) latest = std::max(latest, slot.value);
    return latest;
  }

 private:
  // Own cache line per thread: every delivery writes its thread's slot.
  struct alignas(64) Slot {
    std::uint64_t value = 0;
  };
  std::vector<Slot> slots_;
};

}  // namespace nadoo::bench
