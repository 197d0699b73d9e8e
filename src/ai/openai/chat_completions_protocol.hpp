// The OpenAI Chat Completions wire format, apart from any I/O: the request
// body, one streamed chunk, and what an error answer means.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "ai/model_provider.hpp"

namespace nadoo::ai::openai {

/// `{model, messages, temperature, max_tokens, stream: true,
/// stream_options: {include_usage: true}}` as JSON text.
std::string chat_completions_request_body(const ModelRequest& request);

/// What one `data:` chunk of a stream says.
struct ChunkContent {
  std::string delta;                         // choices[0].delta.content, empty when none
  std::optional<std::string> finish_reason;  // "stop" or "length" once the model has finished
  std::optional<TokenUsage> usage;           // the usage chunk, last before [DONE]
  std::string model;                         // the model that answers, when named
};

/// A chunk, or the error it carries: malformed JSON, or an `{"error":…}`
/// event some providers send in the middle of a stream.
struct ParsedChunk {
  std::optional<ChunkContent> content;
  ModelError error;
};
ParsedChunk parse_chunk(std::string_view data);

/// What an HTTP error status and its body mean for the client. `api_key` is
/// scrubbed from the message (providers echo part of a bad key back).
ModelError error_from_http_answer(unsigned status, std::string_view body, std::string_view api_key);

/// Whether a failed answer is worth another attempt: overload or rate limit.
bool is_retryable_status(unsigned status);

/// Removes API keys from text meant for clients or logs: the exact key, and
/// anything shaped like an OpenAI key (`sk-…`).
std::string without_secrets(std::string text, std::string_view api_key);

}  // namespace nadoo::ai::openai
