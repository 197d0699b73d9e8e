// openai/ reads OpenAI-compatible chat completion streams; this file owns the
// Server-Sent Events framing (WHATWG HTML, "Parsing an event stream").
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace nadoo::ai::openai {

/// One dispatched event: its `data:` lines joined with "\n".
struct SseEvent {
  std::string event;  // the `event:` field; empty means "message"
  std::string data;
};

/// The sentinel an OpenAI-compatible stream sends as its last event.
bool is_done_marker(const SseEvent& event);

/// Turns a byte stream cut at arbitrary places into complete events. Lines end
/// with "\n", "\r\n" or "\r" (even when a chunk ends between "\r" and "\n");
/// `:` lines are comments; an event is dispatched at the blank line that ends
/// it, and one without data is not dispatched. Not thread-safe: one per stream.
class SseParser {
 public:
  /// A megabyte per event: a chat chunk is a few hundred bytes, so anything
  /// bigger is a broken upstream, not a reason to keep buffering.
  static constexpr std::size_t default_max_event_bytes = 1024 * 1024;

  explicit SseParser(std::size_t max_event_bytes = default_max_event_bytes)
      : max_event_bytes_(max_event_bytes) {}

  /// Consumes `bytes` and returns the events they complete, in order. After
  /// an event outgrows the limit, `too_large()` is true and input is ignored.
  std::vector<SseEvent> feed(std::string_view bytes);

  bool too_large() const { return too_large_; }

 private:
  void take_line(std::string_view line, std::vector<SseEvent>& events);
  bool over_limit(std::size_t extra_bytes) const;

  std::size_t max_event_bytes_;
  std::string line_;  // the unfinished line carried over from the last chunk
  std::string event_name_;
  std::string data_;
  bool has_data_ = false;
  bool after_cr_ = false;  // the last byte seen was "\r": a following "\n" belongs to it
  bool at_stream_start_ = true;
  bool too_large_ = false;
};

}  // namespace nadoo::ai::openai
