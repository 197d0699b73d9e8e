// ai/ owns the language models: one streaming interface, with an
// OpenAI-compatible provider (openai/) and the offline extractive one (builtin/).
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "store/records.hpp"

namespace nadoo::ai {

struct ChatTurn {
  std::string role;  // "system", "user", "assistant"
  std::string content;
};

/// Everything a provider needs for one answer.
struct ModelRequest {
  std::string model;
  /// The system prompt first (with the retrieved knowledge, for providers
  /// that read text), then earlier turns, then the user's message last.
  std::vector<ChatTurn> messages;
  /// The knowledge the answer may use, best first (the builtin provider
  /// composes its answer from these).
  std::vector<store::ScoredChunk> knowledge;
  double temperature = 0.7;
  int max_tokens = 1024;
  /// OpenAI-compatible endpoint (`https://api.openai.com/v1` style, without
  /// `/chat/completions`) and key; empty key: no Authorization header.
  std::string base_url;
  std::string api_key;
};

struct TokenUsage {
  int prompt_tokens = 0;
  int completion_tokens = 0;
  int total_tokens = 0;
};

/// The contract's error codes a model failure maps to.
enum class ModelErrorCode { provider_error, timeout, context_overflow, rate_limit };
std::string_view model_error_code_name(ModelErrorCode code);

struct ModelError {
  ModelErrorCode code = ModelErrorCode::provider_error;
  std::string message;  // for the client: what went wrong, never a key
};

/// How a stream ended without error.
struct ModelCompletion {
  std::string finish_reason = "stop";  // "stop" or "length"
  std::optional<TokenUsage> usage;     // when the provider reported it
  std::string model;                   // the model that answered
};

/// Receives one stream's events. For one stream, the calls never overlap and
/// come in order: any number of `on_delta`, then exactly one of `on_complete`
/// or `on_error` — unless the stream is cancelled, after which nothing more
/// is called. They may come from any thread.
struct StreamHandlers {
  std::function<void(std::string text)> on_delta;
  std::function<void(ModelCompletion completion)> on_complete;
  std::function<void(ModelError error)> on_error;
};

/// A running stream. `cancel` may be called from any thread, any number of
/// times; it stops the generation at once (an upstream request is aborted).
class ModelStream {
 public:
  virtual ~ModelStream() = default;
  virtual void cancel() = 0;
};

/// A model behind one streaming interface. Never blocks the caller.
class ModelProvider {
 public:
  virtual ~ModelProvider() = default;
  virtual std::shared_ptr<ModelStream> stream(ModelRequest request, StreamHandlers handlers) = 0;
};

}  // namespace nadoo::ai
