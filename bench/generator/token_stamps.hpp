#pragma once
// The chat workload's tokens on the wire: the fake upstream writes its send
// time as each token's text, the chat clients find it again in the server's
// `text-delta` without parsing the whole message.

#include <cstdint>
#include <string>
#include <string_view>

namespace nadoo::bench {

/// A token whose text is `sent_us` (monotonic_microseconds()) and a space: the
/// answer then reads as the stamps one after another.
void append_token_stamp(std::string& text, std::uint64_t sent_us);

enum class ChatMessageKind { text_delta, response_end_stop, response_end_other, error, other };

/// Which of the server's chat messages this is. Matched on the server's own
/// serialisation (no spaces): only nadoo-realtime serves chat here.
ChatMessageKind chat_message_kind(std::string_view message);

/// A `text-delta` with index 0: its session's first token.
bool is_first_text_delta(std::string_view message);

/// Calls `on_stamp(sent_us)` for each stamp in a `text-delta`'s text: one,
/// unless the server relayed several upstream chunks as one delta. Returns how
/// many there were.
template <class OnStamp>
std::size_t for_each_token_stamp(std::string_view message, OnStamp&& on_stamp);

/// The text of a `text-delta`, "" when there is none.
std::string_view text_delta_text(std::string_view message);

/// Reads the stamp at the start of `text` and advances past it and its space;
/// false at the end of the stamps.
bool next_token_stamp(std::string_view& text, std::uint64_t& sent_us);

template <class OnStamp>
std::size_t for_each_token_stamp(std::string_view message, OnStamp&& on_stamp) {
  std::string_view text = text_delta_text(message);
  std::size_t stamps = 0;
  for (std::uint64_t sent_us = 0; next_token_stamp(text, sent_us); ++stamps) on_stamp(sent_us);
  return stamps;
}

}  // namespace nadoo::bench
