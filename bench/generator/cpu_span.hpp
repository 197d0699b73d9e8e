#pragma once
// Both sides' CPU over one measured span, so that a run shows which side was
// saturated: the server's and the generator's CPU time, and the time each
// waited for a core (the two cores are shared with whatever else runs).

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <chrono>
#include <optional>

namespace nadoo::bench {

/// The share of one core that CPU seconds going from `before` to `after` are
/// over `seconds`, rounded to 0.1 %; null if either reading or the span is missing.
boost::json::value percent_of(std::optional<double> before, std::optional<double> after, double seconds);

class CpuSpan {
 public:
  /// Starts the span now; `server_pid` 0 leaves the server's figures null.
  explicit CpuSpan(int server_pid);

  /// Adds server_cpu_percent, server_runqueue_wait_percent,
  /// generator_cpu_percent and generator_runqueue_wait_percent (of one core,
  /// 0.1 % steps) from the start to now, over `seconds` when given (a span
  /// that ended a little before now) or else the time since the start.
  void add_figures(boost::json::object& figures, std::optional<double> seconds = std::nullopt) const;
  /// The server's CPU seconds since the start, when it could be read.
  std::optional<double> server_cpu_seconds_used() const;

 private:
  int server_pid_;
  std::chrono::steady_clock::time_point started_;
  std::optional<double> server_cpu_seconds_;
  std::optional<double> server_waited_seconds_;
  std::optional<double> own_cpu_seconds_;
  std::optional<double> own_waited_seconds_;
};

}  // namespace nadoo::bench
