// util/ holds small helpers shared by several parts.
#pragma once

#include <cstddef>
#include <string_view>

namespace nadoo::util {

/// Longest id accepted in a path or a message: a UUID is 36, a prefixed one a little more.
inline constexpr std::size_t max_resource_id_length = 128;

/// Ids of sessions, users, workspaces, executions, applications, chats:
/// 1–128 characters of [A-Za-z0-9._~:@+-], neither `.` nor `..`, safe in
/// paths, logs and keys.
bool is_valid_resource_id(std::string_view id);

}  // namespace nadoo::util
