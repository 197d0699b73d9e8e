#pragma once
// What the chat workload's clients receive, WebSocket sessions through the
// server or streams straight from the upstream alike: each token's latency
// from its stamp, and how each answer ended. Each I/O thread writes only its
// own slots; the main thread reads once the I/O threads have stopped.

#include <atomic>
#include <boost/json/object.hpp>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "completion_counter.hpp"
#include "latency_samples.hpp"
#include "per_thread_latest.hpp"

namespace nadoo::bench {

class ChatDeliveries {
 public:
  ChatDeliveries(unsigned threads, std::size_t streams, std::size_t tokens_per_stream);

  /// A session's WebSocket message. No JSON parse, no allocation.
  void observe_server_message(std::string_view message, unsigned thread_index);

  /// The stamps in `text`, received now; `first_of_stream` when they are the
  /// first of their stream.
  void record_tokens(std::string_view text, bool first_of_stream, unsigned thread_index);

  void end_answer() { answers_ended_.add(); }
  /// An answer that ended in an error, or never started.
  void fail_answer(std::string_view reason);

  CompletionCounter& answers_ended() { return answers_ended_; }
  std::size_t tokens() const { return tokens_.count(); }
  /// monotonic_microseconds() of the last token received.
  std::uint64_t last_token_us() const { return last_token_us_.latest(); }

  /// Main thread, I/O threads stopped: answers_ended, answers_failed,
  /// tokens_expected, tokens_delivered, latency_ms_*, steady_tokens,
  /// steady_latency_ms_*; a failed answer or a missing token is a problem.
  void add_figures(boost::json::object& figures, std::vector<std::string>& problems, bool timed_out) const;

 private:
  const std::size_t streams_;
  const std::size_t tokens_expected_;
  std::atomic<std::size_t> streaming_{0};  // streams that had their first token
  LatencySamples latencies_;               // every token
  LatencySamples steady_latencies_;        // tokens received once every stream streamed
  PerThreadLatest last_token_us_;
  CompletionCounter tokens_;
  CompletionCounter answers_ended_;  // response_end, error or failure: one per stream
  std::atomic<std::size_t> failed_answers_{0};
  mutable std::mutex failure_mutex_;
  std::string first_failure_;
};

}  // namespace nadoo::bench
