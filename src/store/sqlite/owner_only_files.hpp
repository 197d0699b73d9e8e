// The embedded database's files on disk are the owner's alone: nadoo.db holds
// the applications' model api_keys and every chat, so neither its directory
// nor its files may be readable by other users of the machine.
#pragma once

#include <filesystem>

namespace nadoo::store::sqlite {

/// Creates `directory` and each missing parent 0700. A directory that already
/// exists keeps its mode: the operator chose it (`--data-dir /tmp` must not
/// lock others out of /tmp). Throws StoreError when a directory cannot be
/// made or the path names something that is not a directory.
void create_owner_only_directories(const std::filesystem::path& directory);

/// Before SQLite opens `database_file`: creates it 0600 when missing (SQLite
/// gives the -wal and -shm files it creates the database's mode), and chmods
/// the database and an existing -wal or -shm to 0600 when group or others
/// may read or write them, with a warning in the log. Throws StoreError when
/// the database file can be neither opened nor created.
void restrict_database_files(const std::filesystem::path& database_file);

}  // namespace nadoo::store::sqlite
