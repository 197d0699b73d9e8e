#include "auth/base64url.hpp"

#include <gtest/gtest.h>

#include <string>

namespace {

using nadoo::auth::base64url_decode;
using nadoo::auth::base64url_encode;
using namespace std::string_literals;

TEST(Base64url, encodes_rfc4648_vectors_without_padding) {
  EXPECT_EQ(base64url_encode(""), "");
  EXPECT_EQ(base64url_encode("f"), "Zg");
  EXPECT_EQ(base64url_encode("fo"), "Zm8");
  EXPECT_EQ(base64url_encode("foo"), "Zm9v");
  EXPECT_EQ(base64url_encode("foob"), "Zm9vYg");
  EXPECT_EQ(base64url_encode("fooba"), "Zm9vYmE");
  EXPECT_EQ(base64url_encode("foobar"), "Zm9vYmFy");
}

TEST(Base64url, uses_the_url_safe_alphabet) {
  // Standard base64 would be "+/8=".
  EXPECT_EQ(base64url_encode("\xfb\xff"), "-_8");
  EXPECT_EQ(base64url_decode("-_8"), "\xfb\xff");
}

TEST(Base64url, decodes_every_byte_value_at_every_tail_length) {
  std::string bytes;
  for (int value = 0; value < 256; ++value) {
    bytes.push_back(static_cast<char>(value));
  }
  for (std::size_t length = 0; length <= bytes.size(); ++length) {
    const std::string prefix = bytes.substr(0, length);
    EXPECT_EQ(base64url_decode(base64url_encode(prefix)), prefix) << "length " << length;
  }
}

TEST(Base64url, rejects_padding) {
  EXPECT_EQ(base64url_decode("Zg=="), std::nullopt);
  EXPECT_EQ(base64url_decode("Zm8="), std::nullopt);
}

TEST(Base64url, rejects_characters_outside_the_alphabet) {
  EXPECT_EQ(base64url_decode("+/8"), std::nullopt);
  EXPECT_EQ(base64url_decode("Zm9v!"), std::nullopt);
  EXPECT_EQ(base64url_decode("Zm 9v"), std::nullopt);
  EXPECT_EQ(base64url_decode("Zm9v\n"), std::nullopt);
  EXPECT_EQ(base64url_decode("Zm\0v"s), std::nullopt);
  EXPECT_EQ(base64url_decode("Zm\xc3\xa9v"), std::nullopt);
}

TEST(Base64url, rejects_a_length_no_encoder_produces) {
  EXPECT_EQ(base64url_decode("Z"), std::nullopt);
  EXPECT_EQ(base64url_decode("Zm9vY"), std::nullopt);
}

TEST(Base64url, rejects_non_zero_unused_bits) {
  // "Zg" is the only spelling of "f"; "Zh" differs in bits the decoder drops.
  EXPECT_EQ(base64url_decode("Zh"), std::nullopt);
  EXPECT_EQ(base64url_decode("Zm9"), std::nullopt);
}

TEST(Base64url, decodes_empty_text_to_no_bytes) { EXPECT_EQ(base64url_decode(""), ""); }

}  // namespace
