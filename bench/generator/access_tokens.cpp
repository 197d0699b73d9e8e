#include "access_tokens.hpp"

#include "auth/jwt_signer.hpp"

namespace nadoo::bench {

std::string mint_access_token(const std::string& jwt_secret, const std::string& user_id) {
  auth::JwtSettings settings;
  settings.algorithm = auth::JwtAlgorithm::hs256;
  settings.secret = jwt_secret;
  return auth::sign_access_token(
      settings, {.subject = user_id, .time_to_live = std::chrono::seconds(access_token_lifetime_seconds)});
}

}  // namespace nadoo::bench
