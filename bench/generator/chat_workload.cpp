// chat: K chat sessions (/ws/chat/{session}), each sending one `chat` to an
// OpenAI-provider application whose upstream is nadoo-bench's own fake
// (fake_upstream.hpp); the chats start evenly over --ramp-ms, then every
// session streams --tokens tokens at the upstream's fixed beat. Each token
// carries its upstream send time, so every `text-delta` gives the time the
// server added: upstream read, parse, relay, WebSocket write (and the
// loopback and this client's read, on the same machine and clock).

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <cmath>
#include <mutex>

#include "cpu_span.hpp"
#include "fake_upstream.hpp"
#include "fanout_event.hpp"
#include "proc_readings.hpp"
#include "rest_put.hpp"
#include "token_stamps.hpp"
#include "workload_run.hpp"
#include "workloads.hpp"

namespace nadoo::bench {
namespace {

/// The application's setup request: the server answers in milliseconds.
constexpr std::chrono::seconds setup_timeout{10};

/// What the sessions receive; each I/O thread writes only its own slots.
struct ChatDeliveries {
  ChatDeliveries(unsigned threads, std::size_t sessions)
      : sessions(sessions), latencies(threads), steady_latencies(threads), last_token_us(threads) {}

  /// The receive path: no JSON parse, no allocation once the buffers are grown.
  void observe(std::string_view message, unsigned thread_index) {
    switch (chat_message_kind(message)) {
      case ChatMessageKind::text_delta: {
        const std::uint64_t now_us = monotonic_microseconds();
        if (is_first_text_delta(message)) streaming_sessions.fetch_add(1);
        // Once every session streams, no chat is being set up any more: the
        // relay alone, at the full count of concurrent streams.
        const bool steady = streaming_sessions.load() >= sessions;
        const auto stamps = for_each_token_stamp(message, [&](std::uint64_t sent_us) {
          latencies.record(thread_index, now_us - sent_us);
          if (steady) steady_latencies.record(thread_index, now_us - sent_us);
        });
        tokens.add(stamps);
        last_token_us[thread_index].value = now_us;
        break;
      }
      case ChatMessageKind::response_end_stop:
        answers_ended.add();
        break;
      case ChatMessageKind::response_end_other:
        note_failure(message);
        answers_ended.add();
        break;
      case ChatMessageKind::error:
        note_failure(message);
        answers_ended.add();
        break;
      case ChatMessageKind::other:
        break;
    }
  }

  void note_failure(std::string_view message) {
    failed_answers.fetch_add(1);
    std::lock_guard lock(failure_mutex);
    if (first_failure.empty()) first_failure = message;
  }

  std::uint64_t last_us() const {
    std::uint64_t last = 0;
    for (const auto& slot : last_token_us) last = std::max(last, slot.value);
    return last;
  }

  const std::size_t sessions;
  std::atomic<std::size_t> streaming_sessions{0};  // sessions that had their first token
  LatencySamples latencies;                        // every token
  LatencySamples steady_latencies;                 // tokens received once every session streamed
  struct alignas(64) Slot {
    std::uint64_t value = 0;
  };
  std::vector<Slot> last_token_us;
  CompletionCounter tokens;
  CompletionCounter answers_ended;  // response_end or error, one per chat
  std::atomic<std::size_t> failed_answers{0};
  std::mutex failure_mutex;
  std::string first_failure;
};

std::string application_body(const BenchOptions& options, const FakeUpstream& upstream) {
  return R"({"name":"nadoo-bench chat","provider":"openai","model":"bench-stamped-tokens",)"
         R"("system_prompt":"You are a benchmark.","knowledge_base_ids":[],"temperature":0,"max_tokens":)" +
         std::to_string(options.tokens * 4) + R"(,"base_url":")" + upstream.base_url() + R"("})";
}

/// Sends the session's one `chat` at `start_at`; a failed send counts as an
/// ended answer, so the run does not wait for it. `chat` is a copy: at the
/// deadline the run goes on while this may still be waiting.
boost::asio::awaitable<void> send_chat(std::shared_ptr<BenchConnection> session,
                                       std::chrono::steady_clock::time_point start_at, std::string chat,
                                       ChatDeliveries& deliveries) {
  boost::asio::steady_timer timer(session->get_executor());
  timer.expires_at(start_at);
  co_await timer.async_wait(boost::asio::use_awaitable);
  try {
    co_await session->write_text(chat);
  } catch (const std::exception& error) {
    deliveries.note_failure(std::string("sending the chat failed: ") + error.what());
    deliveries.answers_ended.add();
  }
}

}  // namespace

WorkloadReport run_chat(const BenchOptions& options) {
  WorkloadRun run(options);
  auto& settings = run.report.settings;
  settings["sessions"] = options.sessions;
  settings["tokens"] = options.tokens;
  settings["token_interval_ms"] = options.token_interval_ms;
  settings["ramp_ms"] = options.ramp_ms;
  settings["application"] = options.chat_application;
  auto& figures = run.report.figures;
  const std::size_t tokens_expected = options.sessions * options.tokens;

  // The upstream has its own thread; both go before the sessions, which must
  // not outlive the io_contexts they were made on.
  FakeUpstream upstream(
      options.upstream_port,
      {options.tokens, std::chrono::duration_cast<std::chrono::microseconds>(
                           std::chrono::duration<double, std::milli>(options.token_interval_ms))});
  settings["upstream_port"] = upstream.port();
  IoThreads threads(options.threads);

  std::vector<Membership> sessions;
  for (std::size_t n = 0; n < options.sessions; ++n) {
    sessions.push_back({"bench-chat-" + std::to_string(n), "bench-chat-user-" + std::to_string(n)});
  }
  ChatDeliveries deliveries(options.threads, options.sessions);
  // A thread receives about its share; 25 % more covers an uneven spread.
  const std::size_t samples_per_thread =
      tokens_expected / options.threads + (options.threads > 1 ? tokens_expected / 4 : 0);
  deliveries.latencies.reserve_per_thread(samples_per_thread);
  deliveries.steady_latencies.reserve_per_thread(samples_per_thread);
  const MessageObserver observer = [&deliveries](std::string_view message, unsigned thread_index) {
    deliveries.observe(message, thread_index);
  };
  HeldConnections held(options.threads);
  // Each I/O thread appends only to its own list; the main thread reads them
  // once every session has connected.
  std::vector<std::vector<std::shared_ptr<BenchConnection>>> connected(options.threads);
  ConnectionDialer dialer(threads,
                          {options.target, connection_paths(options, sessions), options.handshakes_in_flight},
                          [&](std::shared_ptr<BenchConnection> connection,
                              unsigned thread_index) -> boost::asio::awaitable<void> {
                            connected[thread_index].push_back(connection);
                            held.hold(thread_index, std::move(connection), observer);
                            co_return;
                          });

  const std::string setup_failure =
      put_json(options.target, options.api_key, "/api/v1/applications/" + options.chat_application,
               application_body(options, upstream), setup_timeout);
  if (!setup_failure.empty()) run.report.problems.push_back("creating the application: " + setup_failure);
  const bool ready = setup_failure.empty() && [&] {
    dialer.start();
    return run.await(dialer.attempts(), dialer.planned(), "connecting the sessions") && dialer.failed() == 0;
  }();

  if (ready) {
    const std::string chat = R"({"type":"chat","content":"Benchmark question: stream the answer.",)"
                             R"("application_id":")" +
                             options.chat_application + R"("})";
    const auto rss_before_kib = resident_kib(options.server_pid);
    const CpuSpan cpu_span(options.server_pid);
    const double upstream_cpu_before = upstream.thread_cpu_seconds();
    const std::uint64_t started_us = monotonic_microseconds();
    const auto started = std::chrono::steady_clock::now();
    const auto ramp_step = std::chrono::duration_cast<std::chrono::steady_clock::duration>(
        std::chrono::duration<double, std::milli>(options.ramp_ms / static_cast<double>(options.sessions)));
    std::size_t index = 0;
    for (auto& thread_sessions : connected) {
      for (auto& session : thread_sessions) {
        const auto executor = session->get_executor();
        boost::asio::co_spawn(executor, send_chat(session, started + index++ * ramp_step, chat, deliveries),
                              boost::asio::detached);
      }
    }
    const bool all_ended = run.await(deliveries.answers_ended, options.sessions, "streaming the answers");
    const double seconds = (deliveries.last_us() - started_us) / 1e6;
    cpu_span.add_figures(figures);
    figures["upstream_cpu_percent"] =
        std::round((upstream.thread_cpu_seconds() - upstream_cpu_before) /
                   std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count() * 1000) /
        10;
    figures["server_rss_before_kib"] = figure_or_null(rss_before_kib);
    figures["server_rss_after_kib"] = figure_or_null(resident_kib(options.server_pid));
    if (all_ended) {
      figures["seconds"] = seconds;
      figures["tokens_per_second"] = deliveries.tokens.count() / seconds;
      run.close_held(held, threads);
    }
  }
  threads.stop();
  upstream.stop();
  add_connect_figures(dialer, run.report);
  figures["answers_ended"] = deliveries.answers_ended.count();
  figures["answers_failed"] = deliveries.failed_answers.load();
  figures["tokens_expected"] = tokens_expected;
  figures["tokens_delivered"] = deliveries.tokens.count();
  add_percentiles_ms(figures, "latency_ms", deliveries.latencies.sorted(), {0.5, 0.99, 0.999});
  const auto steady = deliveries.steady_latencies.sorted();
  figures["steady_tokens"] = steady.size();
  add_percentiles_ms(figures, "steady_latency_ms", steady, {0.5, 0.99, 0.999});
  figures["upstream_requests"] = upstream.requests();
  figures["upstream_answers_completed"] = upstream.answers_completed();
  figures["upstream_answers_cut_short"] = upstream.answers_cut_short();
  if (deliveries.failed_answers.load() > 0) {
    run.report.problems.push_back(std::to_string(deliveries.failed_answers.load()) +
                                  " answers failed, first: " + deliveries.first_failure);
  }
  if (!run.report.timed_out && deliveries.tokens.count() != tokens_expected) {
    run.report.problems.push_back(std::to_string(deliveries.tokens.count()) + " of " +
                                  std::to_string(tokens_expected) + " tokens delivered");
  }
  run.add_close_figures(held.closes());
  return std::move(run.report);
}

}  // namespace nadoo::bench
