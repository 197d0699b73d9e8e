// Connection URIs (PostgreSQL, Redis) as they may appear in the log.
#pragma once

#include <string>
#include <string_view>

namespace nadoo::util {

/// The URI with its password (in the user part or a `password=` parameter)
/// replaced by `***`, for the log.
std::string with_masked_password(std::string_view uri);

}  // namespace nadoo::util
