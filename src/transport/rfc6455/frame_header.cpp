#include "transport/rfc6455/frame_header.hpp"

namespace nadoo::transport::rfc6455 {
namespace {

constexpr std::uint8_t final_fragment_bit = 0x80;
constexpr std::uint8_t length_16_bit_marker = 126;
constexpr std::uint8_t length_64_bit_marker = 127;

}  // namespace

FrameHeader server_frame_header(Opcode opcode, std::uint64_t payload_bytes) {
  FrameHeader header;
  header.bytes[0] = final_fragment_bit | static_cast<std::uint8_t>(opcode);
  if (payload_bytes < length_16_bit_marker) {
    header.bytes[1] = static_cast<std::uint8_t>(payload_bytes);
    header.size = 2;
  } else if (payload_bytes <= 0xFFFF) {
    header.bytes[1] = length_16_bit_marker;
    header.bytes[2] = static_cast<std::uint8_t>(payload_bytes >> 8);
    header.bytes[3] = static_cast<std::uint8_t>(payload_bytes);
    header.size = 4;
  } else {
    header.bytes[1] = length_64_bit_marker;
    for (int i = 0; i < 8; ++i)
      header.bytes[2 + i] = static_cast<std::uint8_t>(payload_bytes >> (56 - 8 * i));
    header.size = 10;
  }
  return header;
}

std::size_t server_header_bytes(std::uint64_t payload_bytes) {
  return payload_bytes < length_16_bit_marker ? 2 : payload_bytes <= 0xFFFF ? 4 : 10;
}

bool is_control(Opcode opcode) { return static_cast<std::uint8_t>(opcode) & 0x8; }

}  // namespace nadoo::transport::rfc6455
