#pragma once

#include <string_view>

namespace nadoo::util {

/// Whether `text` is well-formed UTF-8 (RFC 3629: no overlong forms, no
/// surrogates, nothing past U+10FFFF), as RFC 6455 requires of text messages
/// and close reasons, and PostgreSQL of query text. Written here because none of our libraries exposes a
/// validator outside its internals; ASCII runs are checked 8 bytes at a time.
bool is_valid_utf8(std::string_view text);

}  // namespace nadoo::util
