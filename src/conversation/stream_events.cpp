#include "conversation/stream_events.hpp"

#include <boost/json/parse.hpp>
#include <cmath>

#include "protocol/server_message.hpp"

namespace nadoo::conversation {

hub::SharedText response_start_event(const std::string& message_id, const std::string& chat_id) {
  return protocol::server_message("response_start", {{"message_id", message_id}, {"chat_id", chat_id}});
}

hub::SharedText text_delta_event(std::string_view text, std::size_t index, const std::string& message_id) {
  return protocol::server_message("text-delta",
                                  {{"text", text}, {"index", index}, {"message_id", message_id}});
}

hub::SharedText sources_event(const boost::json::array& sources, const std::string& message_id) {
  return protocol::server_message("sources", {{"sources", sources}, {"message_id", message_id}});
}

namespace {

/// The fields of a stream event that the nodes look at.
struct ParsedEvent {
  boost::json::value json;
  std::string type;
  std::string message_id;
};

std::optional<ParsedEvent> parse_stream_event(std::string_view payload) {
  boost::system::error_code error;
  ParsedEvent parsed{boost::json::parse(payload, error), {}, {}};
  const auto* event = parsed.json.if_object();
  if (error || !event) return std::nullopt;
  const auto* type = event->if_contains("type");
  const auto* id = event->if_contains("message_id");
  if (!type || !id || !type->is_string() || !id->is_string()) return std::nullopt;
  parsed.type = type->get_string();
  parsed.message_id = id->get_string();
  return parsed;
}

std::optional<std::size_t> delta_index(const ParsedEvent& event) {
  const auto* index = event.json.get_object().if_contains("index");
  if (!index || !index->is_int64() || index->get_int64() < 0) return std::nullopt;
  return static_cast<std::size_t>(index->get_int64());
}

}  // namespace

std::optional<TextDelta> parse_text_delta(std::string_view payload) {
  const auto event = parse_stream_event(payload);
  if (!event || event->type != "text-delta") return std::nullopt;
  const auto index = delta_index(*event);
  const auto* text = event->json.get_object().if_contains("text");
  if (!index || !text || !text->is_string()) return std::nullopt;
  return TextDelta{event->message_id, *index, std::string(text->get_string())};
}

std::optional<std::string> sources_message_id(std::string_view payload) {
  auto event = parse_stream_event(payload);
  if (!event || event->type != "sources") return std::nullopt;
  return std::move(event->message_id);
}

bool was_caught_up(std::string_view payload, const std::string& message_id, std::size_t deltas_sent,
                   bool sources_sent) {
  const auto event = parse_stream_event(payload);
  if (!event || event->message_id != message_id) return false;
  if (event->type == "response_start") return true;
  if (event->type == "sources") return sources_sent;
  if (event->type != "text-delta") return false;
  const auto index = delta_index(*event);
  return index && *index < deltas_sent;
}

hub::SharedText response_end_event(const ResponseEnd& end) {
  // Milliseconds are as precise as a client can use.
  const double response_time = std::round(end.response_time_seconds * 1000) / 1000;
  return protocol::server_message("response_end", {{"message_id", end.message_id},
                                                   {"chat_id", end.chat_id},
                                                   {"full_response", end.full_response},
                                                   {"tokens_used", end.tokens_used},
                                                   {"response_time", response_time},
                                                   {"finish_reason", end.finish_reason}});
}

boost::json::array sources_array(const std::vector<store::ScoredChunk>& knowledge) {
  boost::json::array sources;
  for (const auto& [chunk, score] : knowledge) {
    sources.push_back(
        boost::json::object{{"chunk_id", chunk.chunk_id},
                            {"content", chunk.content},
                            {"score", score},
                            {"metadata",
                             {{"document_id", chunk.document_id},
                              {"filename", chunk.filename},
                              {"heading", chunk.heading},
                              {"page_number", chunk.page_number ? boost::json::value(*chunk.page_number)
                                                                : boost::json::value(nullptr)}}}});
  }
  return sources;
}

}  // namespace nadoo::conversation
