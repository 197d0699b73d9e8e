#include "auth/jwt_verifier.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>

#include "auth/base64url.hpp"

namespace {

using namespace nadoo::auth;
using namespace std::chrono_literals;
using Clock = std::chrono::system_clock;

// The tokens come from PyJWT, not from our signer: see tests/fixtures/make_jwt_fixtures.py.
std::filesystem::path fixture_dir() {
  const char* dir = std::getenv("NADOO_JWT_FIXTURES");
  if (dir == nullptr || *dir == '\0') {
    throw std::runtime_error(
        "NADOO_JWT_FIXTURES is not set: run `/usr/bin/python3 tests/fixtures/make_jwt_fixtures.py DIR` "
        "and set NADOO_JWT_FIXTURES=DIR");
  }
  return dir;
}

std::string read_fixture_file(std::string_view name) {
  const std::filesystem::path path = fixture_dir() / name;
  std::ifstream file(path);
  if (!file) {
    throw std::runtime_error("cannot read JWT fixture " + path.string());
  }
  std::ostringstream text;
  text << file.rdbuf();
  return text.str();
}

const boost::json::object& fixtures() {
  static const boost::json::value document = boost::json::parse(read_fixture_file("tokens.json"));
  return document.as_object();
}

std::string fixture_string(std::string_view key) { return std::string(fixtures().at(key).as_string()); }

const boost::json::object& fixture_entry(std::string_view name) {
  const boost::json::value* entry = fixtures().at("tokens").as_object().if_contains(name);
  if (entry == nullptr) {
    throw std::runtime_error("no fixture token named " + std::string(name));
  }
  return entry->as_object();
}

std::string fixture_token(std::string_view name) {
  return std::string(fixture_entry(name).at("token").as_string());
}

Clock::time_point fixture_exp(std::string_view name) {
  return Clock::time_point(std::chrono::seconds(fixture_entry(name).at("exp").to_number<std::int64_t>()));
}

JwtSettings hmac_settings(JwtAlgorithm algorithm = JwtAlgorithm::hs256) {
  JwtSettings settings;
  settings.algorithm = algorithm;
  settings.secret = fixture_string("secret");
  return settings;
}

JwtSettings public_key_settings(JwtAlgorithm algorithm, std::string_view pem_file) {
  JwtSettings settings;
  settings.algorithm = algorithm;
  settings.public_key_pem = read_fixture_file(pem_file);
  return settings;
}

JwtError error_of(const JwtSettings& settings, std::string_view token) {
  return JwtVerifier(settings).verify(token).error;
}

/// Changes one character in the middle of a segment (0 header, 1 payload,
/// 2 signature); the middle keeps the text valid base64url.
std::string tamper(std::string token, int segment) {
  std::size_t begin = 0;
  for (int i = 0; i < segment; ++i) {
    begin = token.find('.', begin) + 1;
  }
  const std::size_t end = std::min(token.find('.', begin), token.size());
  char& character = token[begin + (end - begin) / 2];
  character = character == 'A' ? 'B' : 'A';
  return token;
}

std::string replace_segment(const std::string& token, int segment, const std::string& text) {
  std::array<std::string, 3> parts;
  std::istringstream stream(token);
  for (std::string& part : parts) {
    std::getline(stream, part, '.');
  }
  parts.at(static_cast<std::size_t>(segment)) = text;
  return parts[0] + "." + parts[1] + "." + parts[2];
}

TEST(JwtVerifier, accepts_hs256_hs384_and_hs512_tokens_from_pyjwt) {
  const std::array<std::pair<JwtAlgorithm, const char*>, 3> cases{{{JwtAlgorithm::hs256, "hs256_valid"},
                                                                   {JwtAlgorithm::hs384, "hs384_valid"},
                                                                   {JwtAlgorithm::hs512, "hs512_valid"}}};
  for (const auto& [algorithm, name] : cases) {
    const JwtVerification result = JwtVerifier(hmac_settings(algorithm)).verify(fixture_token(name));
    ASSERT_TRUE(result.ok()) << name << ": " << describe(result.error);
    EXPECT_EQ(result.claims->subject, "user-42");
    EXPECT_EQ(result.claims->expires_at, fixture_exp(name));
  }
}

TEST(JwtVerifier, accepts_a_fractional_exp) {
  EXPECT_EQ(error_of(hmac_settings(), fixture_token("hs256_fractional_exp")), JwtError::none);
}

TEST(JwtVerifier, exp_beyond_the_clock_range_saturates) {
  const JwtVerification result = JwtVerifier(hmac_settings()).verify(fixture_token("hs256_far_future_exp"));
  ASSERT_TRUE(result.ok()) << describe(result.error);
  EXPECT_EQ(result.claims->expires_at, Clock::time_point::max());
}

TEST(JwtVerifier, expired_token_is_rejected) {
  EXPECT_EQ(error_of(hmac_settings(), fixture_token("hs256_expired")), JwtError::expired);
}

TEST(JwtVerifier, token_expired_within_leeway_is_accepted) {
  const std::string token = fixture_token("hs256_expired_10s_ago");
  const Clock::time_point now = fixture_exp("hs256_expired_10s_ago") + 10s;
  EXPECT_TRUE(JwtVerifier(hmac_settings()).verify(token, now).ok());

  JwtSettings no_leeway = hmac_settings();
  no_leeway.leeway = 0s;
  EXPECT_EQ(JwtVerifier(no_leeway).verify(token, now).error, JwtError::expired);
}

TEST(JwtVerifier, token_expired_beyond_leeway_is_rejected) {
  const Clock::time_point now = fixture_exp("hs256_expired_10s_ago") + 31s;
  EXPECT_EQ(JwtVerifier(hmac_settings()).verify(fixture_token("hs256_expired_10s_ago"), now).error,
            JwtError::expired);
}

TEST(JwtVerifier, token_not_valid_before_a_future_nbf_is_rejected) {
  EXPECT_EQ(error_of(hmac_settings(), fixture_token("hs256_not_yet_valid")), JwtError::not_yet_valid);
  EXPECT_EQ(error_of(hmac_settings(), fixture_token("hs256_nbf_past")), JwtError::none);
}

TEST(JwtVerifier, token_signed_with_another_secret_is_rejected) {
  JwtSettings settings = hmac_settings();
  settings.secret = "another-secret";
  EXPECT_EQ(error_of(settings, fixture_token("hs256_valid")), JwtError::bad_signature);
}

TEST(JwtVerifier, tampered_payload_is_rejected) {
  EXPECT_EQ(error_of(hmac_settings(), tamper(fixture_token("hs256_valid"), 1)), JwtError::bad_signature);
}

TEST(JwtVerifier, tampered_signature_is_rejected) {
  EXPECT_EQ(error_of(hmac_settings(), tamper(fixture_token("hs256_valid"), 2)), JwtError::bad_signature);
}

TEST(JwtVerifier, alg_none_is_rejected_with_or_without_a_signature) {
  EXPECT_EQ(error_of(hmac_settings(), fixture_token("none_unsigned")), JwtError::wrong_algorithm);
  EXPECT_EQ(error_of(hmac_settings(), fixture_token("none_with_signature")), JwtError::wrong_algorithm);
  EXPECT_EQ(
      error_of(public_key_settings(JwtAlgorithm::rs256, "rsa_public.pem"), fixture_token("none_unsigned")),
      JwtError::wrong_algorithm);
}

TEST(JwtVerifier, hs256_token_keyed_with_the_rsa_public_key_is_rejected_by_rs256_verifier) {
  const std::string token = fixture_token("hs256_keyed_with_rsa_public_pem");
  // The forgery is real: an HS256 verifier holding the PEM text as its secret accepts it.
  JwtSettings pem_as_secret;
  pem_as_secret.secret = read_fixture_file("rsa_public.pem");
  ASSERT_EQ(error_of(pem_as_secret, token), JwtError::none);

  EXPECT_EQ(error_of(public_key_settings(JwtAlgorithm::rs256, "rsa_public.pem"), token),
            JwtError::wrong_algorithm);
}

TEST(JwtVerifier, rs256_token_is_rejected_by_hmac_verifier) {
  EXPECT_EQ(error_of(hmac_settings(), fixture_token("rs256_valid")), JwtError::wrong_algorithm);
}

TEST(JwtVerifier, token_of_another_hmac_strength_is_rejected) {
  EXPECT_EQ(error_of(hmac_settings(JwtAlgorithm::hs256), fixture_token("hs384_valid")),
            JwtError::wrong_algorithm);
  EXPECT_EQ(error_of(hmac_settings(JwtAlgorithm::hs512), fixture_token("hs256_valid")),
            JwtError::wrong_algorithm);
}

TEST(JwtVerifier, accepts_rs256_token_from_pyjwt) {
  const JwtVerification result = JwtVerifier(public_key_settings(JwtAlgorithm::rs256, "rsa_public.pem"))
                                     .verify(fixture_token("rs256_valid"));
  ASSERT_TRUE(result.ok()) << describe(result.error);
  EXPECT_EQ(result.claims->subject, "user-42");
}

TEST(JwtVerifier, rs256_token_is_rejected_with_another_key_or_tampered) {
  const JwtSettings settings = public_key_settings(JwtAlgorithm::rs256, "rsa_public.pem");
  EXPECT_EQ(error_of(public_key_settings(JwtAlgorithm::rs256, "rsa_other_public.pem"),
                     fixture_token("rs256_valid")),
            JwtError::bad_signature);
  EXPECT_EQ(error_of(settings, tamper(fixture_token("rs256_valid"), 1)), JwtError::bad_signature);
  EXPECT_EQ(error_of(settings, tamper(fixture_token("rs256_valid"), 2)), JwtError::bad_signature);
}

TEST(JwtVerifier, accepts_es256_token_from_pyjwt) {
  const JwtVerification result = JwtVerifier(public_key_settings(JwtAlgorithm::es256, "ec_public.pem"))
                                     .verify(fixture_token("es256_valid"));
  ASSERT_TRUE(result.ok()) << describe(result.error);
  EXPECT_EQ(result.claims->subject, "user-42");
}

TEST(JwtVerifier, es256_token_is_rejected_with_another_key_or_tampered) {
  const JwtSettings settings = public_key_settings(JwtAlgorithm::es256, "ec_public.pem");
  EXPECT_EQ(
      error_of(public_key_settings(JwtAlgorithm::es256, "ec_other_public.pem"), fixture_token("es256_valid")),
      JwtError::bad_signature);
  EXPECT_EQ(error_of(settings, tamper(fixture_token("es256_valid"), 1)), JwtError::bad_signature);
  EXPECT_EQ(error_of(settings, tamper(fixture_token("es256_valid"), 2)), JwtError::bad_signature);
}

TEST(JwtVerifier, es256_der_encoded_signature_is_rejected) {
  EXPECT_EQ(error_of(public_key_settings(JwtAlgorithm::es256, "ec_public.pem"),
                     fixture_token("es256_der_signature")),
            JwtError::bad_signature);
}

TEST(JwtVerifier, malformed_base64_is_rejected) {
  const std::string token = fixture_token("hs256_valid");
  EXPECT_EQ(error_of(hmac_settings(), replace_segment(token, 0, "eyJhbGciOiJIUzI1NiJ9*")),
            JwtError::malformed);
  EXPECT_EQ(error_of(hmac_settings(), token + "="), JwtError::malformed);
  EXPECT_EQ(error_of(hmac_settings(), replace_segment(token, 1, "e")), JwtError::malformed);
}

TEST(JwtVerifier, header_that_is_not_a_json_object_with_alg_is_rejected) {
  const std::string token = fixture_token("hs256_valid");
  for (const std::string header : {"{\"alg\":", "[\"HS256\"]", "{\"typ\":\"JWT\"}", "{\"alg\":256}"}) {
    EXPECT_EQ(error_of(hmac_settings(), replace_segment(token, 0, base64url_encode(header))),
              JwtError::malformed)
        << header;
  }
}

TEST(JwtVerifier, signed_payload_that_is_not_a_json_object_is_rejected) {
  EXPECT_EQ(error_of(hmac_settings(), fixture_token("hs256_payload_not_json")), JwtError::malformed);
  EXPECT_EQ(error_of(hmac_settings(), fixture_token("hs256_payload_array")), JwtError::malformed);
}

TEST(JwtVerifier, token_without_a_subject_is_rejected) {
  for (const char* name : {"hs256_no_sub", "hs256_empty_sub", "hs256_numeric_sub"}) {
    EXPECT_EQ(error_of(hmac_settings(), fixture_token(name)), JwtError::missing_subject) << name;
  }
}

TEST(JwtVerifier, refresh_token_is_rejected) {
  EXPECT_EQ(error_of(hmac_settings(), fixture_token("hs256_refresh")), JwtError::wrong_token_type);
}

TEST(JwtVerifier, token_without_type_claim_is_accepted) {
  EXPECT_EQ(error_of(hmac_settings(), fixture_token("hs256_no_type")), JwtError::none);
}

TEST(JwtVerifier, issuer_is_checked_only_when_configured) {
  JwtSettings settings = hmac_settings();
  EXPECT_EQ(error_of(settings, fixture_token("hs256_iss_aud")), JwtError::none);
  settings.issuer = fixture_string("issuer");
  EXPECT_EQ(error_of(settings, fixture_token("hs256_iss_aud")), JwtError::none);
  EXPECT_EQ(error_of(settings, fixture_token("hs256_valid")), JwtError::wrong_issuer);
  settings.issuer = "https://someone-else.example";
  EXPECT_EQ(error_of(settings, fixture_token("hs256_iss_aud")), JwtError::wrong_issuer);
}

TEST(JwtVerifier, audience_string_must_equal_the_configured_audience) {
  JwtSettings settings = hmac_settings();
  settings.audience = fixture_string("audience");
  EXPECT_EQ(error_of(settings, fixture_token("hs256_iss_aud")), JwtError::none);
  EXPECT_EQ(error_of(settings, fixture_token("hs256_valid")), JwtError::wrong_audience);
  settings.audience = "another-service";
  EXPECT_EQ(error_of(settings, fixture_token("hs256_iss_aud")), JwtError::wrong_audience);
}

TEST(JwtVerifier, audience_array_must_contain_the_configured_audience) {
  JwtSettings settings = hmac_settings();
  settings.audience = fixture_string("audience");
  EXPECT_EQ(error_of(settings, fixture_token("hs256_aud_array")), JwtError::none);
  EXPECT_EQ(error_of(settings, fixture_token("hs256_aud_array_other")), JwtError::wrong_audience);
}

TEST(JwtVerifier, token_without_numeric_exp_is_malformed) {
  EXPECT_EQ(error_of(hmac_settings(), fixture_token("hs256_no_exp")), JwtError::malformed);
  EXPECT_EQ(error_of(hmac_settings(), fixture_token("hs256_exp_string")), JwtError::malformed);
}

TEST(JwtVerifier, token_of_two_or_four_parts_is_malformed) {
  const std::string token = fixture_token("hs256_valid");
  EXPECT_EQ(error_of(hmac_settings(), token.substr(0, token.rfind('.'))), JwtError::malformed);
  EXPECT_EQ(error_of(hmac_settings(), token + ".e30"), JwtError::malformed);
  EXPECT_EQ(error_of(hmac_settings(), ""), JwtError::malformed);
  EXPECT_EQ(error_of(hmac_settings(), ".."), JwtError::malformed);
}

TEST(JwtVerifier, token_over_8_kib_is_malformed) {
  const std::string token = fixture_token("hs256_valid");
  const std::string padded_header =
      base64url_encode("{\"alg\":\"HS256\",\"pad\":\"" + std::string(8192, 'x') + "\"}");
  EXPECT_EQ(error_of(hmac_settings(), replace_segment(token, 0, padded_header)), JwtError::malformed);
}

TEST(JwtVerifier, unusable_settings_throw_at_construction) {
  JwtSettings empty_secret;
  EXPECT_THROW(JwtVerifier{empty_secret}, std::invalid_argument);

  JwtSettings settings;
  settings.algorithm = JwtAlgorithm::rs256;
  EXPECT_THROW(JwtVerifier{settings}, std::invalid_argument);
  settings.public_key_pem = "-----BEGIN PUBLIC KEY-----\nnot a key\n-----END PUBLIC KEY-----\n";
  EXPECT_THROW(JwtVerifier{settings}, std::invalid_argument);
  settings.secret = "a secret does not help RS256";
  EXPECT_THROW(JwtVerifier{settings}, std::invalid_argument);
}

TEST(JwtVerifier, public_key_not_matching_the_algorithm_throws_at_construction) {
  EXPECT_THROW(JwtVerifier{public_key_settings(JwtAlgorithm::rs256, "ec_public.pem")}, std::invalid_argument);
  EXPECT_THROW(JwtVerifier{public_key_settings(JwtAlgorithm::es256, "rsa_public.pem")},
               std::invalid_argument);
  EXPECT_THROW(JwtVerifier{public_key_settings(JwtAlgorithm::es256, "ec_p384_public.pem")},
               std::invalid_argument);
  EXPECT_THROW(JwtVerifier{public_key_settings(JwtAlgorithm::rs256, "rsa_1024_public.pem")},
               std::invalid_argument);
}

TEST(JwtAlgorithmName, parses_jose_names_case_sensitively) {
  for (const JwtAlgorithm algorithm : {JwtAlgorithm::hs256, JwtAlgorithm::hs384, JwtAlgorithm::hs512,
                                       JwtAlgorithm::rs256, JwtAlgorithm::es256}) {
    EXPECT_EQ(parse_jwt_algorithm(jwt_algorithm_name(algorithm)), algorithm);
  }
  EXPECT_EQ(parse_jwt_algorithm("hs256"), std::nullopt);
  EXPECT_EQ(parse_jwt_algorithm("none"), std::nullopt);
  EXPECT_TRUE(is_hmac(JwtAlgorithm::hs512));
  EXPECT_FALSE(is_hmac(JwtAlgorithm::rs256));
}

}  // namespace
