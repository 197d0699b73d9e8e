#pragma once
// Both sides' CPU over one measured span, so that a run shows which side was
// saturated: the server's and the generator's CPU time, and the time each
// waited for a core (the two cores are shared with whatever else runs).

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <chrono>
#include <optional>
#include <vector>

#include "proc_readings.hpp"

namespace nadoo::bench {

/// Above this share of the cores it may use, the generator is called the
/// limit of a run (`generator_bound`), and bench/compare ranks nothing by that
/// figure: a generator this busy takes a delivery late whenever one arrives
/// while it works on the last, so the figure is partly its own. 90 %, not
/// 100 %: a span also holds the moments before the first event and after the
/// last delivery, so even a saturated generator reads a little under 100 %.
constexpr double generator_bound_percent = 90;

/// The share of one core that CPU seconds going from `before` to `after` are
/// over `seconds`, rounded to 0.1 %; null if either reading or the span is missing.
boost::json::value percent_of(std::optional<double> before, std::optional<double> after, double seconds);

class CpuSpan {
 public:
  /// Starts the span now; `server_pid` 0 leaves the server's figures null.
  /// The generator is this process and `generator_workers` (its other
  /// processes, if any). The server is `server_pid` and `other_server_nodes`
  /// (a cluster's other nodes): their figures add up.
  explicit CpuSpan(int server_pid, std::vector<int> generator_workers = {},
                   std::vector<int> other_server_nodes = {});

  /// Adds, from the start to now (or over `seconds` when given: a span that
  /// ended a little before now):
  /// - server_cpu_percent, server_runqueue_wait_percent: of one core;
  /// - generator_cpu_percent, generator_runqueue_wait_percent: of one core,
  ///   summed over every thread of every generator process (its own threads
  ///   waiting for each other on one core count as waiting too);
  /// - generator_cores: the CPUs its affinity masks allow;
  ///   generator_cpu_percent_of_its_cores: its CPU over those;
  ///   generator_bound: that share above generator_bound_percent.
  /// Percentages in 0.1 % steps; a figure that could not be read is null.
  void add_figures(boost::json::object& figures, std::optional<double> seconds = std::nullopt) const;
  /// The server's CPU seconds since the start, when it could be read.
  std::optional<double> server_cpu_seconds_used() const;

 private:
  /// The generator's processes together; nullopt when any of them is gone.
  std::optional<ScheduledSeconds> generator_scheduled_seconds() const;

  /// The server's processes together; nullopt when any cannot be read.
  std::optional<double> server_seconds(std::optional<double> (*reading)(int pid)) const;

  std::vector<int> server_pids_;
  std::vector<int> generator_pids_;
  std::chrono::steady_clock::time_point started_;
  std::optional<double> server_cpu_seconds_;
  std::optional<double> server_waited_seconds_;
  std::optional<ScheduledSeconds> generator_seconds_;
};

}  // namespace nadoo::bench
