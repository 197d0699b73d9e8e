#include "auth/jwt_verifier.hpp"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pem.h>

#include <array>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <climits>
#include <stdexcept>
#include <utility>

#include "auth/access_token_claims.hpp"
#include "auth/base64url.hpp"
#include "auth/hmac_signature.hpp"

namespace nadoo::auth {
namespace {

// Real access tokens are a few hundred bytes; the cap bounds the work an
// attacker can make us do before the signature is checked.
constexpr std::size_t max_token_bytes = std::size_t{8} * 1024;
// RFC 7518 §3.3: RS256 keys of fewer bits MUST NOT be used.
constexpr int min_rsa_key_bits = 2048;
// RFC 7518 §3.4: ES256 signs with the fixed-width r || s, 32 bytes each.
constexpr std::size_t es256_coordinate_bytes = 32;

struct AlgorithmName {
  JwtAlgorithm algorithm;
  std::string_view name;
};

constexpr std::array<AlgorithmName, 5> algorithm_names{{
    {JwtAlgorithm::hs256, "HS256"},
    {JwtAlgorithm::hs384, "HS384"},
    {JwtAlgorithm::hs512, "HS512"},
    {JwtAlgorithm::rs256, "RS256"},
    {JwtAlgorithm::es256, "ES256"},
}};

struct EvpPkeyFree {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
struct BioFree {
  void operator()(BIO* bio) const { BIO_free(bio); }
};
struct EvpMdCtxFree {
  void operator()(EVP_MD_CTX* context) const { EVP_MD_CTX_free(context); }
};
struct BignumFree {
  void operator()(BIGNUM* number) const { BN_free(number); }
};
struct EcdsaSigFree {
  void operator()(ECDSA_SIG* signature) const { ECDSA_SIG_free(signature); }
};

/// A compact JWS with its three segments decoded.
struct DecodedJws {
  std::string_view signing_input;  // "header.payload" as sent: what was signed
  std::string header;
  std::string payload;
  std::string signature;
};

JwtVerification failure(JwtError error) { return JwtVerification{std::nullopt, error}; }

std::optional<DecodedJws> decode_compact(std::string_view token) {
  if (token.size() > max_token_bytes) {
    return std::nullopt;
  }
  const std::size_t first_dot = token.find('.');
  if (first_dot == std::string_view::npos) {
    return std::nullopt;
  }
  const std::size_t second_dot = token.find('.', first_dot + 1);
  if (second_dot == std::string_view::npos || token.find('.', second_dot + 1) != std::string_view::npos) {
    return std::nullopt;
  }
  std::optional<std::string> header = base64url_decode(token.substr(0, first_dot));
  std::optional<std::string> payload =
      base64url_decode(token.substr(first_dot + 1, second_dot - first_dot - 1));
  std::optional<std::string> signature = base64url_decode(token.substr(second_dot + 1));
  if (!header || !payload || !signature) {
    return std::nullopt;
  }
  return DecodedJws{token.substr(0, second_dot), std::move(*header), std::move(*payload),
                    std::move(*signature)};
}

JwtError check_header(std::string_view header_json, JwtAlgorithm expected) {
  boost::system::error_code parse_error;
  const boost::json::value header = boost::json::parse(header_json, parse_error);
  if (parse_error || !header.is_object()) {
    return JwtError::malformed;
  }
  const boost::json::value* alg = header.get_object().if_contains("alg");
  if (!alg || !alg->is_string()) {
    return JwtError::malformed;
  }
  if (alg->get_string() != jwt_algorithm_name(expected)) {
    return JwtError::wrong_algorithm;
  }
  // RFC 7515 §4.1.11: a token that needs an extension we do not implement
  // (we implement none) must be rejected.
  if (header.get_object().contains("crit")) {
    return JwtError::malformed;
  }
  return JwtError::none;
}

bool is_p256(EVP_PKEY* key) {
  std::array<char, 64> group{};
  std::size_t group_length = 0;
  return EVP_PKEY_get_group_name(key, group.data(), group.size(), &group_length) == 1 &&
         OBJ_sn2nid(group.data()) == NID_X9_62_prime256v1;
}

std::unique_ptr<EVP_PKEY, EvpPkeyFree> read_public_key(std::string_view pem, JwtAlgorithm algorithm) {
  if (pem.empty() || pem.size() > INT_MAX) {
    throw std::invalid_argument("JWT public key PEM is empty or too large");
  }
  std::unique_ptr<BIO, BioFree> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (!bio) {
    throw std::runtime_error("OpenSSL BIO_new_mem_buf failed");
  }
  std::unique_ptr<EVP_PKEY, EvpPkeyFree> key(PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr));
  // A failed read leaves errors on this thread's queue; do not let them be
  // blamed on the next, unrelated OpenSSL call.
  ERR_clear_error();
  if (!key) {
    throw std::invalid_argument("JWT public key is not a readable PEM SubjectPublicKeyInfo");
  }
  switch (algorithm) {
    case JwtAlgorithm::rs256:
      if (EVP_PKEY_is_a(key.get(), "RSA") != 1 || EVP_PKEY_get_bits(key.get()) < min_rsa_key_bits) {
        throw std::invalid_argument("RS256 needs an RSA public key of at least 2048 bits");
      }
      return key;
    case JwtAlgorithm::es256:
      if (EVP_PKEY_is_a(key.get(), "EC") != 1 || !is_p256(key.get())) {
        throw std::invalid_argument("ES256 needs an EC P-256 public key");
      }
      return key;
    case JwtAlgorithm::hs256:
    case JwtAlgorithm::hs384:
    case JwtAlgorithm::hs512:
      break;
  }
  throw std::invalid_argument("not a public-key JWT algorithm");
}

/// RFC 7518 §3.4's r || s as the DER ECDSA-Sig-Value OpenSSL verifies;
/// nullopt when the signature is not exactly 64 bytes (a DER one included).
std::optional<std::string> es256_signature_to_der(std::string_view raw) {
  if (raw.size() != 2 * es256_coordinate_bytes) {
    return std::nullopt;
  }
  const auto* bytes = reinterpret_cast<const unsigned char*>(raw.data());
  std::unique_ptr<BIGNUM, BignumFree> r(BN_bin2bn(bytes, es256_coordinate_bytes, nullptr));
  std::unique_ptr<BIGNUM, BignumFree> s(
      BN_bin2bn(bytes + es256_coordinate_bytes, es256_coordinate_bytes, nullptr));
  std::unique_ptr<ECDSA_SIG, EcdsaSigFree> signature(ECDSA_SIG_new());
  if (!r || !s || !signature || ECDSA_SIG_set0(signature.get(), r.get(), s.get()) != 1) {
    throw std::runtime_error("OpenSSL could not build an ECDSA signature");
  }
  // ECDSA_SIG_set0 took ownership of r and s.
  static_cast<void>(r.release());
  static_cast<void>(s.release());
  unsigned char* der = nullptr;
  const int der_length = i2d_ECDSA_SIG(signature.get(), &der);
  if (der_length <= 0) {
    throw std::runtime_error("OpenSSL could not DER-encode an ECDSA signature");
  }
  std::string der_signature(reinterpret_cast<const char*>(der), static_cast<std::size_t>(der_length));
  OPENSSL_free(der);
  return der_signature;
}

bool digest_verify_sha256(EVP_PKEY* key, std::string_view signing_input, std::string_view signature) {
  std::unique_ptr<EVP_MD_CTX, EvpMdCtxFree> context(EVP_MD_CTX_new());
  if (!context || EVP_DigestVerifyInit(context.get(), nullptr, EVP_sha256(), nullptr, key) != 1) {
    throw std::runtime_error("OpenSSL EVP_DigestVerifyInit failed");
  }
  const bool valid =
      EVP_DigestVerify(context.get(), reinterpret_cast<const unsigned char*>(signature.data()),
                       signature.size(), reinterpret_cast<const unsigned char*>(signing_input.data()),
                       signing_input.size()) == 1;
  // A forged signature leaves errors on this thread's queue.
  ERR_clear_error();
  return valid;
}

}  // namespace

struct JwtVerifier::PublicKey {
  std::unique_ptr<EVP_PKEY, EvpPkeyFree> key;
};

std::optional<JwtAlgorithm> parse_jwt_algorithm(std::string_view name) {
  for (const AlgorithmName& entry : algorithm_names) {
    if (entry.name == name) {
      return entry.algorithm;
    }
  }
  return std::nullopt;
}

std::string_view jwt_algorithm_name(JwtAlgorithm algorithm) {
  for (const AlgorithmName& entry : algorithm_names) {
    if (entry.algorithm == algorithm) {
      return entry.name;
    }
  }
  return "unknown";  // only for a value cast into the enum from outside it
}

bool is_hmac(JwtAlgorithm algorithm) {
  return algorithm == JwtAlgorithm::hs256 || algorithm == JwtAlgorithm::hs384 ||
         algorithm == JwtAlgorithm::hs512;
}

std::string_view describe(JwtError error) {
  switch (error) {
    case JwtError::none:
      return "valid";
    case JwtError::malformed:
      return "malformed token";
    case JwtError::wrong_algorithm:
      return "unexpected signature algorithm";
    case JwtError::bad_signature:
      return "invalid signature";
    case JwtError::expired:
      return "token expired";
    case JwtError::not_yet_valid:
      return "token not yet valid";
    case JwtError::wrong_issuer:
      return "wrong issuer";
    case JwtError::wrong_audience:
      return "wrong audience";
    case JwtError::wrong_token_type:
      return "not an access token";
    case JwtError::missing_subject:
      return "missing subject";
  }
  return "unknown error";  // only for a value cast into the enum from outside it
}

JwtVerifier::JwtVerifier(JwtSettings settings) : settings_(std::move(settings)) {
  if (is_hmac(settings_.algorithm)) {
    if (settings_.secret.empty()) {
      throw std::invalid_argument("JWT secret is empty");
    }
    hmac_key_ = std::make_unique<HmacKey>(settings_.algorithm, settings_.secret);
    return;
  }
  public_key_ =
      std::make_unique<PublicKey>(PublicKey{read_public_key(settings_.public_key_pem, settings_.algorithm)});
}

JwtVerifier::~JwtVerifier() = default;

JwtVerification JwtVerifier::verify(std::string_view token, std::chrono::system_clock::time_point now) const {
  const std::optional<DecodedJws> jws = decode_compact(token);
  if (!jws) {
    return failure(JwtError::malformed);
  }
  if (const JwtError header_error = check_header(jws->header, settings_.algorithm);
      header_error != JwtError::none) {
    return failure(header_error);
  }

  bool signature_valid = false;
  if (is_hmac(settings_.algorithm)) {
    const std::string expected = hmac_key_->sign(jws->signing_input);
    // Constant time, so the comparison does not reveal how much of a forged MAC is right.
    signature_valid = jws->signature.size() == expected.size() &&
                      CRYPTO_memcmp(jws->signature.data(), expected.data(), expected.size()) == 0;
  } else if (settings_.algorithm == JwtAlgorithm::rs256) {
    signature_valid = digest_verify_sha256(public_key_->key.get(), jws->signing_input, jws->signature);
  } else {
    const std::optional<std::string> der_signature = es256_signature_to_der(jws->signature);
    signature_valid =
        der_signature && digest_verify_sha256(public_key_->key.get(), jws->signing_input, *der_signature);
  }
  if (!signature_valid) {
    return failure(JwtError::bad_signature);
  }

  return check_access_token_claims(jws->payload, settings_, now);
}

}  // namespace nadoo::auth
