// openai/ owns the OpenAI-compatible streaming provider: one HTTPS (or HTTP)
// request per answer to `{base_url}/chat/completions`, read as Server-Sent Events.
#pragma once

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <memory>
#include <string>

#include "ai/model_provider.hpp"

namespace nadoo::ai {

struct OpenAiSettings {
  /// The endpoint when an application names none: OpenAI itself.
  std::string default_base_url = "https://api.openai.com/v1";
  /// The key when an application names none; empty sends no Authorization
  /// (local servers such as vLLM or Ollama often need none). Never logged.
  std::string default_api_key;
  /// An extra trusted CA (PEM) besides the system store: tests and private
  /// endpoints with their own CA. Verification itself is never switched off.
  std::string ca_file;
  /// Resolve + TCP connect + TLS handshake; a reachable provider answers in
  /// well under a second, so ten is a dead host, not a slow one.
  std::chrono::milliseconds connect_timeout{std::chrono::seconds(10)};
  /// Request sent to first token: large models with long prompts can think
  /// for tens of seconds before they speak.
  std::chrono::milliseconds first_token_timeout{std::chrono::seconds(60)};
  /// Between two reads once tokens flow: a healthy stream sends several
  /// chunks per second, so half a minute of silence is a stalled one.
  std::chrono::milliseconds idle_timeout{std::chrono::seconds(30)};
  /// Extra attempts for a connect failure, a 5xx or a 429, and only while no
  /// token has been sent on: one rides out a blip without doubling a long wait.
  int retries_before_first_token = 1;
  /// The pause before such an attempt: long enough for a brief overload to
  /// pass, short next to first_token_timeout.
  std::chrono::milliseconds retry_delay{500};
};

/// A provider whose streams run on strands of `io_context` (which must
/// outlive them). Throws std::runtime_error when `ca_file` cannot be loaded,
/// so that a misconfigured server fails at start rather than per request.
std::unique_ptr<ModelProvider> make_openai_provider(boost::asio::io_context& io_context,
                                                    OpenAiSettings settings);

}  // namespace nadoo::ai
