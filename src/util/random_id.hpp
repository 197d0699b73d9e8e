#pragma once

#include <string>
#include <string_view>

namespace nadoo::util {

/// `prefix` followed by 32 hex digits from the CSPRNG (128 bits): ids that
/// nobody can guess or collide with (`msg_…`, `chat_…`, `guest-…`).
std::string random_id(std::string_view prefix, std::size_t random_bytes = 16);

/// Whether `id` has the shape random_id(prefix, random_bytes) gives: a client
/// naming an id of ours (a cursor) can be told at once that it cannot be one.
bool is_random_id(std::string_view id, std::string_view prefix, std::size_t random_bytes = 16);

}  // namespace nadoo::util
