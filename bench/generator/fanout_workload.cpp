// fanout: M members of one workspace connected, one more member publishing
// `document_updated` events at full speed (each write awaited: the socket's
// own backpressure) or at --rate; every member times each delivery against
// the send time carried in the event. The publisher has an I/O thread of its
// own, apart from the receivers' (which may be other processes,
// --receiver-processes), so that a burst of deliveries never holds up the
// next event (its pace timer is not queued behind their reads).

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <iterator>

#include "cpu_span.hpp"
#include "fanout_event.hpp"
#include "fanout_receivers.hpp"
#include "held_connections.hpp"
#include "monotonic_clock.hpp"
#include "proc_readings.hpp"
#include "receiver_processes.hpp"
#include "redis_publish_count.hpp"
#include "server_syscall_count.hpp"
#include "workload_run.hpp"
#include "workloads.hpp"

namespace nadoo::bench {
namespace {

constexpr std::string_view publisher_id = "publisher";

/// The publisher's side; its figures are read by the main thread once
/// `finished` is counted.
struct Publication {
  std::uint64_t started_us = 0;
  std::uint64_t ended_us = 0;
  std::string failure;
  CompletionCounter finished;
};

boost::asio::awaitable<void> publish(std::shared_ptr<BenchConnection> publisher, std::size_t events,
                                     double rate_events_per_second, Publication& publication) {
  std::string event;
  boost::asio::steady_timer pace(publisher->get_executor());
  const auto started = std::chrono::steady_clock::now();
  publication.started_us = monotonic_microseconds();
  try {
    for (std::size_t sequence = 0; sequence < events; ++sequence) {
      if (rate_events_per_second > 0) {
        pace.expires_at(started + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                      std::chrono::duration<double>(sequence / rate_events_per_second)));
        co_await pace.async_wait(boost::asio::use_awaitable);
      }
      write_fanout_event(event, sequence, monotonic_microseconds());
      co_await publisher->write_text(event);
    }
  } catch (const std::exception& error) {
    publication.failure = std::string("publishing failed: ") + error.what();
  }
  publication.ended_us = monotonic_microseconds();
  publication.finished.add();
}

boost::asio::awaitable<void> send_warmup(std::shared_ptr<BenchConnection> publisher) {
  try {
    co_await publisher->write_text(fanout_warmup_event());
  } catch (const std::exception&) {
    // The members then never warm up: the run reports it at its deadline.
  }
}

}  // namespace

WorkloadReport run_fanout(const BenchOptions& options) {
  WorkloadRun run(options);
  run.report.settings["workspace"] = options.fanout_workspace;
  run.report.settings["members"] = options.members;
  run.report.settings["events"] = options.events;
  run.report.settings["rate"] = options.rate_events_per_second;
  run.report.settings["publisher_thread"] = "own";  // apart from the receivers' --threads
  run.report.settings["receiver_processes"] = options.receiver_processes;
  boost::json::array member_ports(options.member_ports.begin(), options.member_ports.end());
  if (member_ports.empty()) member_ports.push_back(options.target.port);
  run.report.settings["member_ports"] = std::move(member_ports);
  auto& figures = run.report.figures;
  const std::size_t deliveries_expected = options.members * options.events;

  std::vector<Membership> users;
  for (std::size_t n = 0; n < options.members; ++n) {
    users.push_back({options.fanout_workspace, "member-" + std::to_string(n)});
  }
  users.push_back({options.fanout_workspace, std::string(publisher_id)});
  std::vector<std::string> member_paths = connection_paths(options, users);
  const std::string publisher_path = member_paths.back();
  member_paths.pop_back();

  // First, before any thread of this process starts (workers are forked), and
  // stopped last. With one receiver process, the receivers are this process's
  // own --threads.
  const auto receivers =
      options.receiver_processes > 1
          ? fork_receiver_processes(run, options.receiver_processes, std::move(member_paths), options.events)
          : make_receiver_shard(run, options.threads, std::move(member_paths), options.events);
  // The publisher alone on a thread: its pace is not queued behind the receivers' reads.
  IoThreads publishing(1);
  HeldConnections publisher_held(publishing.size());
  std::shared_ptr<BenchConnection> publisher;
  ConnectionDialer publisher_dialer(publishing, {options.target, {publisher_path}, 1},
                                    [&](std::shared_ptr<BenchConnection> connection,
                                        unsigned thread_index) -> boost::asio::awaitable<void> {
                                      publisher = connection;
                                      publisher_held.hold(thread_index, std::move(connection), {});
                                      co_return;
                                    });
  Publication publication;

  const bool ready = run.add_memberships(publishing, users) && receivers->connect() && [&] {
    publisher_dialer.start();
    if (!run.await(publisher_dialer.attempts(), 1, "connecting the publisher")) return false;
    if (publisher_dialer.failed() > 0) {
      run.report.problems.push_back("the publisher did not connect: " + publisher_dialer.first_failure());
      return false;
    }
    // Once every member has the warm-up event, it has also had the publisher's
    // user_joined: the join flood is over before the clock starts.
    boost::asio::co_spawn(publisher->get_executor(), send_warmup(publisher), boost::asio::detached);
    return receivers->await_warmed_up();
  }();

  std::optional<ServerSyscallCount> syscalls;  // over the delivery span only
  std::optional<double> server_cpu_seconds;
  bool finished = false;
  if (ready) {
    const auto rss_before_kib = resident_kib(options.server_pid);
    if (options.count_server_syscalls) syscalls.emplace(options.server_pid);
    if (syscalls) syscalls->start();  // acknowledged: counting before the first event
    std::string redis_failure;
    const auto publishes_before =
        options.redis_port ? redis_publish_calls(options.redis_port, redis_failure) : std::nullopt;
    const CpuSpan cpu_span(options.server_pid, receivers->worker_pids(), options.other_server_pids);
    boost::asio::co_spawn(publisher->get_executor(),
                          publish(publisher, options.events, options.rate_events_per_second, publication),
                          boost::asio::detached);
    const bool all_delivered = receivers->await_delivered();
    cpu_span.add_figures(figures);
    if (syscalls) syscalls->stop();
    if (options.redis_port) {
      const auto publishes_after = redis_publish_calls(options.redis_port, redis_failure);
      if (publishes_before && publishes_after) {
        const auto publishes = *publishes_after - *publishes_before;
        figures["redis_publishes"] = publishes;
        figures["redis_publishes_per_event"] = static_cast<double>(publishes) / options.events;
      } else {
        run.report.problems.push_back(redis_failure);
      }
    }
    figures["server_rss_before_kib"] = figure_or_null(rss_before_kib);
    figures["server_rss_after_kib"] = figure_or_null(resident_kib(options.server_pid));
    server_cpu_seconds = cpu_span.server_cpu_seconds_used();
    finished = all_delivered && run.await(publication.finished, 1, "publishing");
  }
  ReceiverOutcome outcome = receivers->close(finished);
  if (finished) {
    const double seconds = (outcome.last_delivery_us - publication.started_us) / 1e6;
    figures["seconds"] = seconds;
    figures["deliveries_per_second"] = deliveries_expected / seconds;
    figures["events_per_second_published"] =
        options.events / ((publication.ended_us - publication.started_us) / 1e6);
    if (!publication.failure.empty()) run.report.problems.push_back(publication.failure);
    run.close_held(publisher_held, publishing);
  }
  publishing.stop();
  std::move(outcome.problems.begin(), outcome.problems.end(), std::back_inserter(run.report.problems));
  run.report.timed_out = run.report.timed_out || outcome.timed_out;
  add_connect_figures(outcome.connects, run.report);
  figures["deliveries_expected"] = deliveries_expected;
  figures["deliveries"] = outcome.delivered;
  // What one core of the server delivers, whichever side was saturated:
  // with a generator on a single core too, it may be the generator.
  figures["deliveries_per_server_cpu_second"] =
      server_cpu_seconds && *server_cpu_seconds > 0
          ? boost::json::value(static_cast<double>(outcome.delivered) / *server_cpu_seconds)
          : boost::json::value(nullptr);
  add_percentiles_ms(figures, "latency_ms", outcome.latencies_us, {0.5, 0.99, 0.999});
  if (syscalls) {
    // The deliveries and their bytes as counted: inside the span (or short of it, at a deadline).
    syscalls->add_figures(figures, outcome.delivered, outcome.frame_bytes);
    if (!syscalls->failure().empty()) run.report.problems.push_back("syscall count: " + syscalls->failure());
  }
  run.add_close_figures(outcome.clean_closes + publisher_held.closes().clean.load(),
                        outcome.unclean_closes + publisher_held.closes().unclean.load());
  return std::move(run.report);
}

}  // namespace nadoo::bench
