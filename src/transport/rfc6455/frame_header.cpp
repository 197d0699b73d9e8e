#include "transport/rfc6455/frame_header.hpp"

namespace nadoo::transport::rfc6455 {
namespace {

constexpr std::uint8_t final_fragment_bit = 0x80;
constexpr std::uint8_t length_16_bit_marker = 126;
constexpr std::uint8_t length_64_bit_marker = 127;

}  // namespace

FrameHeader server_frame_header(Opcode opcode, std::uint64_t payload_bytes) {
  FrameHeader header;
  header.size = static_cast<std::uint8_t>(server_header_bytes(payload_bytes));
  header.bytes[0] = final_fragment_bit | static_cast<std::uint8_t>(opcode);
  header.bytes[1] = header.size == 2   ? static_cast<std::uint8_t>(payload_bytes)
                    : header.size == 4 ? length_16_bit_marker
                                       : length_64_bit_marker;
  // An extended length follows the marker, big-endian, in the bytes left.
  for (std::size_t i = 2; i < header.size; ++i) {
    header.bytes[i] = static_cast<std::uint8_t>(payload_bytes >> (8 * (header.size - 1 - i)));
  }
  return header;
}

std::size_t server_header_bytes(std::uint64_t payload_bytes) {
  return payload_bytes < length_16_bit_marker ? 2 : payload_bytes <= 0xFFFF ? 4 : 10;
}

bool is_control(Opcode opcode) { return static_cast<std::uint8_t>(opcode) & 0x8; }

}  // namespace nadoo::transport::rfc6455
