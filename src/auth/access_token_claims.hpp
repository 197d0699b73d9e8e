#pragma once

#include <chrono>
#include <string_view>

#include "auth/jwt_verifier.hpp"

namespace nadoo::auth {

/// Applies the contract's rules to the payload of a token whose signature is
/// already verified: a JSON object with a numeric `exp` (required) and `nbf`
/// (optional) checked against `now` with the leeway, `iss` and `aud` when
/// configured, `type` absent or "access", and a non-empty string `sub`.
/// Never call it for a token whose signature failed.
JwtVerification check_access_token_claims(std::string_view payload_json, const JwtSettings& settings,
                                          std::chrono::system_clock::time_point now);

}  // namespace nadoo::auth
