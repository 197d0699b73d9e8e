#include "transport/rfc6455/client_frame_reader.hpp"

#include <algorithm>
#include <utility>

#include "util/utf8_validation.hpp"

namespace nadoo::transport::rfc6455 {
namespace {

constexpr std::uint16_t protocol_error = 1002;
constexpr std::uint16_t invalid_payload = 1007;
constexpr std::uint16_t message_too_big = 1009;
constexpr std::uint16_t no_status_received = 1005;

constexpr std::size_t mask_key_bytes = 4;

bool is_known_opcode(std::uint8_t opcode) { return opcode <= 0x2 || (opcode >= 0x8 && opcode <= 0xA); }

/// Codes a peer may send (RFC 6455 §7.4): the registered ones that are not
/// reserved for local use (1004–1006, 1015), and the application ranges.
bool is_sendable_close_code(std::uint16_t code) {
  if (code >= 3000 && code <= 4999) return true;
  return code >= 1000 && code <= 1014 && code != 1004 && code != 1005 && code != 1006;
}

void unmask(std::span<char> payload, const unsigned char* key) {
  for (std::size_t i = 0; i < payload.size(); ++i) payload[i] = static_cast<char>(payload[i] ^ key[i % 4]);
}

}  // namespace

void ClientFrameReader::consume(std::span<char> bytes) {
  if (pending_.empty()) {
    area_ = bytes;
  } else {
    pending_.append(bytes.data(), bytes.size());
    area_ = pending_;
  }
  position_ = 0;
}

std::optional<ClientEvent> ClientFrameReader::next() {
  if (release_fragments_) {
    fragments_ = {};
    release_fragments_ = false;
  }
  while (!failed_) {
    std::optional<ClientEvent> broken;
    const auto frame = take_frame(broken);
    if (broken) return broken;
    if (!frame) {
      keep_incomplete_rest();
      return std::nullopt;
    }
    if (auto event = on_frame(*frame)) return event;
  }
  return std::nullopt;
}

std::optional<ClientFrameReader::Frame> ClientFrameReader::take_frame(std::optional<ClientEvent>& broken) {
  const std::size_t available = area_.size() - position_;
  if (available < 2) return std::nullopt;
  const auto* head = reinterpret_cast<const unsigned char*>(area_.data() + position_);
  const bool final_fragment = head[0] & 0x80;
  const std::uint8_t opcode = head[0] & 0x0F;
  const bool masked = head[1] & 0x80;
  const std::uint8_t length_field = head[1] & 0x7F;
  // No extension is negotiated, so every reserved bit must be clear.
  if (head[0] & 0x70) return broken = violation(protocol_error, "Reserved bits set"), std::nullopt;
  if (!is_known_opcode(opcode)) return broken = violation(protocol_error, "Unknown opcode"), std::nullopt;
  if (!masked) return broken = violation(protocol_error, "Client frame not masked"), std::nullopt;

  const std::size_t length_bytes = length_field == 126 ? 2 : length_field == 127 ? 8 : 0;
  const std::size_t header_bytes = 2 + length_bytes + mask_key_bytes;
  if (available < header_bytes) return std::nullopt;
  std::uint64_t length = length_field;
  if (length_bytes) {
    length = 0;
    for (std::size_t i = 0; i < length_bytes; ++i) length = (length << 8) | head[2 + i];
  }
  const auto kind = static_cast<Opcode>(opcode);
  if (is_control(kind) && (!final_fragment || length > max_control_payload_bytes)) {
    return broken = violation(protocol_error, "Invalid control frame"), std::nullopt;
  }
  const std::size_t assembled = fragmented_opcode_ ? fragments_.size() : 0;
  if (!is_control(kind) && length > max_message_bytes_ - std::min(assembled, max_message_bytes_)) {
    return broken = violation(message_too_big, "Message too big"), std::nullopt;
  }
  if (available - header_bytes < length) return std::nullopt;

  const std::span<char> payload(area_.data() + position_ + header_bytes, static_cast<std::size_t>(length));
  unmask(payload, head + 2 + length_bytes);
  position_ += header_bytes + payload.size();
  return Frame{kind, final_fragment, payload};
}

std::optional<ClientEvent> ClientFrameReader::on_frame(const Frame& frame) {
  const std::string_view payload(frame.payload.data(), frame.payload.size());
  switch (frame.opcode) {
    case Opcode::ping:
      return ClientEvent{ClientEvent::Kind::ping, Opcode::ping, payload};
    case Opcode::pong:
      return ClientEvent{ClientEvent::Kind::pong, Opcode::pong, payload};
    case Opcode::close:
      return on_close_frame(payload);
    default:
      return on_data_frame(frame);
  }
}

std::optional<ClientEvent> ClientFrameReader::on_data_frame(const Frame& frame) {
  const std::string_view payload(frame.payload.data(), frame.payload.size());
  if (frame.opcode == Opcode::continuation) {
    if (!fragmented_opcode_) return violation(protocol_error, "Continuation without a message");
    fragments_.append(payload);
    if (!frame.final_fragment) return std::nullopt;
    const auto opcode = *std::exchange(fragmented_opcode_, std::nullopt);
    release_fragments_ = true;
    return complete_message(opcode, fragments_);
  }
  if (fragmented_opcode_) return violation(protocol_error, "New message inside a fragmented one");
  if (frame.final_fragment) return complete_message(frame.opcode, payload);
  fragmented_opcode_ = frame.opcode;
  fragments_.assign(payload);
  return std::nullopt;
}

std::optional<ClientEvent> ClientFrameReader::complete_message(Opcode opcode, std::string_view payload) {
  if (opcode == Opcode::text && !util::is_valid_utf8(payload))
    return violation(invalid_payload, "Invalid UTF-8");
  return ClientEvent{ClientEvent::Kind::message, opcode, payload};
}

std::optional<ClientEvent> ClientFrameReader::on_close_frame(std::string_view payload) {
  if (payload.empty()) return ClientEvent{ClientEvent::Kind::close, Opcode::close, {}, no_status_received};
  if (payload.size() == 1) return violation(protocol_error, "Invalid close frame");
  const auto code = static_cast<std::uint16_t>((static_cast<unsigned char>(payload[0]) << 8) |
                                               static_cast<unsigned char>(payload[1]));
  if (!is_sendable_close_code(code)) return violation(protocol_error, "Invalid close code");
  const auto reason = payload.substr(2);
  if (!util::is_valid_utf8(reason)) return violation(invalid_payload, "Invalid UTF-8");
  return ClientEvent{ClientEvent::Kind::close, Opcode::close, reason, code};
}

ClientEvent ClientFrameReader::violation(std::uint16_t code, std::string_view why) {
  failed_ = true;
  pending_ = {};
  fragments_ = {};
  return ClientEvent{ClientEvent::Kind::violation, Opcode::close, why, code};
}

void ClientFrameReader::keep_incomplete_rest() {
  const bool parsing_pending = !pending_.empty() && area_.data() == pending_.data();
  if (parsing_pending) {
    pending_.erase(0, position_);
    if (pending_.empty()) pending_ = {};  // give the memory back
  } else {
    pending_.assign(area_.data() + position_, area_.size() - position_);
  }
  area_ = {};
  position_ = 0;
}

}  // namespace nadoo::transport::rfc6455
