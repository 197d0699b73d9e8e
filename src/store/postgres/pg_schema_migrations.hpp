// The PostgreSQL schema, versioned: each migration is applied once, in order,
// whichever node gets there first.
#pragma once

#include "store/postgres/pg_connection.hpp"

namespace nadoo::store::postgres {

inline constexpr int latest_schema_version = 1;

/// Brings the database to `target_version` in one transaction under a
/// transaction-scoped advisory lock: of several nodes starting at once, the
/// first migrates and the others, once they get the lock, find nothing left
/// to do. Throws StoreError for a database newer than this server.
void migrate(Connection& connection, int target_version = latest_schema_version);

/// The highest migration applied (0 for an empty database).
int schema_version(Connection& connection);

}  // namespace nadoo::store::postgres
