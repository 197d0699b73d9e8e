#include "auth/hmac_signature.hpp"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include <array>
#include <stdexcept>

namespace nadoo::auth {
namespace {

const char* hmac_digest_name(JwtAlgorithm algorithm) {
  switch (algorithm) {
    case JwtAlgorithm::hs256:
      return "SHA256";
    case JwtAlgorithm::hs384:
      return "SHA384";
    case JwtAlgorithm::hs512:
      return "SHA512";
    case JwtAlgorithm::rs256:
    case JwtAlgorithm::es256:
      break;
  }
  throw std::invalid_argument("not an HMAC algorithm: " + std::string(jwt_algorithm_name(algorithm)));
}

struct EvpMacFree {
  void operator()(EVP_MAC* mac) const { EVP_MAC_free(mac); }
};
struct EvpMacCtxFree {
  void operator()(EVP_MAC_CTX* context) const { EVP_MAC_CTX_free(context); }
};
using MacContext = std::unique_ptr<EVP_MAC_CTX, EvpMacCtxFree>;

}  // namespace

struct HmacKey::KeyedContext {
  MacContext context;
};

HmacKey::HmacKey(JwtAlgorithm algorithm, std::string_view secret) {
  const char* digest = hmac_digest_name(algorithm);
  const std::unique_ptr<EVP_MAC, EvpMacFree> mac(EVP_MAC_fetch(nullptr, OSSL_MAC_NAME_HMAC, nullptr));
  MacContext context(mac ? EVP_MAC_CTX_new(mac.get()) : nullptr);
  const std::array<OSSL_PARAM, 2> parameters{
      OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, const_cast<char*>(digest), 0),
      OSSL_PARAM_construct_end()};
  if (!context || EVP_MAC_init(context.get(), reinterpret_cast<const unsigned char*>(secret.data()),
                               secret.size(), parameters.data()) != 1) {
    throw std::runtime_error("OpenSSL HMAC setup failed");
  }
  keyed_ = std::make_unique<KeyedContext>(KeyedContext{std::move(context)});
}

HmacKey::~HmacKey() = default;

std::string HmacKey::sign(std::string_view signing_input) const {
  // A copy of the keyed context per MAC: the original is only read, so
  // threads can sign at once.
  const MacContext context(EVP_MAC_CTX_dup(keyed_->context.get()));
  std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
  std::size_t mac_length = 0;
  if (!context ||
      EVP_MAC_update(context.get(), reinterpret_cast<const unsigned char*>(signing_input.data()),
                     signing_input.size()) != 1 ||
      EVP_MAC_final(context.get(), mac.data(), &mac_length, mac.size()) != 1) {
    throw std::runtime_error("OpenSSL HMAC failed");
  }
  return {reinterpret_cast<const char*>(mac.data()), mac_length};
}

std::string hmac_signature(JwtAlgorithm algorithm, std::string_view secret, std::string_view signing_input) {
  return HmacKey(algorithm, secret).sign(signing_input);
}

}  // namespace nadoo::auth
