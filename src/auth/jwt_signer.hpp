#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "auth/jwt_verifier.hpp"

namespace nadoo::auth {

struct AccessTokenRequest {
  std::string subject{};
  std::chrono::seconds time_to_live{3600};
  std::string issuer{};    // added as `iss` when non-empty
  std::string audience{};  // added as `aud` when non-empty
};

/// Mints an HMAC-signed access token (`sub`, `exp`, `iat`, `type: "access"`),
/// as the platform issues them. For development (`nadoo-realtime token`) and
/// tests. Throws std::invalid_argument for a non-HMAC algorithm or an empty secret.
std::string sign_access_token(const JwtSettings& settings, const AccessTokenRequest& request,
                              std::chrono::system_clock::time_point now = std::chrono::system_clock::now());

}  // namespace nadoo::auth
