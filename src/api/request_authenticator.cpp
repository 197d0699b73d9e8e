#include "api/request_authenticator.hpp"

#include <spdlog/spdlog.h>

namespace nadoo::api {

bool RequestAuthenticator::has_valid_api_key(const HttpRequest& request) const {
  const auto* key = request.header("x-api-key");
  return key && api_keys_.accepts(*key);
}

std::optional<std::string> RequestAuthenticator::bearer_user(const HttpRequest& request) const {
  const auto* header = request.header("authorization");
  constexpr std::string_view scheme = "Bearer ";
  if (!header || !header->starts_with(scheme)) return std::nullopt;
  const auto verification = verifier_.verify(std::string_view(*header).substr(scheme.size()));
  if (!verification.ok()) {
    spdlog::info("bearer token refused: {}", auth::describe(verification.error));
    return std::nullopt;
  }
  return verification.claims->subject;
}

}  // namespace nadoo::api
