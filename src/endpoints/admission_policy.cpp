#include "endpoints/admission_policy.hpp"

#include <spdlog/spdlog.h>

#include "util/random_id.hpp"

namespace nadoo::endpoints {

Admission AdmissionPolicy::verify(const std::string& token) const {
  const auto verification = verifier_.verify(token);
  if (!verification.ok()) {
    spdlog::info("token refused: {}", auth::describe(verification.error));
    return Admission::invalid_token();
  }
  return Admission::admit(verification.claims->subject);
}

Admission AdmissionPolicy::require_token(const AdmissionRequest& request) const {
  if (!request.token) {
    spdlog::info("token refused: none given");
    return Admission::invalid_token();
  }
  return verify(*request.token);
}

Admission AdmissionPolicy::require_token_of_path_user(const AdmissionRequest& request) const {
  auto admission = require_token(request);
  if (!admission.refusal_reason && admission.user_id != request.resource_id) {
    spdlog::info("token refused: sub does not match the path's user id");
    return Admission::invalid_token();
  }
  return admission;
}

Admission AdmissionPolicy::allow_guest(const AdmissionRequest& request) const {
  if (!request.token) return Admission::admit(util::random_id("guest-", 8));
  return verify(*request.token);
}

}  // namespace nadoo::endpoints
