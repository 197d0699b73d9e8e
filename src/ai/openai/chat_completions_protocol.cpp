#include "ai/openai/chat_completions_protocol.hpp"

#include <boost/json.hpp>
#include <cctype>

#include "util/json_serialize.hpp"

namespace nadoo::ai::openai {
namespace json = boost::json;

namespace {

// Upstream error texts go to clients; a few hundred characters say what went
// wrong without relaying a whole HTML error page.
constexpr std::size_t max_upstream_message_chars = 300;

const json::value* find_path(const json::value& root, std::initializer_list<std::string_view> keys) {
  const json::value* current = &root;
  for (const auto key : keys) {
    const auto* object = current->if_object();
    if (object == nullptr) return nullptr;
    current = object->if_contains(key);
    if (current == nullptr) return nullptr;
  }
  return current;
}

std::string string_at(const json::value& root, std::initializer_list<std::string_view> keys) {
  const auto* value = find_path(root, keys);
  if (value == nullptr || !value->is_string()) return {};
  return std::string(value->get_string());
}

int int_at(const json::object& object, std::string_view key) {
  const auto* value = object.if_contains(key);
  if (value == nullptr) return 0;
  if (const auto* number = value->if_int64()) return static_cast<int>(*number);
  if (const auto* number = value->if_uint64()) return static_cast<int>(*number);
  return 0;
}

std::string truncated(std::string text) {
  if (text.size() > max_upstream_message_chars) {
    text.resize(max_upstream_message_chars);
    // Do not end in the middle of a UTF-8 sequence.
    while (!text.empty() && (static_cast<unsigned char>(text.back()) & 0xC0) == 0x80) text.pop_back();
    if (!text.empty() && (static_cast<unsigned char>(text.back()) & 0x80) != 0) text.pop_back();
    text += "…";
  }
  return text;
}

bool mentions_context_length(std::string_view body) {
  return body.find("context_length_exceeded") != std::string_view::npos ||
         body.find("maximum context length") != std::string_view::npos;
}

// The human text of an error answer: OpenAI's `{"error":{"message":…}}`, a
// few compatible servers' `{"error":"…"}` or `{"message":…}`, else the body.
std::string upstream_message(std::string_view body) {
  boost::system::error_code ec;
  const auto root = json::parse(body, ec);
  if (!ec) {
    for (auto message :
         {string_at(root, {"error", "message"}), string_at(root, {"error"}), string_at(root, {"message"})}) {
      if (!message.empty()) return message;
    }
  }
  return std::string(body);
}

}  // namespace

std::string chat_completions_request_body(const ModelRequest& request) {
  json::array messages;
  messages.reserve(request.messages.size());
  for (const auto& turn : request.messages) {
    messages.push_back(json::object{{"role", turn.role}, {"content", turn.content}});
  }
  const json::object body{
      {"model", request.model},
      {"messages", std::move(messages)},
      {"temperature", request.temperature},
      {"max_tokens", request.max_tokens},
      {"stream", true},
      {"stream_options", json::object{{"include_usage", true}}},
  };
  return util::serialize_json(body);
}

ParsedChunk parse_chunk(std::string_view data) {
  boost::system::error_code ec;
  const auto root = json::parse(data, ec);
  if (ec || !root.is_object()) {
    return {std::nullopt, {ModelErrorCode::provider_error, "the model provider sent malformed stream data"}};
  }
  if (const auto* error = root.as_object().if_contains("error"); error != nullptr && !error->is_null()) {
    auto message = upstream_message(data);
    return {std::nullopt,
            {ModelErrorCode::provider_error, "the model provider failed mid-stream: " + truncated(message)}};
  }

  ChunkContent content;
  content.model = string_at(root, {"model"});
  const auto* choices = find_path(root, {"choices"});
  if (choices != nullptr && choices->is_array() && !choices->as_array().empty()) {
    const auto& choice = choices->as_array().front();
    content.delta = string_at(choice, {"delta", "content"});
    const auto reason = string_at(choice, {"finish_reason"});
    // The contract knows "stop" and "length"; "content_filter", "tool_calls"
    // and the like still mean the model is done.
    if (!reason.empty()) content.finish_reason = reason == "length" ? "length" : "stop";
  }
  if (const auto* usage = find_path(root, {"usage"}); usage != nullptr && usage->is_object()) {
    const auto& object = usage->as_object();
    content.usage = TokenUsage{int_at(object, "prompt_tokens"), int_at(object, "completion_tokens"),
                               int_at(object, "total_tokens")};
  }
  return {std::move(content), {}};
}

ModelError error_from_http_answer(unsigned status, std::string_view body, std::string_view api_key) {
  auto message = truncated(without_secrets(upstream_message(body), api_key));
  if (status == 429) {
    return {ModelErrorCode::rate_limit, "the model provider is rate limiting: " + message};
  }
  if ((status == 400 || status == 413) && mentions_context_length(body)) {
    return {ModelErrorCode::context_overflow, "the conversation is too long for the model: " + message};
  }
  return {ModelErrorCode::provider_error,
          "the model provider answered HTTP " + std::to_string(status) + ": " + message};
}

bool is_retryable_status(unsigned status) { return status == 429 || status >= 500; }

std::string without_secrets(std::string text, std::string_view api_key) {
  if (!api_key.empty()) {
    for (auto at = text.find(api_key); at != std::string::npos; at = text.find(api_key, at)) {
      text.replace(at, api_key.size(), "[redacted]");
    }
  }
  const auto in_key = [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '_' || c == '*';
  };
  for (auto at = text.find("sk-"); at != std::string::npos; at = text.find("sk-", at + 1)) {
    if (at > 0 && in_key(text[at - 1])) continue;  // "task-sk-…" is a word, not a key
    auto end = at + 3;
    while (end < text.size() && in_key(text[end])) ++end;
    text.replace(at, end - at, "sk-[redacted]");
  }
  return text;
}

}  // namespace nadoo::ai::openai
