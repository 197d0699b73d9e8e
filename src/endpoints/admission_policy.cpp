#include "endpoints/admission_policy.hpp"

#include <openssl/rand.h>
#include <spdlog/spdlog.h>

#include <array>

namespace nadoo::endpoints {
namespace {

std::string random_guest_id() {
  std::array<unsigned char, 8> bytes{};
  if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) {
    throw std::runtime_error("RAND_bytes failed: no entropy for a guest id");
  }
  static constexpr char hex[] = "0123456789abcdef";
  std::string id = "guest-";
  for (unsigned char byte : bytes) {
    id += hex[byte >> 4];
    id += hex[byte & 0xf];
  }
  return id;
}

}  // namespace

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
  if (!request.token) return Admission::admit(random_guest_id());
  return verify(*request.token);
}

}  // namespace nadoo::endpoints
