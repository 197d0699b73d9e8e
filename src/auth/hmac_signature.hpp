#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "auth/jwt_verifier.hpp"

namespace nadoo::auth {

/// An HS256/HS384/HS512 key made ready once: OpenSSL's HMAC and digest are
/// looked up and the key's pads hashed at construction, so that each MAC only
/// hashes its input (a verifier signs every token it checks). Immutable after
/// construction: `sign` may be called from any thread at once.
class HmacKey {
 public:
  /// Throws std::invalid_argument for a non-HMAC algorithm.
  HmacKey(JwtAlgorithm algorithm, std::string_view secret);
  ~HmacKey();
  HmacKey(const HmacKey&) = delete;
  HmacKey& operator=(const HmacKey&) = delete;

  /// The raw MAC of a JWS signing input ("header.payload").
  std::string sign(std::string_view signing_input) const;

 private:
  struct KeyedContext;  // owns the EVP_MAC_CTX; keeps OpenSSL headers out of this header
  std::unique_ptr<KeyedContext> keyed_;
};

/// The raw HS256/HS384/HS512 MAC of a JWS signing input ("header.payload").
/// One implementation for the signer and the verifier, so they cannot drift.
/// Throws std::invalid_argument for a non-HMAC algorithm.
std::string hmac_signature(JwtAlgorithm algorithm, std::string_view secret, std::string_view signing_input);

}  // namespace nadoo::auth
