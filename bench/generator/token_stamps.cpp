#include "token_stamps.hpp"

#include <charconv>

#include "text_search.hpp"

namespace nadoo::bench {
namespace {

bool contains(std::string_view message, std::string_view part) {
  return find_in(message, part) != std::string_view::npos;
}

/// The JSON string value after `key` (which ends in its opening quote); the
/// stamps need no escapes, so the next quote ends it.
std::string_view string_after(std::string_view message, std::string_view key) {
  const auto at = find_in(message, key);
  if (at == std::string_view::npos) return {};
  const auto begin = at + key.size();
  const auto end = message.find('"', begin);
  if (end == std::string_view::npos) return {};
  return message.substr(begin, end - begin);
}

}  // namespace

void append_token_stamp(std::string& text, std::uint64_t sent_us) {
  text += std::to_string(sent_us);
  text += ' ';
}

bool next_token_stamp(std::string_view& text, std::uint64_t& sent_us) {
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), sent_us);
  if (error != std::errc{}) return false;
  text.remove_prefix(static_cast<std::size_t>(end - text.data()));
  if (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  return true;
}

ChatMessageKind chat_message_kind(std::string_view message) {
  if (contains(message, R"("type":"text-delta")")) return ChatMessageKind::text_delta;
  if (contains(message, R"("type":"response_end")")) {
    return contains(message, R"("finish_reason":"stop")") ? ChatMessageKind::response_end_stop
                                                          : ChatMessageKind::response_end_other;
  }
  if (contains(message, R"("type":"error")")) return ChatMessageKind::error;
  return ChatMessageKind::other;
}

bool is_first_text_delta(std::string_view message) { return contains(message, R"("index":0,)"); }

std::string_view text_delta_text(std::string_view message) { return string_after(message, R"("text":")"); }

std::string_view upstream_chunk_content(std::string_view event) {
  return string_after(event, R"("content":")");
}

}  // namespace nadoo::bench
