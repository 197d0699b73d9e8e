#include "auth/api_keys.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <stdexcept>

namespace nadoo::auth {

ApiKeys::ApiKeys(const std::vector<std::string>& keys) {
  for (const auto& key : keys) {
    if (!key.empty()) digests_.push_back(digest_of(key));
  }
}

ApiKeys::Digest ApiKeys::digest_of(std::string_view key) {
  Digest digest{};
  unsigned int length = 0;
  if (EVP_Digest(key.data(), key.size(), digest.data(), &length, EVP_sha256(), nullptr) != 1) {
    throw std::runtime_error("EVP_Digest(SHA-256) failed");
  }
  return digest;
}

bool ApiKeys::accepts(std::string_view presented) const {
  const auto presented_digest = digest_of(presented);
  bool accepted = false;
  // Every key is compared, so the time taken does not tell which one matched.
  for (const auto& digest : digests_) {
    accepted |= CRYPTO_memcmp(digest.data(), presented_digest.data(), digest.size()) == 0;
  }
  return accepted;
}

}  // namespace nadoo::auth
