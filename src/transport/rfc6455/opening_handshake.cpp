#include "transport/rfc6455/opening_handshake.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <array>
#include <stdexcept>

namespace nadoo::transport::rfc6455 {
namespace {

/// Appended to the client's key before hashing (RFC 6455 §1.3).
constexpr std::string_view accept_guid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
/// A key is 16 random bytes in base64: 22 characters and "==".
constexpr std::size_t key_characters = 24;

bool is_base64_character(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/';
}

bool is_valid_key(std::string_view key) {
  return key.size() == key_characters && key.ends_with("==") &&
         std::all_of(key.begin(), key.end() - 2, is_base64_character);
}

std::string accept_value(std::string_view key) {
  std::string keyed(key);
  keyed += accept_guid;
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int digest_bytes = 0;
  if (EVP_Digest(keyed.data(), keyed.size(), digest.data(), &digest_bytes, EVP_sha1(), nullptr) != 1) {
    throw std::runtime_error("SHA-1 unavailable for the WebSocket handshake");
  }
  std::array<unsigned char, 4 * ((EVP_MAX_MD_SIZE + 2) / 3) + 1> encoded{};
  const int encoded_bytes = EVP_EncodeBlock(encoded.data(), digest.data(), static_cast<int>(digest_bytes));
  return {reinterpret_cast<const char*>(encoded.data()), static_cast<std::size_t>(encoded_bytes)};
}

}  // namespace

std::optional<HandshakeRefusal> check_upgrade_headers(std::string_view version, std::string_view key) {
  if (version != "13") {
    return HandshakeRefusal{
        426, "Unsupported WebSocket version: 13 is required", {"Sec-WebSocket-Version", "13"}};
  }
  if (!is_valid_key(key)) return HandshakeRefusal{400, "Invalid Sec-WebSocket-Key"};
  return std::nullopt;
}

std::string switching_protocols_response(std::string_view key) {
  std::string response =
      "HTTP/1.1 101 Switching Protocols\r\n"
      "Upgrade: websocket\r\n"
      "Connection: Upgrade\r\n"
      "Server: nadoo-realtime\r\n"
      "Sec-WebSocket-Accept: ";
  response += accept_value(key);
  response += "\r\n\r\n";
  return response;
}

}  // namespace nadoo::transport::rfc6455
