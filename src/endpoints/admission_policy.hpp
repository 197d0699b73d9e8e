#pragma once

#include "auth/jwt_verifier.hpp"
#include "endpoints/endpoint.hpp"

namespace nadoo::endpoints {

/// The contract's token rules, shared by the endpoint families. Failures are
/// logged with their reason, never with the token.
class AdmissionPolicy {
 public:
  explicit AdmissionPolicy(const auth::JwtVerifier& verifier) : verifier_(verifier) {}

  /// A valid token is required; its `sub` is the user.
  Admission require_token(const AdmissionRequest& request) const;
  /// A valid token is required and its `sub` must equal the path's id.
  Admission require_token_of_path_user(const AdmissionRequest& request) const;
  /// No token makes an anonymous guest (`guest-<random>`); a present token
  /// must still be valid.
  Admission allow_guest(const AdmissionRequest& request) const;

 private:
  Admission verify(const std::string& token) const;

  const auth::JwtVerifier& verifier_;
};

}  // namespace nadoo::endpoints
