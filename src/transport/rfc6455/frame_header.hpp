// transport/rfc6455/ is the WebSocket wire protocol (RFC 6455) for the server
// side, without I/O: the opening handshake's answer, frame headers, and the
// reader of the frames a client sends. Beast's websocket::stream writes one
// message per operation, so a broadcast could not be gathered into one
// socket write per recipient; owning the framing lets the session coalesce
// every queued frame into a single writev.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

namespace nadoo::transport::rfc6455 {

enum class Opcode : std::uint8_t {
  continuation = 0x0,
  text = 0x1,
  binary = 0x2,
  close = 0x8,
  ping = 0x9,
  pong = 0xA,
};

/// The longest header a server writes: 2 bytes and a 64-bit length (servers
/// never mask).
constexpr std::size_t max_server_header_bytes = 10;
/// Control frames (close, ping, pong) carry at most this many payload bytes.
constexpr std::size_t max_control_payload_bytes = 125;

struct FrameHeader {
  std::array<std::uint8_t, max_server_header_bytes> bytes{};
  std::uint8_t size = 0;
};

/// The header of one unfragmented, unmasked frame of `payload_bytes`.
FrameHeader server_frame_header(Opcode opcode, std::uint64_t payload_bytes);
/// Its size alone.
std::size_t server_header_bytes(std::uint64_t payload_bytes);

bool is_control(Opcode opcode);

}  // namespace nadoo::transport::rfc6455
