#include "chat_deliveries.hpp"

#include "monotonic_clock.hpp"
#include "token_stamps.hpp"

namespace nadoo::bench {

ChatDeliveries::ChatDeliveries(unsigned threads, std::size_t streams, std::size_t tokens_per_stream)
    : streams_(streams),
      tokens_expected_(streams * tokens_per_stream),
      latencies_(threads),
      steady_latencies_(threads),
      last_token_us_(threads) {
  latencies_.reserve_for_total(tokens_expected_);
  steady_latencies_.reserve_for_total(tokens_expected_);
}

void ChatDeliveries::observe_server_message(std::string_view message, unsigned thread_index) {
  switch (chat_message_kind(message)) {
    case ChatMessageKind::text_delta:
      record_tokens(text_delta_text(message), is_first_text_delta(message), thread_index);
      break;
    case ChatMessageKind::response_end_stop:
      end_answer();
      break;
    case ChatMessageKind::response_end_other:
    case ChatMessageKind::error:
      fail_answer(message);
      break;
    case ChatMessageKind::other:
      break;
  }
}

void ChatDeliveries::record_tokens(std::string_view text, bool first_of_stream, unsigned thread_index) {
  const std::uint64_t now_us = monotonic_microseconds();
  if (first_of_stream) streaming_.fetch_add(1);
  // Once every stream runs, no chat is being set up any more: the relay
  // alone, at the full count of concurrent streams.
  const bool steady = streaming_.load() >= streams_;
  std::size_t stamps = 0;
  for (std::uint64_t sent_us = 0; next_token_stamp(text, sent_us); ++stamps) {
    latencies_.record(thread_index, now_us - sent_us);
    if (steady) steady_latencies_.record(thread_index, now_us - sent_us);
  }
  tokens_.add(stamps);
  last_token_us_.note(thread_index, now_us);
}

void ChatDeliveries::fail_answer(std::string_view reason) {
  failed_answers_.fetch_add(1);
  {
    std::lock_guard lock(failure_mutex_);
    if (first_failure_.empty()) first_failure_ = reason;
  }
  answers_ended_.add();
}

void ChatDeliveries::add_figures(boost::json::object& figures, std::vector<std::string>& problems,
                                 bool timed_out) const {
  figures["answers_ended"] = answers_ended_.count();
  figures["answers_failed"] = failed_answers_.load();
  figures["tokens_expected"] = tokens_expected_;
  figures["tokens_delivered"] = tokens_.count();
  add_percentiles_ms(figures, "latency_ms", latencies_.sorted(), {0.5, 0.99, 0.999});
  const auto steady = steady_latencies_.sorted();
  figures["steady_tokens"] = steady.size();
  add_percentiles_ms(figures, "steady_latency_ms", steady, {0.5, 0.99, 0.999});
  if (failed_answers_.load() > 0) {
    std::lock_guard lock(failure_mutex_);
    problems.push_back(std::to_string(failed_answers_.load()) + " answers failed, first: " + first_failure_);
  }
  if (!timed_out && tokens_.count() != tokens_expected_) {
    problems.push_back(std::to_string(tokens_.count()) + " of " + std::to_string(tokens_expected_) +
                       " tokens delivered");
  }
}

}  // namespace nadoo::bench
