// fanout: M members of one workspace connected, one more member publishing
// `document_updated` events at full speed (each write awaited: the socket's
// own backpressure) or at --rate; every member times each delivery against
// the send time carried in the event. The publisher has an I/O thread of its
// own, apart from the receivers', so that a burst of deliveries never holds
// up the next event (its pace timer is not queued behind their reads).

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "cpu_span.hpp"
#include "fanout_event.hpp"
#include "held_connections.hpp"
#include "monotonic_clock.hpp"
#include "per_thread_latest.hpp"
#include "proc_readings.hpp"
#include "server_syscall_count.hpp"
#include "workload_run.hpp"
#include "workloads.hpp"

namespace nadoo::bench {
namespace {

constexpr std::string_view publisher_id = "publisher";

/// What the receivers record; each I/O thread writes only its own slots.
struct Deliveries {
  explicit Deliveries(unsigned threads)
      : latencies(threads), last_delivery_us(threads), frame_bytes(threads) {}

  /// The receive path: no JSON parse, no allocation once the buffers are grown.
  void observe(std::string_view message, unsigned thread_index) {
    if (const auto sent_us = find_sent_us(message)) {
      const std::uint64_t now_us = monotonic_microseconds();
      latencies.record(thread_index, now_us - *sent_us);
      last_delivery_us.note(thread_index, now_us);
      frame_bytes[thread_index].bytes += unmasked_frame_bytes(message.size());
      delivered.add();
    } else if (is_fanout_warmup(message)) {
      warmed_up.add();
    }
  }

  /// What the server wrote for a text message of `payload` bytes.
  static std::uint64_t unmasked_frame_bytes(std::size_t payload) {
    return payload + (payload < 126 ? 2 : payload < 65536 ? 4 : 10);
  }

  std::uint64_t frame_bytes_total() const {
    std::uint64_t total = 0;
    for (const auto& slot : frame_bytes) total += slot.bytes;
    return total;
  }

  LatencySamples latencies;
  PerThreadLatest last_delivery_us;
  /// Bytes of the delivered frames, header included; read once the threads stopped.
  struct alignas(64) FrameBytes {
    std::uint64_t bytes = 0;
  };
  std::vector<FrameBytes> frame_bytes;
  CompletionCounter delivered;
  CompletionCounter warmed_up;
};

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
  auto& figures = run.report.figures;
  const std::size_t deliveries_expected = options.members * options.events;

  // First: stopped before the rest goes. The receivers' --threads, and one
  // more for the publisher alone.
  IoThreads threads(options.threads);
  IoThreads publishing(1);
  std::vector<Membership> users;
  for (std::size_t n = 0; n < options.members; ++n) {
    users.push_back({options.fanout_workspace, "member-" + std::to_string(n)});
  }
  users.push_back({options.fanout_workspace, std::string(publisher_id)});
  std::vector<std::string> member_paths = connection_paths(options, users);
  const std::string publisher_path = member_paths.back();
  member_paths.pop_back();

  Deliveries deliveries(options.threads);
  deliveries.latencies.reserve_for_total(deliveries_expected);
  const MessageObserver observer = [&deliveries](std::string_view message, unsigned thread_index) {
    deliveries.observe(message, thread_index);
  };
  HeldConnections held(options.threads);
  HeldConnections publisher_held(publishing.size());
  ConnectionDialer members(threads, {options.target, std::move(member_paths), options.handshakes_in_flight},
                           [&](std::shared_ptr<BenchConnection> connection,
                               unsigned thread_index) -> boost::asio::awaitable<void> {
                             held.hold(thread_index, std::move(connection), observer);
                             co_return;
                           });
  std::shared_ptr<BenchConnection> publisher;
  ConnectionDialer publisher_dialer(publishing, {options.target, {publisher_path}, 1},
                                    [&](std::shared_ptr<BenchConnection> connection,
                                        unsigned thread_index) -> boost::asio::awaitable<void> {
                                      publisher = connection;
                                      publisher_held.hold(thread_index, std::move(connection), {});
                                      co_return;
                                    });
  Publication publication;

  const bool ready = run.add_memberships(threads, users) && [&] {
    members.start();
    if (!run.await(members.attempts(), members.planned(), "connecting the members")) return false;
    if (members.failed() > 0) return false;  // the connect figures say why
    publisher_dialer.start();
    if (!run.await(publisher_dialer.attempts(), 1, "connecting the publisher")) return false;
    if (publisher_dialer.failed() > 0) {
      run.report.problems.push_back("the publisher did not connect: " + publisher_dialer.first_failure());
      return false;
    }
    // Once every member has the warm-up event, it has also had the publisher's
    // user_joined: the join flood is over before the clock starts.
    boost::asio::co_spawn(publisher->get_executor(), send_warmup(publisher), boost::asio::detached);
    return run.await(deliveries.warmed_up, options.members, "warming up");
  }();

  std::optional<ServerSyscallCount> syscalls;  // over the delivery span only
  if (ready) {
    const auto rss_before_kib = resident_kib(options.server_pid);
    if (options.count_server_syscalls) syscalls.emplace(options.server_pid);
    if (syscalls) syscalls->start();  // acknowledged: counting before the first event
    const CpuSpan cpu_span(options.server_pid);
    boost::asio::co_spawn(publisher->get_executor(),
                          publish(publisher, options.events, options.rate_events_per_second, publication),
                          boost::asio::detached);
    const bool all_delivered = run.await(deliveries.delivered, deliveries_expected, "delivering");
    cpu_span.add_figures(figures);
    if (syscalls) syscalls->stop();
    // What one core of the server delivers, whichever side was saturated:
    // with a generator on a single core too, it may be the generator.
    const auto server_cpu_seconds = cpu_span.server_cpu_seconds_used();
    figures["deliveries_per_server_cpu_second"] =
        server_cpu_seconds && *server_cpu_seconds > 0
            ? boost::json::value(static_cast<double>(deliveries.delivered.count()) / *server_cpu_seconds)
            : boost::json::value(nullptr);
    const auto rss_after_kib = resident_kib(options.server_pid);
    figures["server_rss_before_kib"] = figure_or_null(rss_before_kib);
    figures["server_rss_after_kib"] = figure_or_null(rss_after_kib);
    if (all_delivered && run.await(publication.finished, 1, "publishing")) {
      const double seconds = (deliveries.last_delivery_us.latest() - publication.started_us) / 1e6;
      figures["seconds"] = seconds;
      figures["deliveries_per_second"] = deliveries_expected / seconds;
      figures["events_per_second_published"] =
          options.events / ((publication.ended_us - publication.started_us) / 1e6);
      if (!publication.failure.empty()) run.report.problems.push_back(publication.failure);
      run.close_held(held, threads);
      run.close_held(publisher_held, publishing);
    }
  }
  threads.stop();
  publishing.stop();
  add_connect_figures(members, run.report);
  figures["deliveries_expected"] = deliveries_expected;
  figures["deliveries"] = deliveries.delivered.count();
  add_percentiles_ms(figures, "latency_ms", deliveries.latencies.sorted(), {0.5, 0.99, 0.999});
  if (syscalls) {
    // The deliveries and their bytes as counted: inside the span (or short of it, at a deadline).
    syscalls->add_figures(figures, deliveries.delivered.count(), deliveries.frame_bytes_total());
    if (!syscalls->failure().empty()) run.report.problems.push_back("syscall count: " + syscalls->failure());
  }
  run.add_close_figures({&held.closes(), &publisher_held.closes()});
  return std::move(run.report);
}

}  // namespace nadoo::bench
