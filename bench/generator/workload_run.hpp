#pragma once
// What every workload does the same way: its deadline, the settings each
// report records, membership first, tokens before the clock starts, and the
// connect figures.

#include <chrono>
#include <initializer_list>
#include <optional>
#include <string_view>
#include <vector>

#include "bench_options.hpp"
#include "completion_counter.hpp"
#include "connection_dialer.hpp"
#include "held_connections.hpp"
#include "io_threads.hpp"
#include "membership_client.hpp"
#include "workload_report.hpp"

namespace nadoo::bench {

struct WorkloadRun {
  explicit WorkloadRun(const BenchOptions& options);

  /// Main thread: waits for `counter` to reach `target`; at the deadline notes
  /// that `phase` did not finish and returns false.
  bool await(CompletionCounter& counter, std::size_t target, std::string_view phase);

  /// With --membership, makes each user a member first; false (problem noted)
  /// when any request failed or the deadline came.
  bool add_memberships(IoThreads& threads, const std::vector<Membership>& memberships);

  /// Records --connections, --in-flight and --workspaces (idle, connect).
  void add_spread_settings();

  /// Notes connections the server dropped, then closes every held connection
  /// with 1000 by the deadline.
  void close_held(HeldConnections& held, IoThreads& threads);

  /// clean_closes and unclean_closes, summed over `tallies` (a workload may
  /// hold connections on separate threads); any unclean close is a problem.
  void add_close_figures(std::initializer_list<const CloseTally*> tallies);
  void add_close_figures(const CloseTally& closes) { add_close_figures({&closes}); }
  void add_close_figures(std::size_t clean, std::size_t unclean);

  const BenchOptions& options;
  const std::chrono::steady_clock::time_point deadline;
  WorkloadReport report;
};

/// A /proc reading as a figure: null when there was none.
boost::json::value figure_or_null(const std::optional<std::int64_t>& reading);

/// `count` users `bench-user-N`, user N in workspace `bench-ws-(N mod workspaces)`.
std::vector<Membership> spread_users(std::size_t count, std::size_t workspaces);

/// One request path per membership, its token minted now (before any timing).
std::vector<std::string> connection_paths(const BenchOptions& options,
                                          const std::vector<Membership>& memberships);

/// connections_attempted, connected, failed, connect_ms_p50 … max; the first
/// failure's reason becomes a problem.
void add_connect_figures(const ConnectTally& connects, WorkloadReport& report);

}  // namespace nadoo::bench
