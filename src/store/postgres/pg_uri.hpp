// PostgreSQL connection URIs as the operator writes them for --store.
#pragma once

#include <string>
#include <string_view>

namespace nadoo::store::postgres {

/// Whether `store` is a libpq connection URI (`postgresql://` or `postgres://`).
bool is_postgres_uri(std::string_view store);

/// The URI with its password (in the user part or a `password=` parameter)
/// replaced by `***`, for the log.
std::string with_masked_password(std::string_view uri);

}  // namespace nadoo::store::postgres
