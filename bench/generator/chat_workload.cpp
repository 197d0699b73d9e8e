// chat: K chat sessions (/ws/chat/{session}), each sending one `chat` to an
// OpenAI-provider application whose upstream is nadoo-bench's own fake
// (fake_upstream.hpp); the chats start evenly over --ramp-ms, then every
// session streams --tokens tokens at the upstream's fixed beat. Each token
// carries its upstream send time, so every `text-delta` gives the time the
// server added: upstream read, parse, relay, WebSocket write (and the
// loopback and this client's read, on the same machine and clock). With
// --direct the same streams come straight from the upstream instead: the
// floor that the upstream, the loopback and the clients make on their own.

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "chat_deliveries.hpp"
#include "cpu_span.hpp"
#include "direct_stream.hpp"
#include "fake_upstream.hpp"
#include "monotonic_clock.hpp"
#include "proc_readings.hpp"
#include "rest_put.hpp"
#include "workload_run.hpp"
#include "workloads.hpp"

namespace nadoo::bench {
namespace {

/// The application's setup request: the server answers in milliseconds.
constexpr std::chrono::seconds setup_timeout{10};

using Clock = std::chrono::steady_clock;

std::string application_body(const BenchOptions& options, const FakeUpstream& upstream) {
  return R"({"name":"nadoo-bench chat","provider":"openai","model":"bench-stamped-tokens",)"
         R"("system_prompt":"You are a benchmark.","knowledge_base_ids":[],"temperature":0,"max_tokens":)" +
         std::to_string(options.tokens * 4) + R"(,"base_url":")" + upstream.base_url() + R"("})";
}

/// Sends the session's one `chat` at `start_at`; a failed send ends its
/// answer, so the run does not wait for it. `chat` is a copy: at the
/// deadline the run goes on while this may still be waiting.
boost::asio::awaitable<void> send_chat(std::shared_ptr<BenchConnection> session, Clock::time_point start_at,
                                       std::string chat, ChatDeliveries& deliveries) {
  boost::asio::steady_timer timer(session->get_executor(), start_at);
  co_await timer.async_wait(boost::asio::use_awaitable);
  try {
    co_await session->write_text(chat);
  } catch (const std::exception& error) {
    deliveries.fail_answer(std::string("sending the chat failed: ") + error.what());
  }
}

/// The sessions' WebSockets: the application created, every session
/// connected, each reading into `deliveries`. Empty (problems noted) when not
/// all of them made it.
class ChatSessions {
 public:
  ChatSessions(WorkloadRun& run, IoThreads& threads, ChatDeliveries& deliveries)
      : run_(run),
        held_(threads.size()),
        connected_(threads.size()),
        dialer_(threads,
                {run.options.target, connection_paths(run.options, session_users(run.options)),
                 run.options.handshakes_in_flight},
                [this, &deliveries](std::shared_ptr<BenchConnection> connection,
                                    unsigned thread_index) -> boost::asio::awaitable<void> {
                  // Each I/O thread appends only to its own list.
                  connected_[thread_index].push_back(connection);
                  held_.hold(thread_index, std::move(connection),
                             [&deliveries](std::string_view message, unsigned thread) {
                               deliveries.observe_server_message(message, thread);
                             });
                  co_return;
                }) {}

  /// Main thread: the application, then every session connected.
  bool open(const FakeUpstream& upstream) {
    const auto& options = run_.options;
    const std::string failure =
        put_json(options.target, options.api_key, "/api/v1/applications/" + options.chat_application,
                 application_body(options, upstream), setup_timeout);
    if (!failure.empty()) {
      run_.report.problems.push_back("creating the application: " + failure);
      return false;
    }
    dialer_.start();
    return run_.await(dialer_.attempts(), dialer_.planned(), "connecting the sessions") &&
           dialer_.failed() == 0;
  }

  /// Main thread, once open: session `n` sends its chat at `start_at(n)`.
  template <class StartAt>
  void start_chats(ChatDeliveries& deliveries, StartAt start_at) {
    const std::string chat = R"({"type":"chat","content":"Benchmark question: stream the answer.",)"
                             R"("application_id":")" +
                             run_.options.chat_application + R"("})";
    std::size_t n = 0;
    for (auto& thread_sessions : connected_) {
      for (auto& session : thread_sessions) {
        boost::asio::co_spawn(session->get_executor(), send_chat(session, start_at(n++), chat, deliveries),
                              boost::asio::detached);
      }
    }
  }

  void close(IoThreads& threads) { run_.close_held(held_, threads); }

  /// Main thread, I/O threads stopped.
  void add_figures() {
    add_connect_figures(dialer_.tally(), run_.report);
    run_.add_close_figures(held_.closes());
  }

 private:
  static std::vector<Membership> session_users(const BenchOptions& options) {
    std::vector<Membership> sessions;
    for (std::size_t n = 0; n < options.sessions; ++n) {
      sessions.push_back({"bench-chat-" + std::to_string(n), "bench-chat-user-" + std::to_string(n)});
    }
    return sessions;
  }

  WorkloadRun& run_;
  HeldConnections held_;
  std::vector<std::vector<std::shared_ptr<BenchConnection>>> connected_;
  ConnectionDialer dialer_;
};

}  // namespace

WorkloadReport run_chat(const BenchOptions& options) {
  WorkloadRun run(options);
  auto& settings = run.report.settings;
  settings["sessions"] = options.sessions;
  settings["tokens"] = options.tokens;
  settings["token_interval_ms"] = options.token_interval_ms;
  settings["ramp_ms"] = options.ramp_ms;
  settings["application"] = options.chat_application;
  settings["direct"] = options.chat_direct;
  auto& figures = run.report.figures;

  // The upstream has its own thread; both go before the sessions, which must
  // not outlive the io_contexts they were made on.
  FakeUpstream upstream(
      options.upstream_port,
      {options.tokens, std::chrono::duration_cast<std::chrono::microseconds>(
                           std::chrono::duration<double, std::milli>(options.token_interval_ms))});
  settings["upstream_port"] = upstream.port();
  IoThreads threads(options.threads);
  ChatDeliveries deliveries(options.threads, options.sessions, options.tokens);
  ChatSessions sessions(run, threads, deliveries);

  if (options.chat_direct || sessions.open(upstream)) {
    const auto rss_before_kib = resident_kib(options.server_pid);
    const CpuSpan cpu_span(options.server_pid);
    const double upstream_cpu_before = upstream.thread_cpu_seconds();
    const std::uint64_t started_us = monotonic_microseconds();
    const auto started = Clock::now();
    const auto ramp_step = std::chrono::duration_cast<Clock::duration>(
        std::chrono::duration<double, std::milli>(options.ramp_ms / static_cast<double>(options.sessions)));
    const auto start_at = [&](std::size_t n) { return started + n * ramp_step; };
    if (options.chat_direct) {
      for (std::size_t n = 0; n < options.sessions; ++n) {
        const auto thread_index = static_cast<unsigned>(n % threads.size());
        boost::asio::co_spawn(threads.context(thread_index),
                              stream_from_upstream(upstream.port(), start_at(n), deliveries, thread_index),
                              boost::asio::detached);
      }
    } else {
      sessions.start_chats(deliveries, start_at);
    }
    const bool all_ended = run.await(deliveries.answers_ended(), options.sessions, "streaming the answers");
    cpu_span.add_figures(figures);
    figures["upstream_cpu_percent"] =
        percent_of(upstream_cpu_before, upstream.thread_cpu_seconds(),
                   std::chrono::duration<double>(Clock::now() - started).count());
    figures["server_rss_before_kib"] = figure_or_null(rss_before_kib);
    figures["server_rss_after_kib"] = figure_or_null(resident_kib(options.server_pid));
    if (all_ended) {
      const double seconds = (deliveries.last_token_us() - started_us) / 1e6;
      figures["seconds"] = seconds;
      figures["tokens_per_second"] = deliveries.tokens() / seconds;
      if (!options.chat_direct) sessions.close(threads);
    }
  }
  threads.stop();
  upstream.stop();
  if (!options.chat_direct) sessions.add_figures();
  deliveries.add_figures(figures, run.report.problems, run.report.timed_out);
  figures["upstream_requests"] = upstream.requests();
  figures["upstream_answers_completed"] = upstream.answers_completed();
  figures["upstream_answers_cut_short"] = upstream.answers_cut_short();
  return std::move(run.report);
}

}  // namespace nadoo::bench
