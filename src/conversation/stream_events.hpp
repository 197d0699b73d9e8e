#pragma once

#include <boost/json/array.hpp>
#include <optional>
#include <string>
#include <vector>

#include "hub/connection.hpp"
#include "store/records.hpp"

namespace nadoo::conversation {

/// The contract's streaming messages, each serialized once for all recipients.
hub::SharedText response_start_event(const std::string& message_id, const std::string& chat_id);
hub::SharedText text_delta_event(std::string_view text, std::size_t index, const std::string& message_id);
hub::SharedText sources_event(const boost::json::array& sources, const std::string& message_id);
/// A text-delta as the room carries it.
struct TextDelta {
  std::string message_id;
  std::size_t index = 0;
  std::string text;
};
/// The delta `payload` is, if it is one.
std::optional<TextDelta> parse_text_delta(std::string_view payload);
/// The message id of the `sources` event `payload` is, if it is one.
std::optional<std::string> sources_message_id(std::string_view payload);

/// Whether a stream event of the room is one that a catch-up already sent:
/// response_start, one of the first `deltas_sent` deltas or, when
/// `sources_sent`, the sources, of generation `message_id`.
bool was_caught_up(std::string_view payload, const std::string& message_id, std::size_t deltas_sent,
                   bool sources_sent);

struct ResponseEnd {
  std::string message_id;
  std::string chat_id;
  std::string full_response;
  int tokens_used = 0;
  double response_time_seconds = 0;
  std::string finish_reason;
};
hub::SharedText response_end_event(const ResponseEnd& end);

/// `[{chunk_id, content, score, metadata:{document_id, filename, heading, page_number}}]`
boost::json::array sources_array(const std::vector<store::ScoredChunk>& knowledge);

}  // namespace nadoo::conversation
