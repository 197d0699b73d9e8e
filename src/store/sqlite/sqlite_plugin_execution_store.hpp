#pragma once

#include "store/plugin_execution_store.hpp"
#include "store/sqlite/sqlite_connection.hpp"

namespace nadoo::store::sqlite {

/// PluginExecutionStore on the SQLite connection that SqliteStore owns.
class SqlitePluginExecutionStore final : public PluginExecutionStore {
 public:
  explicit SqlitePluginExecutionStore(Connection& connection) : connection_(connection) {}

 private:
  Connection& connection_;
};

}  // namespace nadoo::store::sqlite
