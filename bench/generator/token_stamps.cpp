#include "token_stamps.hpp"

#include <charconv>

namespace nadoo::bench {
namespace {

constexpr std::string_view text_key = "\"text\":\"";

bool has_type(std::string_view message, std::string_view type_field) {
  return message.find(type_field) != std::string_view::npos;
}

}  // namespace

void append_token_stamp(std::string& text, std::uint64_t sent_us) {
  text += std::to_string(sent_us);
  text += ' ';
}

ChatMessageKind chat_message_kind(std::string_view message) {
  if (has_type(message, R"("type":"text-delta")")) return ChatMessageKind::text_delta;
  if (has_type(message, R"("type":"response_end")")) {
    return has_type(message, R"("finish_reason":"stop")") ? ChatMessageKind::response_end_stop
                                                          : ChatMessageKind::response_end_other;
  }
  if (has_type(message, R"("type":"error")")) return ChatMessageKind::error;
  return ChatMessageKind::other;
}

bool is_first_text_delta(std::string_view message) { return has_type(message, R"("index":0,)"); }

std::string_view text_delta_text(std::string_view message) {
  const auto key = message.find(text_key);
  if (key == std::string_view::npos) return {};
  const auto begin = key + text_key.size();
  const auto end = message.find('"', begin);
  if (end == std::string_view::npos) return {};
  return message.substr(begin, end - begin);
}

bool next_token_stamp(std::string_view& text, std::uint64_t& sent_us) {
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), sent_us);
  if (error != std::errc{}) return false;
  text.remove_prefix(static_cast<std::size_t>(end - text.data()));
  if (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  return true;
}

}  // namespace nadoo::bench
