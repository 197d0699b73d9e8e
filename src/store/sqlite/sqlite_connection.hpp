// Thin RAII over the SQLite C API: a connection with its cache of prepared
// statements, a statement in use, and a transaction. Every failure becomes a
// StoreError that says what was being done.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

struct sqlite3;
struct sqlite3_stmt;

namespace nadoo::store::sqlite {

/// A cached prepared statement, borrowed for one use. Parameters are 1-based,
/// columns 0-based, as in SQLite. Going out of scope resets the statement and
/// clears its bindings, so no read snapshot outlives the call that made it.
class Query {
 public:
  Query(sqlite3_stmt* statement, sqlite3* connection) : statement_(statement), connection_(connection) {}
  ~Query();
  Query(const Query&) = delete;
  Query& operator=(const Query&) = delete;

  // Text is copied at bind time, so temporaries are safe to pass.
  Query& bind_text(int parameter, std::string_view value);
  Query& bind_integer(int parameter, std::int64_t value);
  Query& bind_real(int parameter, double value);
  Query& bind_null(int parameter);
  /// NULL when `value` is absent.
  Query& bind_optional_text(int parameter, const std::optional<std::string>& value);

  /// Advances to the next row; false when there are no more.
  bool next_row();
  /// Runs a statement that returns no rows.
  void execute();

  std::string text(int column) const;  // "" for NULL
  std::int64_t integer(int column) const;
  double real(int column) const;
  std::optional<std::int64_t> optional_integer(int column) const;
  std::optional<std::string> optional_text(int column) const;  // nullopt for NULL

 private:
  void check_bind(int result, int parameter) const;

  sqlite3_stmt* statement_;
  sqlite3* connection_;
};

/// One SQLite connection, configured the same way wherever it is opened: WAL,
/// synchronous=NORMAL, foreign keys on, a busy timeout. Used by one thread at
/// a time.
class Connection {
 public:
  /// read_only: a reader beside the writer of a database already in WAL
  /// mode (and migrated): any write through it fails.
  enum class Access { read_write, read_only };

  explicit Connection(const std::filesystem::path& database_file, Access access = Access::read_write);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  /// Runs one or more statements without results (schema, pragmas, BEGIN).
  void execute_script(const std::string& sql);
  /// The statement for `sql`, prepared on first use and kept for the
  /// connection's lifetime: the SQL is always one of our constant strings.
  Query query(std::string_view sql);
  /// Rows changed by the last INSERT, UPDATE or DELETE (cascades excluded).
  std::int64_t changed_rows() const;
  bool in_transaction() const;

  /// A nested Transaction that ended without commit (it meant to roll back,
  /// and cannot alone): the enclosing transaction must not commit.
  void spoil_enclosing_transaction() { enclosing_spoiled_ = true; }
  /// Whether that happened since the last call; resets it.
  bool take_spoiled() { return std::exchange(enclosing_spoiled_, false); }

  int user_version();
  const std::filesystem::path& file() const { return file_; }

  /// Calls `committed(wal_pages)` after every commit of this connection, on
  /// the committing thread, with the pages its write-ahead log now holds.
  /// Replaces SQLite's automatic checkpoint, which would otherwise run (and
  /// wait for its fsyncs) inside the commit that crosses 1,000 pages.
  void on_wal_commit(std::function<void(int wal_pages)> committed);

  enum class CheckpointMode {
    /// Copies what the log holds into the database without taking the write
    /// lock or waiting for readers: writers go on appending meanwhile.
    passive,
    /// Waits (on the busy timeout) for the writer, copies all of the log and
    /// makes the next write start it again from its beginning; the writer
    /// waits meanwhile.
    restart,
  };
  /// Returns the pages the log held.
  int checkpoint(CheckpointMode mode);

 private:
  struct StatementFinalizer {
    void operator()(sqlite3_stmt* statement) const;
  };
  using StatementHandle = std::unique_ptr<sqlite3_stmt, StatementFinalizer>;

  [[noreturn]] void fail(std::string_view doing) const;

  std::filesystem::path file_;
  sqlite3* connection_ = nullptr;
  std::map<std::string, StatementHandle, std::less<>> statements_;
  std::function<void(int)> wal_committed_;
  bool enclosing_spoiled_ = false;
};

/// One transaction; rolled back unless committed. Writes take the write lock
/// up front (BEGIN IMMEDIATE) so that they wait on the busy timeout instead
/// of failing when a read would have to be upgraded. Begun inside an open
/// transaction (a group's, StorageExecutor), it is part of that one: its
/// commit does nothing, and a write ending without commit spoils the
/// enclosing one.
class Transaction {
 public:
  enum class Kind { read, write };

  Transaction(Connection& connection, Kind kind);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;

  void commit();

 private:
  Connection& connection_;
  const Kind kind_;
  const bool nested_;
  const int exceptions_at_start_;
  bool open_ = true;
};

}  // namespace nadoo::store::sqlite
