#include "ai/builtin/builtin_provider.hpp"

#include <gtest/gtest.h>

#include <array>
#include <atomic>
#include <boost/asio/io_context.hpp>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "ai/builtin/extractive_answer.hpp"

namespace nadoo::ai::builtin {
namespace {

using namespace std::chrono_literals;

const std::string revenue_question = "How did revenue develop in Q4?";

std::vector<store::ScoredChunk> revenue_knowledge() {
  store::ScoredChunk scored;
  scored.chunk.filename = "q4-report.md";
  scored.chunk.heading = "Revenue";
  scored.chunk.content =
      "Revenue grew 15% year over year to $4.2 million. Quarter over quarter, revenue rose 8% from $3.9 "
      "million.";
  scored.score = 3.5;
  return {scored};
}

ModelRequest request_for(const std::string& question, std::vector<store::ScoredChunk> knowledge,
                         int max_tokens = 1024) {
  ModelRequest request;
  request.model = "anything";
  request.messages = {{"system", "Answer from the knowledge base."}, {"user", question}};
  request.knowledge = std::move(knowledge);
  request.max_tokens = max_tokens;
  return request;
}

// What one stream delivered; safe to read from the test thread once the
// io_context has stopped, or under `mutex`.
struct Recording {
  std::mutex mutex;
  std::condition_variable changed;
  std::vector<std::string> deltas;
  std::vector<ModelCompletion> completions;
  std::vector<ModelError> errors;

  StreamHandlers handlers() {
    return {
        [this](std::string text) { record([&] { deltas.push_back(std::move(text)); }); },
        [this](ModelCompletion completion) { record([&] { completions.push_back(std::move(completion)); }); },
        [this](ModelError error) { record([&] { errors.push_back(std::move(error)); }); }};
  }

  template <typename Change>
  void record(Change change) {
    std::lock_guard lock(mutex);
    change();
    changed.notify_all();
  }

  std::string text() const {
    std::string joined;
    for (const auto& delta : deltas) joined += delta;
    return joined;
  }
};

TEST(BuiltinProvider, deltas_concatenate_to_the_composed_answer_then_it_completes_once) {
  boost::asio::io_context io_context;
  auto provider = make_builtin_provider(io_context, 1ms);
  Recording recording;
  auto stream = provider->stream(request_for(revenue_question, revenue_knowledge()), recording.handlers());
  io_context.run();

  const std::string answer = compose_extractive_answer(revenue_question, revenue_knowledge());
  EXPECT_EQ(recording.text(), answer);
  EXPECT_TRUE(answer.starts_with("Based on q4-report.md (Revenue): \"Revenue grew 15%")) << answer;
  ASSERT_EQ(recording.completions.size(), 1u);
  EXPECT_EQ(recording.completions[0].finish_reason, "stop");
  EXPECT_TRUE(recording.errors.empty());
}

TEST(BuiltinProvider, deltas_are_the_answer_words_in_order_each_with_its_following_space) {
  boost::asio::io_context io_context;
  auto provider = make_builtin_provider(io_context, 0ms);
  Recording recording;
  auto stream = provider->stream(request_for(revenue_question, revenue_knowledge()), recording.handlers());
  io_context.run();

  const auto expected = split_answer_tokens(compose_extractive_answer(revenue_question, revenue_knowledge()));
  EXPECT_EQ(recording.deltas, expected);
  ASSERT_GE(recording.deltas.size(), 3u);
  EXPECT_EQ(recording.deltas[0], "Based ");
  EXPECT_EQ(recording.deltas[1], "on ");
  EXPECT_EQ(recording.deltas[2], "q4-report.md ");
}

TEST(BuiltinProvider, completion_names_builtin_extractive_and_reports_usage) {
  boost::asio::io_context io_context;
  auto provider = make_builtin_provider(io_context, 0ms);
  Recording recording;
  auto request = request_for(revenue_question, revenue_knowledge());
  const int prompt_tokens = estimate_prompt_tokens(request.messages);
  auto stream = provider->stream(std::move(request), recording.handlers());
  io_context.run();

  ASSERT_EQ(recording.completions.size(), 1u);
  const ModelCompletion& completion = recording.completions[0];
  EXPECT_EQ(completion.model, "builtin-extractive");
  ASSERT_TRUE(completion.usage.has_value());
  EXPECT_EQ(completion.usage->completion_tokens, static_cast<int>(recording.deltas.size()));
  EXPECT_EQ(completion.usage->prompt_tokens, prompt_tokens);
  EXPECT_GT(prompt_tokens, 0);
  EXPECT_EQ(completion.usage->total_tokens, prompt_tokens + completion.usage->completion_tokens);
}

TEST(BuiltinProvider, prompt_tokens_are_about_four_characters_each) {
  EXPECT_EQ(estimate_prompt_tokens({{"system", std::string(40, 'x')}, {"user", std::string(2, 'y')}}), 11);
  EXPECT_EQ(estimate_prompt_tokens({}), 0);
}

TEST(BuiltinProvider, answer_tokens_keep_whitespace_and_punctuation_with_their_word) {
  EXPECT_EQ(
      split_answer_tokens("Based on a.md (Revenue): \"Up 15%.\"\n\nAlso"),
      (std::vector<std::string>{"Based ", "on ", "a.md ", "(Revenue): ", "\"Up ", "15%.\"\n\n", "Also"}));
  EXPECT_EQ(split_answer_tokens("  lead"), (std::vector<std::string>{"  lead"}));
  EXPECT_TRUE(split_answer_tokens("").empty());
}

TEST(BuiltinProvider, deltas_are_paced_by_the_token_interval) {
  boost::asio::io_context io_context;
  auto provider = make_builtin_provider(io_context, 5ms);
  Recording recording;
  auto stream = provider->stream(request_for(revenue_question, revenue_knowledge()), recording.handlers());
  const auto started = std::chrono::steady_clock::now();
  io_context.run();
  const auto elapsed = std::chrono::steady_clock::now() - started;

  ASSERT_GT(recording.deltas.size(), 5u);
  // The first delta goes at once, each later one an interval after the one before.
  EXPECT_GE(elapsed, (recording.deltas.size() - 1) * 5ms);
}

TEST(BuiltinProvider, stream_returns_before_any_handler_runs) {
  boost::asio::io_context io_context;
  auto provider = make_builtin_provider(io_context, 0ms);
  Recording recording;
  auto stream = provider->stream(request_for(revenue_question, revenue_knowledge()), recording.handlers());
  EXPECT_TRUE(recording.deltas.empty());
  EXPECT_TRUE(recording.completions.empty());
  io_context.run();
  EXPECT_EQ(recording.completions.size(), 1u);
}

TEST(BuiltinProvider, max_tokens_cuts_the_answer_with_finish_reason_length) {
  boost::asio::io_context io_context;
  auto provider = make_builtin_provider(io_context, 0ms);
  Recording recording;
  auto stream = provider->stream(request_for(revenue_question, revenue_knowledge(), 4), recording.handlers());
  io_context.run();

  const std::string answer = compose_extractive_answer(revenue_question, revenue_knowledge());
  ASSERT_EQ(recording.deltas.size(), 4u);
  EXPECT_TRUE(answer.starts_with(recording.text()));
  ASSERT_EQ(recording.completions.size(), 1u);
  EXPECT_EQ(recording.completions[0].finish_reason, "length");
  EXPECT_EQ(recording.completions[0].usage->completion_tokens, 4);
}

TEST(BuiltinProvider, without_knowledge_it_says_it_found_nothing) {
  boost::asio::io_context io_context;
  auto provider = make_builtin_provider(io_context, 0ms);
  Recording recording;
  auto stream = provider->stream(request_for("What is our refund policy?", {}), recording.handlers());
  io_context.run();

  EXPECT_TRUE(recording.text().starts_with(
      "I found nothing in the knowledge base about \"What is our refund policy?\""))
      << recording.text();
  ASSERT_EQ(recording.completions.size(), 1u);
  EXPECT_EQ(recording.completions[0].finish_reason, "stop");
  EXPECT_EQ(recording.completions[0].model, "builtin-extractive");
}

TEST(BuiltinProvider, the_question_is_the_last_user_turn) {
  boost::asio::io_context io_context;
  auto provider = make_builtin_provider(io_context, 0ms);
  Recording recording;
  auto request = request_for(revenue_question, revenue_knowledge());
  request.messages = {
      {"system", "Answer."}, {"user", revenue_question}, {"assistant", "…"}, {"user", "And holidays?"}};
  auto stream = provider->stream(std::move(request), recording.handlers());
  io_context.run();
  EXPECT_TRUE(recording.text().starts_with("I found nothing in the knowledge base about \"And holidays?\""))
      << recording.text();
}

TEST(BuiltinProvider, cancel_from_a_handler_stops_the_stream_at_once) {
  boost::asio::io_context io_context;
  auto provider = make_builtin_provider(io_context, 1h);  // were the timer left running, run() would hang
  Recording recording;
  std::shared_ptr<ModelStream> stream;
  auto handlers = recording.handlers();
  handlers.on_delta = [&](std::string text) {
    recording.deltas.push_back(std::move(text));
    stream->cancel();
    stream->cancel();  // any number of times
  };
  stream = provider->stream(request_for(revenue_question, revenue_knowledge()), std::move(handlers));
  io_context.run();

  EXPECT_EQ(recording.deltas.size(), 1u);
  EXPECT_TRUE(recording.completions.empty());
  EXPECT_TRUE(recording.errors.empty());
}

TEST(BuiltinProvider, cancel_before_the_first_delta_sends_nothing) {
  boost::asio::io_context io_context;
  auto provider = make_builtin_provider(io_context, 0ms);
  Recording recording;
  auto stream = provider->stream(request_for(revenue_question, revenue_knowledge()), recording.handlers());
  stream->cancel();
  io_context.run();
  EXPECT_TRUE(recording.deltas.empty());
  EXPECT_TRUE(recording.completions.empty());
}

TEST(BuiltinProvider, cancel_from_another_thread_leaves_no_later_handler) {
  boost::asio::io_context io_context;
  auto provider = make_builtin_provider(io_context, 20ms);
  Recording recording;
  auto stream = provider->stream(request_for(revenue_question, revenue_knowledge()), recording.handlers());
  std::thread io_thread([&] { io_context.run(); });

  std::size_t deltas_at_cancel = 0;
  {
    std::unique_lock lock(recording.mutex);
    ASSERT_TRUE(recording.changed.wait_for(lock, 10s, [&] { return recording.deltas.size() >= 3; }));
  }
  stream->cancel();
  {
    std::lock_guard lock(recording.mutex);
    deltas_at_cancel = recording.deltas.size();
  }
  io_thread.join();  // returns once the cancelled timer has let the io_context go idle

  EXPECT_EQ(recording.deltas.size(), deltas_at_cancel);
  const auto all_tokens =
      split_answer_tokens(compose_extractive_answer(revenue_question, revenue_knowledge()));
  EXPECT_LT(recording.deltas.size(), all_tokens.size());
  EXPECT_TRUE(recording.completions.empty());
  EXPECT_TRUE(recording.errors.empty());
}

TEST(BuiltinProvider, cancel_after_completion_is_harmless) {
  boost::asio::io_context io_context;
  auto provider = make_builtin_provider(io_context, 0ms);
  Recording recording;
  auto stream = provider->stream(request_for(revenue_question, revenue_knowledge()), recording.handlers());
  io_context.run();
  stream->cancel();
  io_context.restart();
  io_context.run();
  EXPECT_EQ(recording.completions.size(), 1u);
}

TEST(BuiltinProvider, a_dropped_stream_handle_still_streams_to_the_end) {
  boost::asio::io_context io_context;
  auto provider = make_builtin_provider(io_context, 0ms);
  Recording recording;
  provider->stream(request_for(revenue_question, revenue_knowledge()), recording.handlers()).reset();
  provider.reset();
  io_context.run();
  EXPECT_EQ(recording.text(), compose_extractive_answer(revenue_question, revenue_knowledge()));
  EXPECT_EQ(recording.completions.size(), 1u);
}

TEST(BuiltinProvider, handlers_of_one_stream_never_overlap_on_a_multithreaded_context) {
  boost::asio::io_context io_context;
  auto provider = make_builtin_provider(io_context, 0ms);
  constexpr int stream_count = 4;
  std::array<std::atomic<bool>, stream_count> in_handler{};
  std::atomic<int> overlaps = 0;
  std::atomic<int> completions = 0;
  std::vector<std::shared_ptr<ModelStream>> streams;
  for (int i = 0; i < stream_count; ++i) {
    const auto enter = [&, i] {
      if (in_handler[i].exchange(true)) ++overlaps;
      std::this_thread::yield();
      in_handler[i] = false;
    };
    StreamHandlers handlers{[enter](std::string) { enter(); },
                            [enter, &completions](ModelCompletion) {
                              enter();
                              ++completions;
                            },
                            [](ModelError) {}};
    streams.push_back(
        provider->stream(request_for(revenue_question, revenue_knowledge()), std::move(handlers)));
  }
  std::thread second_thread([&] { io_context.run(); });
  io_context.run();
  second_thread.join();
  EXPECT_EQ(overlaps, 0);
  EXPECT_EQ(completions, stream_count);
}

}  // namespace
}  // namespace nadoo::ai::builtin
