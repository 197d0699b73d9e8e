#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace nadoo::auth {

/// Base64url without padding (RFC 7515 §2), the encoding of every JWS segment.
std::string base64url_encode(std::string_view bytes);

/// Strict inverse of base64url_encode: nullopt for '=' padding, characters
/// outside the URL-safe alphabet, a length no encoder produces (4n + 1) and
/// non-zero unused bits in the last character. Being strict gives every byte
/// string exactly one accepted text, so a signature cannot be re-spelled.
std::optional<std::string> base64url_decode(std::string_view text);

}  // namespace nadoo::auth
