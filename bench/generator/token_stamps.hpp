#pragma once
// The chat workload's tokens on the wire: the fake upstream writes its send
// time as each token's text, the clients find it again in the server's
// `text-delta` (or the upstream's own chunk) without parsing the whole message.

#include <cstdint>
#include <string>
#include <string_view>

namespace nadoo::bench {

/// A token whose text is `sent_us` (monotonic_microseconds()) and a space: the
/// answer then reads as the stamps one after another.
void append_token_stamp(std::string& text, std::uint64_t sent_us);

/// Reads the stamp at the start of `text` and advances past it and its space;
/// false at the end of the stamps.
bool next_token_stamp(std::string_view& text, std::uint64_t& sent_us);

enum class ChatMessageKind { text_delta, response_end_stop, response_end_other, error, other };

/// Which of the server's chat messages this is. Matched on the server's own
/// serialisation (no spaces): only nadoo-realtime serves chat here.
ChatMessageKind chat_message_kind(std::string_view message);

/// A `text-delta` with index 0: its session's first token.
bool is_first_text_delta(std::string_view message);

/// The text of a `text-delta`: one stamp, or several if the server relayed
/// several upstream chunks as one delta. "" when there is none.
std::string_view text_delta_text(std::string_view message);

/// The delta content of one of the upstream's SSE chunks, "" when none.
std::string_view upstream_chunk_content(std::string_view event);

}  // namespace nadoo::bench
