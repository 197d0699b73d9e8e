#include "auth/hmac_signature.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <array>
#include <climits>
#include <stdexcept>

namespace nadoo::auth {
namespace {

const EVP_MD* hmac_digest(JwtAlgorithm algorithm) {
  switch (algorithm) {
    case JwtAlgorithm::hs256:
      return EVP_sha256();
    case JwtAlgorithm::hs384:
      return EVP_sha384();
    case JwtAlgorithm::hs512:
      return EVP_sha512();
    case JwtAlgorithm::rs256:
    case JwtAlgorithm::es256:
      break;
  }
  throw std::invalid_argument("not an HMAC algorithm: " + std::string(jwt_algorithm_name(algorithm)));
}

}  // namespace

std::string hmac_signature(JwtAlgorithm algorithm, std::string_view secret, std::string_view signing_input) {
  const EVP_MD* digest = hmac_digest(algorithm);
  // HMAC() takes the key length as an int.
  if (secret.size() > INT_MAX) {
    throw std::invalid_argument("HMAC secret too long");
  }
  std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
  unsigned int mac_length = 0;
  if (HMAC(digest, secret.data(), static_cast<int>(secret.size()),
           reinterpret_cast<const unsigned char*>(signing_input.data()), signing_input.size(), mac.data(),
           &mac_length) == nullptr) {
    throw std::runtime_error("OpenSSL HMAC failed");
  }
  return {reinterpret_cast<const char*>(mac.data()), mac_length};
}

}  // namespace nadoo::auth
