// The SQLite schema as an ordered list of migrations. PRAGMA user_version
// records the last one applied, so a database written by an older server is
// brought forward in place, keeping its data.
#pragma once

#include "store/sqlite/sqlite_connection.hpp"

namespace nadoo::store::sqlite {

/// 1: applications, chats, messages. 2: knowledge documents, chunks, FTS5.
/// 3: notifications. 4: workspace membership. 5: plugin executions.
inline constexpr int latest_schema_version = 5;

/// Applies, each in its own transaction, the migrations after the database's
/// version up to `target_version` (tests stop early to make an old database).
/// Throws StoreError for a database newer than this server knows.
void migrate(Connection& connection, int target_version = latest_schema_version);

}  // namespace nadoo::store::sqlite
