// auth/ owns who a connection is: JWT access tokens and server-to-server API keys.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace nadoo::auth {

/// The signature algorithms the platform issues tokens with. The algorithm is
/// fixed by configuration, never taken from the token's own header.
enum class JwtAlgorithm { hs256, hs384, hs512, rs256, es256 };

/// "HS256" → hs256, case-sensitive as in JOSE; nullopt for anything else.
std::optional<JwtAlgorithm> parse_jwt_algorithm(std::string_view name);
std::string_view jwt_algorithm_name(JwtAlgorithm algorithm);
bool is_hmac(JwtAlgorithm algorithm);

struct JwtSettings {
  JwtAlgorithm algorithm = JwtAlgorithm::hs256;
  /// HMAC secret for HS256/HS384/HS512.
  std::string secret;
  /// PEM public key (SubjectPublicKeyInfo) for RS256/ES256.
  std::string public_key_pem;
  /// `iss` must equal this when non-empty.
  std::string issuer;
  /// `aud` (string or array) must contain this when non-empty.
  std::string audience;
  /// Clock skew tolerated on `exp` and `nbf`; 30 s covers ordinary NTP drift.
  std::chrono::seconds leeway{30};
};

/// What a valid access token tells us.
struct TokenClaims {
  std::string subject;  // `sub`: the user id
  std::chrono::system_clock::time_point expires_at;
};

enum class JwtError {
  none,
  malformed,        // not three base64url parts, bad JSON, wrong claim types
  wrong_algorithm,  // header `alg` differs from the configured algorithm (incl. `none`)
  bad_signature,
  expired,        // `exp` in the past (beyond leeway); a missing or non-numeric `exp` is malformed
  not_yet_valid,  // `nbf` in the future (beyond leeway)
  wrong_issuer,
  wrong_audience,
  wrong_token_type,  // `type` present and not "access"
  missing_subject,   // no non-empty string `sub`
};

/// A short reason for logs; never contains the token.
std::string_view describe(JwtError error);

struct JwtVerification {
  std::optional<TokenClaims> claims;
  JwtError error = JwtError::none;
  bool ok() const { return claims.has_value(); }
};

class HmacKey;  // auth/hmac_signature.hpp

/// Verifies compact JWS access tokens with OpenSSL 3 (EVP) and reads the
/// claims with Boost.JSON. Immutable after construction: `verify` may be
/// called from any thread at once.
class JwtVerifier {
 public:
  /// Throws std::invalid_argument when the settings cannot verify anything
  /// (empty HMAC secret, unreadable PEM key, key type not matching the algorithm).
  explicit JwtVerifier(JwtSettings settings);
  ~JwtVerifier();
  JwtVerifier(const JwtVerifier&) = delete;
  JwtVerifier& operator=(const JwtVerifier&) = delete;

  JwtVerification verify(std::string_view token,
                         std::chrono::system_clock::time_point now = std::chrono::system_clock::now()) const;

  const JwtSettings& settings() const { return settings_; }

 private:
  struct PublicKey;  // owns the EVP_PKEY; keeps OpenSSL headers out of this header
  JwtSettings settings_;
  std::unique_ptr<PublicKey> public_key_;
  std::unique_ptr<HmacKey> hmac_key_;  // HS* algorithms: the key made ready once
};

}  // namespace nadoo::auth
