// The embedded Store: one SQLite file, for a single server.
#pragma once

#include <filesystem>
#include <memory>

#include "store/store.hpp"

namespace nadoo::store {

/// Opens (creating it 0600 and its directory 0700 if missing, tightening an
/// existing file others may read; sqlite/owner_only_files.hpp) and migrates
/// the database at `database_file`. Throws StoreError, saying which file and why, when it
/// cannot be opened, is not a database, or was written by a newer server.
/// The Store it returns must be used by one thread at a time. Its
/// write-ahead log is checkpointed on a thread of its own once a commit finds
/// `wal_pages_per_checkpoint` pages or more in it (sqlite/wal_checkpointer.hpp).
std::unique_ptr<Store> open_sqlite_store(const std::filesystem::path& database_file,
                                         int wal_pages_per_checkpoint);

/// A reader of the database that open_sqlite_store opened (and migrated):
/// its own read-only connection, which sees every transaction committed
/// before each of its own begins, and refuses writes. Used by one thread at a time.
std::unique_ptr<Store> open_sqlite_reader(const std::filesystem::path& database_file);

}  // namespace nadoo::store
