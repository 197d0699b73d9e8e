#include "auth/access_token_claims.hpp"

#include <algorithm>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <cmath>
#include <optional>

namespace nadoo::auth {
namespace {

namespace json = boost::json;
using Clock = std::chrono::system_clock;
using Seconds = std::chrono::duration<double>;

JwtVerification failure(JwtError error) { return JwtVerification{std::nullopt, error}; }

/// A NumericDate (RFC 7519 §2) as seconds since the epoch; nullopt when the
/// claim is not a finite number (Boost.JSON reads 1e400 as infinity).
std::optional<double> numeric_date(const json::value& claim) {
  if (!claim.is_number()) {
    return std::nullopt;
  }
  const double seconds = claim.to_number<double>();
  if (!std::isfinite(seconds)) {
    return std::nullopt;
  }
  return seconds;
}

/// system_clock (64-bit nanoseconds here) spans about ±292 years and an
/// out-of-range conversion is undefined, so far-off dates saturate; the one
/// second margin absorbs the rounding of the double.
Clock::time_point to_time_point(double seconds_since_epoch) {
  const double limit = Seconds(Clock::duration::max()).count() - 1.0;
  if (seconds_since_epoch >= limit) {
    return Clock::time_point::max();
  }
  if (seconds_since_epoch <= -limit) {
    return Clock::time_point::min();
  }
  return Clock::time_point(std::chrono::duration_cast<Clock::duration>(Seconds(seconds_since_epoch)));
}

bool is_string_equal(const json::value& value, std::string_view expected) {
  return value.is_string() && value.get_string() == expected;
}

bool audience_matches(const json::value& aud, std::string_view expected) {
  if (aud.is_array()) {
    return std::ranges::any_of(
        aud.get_array(), [expected](const json::value& entry) { return is_string_equal(entry, expected); });
  }
  return is_string_equal(aud, expected);
}

}  // namespace

JwtVerification check_access_token_claims(std::string_view payload_json, const JwtSettings& settings,
                                          Clock::time_point now) {
  boost::system::error_code parse_error;
  const json::value payload = json::parse(payload_json, parse_error);
  if (parse_error || !payload.is_object()) {
    return failure(JwtError::malformed);
  }
  const json::object& claims = payload.get_object();
  const double now_seconds = Seconds(now.time_since_epoch()).count();
  const double leeway_seconds = Seconds(settings.leeway).count();

  // A token without a usable `exp` would never expire: it is not a token we issue.
  const json::value* exp_claim = claims.if_contains("exp");
  const std::optional<double> exp = exp_claim ? numeric_date(*exp_claim) : std::nullopt;
  if (!exp) {
    return failure(JwtError::malformed);
  }
  if (now_seconds > *exp + leeway_seconds) {
    return failure(JwtError::expired);
  }

  if (const json::value* nbf_claim = claims.if_contains("nbf")) {
    const std::optional<double> nbf = numeric_date(*nbf_claim);
    if (!nbf) {
      return failure(JwtError::malformed);
    }
    if (now_seconds + leeway_seconds < *nbf) {
      return failure(JwtError::not_yet_valid);
    }
  }

  if (!settings.issuer.empty()) {
    const json::value* iss = claims.if_contains("iss");
    if (!iss || !is_string_equal(*iss, settings.issuer)) {
      return failure(JwtError::wrong_issuer);
    }
  }

  if (!settings.audience.empty()) {
    const json::value* aud = claims.if_contains("aud");
    if (!aud || !audience_matches(*aud, settings.audience)) {
      return failure(JwtError::wrong_audience);
    }
  }

  // The platform also issues refresh tokens with the same key; only access tokens open a connection.
  if (const json::value* type = claims.if_contains("type"); type && !is_string_equal(*type, "access")) {
    return failure(JwtError::wrong_token_type);
  }

  const json::value* sub = claims.if_contains("sub");
  if (!sub || !sub->is_string() || sub->get_string().empty()) {
    return failure(JwtError::missing_subject);
  }

  return JwtVerification{TokenClaims{std::string(sub->get_string()), to_time_point(*exp)}, JwtError::none};
}

}  // namespace nadoo::auth
