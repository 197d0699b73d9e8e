// The storage thread's connection to PostgreSQL, re-established when lost,
// so that a database restart never needs a server restart.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "store/postgres/pg_connection.hpp"
#include "store/store_error.hpp"

namespace nadoo::store::postgres {

class ReconnectingConnection {
 public:
  /// Nothing is connected yet: the first call connects. `log_name` names the
  /// database in the log, its password masked.
  ReconnectingConnection(ConnectionSettings settings, std::string log_name);

  /// Runs `work(Connection&)` on a live connection, connecting (and bringing
  /// the schema up to date) first when there is none. While the server
  /// cannot be reached, every call fails at once with StoreUnavailable, and
  /// a new connection is tried at most once per backoff step (100 ms,
  /// doubling to 2 s: reconnected within about 2 s of the server's return).
  template <typename Work>
  auto run(Work work) {
    if (group_open_ && !connection_)
      throw StoreUnavailable("the connection was lost during a group of calls");
    Connection& connection = connected();
    try {
      return work(connection);
    } catch (const StoreError& error) {
      if (connection.is_usable()) throw;
      throw lost(error);
    }
  }

  /// A group of calls in one transaction (Store::begin_group): while it is
  /// open, a lost connection is not replaced, so that no call of the group
  /// runs outside its transaction.
  void begin_group();
  bool commit_group();
  void rollback_group() noexcept;

 private:
  Connection& connected();
  /// Drops the lost connection; the StoreUnavailable to throw for `error`.
  StoreUnavailable lost(const StoreError& error);

  ConnectionSettings settings_;
  std::string log_name_;
  std::unique_ptr<Connection> connection_;
  std::chrono::steady_clock::time_point next_attempt_{};
  std::chrono::milliseconds backoff_{0};
  std::string last_failure_;
  bool group_open_ = false;
};

}  // namespace nadoo::store::postgres
