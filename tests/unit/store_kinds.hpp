// The stores the storage tests run against, as GoogleTest typed-test
// parameters, so that no behaviour of the Store interface is proved on one
// store only:
//   TYPED_TEST_SUITE(NotificationStoreTest, StoreKinds, StoreKindNames);
// names its tests NotificationStoreTest/Sqlite.… and NotificationStoreTest/Postgres.….
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>

#include "config/server_config.hpp"
#include "postgres_test_database.hpp"
#include "store/postgres/pg_store.hpp"
#include "store/sqlite/sqlite_store.hpp"
#include "temporary_directory.hpp"

namespace nadoo::test_support {

/// The embedded store, with the server's default options, on a file of its own.
class SqliteStoreKind {
 public:
  static constexpr const char* name = "Sqlite";

  /// A Store on this kind's file: a second call opens the same data again.
  std::unique_ptr<store::Store> open() const {
    return store::open_sqlite_store(database_file(), config::ServerConfig{}.sqlite_checkpoint_pages);
  }
  /// A reader beside the Store open() gave (which must be open).
  std::unique_ptr<store::Store> open_reader() const { return store::open_sqlite_reader(database_file()); }
  /// In a directory that does not exist yet: opening must create it.
  std::filesystem::path database_file() const { return directory_.path() / "data" / "nadoo.db"; }
  const std::filesystem::path& directory() const { return directory_.path(); }

 private:
  TemporaryDirectory directory_;
};

/// The shared store on a fresh database of the test PostgreSQL (CTest's
/// `postgres` fixture).
class PostgresStoreKind {
 public:
  static constexpr const char* name = "Postgres";

  /// A Store on this kind's database: a second call opens the same data again.
  std::unique_ptr<store::Store> open() const {
    return store::open_postgres_store({database_.uri(), statement_timeout});
  }
  /// A reader: on PostgreSQL, a connection like the others.
  std::unique_ptr<store::Store> open_reader() const { return open(); }

 private:
  // Far beyond any statement of a test; a statement that hangs fails its test
  // instead of stalling the run.
  static constexpr std::chrono::milliseconds statement_timeout{5000};

  PostgresTestDatabase database_;
};

using StoreKinds = ::testing::Types<SqliteStoreKind, PostgresStoreKind>;

/// Names each typed test after its store kind: tests/CMakeLists.txt gives the
/// `*/Postgres.*` ones the PostgreSQL fixture.
struct StoreKindNames {
  template <typename Kind>
  static std::string GetName(int) {
    return Kind::name;
  }
};

/// A Store of `Kind`, open on fresh data.
template <typename Kind>
class StoreTestBase : public ::testing::Test {
 protected:
  /// Closes the store and opens another on the same data.
  void reopen() {
    store_.reset();
    store_ = kind_.open();
  }

  store::NotificationStore& notifications() { return store_->notifications(); }
  store::WorkspaceStore& workspaces() { return store_->workspaces(); }
  store::PluginExecutionStore& plugin_executions() { return store_->plugin_executions(); }

  Kind kind_;
  std::unique_ptr<store::Store> store_ = kind_.open();
};

}  // namespace nadoo::test_support
