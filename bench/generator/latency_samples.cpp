#include "latency_samples.hpp"

#include <algorithm>
#include <cmath>
#include <string>

namespace nadoo::bench {
namespace {

/// "p50", "p99", "p999": the fraction's digits after "0.".
std::string percentile_name(double fraction) {
  std::string digits = std::to_string(fraction).substr(2);
  while (digits.size() > 2 && digits.back() == '0') digits.pop_back();
  return "p" + digits;
}

/// Milliseconds to the microsecond, as the reports print them.
double milliseconds(std::uint32_t microseconds) { return microseconds / 1000.0; }

}  // namespace

std::vector<std::uint32_t> LatencySamples::sorted() const {
  std::vector<std::uint32_t> all;
  for (const auto& slot : per_thread_) all.insert(all.end(), slot.samples.begin(), slot.samples.end());
  std::sort(all.begin(), all.end());
  return all;
}

void merge_ascending(std::vector<std::uint32_t>& into, std::vector<std::uint32_t>&& from) {
  const auto middle = static_cast<std::ptrdiff_t>(into.size());
  into.insert(into.end(), from.begin(), from.end());
  std::inplace_merge(into.begin(), into.begin() + middle, into.end());
  from.clear();
}

void add_percentiles_ms(boost::json::object& figures, std::string_view prefix,
                        const std::vector<std::uint32_t>& sorted_microseconds,
                        const std::vector<double>& fractions) {
  const std::string base(prefix);
  for (const double fraction : fractions) {
    auto& figure = figures[base + "_" + percentile_name(fraction)];
    if (sorted_microseconds.empty()) {
      figure = nullptr;
      continue;
    }
    // Nearest rank: the smallest sample with at least `fraction` of all at or below it.
    const auto rank = static_cast<std::size_t>(std::ceil(fraction * sorted_microseconds.size()));
    figure = milliseconds(sorted_microseconds[std::max<std::size_t>(rank, 1) - 1]);
  }
  auto& maximum = figures[base + "_max"];
  if (sorted_microseconds.empty()) {
    maximum = nullptr;
  } else {
    maximum = milliseconds(sorted_microseconds.back());
  }
}

}  // namespace nadoo::bench
