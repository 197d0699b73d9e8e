// connect: handshakes per second with token verification, K in flight, each
// counted at the server's `connected` message and then closed with 1000.

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>

#include "cpu_span.hpp"
#include "held_connections.hpp"
#include "workload_run.hpp"
#include "workloads.hpp"

namespace nadoo::bench {

WorkloadReport run_connect(const BenchOptions& options) {
  WorkloadRun run(options);
  run.add_spread_settings();
  auto& figures = run.report.figures;

  IoThreads threads(options.threads);  // first: stopped before the rest goes
  const std::vector<Membership> users = spread_users(options.connections, options.workspaces);
  CloseTally closes;
  // The close runs beside the next handshake, so that K counts handshakes only.
  ConnectionDialer dialer(
      threads, {options.target, connection_paths(options, users), options.handshakes_in_flight},
      [&closes](std::shared_ptr<BenchConnection> connection, unsigned) -> boost::asio::awaitable<void> {
        const auto executor = connection->get_executor();
        boost::asio::co_spawn(executor, close_and_count(std::move(connection), closes),
                              boost::asio::detached);
        co_return;
      });

  if (run.add_memberships(threads, users)) {
    const CpuSpan cpu_span(options.server_pid);
    dialer.start();
    if (run.await(dialer.attempts(), dialer.planned(), "connecting") && dialer.connected() > 0) {
      const double seconds = dialer.seconds_to_last_connected();
      figures["seconds"] = seconds;
      figures["connects_per_second"] = dialer.connected() / seconds;
      cpu_span.add_figures(figures, seconds);
      run.await(closes.done, dialer.connected(), "closing");
    }
  }
  threads.stop();
  add_connect_figures(dialer.tally(), run.report);
  run.add_close_figures(closes);
  return std::move(run.report);
}

}  // namespace nadoo::bench
