// The PostgreSQL connection: parameters apart from the SQL, transactions
// that roll back, and calls that can neither hang nor outlive a lost server.

#include <gtest/gtest.h>
#include <signal.h>

#include <string>

#include "postgres_test_database.hpp"
#include "store/postgres/pg_connection.hpp"
#include "store/postgres/pg_reconnecting_connection.hpp"
#include "store/store_error.hpp"

namespace nadoo::store::postgres {
namespace {

using namespace std::chrono_literals;

/// Stops a backend process for the scope (the tests run as root, as the
/// cluster's owner may be signalled): a server that accepted a statement and
/// then answers nothing, as a frozen machine or a black-holed network does.
class FrozenBackend {
 public:
  explicit FrozenBackend(int pid) : pid_(pid) { ::kill(pid_, SIGSTOP); }
  ~FrozenBackend() { ::kill(pid_, SIGCONT); }
  FrozenBackend(const FrozenBackend&) = delete;
  FrozenBackend& operator=(const FrozenBackend&) = delete;

 private:
  int pid_;
};

int backend_pid(Connection& connection) {
  return static_cast<int>(connection.query("SELECT pg_backend_pid()").integer(0, 0));
}

TEST(PostgresConnection, AnUnreachableServerIsAStoreErrorThatNamesNoPassword) {
  try {
    // Port 1 on loopback: refused at once.
    Connection connection("postgresql://nadoo:s3cret-pass@127.0.0.1:1/nadoo?connect_timeout=2");
    FAIL() << "connected to port 1";
  } catch (const StoreError& error) {
    const std::string message = error.what();
    EXPECT_NE(message.find("cannot connect to PostgreSQL"), std::string::npos) << message;
    EXPECT_EQ(message.find("s3cret-pass"), std::string::npos) << message;
  }
}

TEST(PostgresConnection, ParametersTravelApartFromTheSqlAndNullIsNull) {
  test_support::PostgresTestDatabase database;
  Connection connection(database.uri());
  const std::string hostile = "'; DROP TABLE x; --";
  const Rows rows = connection.query("SELECT $1::text, $2::text IS NULL", {hostile, std::nullopt});
  EXPECT_EQ(rows.text(0, 0), hostile);
  EXPECT_EQ(rows.text(0, 1), "t");
}

TEST(PostgresConnection, AFailedStatementRollsItsTransactionBack) {
  test_support::PostgresTestDatabase database;
  Connection connection(database.uri());
  connection.execute("CREATE TABLE t (n integer PRIMARY KEY)");
  try {
    Transaction transaction(connection);
    connection.execute("INSERT INTO t VALUES (1)");
    connection.execute("INSERT INTO t VALUES (1)");  // duplicate key
    transaction.commit();
    FAIL() << "a duplicate key was accepted";
  } catch (const StoreError& error) {
    EXPECT_NE(std::string(error.what()).find("duplicate key"), std::string::npos) << error.what();
  }
  EXPECT_EQ(connection.query("SELECT count(*) FROM t").integer(0, 0), 0);
}

TEST(PostgresConnection, AStatementPastTheTimeoutIsCancelledAsUnavailableAndTheConnectionServesOn) {
  test_support::PostgresTestDatabase database;
  Connection connection(ConnectionSettings{database.uri(), 200ms});
  EXPECT_THROW(connection.query("SELECT pg_sleep(30)"), StoreUnavailable);
  EXPECT_TRUE(connection.is_usable());
  EXPECT_EQ(connection.query("SELECT 1").integer(0, 0), 1);
}

TEST(PostgresConnection, AServerThatStopsAnsweringIsGivenUpAtTheClientDeadline) {
  test_support::PostgresTestDatabase database;
  Connection connection(ConnectionSettings{database.uri(), 200ms});
  {
    // A stopped backend cancels nothing: only the client's own deadline ends the wait.
    FrozenBackend frozen(backend_pid(connection));
    try {
      connection.query("SELECT 1");
      FAIL() << "a stopped server answered";
    } catch (const StoreError& error) {
      EXPECT_NE(std::string(error.what()).find("did not answer within 1200 ms"), std::string::npos)
          << error.what();
    }
  }
  EXPECT_FALSE(connection.is_usable());
  EXPECT_THROW(connection.query("SELECT 1"), StoreError);
}

TEST(PostgresReconnectingConnection, AnUnreachableServerFailsEveryCallAtOnceAsUnavailable) {
  ReconnectingConnection connection(ConnectionSettings{"postgresql://nadoo@127.0.0.1:1/nadoo", 200ms},
                                    "test");
  int calls_run = 0;
  const auto work = [&](Connection&) { return ++calls_run; };
  EXPECT_THROW(connection.run(work), StoreUnavailable);
  EXPECT_THROW(connection.run(work), StoreUnavailable);  // within the backoff: no new attempt
  EXPECT_EQ(calls_run, 0);
}

TEST(PostgresReconnectingConnection, ALostConnectionFailsItsCallAndTheNextCallReconnects) {
  test_support::PostgresTestDatabase database;
  ReconnectingConnection connection(ConnectionSettings{database.uri(), 1000ms}, "test");
  const int first_backend = connection.run([](Connection& live) { return backend_pid(live); });
  Connection(database.uri()).query("SELECT pg_terminate_backend($1::int)", {std::to_string(first_backend)});
  EXPECT_THROW(connection.run([](Connection& live) { return live.query("SELECT 1"); }), StoreUnavailable);
  const int second_backend = connection.run([](Connection& live) { return backend_pid(live); });
  EXPECT_NE(second_backend, first_backend);
}

TEST(PostgresReconnectingConnection, AStatementErrorLeavesTheConnectionInPlace) {
  test_support::PostgresTestDatabase database;
  ReconnectingConnection connection(ConnectionSettings{database.uri(), 1000ms}, "test");
  const int backend = connection.run([](Connection& live) { return backend_pid(live); });
  EXPECT_THROW(connection.run([](Connection& live) { return live.query("SELECT * FROM no_such_table"); }),
               StoreError);
  EXPECT_EQ(connection.run([](Connection& live) { return backend_pid(live); }), backend);
}

}  // namespace
}  // namespace nadoo::store::postgres
