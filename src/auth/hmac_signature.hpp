#pragma once

#include <string>
#include <string_view>

#include "auth/jwt_verifier.hpp"

namespace nadoo::auth {

/// The raw HS256/HS384/HS512 MAC of a JWS signing input ("header.payload").
/// One implementation for the signer and the verifier, so they cannot drift.
/// Throws std::invalid_argument for a non-HMAC algorithm.
std::string hmac_signature(JwtAlgorithm algorithm, std::string_view secret, std::string_view signing_input);

}  // namespace nadoo::auth
