// Thin RAII over libpq: a blocking connection for a thread of its own (the
// storage thread), its results, and a transaction. Every failure becomes a
// StoreError that says what was being done; none carries the password.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

struct pg_conn;
struct pg_result;

namespace nadoo::store::postgres {

/// The rows a statement returned, in libpq's text format. Rows and columns
/// are 0-based.
class Rows {
 public:
  explicit Rows(pg_result* result);

  int size() const;
  std::string text(int row, int column) const;  // "" for NULL
  std::optional<std::string> optional_text(int row, int column) const;
  std::int64_t integer(int row, int column) const;

 private:
  struct ResultClearer {
    void operator()(pg_result* result) const;
  };
  std::unique_ptr<pg_result, ResultClearer> result_;
};

class Connection {
 public:
  /// A parameter's text, or SQL NULL.
  using Parameter = std::optional<std::string_view>;

  /// Connects with libpq's URI or key=value syntax (PGPASSWORD and .pgpass
  /// work as libpq makes them work).
  explicit Connection(const std::string& connection_uri);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  /// Runs one or more statements without parameters or rows (schema, BEGIN).
  void execute(const std::string& sql);
  /// Runs one statement with `$1` … parameters, sent apart from the SQL text
  /// (never spliced into it).
  Rows query(const std::string& sql, std::initializer_list<Parameter> parameters = {});

 private:
  /// `result` as Rows, or a StoreError naming `sql` when the statement failed.
  Rows checked(pg_result* result, const std::string& sql) const;
  [[noreturn]] void fail(std::string_view doing, const pg_result* result) const;

  pg_conn* connection_ = nullptr;
};

/// One transaction; rolled back unless committed.
class Transaction {
 public:
  explicit Transaction(Connection& connection);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;

  void commit();

 private:
  Connection& connection_;
  bool open_ = true;
};

}  // namespace nadoo::store::postgres
