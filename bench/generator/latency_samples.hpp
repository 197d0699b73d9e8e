#pragma once
// Time samples in microseconds (connect times, delivery latencies), recorded
// without a lock and summarised as nearest-rank percentiles.

#include <boost/json/object.hpp>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace nadoo::bench {

class LatencySamples {
 public:
  explicit LatencySamples(unsigned threads) : per_thread_(threads) {}

  void reserve_per_thread(std::size_t samples) {
    for (auto& slot : per_thread_) slot.samples.reserve(samples);
  }

  /// Room for `total` samples spread over the threads: a thread receives about
  /// its share, and 25 % of the total more covers an uneven spread.
  void reserve_for_total(std::size_t total) {
    const std::size_t threads = per_thread_.size();
    reserve_per_thread(total / threads + (threads > 1 ? total / 4 : 0));
  }

  /// I/O thread `thread_index` only: each thread appends to its own vector.
  void record(unsigned thread_index, std::uint64_t microseconds) {
    per_thread_[thread_index].samples.push_back(static_cast<std::uint32_t>(microseconds));
  }

  /// Main thread, once no I/O thread records any more: every sample, ascending.
  std::vector<std::uint32_t> sorted() const;

 private:
  // Own cache line per thread: the vectors' size fields change on every record.
  struct alignas(64) PerThread {
    std::vector<std::uint32_t> samples;
  };
  std::vector<PerThread> per_thread_;
};

/// `from` merged into the ascending `into`, which stays ascending: samples of
/// several threads or processes brought together.
void merge_ascending(std::vector<std::uint32_t>& into, std::vector<std::uint32_t>&& from);

/// Adds `{prefix}_p50` … `{prefix}_max` in milliseconds (null when there are no
/// samples) for each of `fractions` (0.5 → "p50", 0.999 → "p999").
void add_percentiles_ms(boost::json::object& figures, std::string_view prefix,
                        const std::vector<std::uint32_t>& sorted_microseconds,
                        const std::vector<double>& fractions);

}  // namespace nadoo::bench
