#include "transport/rfc6455/client_frame_reader.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace nadoo::transport::rfc6455 {
namespace {

using Kind = ClientEvent::Kind;
constexpr std::size_t max_message_bytes = 1024;

/// A client frame as a browser sends it: masked, with the shortest length form.
std::string client_frame(std::uint8_t first_byte, std::string_view payload, bool masked = true) {
  std::string frame(1, static_cast<char>(first_byte));
  const auto mask_bit = masked ? 0x80 : 0;
  if (payload.size() < 126) {
    frame += static_cast<char>(mask_bit | payload.size());
  } else {
    frame += static_cast<char>(mask_bit | 126);
    frame += static_cast<char>(payload.size() >> 8);
    frame += static_cast<char>(payload.size() & 0xFF);
  }
  const std::string key = "\x12\x34\x56\x78";
  if (masked) frame += key;
  for (std::size_t i = 0; i < payload.size(); ++i)
    frame += masked ? static_cast<char>(payload[i] ^ key[i % 4]) : payload[i];
  return frame;
}

std::string text_frame(std::string_view text) { return client_frame(0x81, text); }

struct Seen {
  Kind kind;
  std::string payload;
  std::uint16_t code;
  Opcode opcode;
};

/// Feeds `bytes` in pieces of `piece` bytes, as a socket might deliver them.
std::vector<Seen> read_in_pieces(ClientFrameReader& reader, std::string bytes, std::size_t piece) {
  std::vector<Seen> seen;
  for (std::size_t at = 0; at < bytes.size(); at += piece) {
    std::string chunk = bytes.substr(at, piece);
    reader.consume(chunk);
    while (const auto event = reader.next()) {
      seen.push_back({event->kind, std::string(event->payload), event->code, event->message_opcode});
    }
  }
  return seen;
}

std::vector<Seen> read_all(std::string bytes) {
  ClientFrameReader reader(max_message_bytes);
  return read_in_pieces(reader, std::move(bytes), 1 << 20);
}

TEST(ClientFrameReader, unmasks_every_message_in_one_read) {
  const auto seen = read_all(text_frame("hello") + client_frame(0x82, std::string("\x00\x01", 2)));
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0].payload, "hello");
  EXPECT_EQ(seen[0].opcode, Opcode::text);
  EXPECT_EQ(seen[1].payload, std::string("\x00\x01", 2));
  EXPECT_EQ(seen[1].opcode, Opcode::binary);
}

TEST(ClientFrameReader, frames_split_at_every_byte_boundary_read_the_same) {
  const std::string long_text(300, 'x');
  const auto bytes = text_frame("a") + text_frame(long_text) + client_frame(0x89, "p");
  for (std::size_t piece = 1; piece <= 7; ++piece) {
    ClientFrameReader reader(max_message_bytes);
    const auto seen = read_in_pieces(reader, bytes, piece);
    ASSERT_EQ(seen.size(), 3u) << piece;
    EXPECT_EQ(seen[1].payload, long_text) << piece;
    EXPECT_EQ(seen[2].kind, Kind::ping) << piece;
  }
}

TEST(ClientFrameReader, fragments_join_into_one_message_with_control_frames_between) {
  const auto seen = read_all(client_frame(0x01, "frag") + client_frame(0x89, "ping") +
                             client_frame(0x00, "men") + client_frame(0x80, "ted"));
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0].kind, Kind::ping);
  EXPECT_EQ(seen[0].payload, "ping");
  EXPECT_EQ(seen[1].kind, Kind::message);
  EXPECT_EQ(seen[1].payload, "fragmented");
}

TEST(ClientFrameReader, close_frame_gives_its_code_and_reason) {
  const auto seen = read_all(client_frame(0x88,
                                          "\x03\xe8"
                                          "bye"));
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].kind, Kind::close);
  EXPECT_EQ(seen[0].code, 1000);
  EXPECT_EQ(seen[0].payload, "bye");
  EXPECT_EQ(read_all(client_frame(0x88, "")).at(0).code, 1005);
}

void expect_violation(const std::string& bytes, std::uint16_t code) {
  const auto seen = read_all(bytes);
  ASSERT_FALSE(seen.empty());
  EXPECT_EQ(seen.back().kind, Kind::violation);
  EXPECT_EQ(seen.back().code, code) << seen.back().payload;
}

TEST(ClientFrameReader, unmasked_frame_is_a_protocol_error) {
  expect_violation(client_frame(0x81, "x", false), 1002);
}

TEST(ClientFrameReader, reserved_bits_and_opcodes_are_protocol_errors) {
  expect_violation(client_frame(0xC1, "x"), 1002);  // RSV1 without an extension
  expect_violation(client_frame(0x83, "x"), 1002);  // opcode 3 is reserved
}

TEST(ClientFrameReader, fragmented_or_long_control_frames_are_protocol_errors) {
  expect_violation(client_frame(0x09, "x"), 1002);
  expect_violation(client_frame(0x89, std::string(126, 'p')), 1002);
}

TEST(ClientFrameReader, continuation_rules_are_enforced) {
  expect_violation(client_frame(0x80, "stray"), 1002);
  expect_violation(client_frame(0x01, "a") + client_frame(0x81, "b"), 1002);
}

TEST(ClientFrameReader, invalid_close_payloads_are_refused) {
  expect_violation(client_frame(0x88, "\x03"), 1002);
  expect_violation(client_frame(0x88, "\x03\xed"), 1002);  // 1005 may not be sent
  expect_violation(client_frame(0x88, "\x03\xe8\xff"), 1007);
}

TEST(ClientFrameReader, invalid_utf8_text_is_1007_after_the_last_fragment) {
  expect_violation(text_frame("\xc3\x28"), 1007);
  const auto seen = read_all(client_frame(0x01, "\xe2\x82") + client_frame(0x80, "\xac"));  // € split
  EXPECT_EQ(seen.at(0).payload, "\xe2\x82\xac");
  EXPECT_EQ(read_all(client_frame(0x82, "\xff")).at(0).kind, Kind::message);  // binary is not checked
}

TEST(ClientFrameReader, message_over_the_limit_is_1009_from_the_header_alone) {
  ClientFrameReader reader(max_message_bytes);
  std::string header = client_frame(0x81, std::string(max_message_bytes + 1, 'x')).substr(0, 8);
  reader.consume(header);
  const auto event = reader.next();
  ASSERT_TRUE(event);
  EXPECT_EQ(event->kind, Kind::violation);
  EXPECT_EQ(event->code, 1009);
}

TEST(ClientFrameReader, fragments_over_the_limit_in_total_are_1009) {
  const std::string half(max_message_bytes / 2, 'x');
  EXPECT_EQ(read_all(client_frame(0x01, half) + client_frame(0x80, half)).at(0).kind, Kind::message);
  expect_violation(client_frame(0x01, half) + client_frame(0x00, half) + client_frame(0x80, "x"), 1009);
}

TEST(ClientFrameReader, nothing_is_read_after_a_violation) {
  ClientFrameReader reader(max_message_bytes);
  std::string bytes = client_frame(0x83, "x") + text_frame("after");
  reader.consume(bytes);
  EXPECT_EQ(reader.next()->kind, Kind::violation);
  EXPECT_FALSE(reader.next());
}

}  // namespace
}  // namespace nadoo::transport::rfc6455
