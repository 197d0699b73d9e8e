#pragma once

#include "store/sqlite/sqlite_connection.hpp"
#include "store/workspace_store.hpp"

namespace nadoo::store::sqlite {

/// WorkspaceStore on the SQLite connection that SqliteStore owns.
class SqliteWorkspaceStore final : public WorkspaceStore {
 public:
  explicit SqliteWorkspaceStore(Connection& connection) : connection_(connection) {}

 private:
  Connection& connection_;
};

}  // namespace nadoo::store::sqlite
