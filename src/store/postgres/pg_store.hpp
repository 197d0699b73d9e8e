// The shared Store: one PostgreSQL database that every node uses.
#pragma once

#include <memory>

#include "store/postgres/pg_connection.hpp"
#include "store/store.hpp"

namespace nadoo::store {

/// A Store on the PostgreSQL database `settings.uri`. Nothing is connected
/// before the first call, so a node starts while the database is down; each
/// call connects (and migrates the schema) when it must, and fails with
/// StoreUnavailable while the database cannot be reached
/// (postgres/pg_reconnecting_connection.hpp). Used by one thread at a time.
std::unique_ptr<Store> open_postgres_store(const postgres::ConnectionSettings& settings);

}  // namespace nadoo::store
