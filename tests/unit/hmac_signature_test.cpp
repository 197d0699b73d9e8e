#include "auth/hmac_signature.hpp"

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

namespace nadoo::auth {
namespace {

std::string hex(const std::string& bytes) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string text;
  for (const unsigned char byte : bytes) {
    text.push_back(digits[byte >> 4]);
    text.push_back(digits[byte & 0xf]);
  }
  return text;
}

// RFC 4231 §4.3 (test case 2).
constexpr std::string_view rfc4231_key = "Jefe";
constexpr std::string_view rfc4231_data = "what do ya want for nothing?";

TEST(HmacKey, matches_rfc_4231_for_each_digest) {
  EXPECT_EQ(hex(HmacKey(JwtAlgorithm::hs256, rfc4231_key).sign(rfc4231_data)),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  EXPECT_EQ(hex(HmacKey(JwtAlgorithm::hs384, rfc4231_key).sign(rfc4231_data)),
            "af45d2e376484031617f78d2b58a6b1b9c7ef464f5a01b47e42ec3736322445e"
            "8e2240ca5e69e2c78b3239ecfab21649");
  EXPECT_EQ(hex(HmacKey(JwtAlgorithm::hs512, rfc4231_key).sign(rfc4231_data)),
            "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea250554"
            "9758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737");
}

TEST(HmacKey, signing_leaves_the_key_as_it_was) {
  const HmacKey key(JwtAlgorithm::hs256, rfc4231_key);
  const auto first = key.sign(rfc4231_data);
  EXPECT_NE(key.sign("other input"), first);
  EXPECT_EQ(key.sign(rfc4231_data), first);
  EXPECT_EQ(hmac_signature(JwtAlgorithm::hs256, rfc4231_key, rfc4231_data), first);
}

TEST(HmacKey, threads_sign_with_one_key_at_once) {
  const HmacKey key(JwtAlgorithm::hs256, rfc4231_key);
  const auto expected = key.sign(rfc4231_data);
  std::vector<std::thread> threads;
  std::vector<int> mismatches(4, 0);
  for (std::size_t t = 0; t < mismatches.size(); ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 2000; ++i) mismatches[t] += key.sign(rfc4231_data) != expected;
    });
  }
  for (auto& thread : threads) thread.join();
  for (const int count : mismatches) EXPECT_EQ(count, 0);
}

TEST(HmacKey, refuses_a_public_key_algorithm) {
  EXPECT_THROW(HmacKey(JwtAlgorithm::rs256, "secret"), std::invalid_argument);
}

}  // namespace
}  // namespace nadoo::auth
