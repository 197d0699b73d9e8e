// The offline default model provider: it answers by quoting the retrieved
// knowledge (extractive_answer.hpp) and streams that answer word by word at a
// model's pace, so that clients see the same stream as from a real model.
#pragma once

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "ai/model_provider.hpp"

namespace nadoo::ai::builtin {

/// The model every builtin completion reports: no language model answered.
inline constexpr std::string_view builtin_model_name = "builtin-extractive";

/// Deltas in one answer whatever `max_tokens` allows. A composed answer stays
/// far below (about 150 words); this only bounds a pathological one.
inline constexpr int max_answer_tokens = 400;

/// Makes the builtin provider. `stream` only posts, so it never blocks: the
/// answer is composed on the provider's own background thread (the
/// io_context counts it as outstanding work), then each stream runs on its
/// own strand of `io_context`: the first delta as soon as the context gets
/// to it, then one per `token_interval` (a steady_timer,
/// no thread ever sleeps), then `on_complete` with usage: completion_tokens =
/// deltas sent, prompt_tokens = estimate_prompt_tokens. Handlers run on the
/// io_context's threads, one at a time per stream.
///
/// `cancel` may come from any thread: no handler starts after it returns. A
/// handler already running on another thread is waited for, so don't call
/// `cancel` while holding a lock that a handler of that stream takes; a
/// handler may cancel its own stream. `io_context` must outlive the streams;
/// destroying the provider waits for the answers still being composed.
std::unique_ptr<ModelProvider> make_builtin_provider(boost::asio::io_context& io_context,
                                                     std::chrono::milliseconds token_interval);

/// How an answer is cut into deltas: each word with the punctuation attached to
/// it and the whitespace after it, so that the deltas concatenate to the answer.
std::vector<std::string> split_answer_tokens(std::string_view answer);

/// The prompt size reported as usage, without a tokenizer: about four
/// characters of English per token, over all the request's messages.
int estimate_prompt_tokens(const std::vector<ChatTurn>& messages);

}  // namespace nadoo::ai::builtin
