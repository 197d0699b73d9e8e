#pragma once
// Access tokens for the generator's users, minted before a measured phase so
// that signing never counts in a handshake's time.

#include <string>

namespace nadoo::bench {

/// Tokens live this long: longer than any bounded run.
constexpr int access_token_lifetime_seconds = 3600;

/// An HS256 access token (sub, exp, iat, type=access) as the platform issues
/// them, signed by the server's own signer. Never print it.
std::string mint_access_token(const std::string& jwt_secret, const std::string& user_id);

}  // namespace nadoo::bench
