#include "monotonic_clock.hpp"

#include <chrono>

namespace nadoo::bench {

std::uint64_t monotonic_microseconds() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace nadoo::bench
