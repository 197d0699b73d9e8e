#pragma once

#include <optional>
#include <string>

#include "api/http_message.hpp"
#include "auth/api_keys.hpp"
#include "auth/jwt_verifier.hpp"

namespace nadoo::api {

/// Who made a REST call: a server (`X-API-Key`) or a user (`Authorization:
/// Bearer <jwt>`).
class RequestAuthenticator {
 public:
  RequestAuthenticator(const auth::ApiKeys& api_keys, const auth::JwtVerifier& verifier)
      : api_keys_(api_keys), verifier_(verifier) {}

  bool has_valid_api_key(const HttpRequest& request) const;
  /// The user of a valid bearer token; nullopt when absent or invalid.
  std::optional<std::string> bearer_user(const HttpRequest& request) const;

 private:
  const auth::ApiKeys& api_keys_;
  const auth::JwtVerifier& verifier_;
};

}  // namespace nadoo::api
