// Thin RAII over libpq: a blocking connection for a thread of its own (a
// storage thread), its results, and a transaction. Every failure becomes a
// StoreError that says what was being done; none carries the password.
#pragma once

#include <chrono>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

struct pg_conn;
struct pg_result;

namespace nadoo::store::postgres {

/// The rows a statement returned, in libpq's text format. Rows and columns
/// are 0-based.
class Rows {
 public:
  explicit Rows(pg_result* result);

  int size() const;
  /// Rows an INSERT, UPDATE or DELETE changed (0 for other statements).
  std::int64_t affected() const;
  std::string text(int row, int column) const;  // "" for NULL
  std::optional<std::string> optional_text(int row, int column) const;
  std::int64_t integer(int row, int column) const;
  std::optional<std::int64_t> optional_integer(int row, int column) const;
  double real(int row, int column) const;
  bool boolean(int row, int column) const;

 private:
  struct ResultClearer {
    void operator()(pg_result* result) const;
  };
  std::unique_ptr<pg_result, ResultClearer> result_;
};

/// How a connection is made and how long a statement may take.
struct ConnectionSettings {
  /// libpq's URI or key=value syntax; PGPASSWORD and .pgpass work as libpq
  /// makes them work.
  std::string uri;
  /// The server cancels a statement that runs longer; the client gives up
  /// on the connection a second later (a server that stopped answering
  /// cancels nothing). Zero: no limit.
  std::chrono::milliseconds statement_timeout{0};
};

class Connection {
 public:
  /// A parameter's text, or SQL NULL.
  using Parameter = std::optional<std::string_view>;

  explicit Connection(const ConnectionSettings& settings);
  explicit Connection(const std::string& uri) : Connection(ConnectionSettings{uri}) {}
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  /// Runs one or more statements without parameters or rows (schema, BEGIN).
  void execute(const std::string& sql);
  /// Runs one statement with `$1` … parameters, sent apart from the SQL text
  /// (never spliced into it).
  Rows query(const std::string& sql, std::initializer_list<Parameter> parameters = {});
  Rows query(const std::string& sql, const std::vector<Parameter>& parameters);

  /// A statement for pipeline(): its SQL and its parameters.
  struct Statement {
    const std::string& sql;
    std::vector<Parameter> parameters;
  };
  /// Sends the statements one after another without waiting (libpq's
  /// pipeline mode: one round trip for all) and returns the rows of each.
  /// The first failure is thrown; the statements after it are not run.
  /// For statements that need no result of the ones before them. Outside
  /// a transaction the statements are one transaction of their own: the
  /// server commits them together at the pipeline's end, or none.
  std::vector<Rows> pipeline(const std::vector<Statement>& statements);

  /// Opens a transaction with the next statement, sent in one round trip
  /// with it rather than one of its own. in_transaction() is true from now.
  void begin_with_next_statement() { begin_pending_ = true; }

  /// False once the connection to the server is lost (or was given up on
  /// at the client's deadline): only a new Connection can serve again.
  bool is_usable() const;
  /// Whether a transaction is open: a Transaction begun now nests in it.
  bool in_transaction() const;
  /// Whether the open transaction failed (a statement's error): it can only
  /// be rolled back, and COMMIT would roll it back without saying so.
  bool in_failed_transaction() const;

  /// A nested Transaction that ended without commit (it meant to roll back,
  /// and cannot alone): the enclosing transaction must not commit.
  void spoil_enclosing_transaction() { enclosing_spoiled_ = true; }
  /// Whether that happened since the last call; resets it.
  bool take_spoiled() { return std::exchange(enclosing_spoiled_, false); }

 private:
  Rows run(const std::string& sql, const Parameter* parameters, std::size_t count);
  /// Queues one statement (pipeline mode) or sends it, as the prepared
  /// statement of its SQL (prepare() first).
  void send(const std::string& sql, const Parameter* parameters, std::size_t count);
  /// Prepares `sql` on this connection unless it already is: each of our
  /// statements is parsed and planned once per connection, not per call.
  /// Not in pipeline mode (it waits for the server's answer).
  void prepare(const std::string& sql, std::size_t parameter_count);
  /// Reads the results of the statement sent last, up to libpq's end of
  /// them; its last result, or a StoreError naming `sql` when it failed.
  /// `error` collects the first failure instead of throwing it when given.
  std::optional<Rows> read_results(const std::string& sql, std::chrono::steady_clock::time_point deadline,
                                   std::string* error, bool* unavailable);
  /// Waits, up to the client's deadline, for the statement sent last and
  /// returns its last result; a StoreError naming `sql` when it failed.
  Rows await_result(const std::string& sql);
  /// Waits for the socket to be readable and reads what arrived; gives the
  /// connection up at `deadline`.
  void wait_for_input(std::chrono::steady_clock::time_point deadline, const std::string& sql);
  /// Throws a StoreError with libpq's message for the connection.
  [[noreturn]] void fail(std::string_view doing) const;

  pg_conn* connection_ = nullptr;
  std::chrono::milliseconds client_timeout_{0};  // zero: wait as long as it takes
  bool given_up_ = false;
  bool enclosing_spoiled_ = false;
  bool begin_pending_ = false;
  /// Each statement's SQL and the name it was prepared under. Our SQL is a
  /// fixed set of constant strings, so this stays small.
  std::unordered_map<std::string, std::string> prepared_;
};

/// A PostgreSQL text-array literal (`{"a","b\"c"}`) for `$n::text[]`, so that
/// a list travels as one parameter.
std::string text_array(const std::vector<std::string>& values);
/// The same with NULL elements for the absent values.
std::string text_array(const std::vector<std::optional<std::string>>& values);

/// One transaction; rolled back unless committed. Begun inside an open
/// transaction (a group's, StorageExecutor), it is part of that one: its
/// commit does nothing, and ending without commit spoils the enclosing one.
class Transaction {
 public:
  explicit Transaction(Connection& connection);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;

  void commit();

 private:
  Connection& connection_;
  const bool nested_;
  const int exceptions_at_start_;
  bool open_ = true;
};

}  // namespace nadoo::store::postgres
