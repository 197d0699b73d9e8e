// The server's side of the wire format: frame headers, UTF-8 validation and
// the opening handshake's answer.
#include <gtest/gtest.h>

#include "transport/rfc6455/frame_header.hpp"
#include "transport/rfc6455/opening_handshake.hpp"
#include "util/utf8_validation.hpp"

namespace nadoo::transport::rfc6455 {
namespace {

std::string header_bytes(Opcode opcode, std::uint64_t size) {
  const auto header = server_frame_header(opcode, size);
  EXPECT_EQ(header.size, server_header_bytes(size));
  return {reinterpret_cast<const char*>(header.bytes.data()), header.size};
}

TEST(FrameHeader, uses_the_shortest_length_form) {
  EXPECT_EQ(header_bytes(Opcode::text, 125), std::string("\x81\x7d"));
  EXPECT_EQ(header_bytes(Opcode::binary, 126), std::string("\x82\x7e\x00\x7e", 4));
  EXPECT_EQ(header_bytes(Opcode::text, 65535), std::string("\x81\x7e\xff\xff"));
  EXPECT_EQ(header_bytes(Opcode::text, 65536), std::string("\x81\x7f\x00\x00\x00\x00\x00\x01\x00\x00", 10));
  EXPECT_EQ(header_bytes(Opcode::close, 2), std::string("\x88\x02"));
}

TEST(Utf8Validation, accepts_well_formed_text_of_every_length) {
  EXPECT_TRUE(util::is_valid_utf8(""));
  EXPECT_TRUE(util::is_valid_utf8("plain ascii that is longer than eight bytes"));
  EXPECT_TRUE(util::is_valid_utf8("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 \xf4\x8f\xbf\xbf"));
}

TEST(Utf8Validation, refuses_overlong_surrogate_and_out_of_range_forms) {
  EXPECT_FALSE(util::is_valid_utf8("\xc0\xaf"));             // overlong '/'
  EXPECT_FALSE(util::is_valid_utf8("\xe0\x80\xaf"));         // overlong, three bytes
  EXPECT_FALSE(util::is_valid_utf8("\xed\xa0\x80"));         // U+D800, a surrogate
  EXPECT_FALSE(util::is_valid_utf8("\xf4\x90\x80\x80"));     // past U+10FFFF
  EXPECT_FALSE(util::is_valid_utf8("ascii then \xe2\x82"));  // truncated at the end
  EXPECT_FALSE(util::is_valid_utf8("\x80 lone continuation"));
}

TEST(OpeningHandshake, answers_the_rfc_example_key) {
  const auto response = switching_protocols_response("dGhlIHNhbXBsZSBub25jZQ==");
  EXPECT_TRUE(response.starts_with("HTTP/1.1 101 Switching Protocols\r\n"));
  EXPECT_NE(response.find("Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"), std::string::npos);
  EXPECT_TRUE(response.ends_with("\r\n\r\n"));
}

TEST(OpeningHandshake, refuses_other_versions_with_426_and_bad_keys_with_400) {
  EXPECT_FALSE(check_upgrade_headers("13", "dGhlIHNhbXBsZSBub25jZQ=="));
  EXPECT_EQ(check_upgrade_headers("8", "dGhlIHNhbXBsZSBub25jZQ==")->status, 426u);
  EXPECT_EQ(check_upgrade_headers("13", "")->status, 400u);
  EXPECT_EQ(check_upgrade_headers("13", "short==")->status, 400u);
  EXPECT_EQ(check_upgrade_headers("13", "dGhlIHNhbXBsZSBub25jZ!==")->status, 400u);
}

}  // namespace
}  // namespace nadoo::transport::rfc6455
