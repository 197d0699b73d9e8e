// PostgreSQL connection URIs as the operator writes them for --store.
#pragma once

#include <string_view>

namespace nadoo::store::postgres {

/// Whether `store` is a libpq connection URI (`postgresql://` or `postgres://`).
bool is_postgres_uri(std::string_view store);

}  // namespace nadoo::store::postgres
