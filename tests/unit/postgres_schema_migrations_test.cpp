// The PostgreSQL schema migrates once from an empty database, also with
// several nodes starting at once, and refuses a database newer than itself.

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

#include "postgres_test_database.hpp"
#include "store/postgres/pg_schema_migrations.hpp"
#include "store/store.hpp"

namespace nadoo::store::postgres {
namespace {

bool table_exists(Connection& connection, const std::string& table) {
  return connection.query("SELECT to_regclass($1) IS NOT NULL", {table}).text(0, 0) == "t";
}

TEST(PostgresSchemaMigrations, AnEmptyDatabaseIsMigratedToTheLatestVersionWithEveryTable) {
  test_support::PostgresTestDatabase database;
  Connection connection(database.uri());
  EXPECT_EQ(schema_version(connection), 0);

  migrate(connection);

  EXPECT_EQ(schema_version(connection), latest_schema_version);
  for (const char* table : {"applications", "application_knowledge_bases", "chats", "messages",
                            "knowledge_documents", "knowledge_chunks", "notifications", "workspace_members",
                            "plugin_executions", "plugin_debug_events"}) {
    EXPECT_TRUE(table_exists(connection, table)) << table;
  }
}

TEST(PostgresSchemaMigrations, ThreeNodesStartingAtOnceMigrateExactlyOnce) {
  test_support::PostgresTestDatabase database;
  std::vector<std::string> failures(3);
  std::vector<std::thread> nodes;
  for (std::size_t node = 0; node < failures.size(); ++node) {
    nodes.emplace_back([&, node] {
      try {
        Connection connection(database.uri());
        migrate(connection);
      } catch (const std::exception& error) {
        failures[node] = error.what();
      }
    });
  }
  for (auto& node : nodes) node.join();

  for (const auto& failure : failures) EXPECT_EQ(failure, "");
  Connection connection(database.uri());
  // One row per version: no migration ran twice (a second CREATE TABLE would have failed the node anyway).
  EXPECT_EQ(connection.query("SELECT count(*) FROM nadoo_schema_migrations").integer(0, 0),
            latest_schema_version);
  EXPECT_EQ(schema_version(connection), latest_schema_version);
}

TEST(PostgresSchemaMigrations, MigratingAgainChangesNothing) {
  test_support::PostgresTestDatabase database;
  Connection connection(database.uri());
  migrate(connection);
  connection.execute("INSERT INTO chats VALUES ('chat-1', 'app', 'session', 'user', '2026-12-02T00:00:00Z')");

  migrate(connection);

  EXPECT_EQ(connection.query("SELECT count(*) FROM chats").integer(0, 0), 1);
}

TEST(PostgresSchemaMigrations, ADatabaseOfANewerServerIsRefusedUntouched) {
  test_support::PostgresTestDatabase database;
  Connection connection(database.uri());
  migrate(connection);
  connection.query("INSERT INTO nadoo_schema_migrations (version) VALUES ($1)",
                   {std::to_string(latest_schema_version + 1)});

  try {
    migrate(connection);
    FAIL() << "a newer schema was accepted";
  } catch (const StoreError& error) {
    EXPECT_NE(std::string(error.what()).find("newer than this server's"), std::string::npos) << error.what();
  }
  EXPECT_EQ(schema_version(connection), latest_schema_version + 1);
}

}  // namespace
}  // namespace nadoo::store::postgres
