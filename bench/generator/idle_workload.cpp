// idle: N authenticated connections held open for --hold-seconds; the
// server's RSS per connection, the kernel's socket memory beside it; then an
// orderly close of every connection.

#include <unistd.h>

#include <thread>

#include "held_connections.hpp"
#include "proc_readings.hpp"
#include "workload_run.hpp"
#include "workloads.hpp"

namespace nadoo::bench {

WorkloadReport run_idle(const BenchOptions& options) {
  WorkloadRun run(options);
  run.add_spread_settings();
  run.report.settings["hold_seconds"] = options.hold_seconds;
  auto& figures = run.report.figures;

  // Declared first, stopped before anything else goes: the connections below
  // must not outlive the io_contexts they were made on.
  IoThreads threads(options.threads);
  const std::vector<Membership> users = spread_users(options.connections, options.workspaces);
  HeldConnections held(options.threads);
  ConnectionDialer dialer(threads,
                          {options.target, connection_paths(options, users), options.handshakes_in_flight},
                          [&held](std::shared_ptr<BenchConnection> connection,
                                  unsigned thread_index) -> boost::asio::awaitable<void> {
                            held.hold(thread_index, std::move(connection), {});
                            co_return;
                          });

  if (run.add_memberships(threads, users)) {
    const auto rss_before_kib = resident_kib(options.server_pid);
    const auto sockets_before = tcp_socket_statistics();
    dialer.start();
    if (run.await(dialer.attempts(), dialer.planned(), "connecting")) {
      if (dialer.connected() > 0) {
        figures["connects_per_second"] = dialer.connected() / dialer.seconds_to_last_connected();
      }
      std::this_thread::sleep_until(std::min(
          run.deadline,
          std::chrono::steady_clock::now() + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                                 std::chrono::duration<double>(options.hold_seconds))));
      const auto rss_idle_kib = resident_kib(options.server_pid);
      figures["server_rss_before_kib"] = figure_or_null(rss_before_kib);
      figures["server_rss_idle_kib"] = figure_or_null(rss_idle_kib);
      figures["server_rss_per_connection_kib"] =
          rss_before_kib && rss_idle_kib && dialer.connected() > 0
              ? boost::json::value(static_cast<double>(*rss_idle_kib - *rss_before_kib) / dialer.connected())
              : nullptr;
      // The generator's own memory, beside: its read buffers are reserved per connection.
      figures["generator_rss_kib"] = figure_or_null(resident_kib(getpid()));
      figures["tcp_sockets_before"] = sockets_before;
      figures["tcp_sockets_idle"] = tcp_socket_statistics();
      figures["open_when_measured"] = held.held() - held.dropped();
      run.close_held(held, threads);
    }
  }
  threads.stop();
  add_connect_figures(dialer.tally(), run.report);
  run.add_close_figures(held.closes());
  if (held.closes().clean.load() != dialer.planned() && !run.report.timed_out) {
    run.report.problems.push_back("not every connection opened, stayed open and closed cleanly");
  }
  return std::move(run.report);
}

}  // namespace nadoo::bench
