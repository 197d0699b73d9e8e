#include "auth/jwt_signer.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <optional>
#include <stdexcept>

#include "auth/base64url.hpp"
#include "auth/jwt_verifier.hpp"

namespace {

using namespace nadoo::auth;
using namespace std::chrono_literals;
using Clock = std::chrono::system_clock;

JwtSettings hmac_settings(JwtAlgorithm algorithm = JwtAlgorithm::hs256) {
  JwtSettings settings;
  settings.algorithm = algorithm;
  settings.secret = "signer-test-secret";
  return settings;
}

// Built field by field: designated initializers that omit the std::string
// fields trip GCC's -Wmissing-field-initializers.
AccessTokenRequest request_for(std::string subject, std::chrono::seconds time_to_live = 1h) {
  AccessTokenRequest request;
  request.subject = std::move(subject);
  request.time_to_live = time_to_live;
  return request;
}

boost::json::object decode_segment(const std::string& token, int segment) {
  std::size_t begin = 0;
  for (int i = 0; i < segment; ++i) {
    begin = token.find('.', begin) + 1;
  }
  const std::size_t end = token.find('.', begin);
  const std::optional<std::string> json =
      base64url_decode(std::string_view(token).substr(begin, end - begin));
  if (!json) {
    throw std::runtime_error("segment is not base64url");
  }
  return boost::json::parse(*json).as_object();
}

TEST(JwtSigner, signed_token_passes_the_verifier_for_every_hmac_algorithm) {
  // A whole second, as the token carries whole seconds.
  const Clock::time_point now = Clock::time_point(1'800'000'000s);
  for (const JwtAlgorithm algorithm : {JwtAlgorithm::hs256, JwtAlgorithm::hs384, JwtAlgorithm::hs512}) {
    const std::string token = sign_access_token(hmac_settings(algorithm), request_for("user-7"), now);
    const JwtVerification result = JwtVerifier(hmac_settings(algorithm)).verify(token, now);
    ASSERT_TRUE(result.ok()) << jwt_algorithm_name(algorithm) << ": " << describe(result.error);
    EXPECT_EQ(result.claims->subject, "user-7");
    EXPECT_EQ(result.claims->expires_at, now + 1h);
  }
}

TEST(JwtSigner, signed_token_has_jwt_header_and_access_claims) {
  const Clock::time_point now = Clock::time_point(1'800'000'000s);
  const std::string token =
      sign_access_token(hmac_settings(JwtAlgorithm::hs384), request_for("user-7", 60s), now);
  EXPECT_EQ(decode_segment(token, 0), (boost::json::object{{"alg", "HS384"}, {"typ", "JWT"}}));
  EXPECT_EQ(decode_segment(token, 1),
            (boost::json::object{
                {"sub", "user-7"}, {"iat", 1'800'000'000}, {"exp", 1'800'000'060}, {"type", "access"}}));
}

TEST(JwtSigner, issuer_and_audience_satisfy_a_verifier_that_requires_them) {
  const Clock::time_point now = Clock::now();
  AccessTokenRequest request = request_for("user-7");
  request.issuer = "nadoo";
  request.audience = "realtime";
  const std::string token = sign_access_token(hmac_settings(), request, now);
  JwtSettings settings = hmac_settings();
  settings.issuer = "nadoo";
  settings.audience = "realtime";
  EXPECT_TRUE(JwtVerifier(settings).verify(token, now).ok());
}

TEST(JwtSigner, signed_token_expires_after_its_time_to_live) {
  const Clock::time_point now = Clock::time_point(1'800'000'000s);
  const std::string token = sign_access_token(hmac_settings(), request_for("user-7", 60s), now);
  const JwtVerifier verifier(hmac_settings());
  EXPECT_TRUE(verifier.verify(token, now + 60s + verifier.settings().leeway).ok());
  EXPECT_EQ(verifier.verify(token, now + 61s + verifier.settings().leeway).error, JwtError::expired);
}

TEST(JwtSigner, token_signed_with_one_secret_fails_with_another) {
  const std::string token = sign_access_token(hmac_settings(), request_for("user-7"));
  JwtSettings other = hmac_settings();
  other.secret = "another-secret";
  EXPECT_EQ(JwtVerifier(other).verify(token).error, JwtError::bad_signature);
}

TEST(JwtSigner, refuses_public_key_algorithms_and_an_empty_secret) {
  JwtSettings rs256 = hmac_settings();
  rs256.algorithm = JwtAlgorithm::rs256;
  EXPECT_THROW(sign_access_token(rs256, request_for("user-7")), std::invalid_argument);
  JwtSettings no_secret = hmac_settings();
  no_secret.secret.clear();
  EXPECT_THROW(sign_access_token(no_secret, request_for("user-7")), std::invalid_argument);
}

}  // namespace
