#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "transport/rfc6455/frame_header.hpp"

namespace nadoo::transport::rfc6455 {

/// What the frames a client sent amount to, one at a time.
struct ClientEvent {
  enum class Kind {
    message,    // a whole text or binary message, any number of fragments
    ping,       // answer with a pong carrying `payload`
    pong,       // the peer is alive
    close,      // the peer's close frame: `code` (1005 if it gave none) and `payload` (its reason)
    violation,  // the peer broke the protocol: close with `code`, `payload` saying why
  };
  Kind kind;
  Opcode message_opcode = Opcode::text;  // text or binary, for a message
  std::string_view payload;
  std::uint16_t code = 0;
};

/// Reads the frames of one client connection from whatever pieces the socket
/// delivers. A frame that arrives whole within one read is unmasked in place
/// and handed out without a copy; only a frame split across reads, or a
/// fragmented message, is held in memory owned here, and released as soon as
/// it is complete, so an idle connection keeps nothing.
class ClientFrameReader {
 public:
  /// Messages over `max_message_bytes`, in total over their fragments, are a
  /// violation with code 1009, detected from the frame headers before the
  /// payload is buffered.
  explicit ClientFrameReader(std::size_t max_message_bytes) : max_message_bytes_(max_message_bytes) {}

  /// Hands over freshly read bytes. They are unmasked in place: the span must
  /// stay valid and writable until next() returns nullopt.
  void consume(std::span<char> bytes);
  /// The next event in the bytes consumed so far, or nullopt once the rest is
  /// an incomplete frame (kept for the next consume). A payload view stays
  /// valid until the next call. After a violation, nothing more is read.
  std::optional<ClientEvent> next();

 private:
  struct Frame {
    Opcode opcode;
    bool final_fragment;
    std::span<char> payload;  // unmasked
  };

  /// The next whole frame; nullopt when it is incomplete, or broken (then
  /// `broken` holds the violation).
  std::optional<Frame> take_frame(std::optional<ClientEvent>& broken);
  /// The event a frame completes; none for a fragment that is not the last.
  std::optional<ClientEvent> on_frame(const Frame& frame);
  std::optional<ClientEvent> on_data_frame(const Frame& frame);
  std::optional<ClientEvent> complete_message(Opcode opcode, std::string_view payload);
  std::optional<ClientEvent> on_close_frame(std::string_view payload);
  ClientEvent violation(std::uint16_t code, std::string_view why);
  void keep_incomplete_rest();

  const std::size_t max_message_bytes_;
  std::span<char> area_;  // the bytes being parsed: the caller's, or pending_
  std::size_t position_ = 0;
  std::string pending_;                      // an incomplete frame carried over to the next read
  std::string fragments_;                    // a fragmented message being assembled
  std::optional<Opcode> fragmented_opcode_;  // set while fragments_ is assembling
  bool release_fragments_ = false;           // fragments_ was handed out whole
  bool failed_ = false;
};

}  // namespace nadoo::transport::rfc6455
