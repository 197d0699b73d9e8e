#include "auth/jwt_signer.hpp"

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <cstdint>
#include <stdexcept>

#include "auth/base64url.hpp"
#include "auth/hmac_signature.hpp"

namespace nadoo::auth {

std::string sign_access_token(const JwtSettings& settings, const AccessTokenRequest& request,
                              std::chrono::system_clock::time_point now) {
  if (!is_hmac(settings.algorithm)) {
    throw std::invalid_argument("only HMAC access tokens can be signed here");
  }
  if (settings.secret.empty()) {
    throw std::invalid_argument("JWT secret is empty");
  }

  // NumericDate is whole seconds (RFC 7519 §2).
  const std::int64_t issued_at = std::chrono::floor<std::chrono::seconds>(now.time_since_epoch()).count();
  boost::json::object payload{
      {"sub", request.subject},
      {"iat", issued_at},
      {"exp", issued_at + request.time_to_live.count()},
      {"type", "access"},
  };
  if (!request.issuer.empty()) {
    payload["iss"] = request.issuer;
  }
  if (!request.audience.empty()) {
    payload["aud"] = request.audience;
  }
  const boost::json::object header{{"alg", jwt_algorithm_name(settings.algorithm)}, {"typ", "JWT"}};

  std::string token = base64url_encode(boost::json::serialize(header));
  token += '.';
  token += base64url_encode(boost::json::serialize(payload));
  const std::string signature = hmac_signature(settings.algorithm, settings.secret, token);
  token += '.';
  token += base64url_encode(signature);
  return token;
}

}  // namespace nadoo::auth
