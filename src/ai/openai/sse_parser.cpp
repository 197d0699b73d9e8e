#include "ai/openai/sse_parser.hpp"

namespace nadoo::ai::openai {

bool is_done_marker(const SseEvent& event) { return event.data == "[DONE]"; }

std::vector<SseEvent> SseParser::feed(std::string_view bytes) {
  std::vector<SseEvent> events;
  if (too_large_) return events;

  if (at_stream_start_ && !bytes.empty()) {
    // A UTF-8 byte order mark may open the stream; it is not part of a field.
    // It can only be skipped whole: streams do not split three bytes.
    constexpr std::string_view bom = "\xEF\xBB\xBF";
    if (bytes.starts_with(bom)) bytes.remove_prefix(bom.size());
    at_stream_start_ = false;
  }

  while (!bytes.empty()) {
    if (after_cr_ && bytes.front() == '\n') bytes.remove_prefix(1);
    after_cr_ = false;
    const auto end = bytes.find_first_of("\r\n");
    if (end == std::string_view::npos) {
      if (over_limit(bytes.size())) {
        too_large_ = true;
        return events;
      }
      line_.append(bytes);
      break;
    }
    after_cr_ = bytes[end] == '\r';
    if (line_.empty()) {
      take_line(bytes.substr(0, end), events);
    } else {
      line_.append(bytes.substr(0, end));
      take_line(line_, events);
      line_.clear();
    }
    if (too_large_) return events;
    bytes.remove_prefix(end + 1);
  }
  return events;
}

bool SseParser::over_limit(std::size_t extra_bytes) const {
  return line_.size() + data_.size() + extra_bytes > max_event_bytes_;
}

void SseParser::take_line(std::string_view line, std::vector<SseEvent>& events) {
  if (line.empty()) {
    if (has_data_) events.push_back(SseEvent{std::move(event_name_), std::move(data_)});
    event_name_.clear();
    data_.clear();
    has_data_ = false;
    return;
  }
  if (line.front() == ':') return;  // a comment, often a keep-alive

  std::string_view field = line;
  std::string_view value;
  if (const auto colon = line.find(':'); colon != std::string_view::npos) {
    field = line.substr(0, colon);
    value = line.substr(colon + 1);
    if (value.starts_with(' ')) value.remove_prefix(1);
  }
  if (field == "data") {
    if (over_limit(value.size() + 1)) {
      too_large_ = true;
      return;
    }
    if (has_data_) data_.push_back('\n');
    data_.append(value);
    has_data_ = true;
  } else if (field == "event") {
    event_name_.assign(value);
  }
  // `id` and `retry` matter to reconnecting browsers only; a model stream is
  // never resumed, so they are ignored like unknown fields.
}

}  // namespace nadoo::ai::openai
