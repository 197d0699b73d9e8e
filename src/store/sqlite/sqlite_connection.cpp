#include "store/sqlite/sqlite_connection.hpp"

#include <spdlog/spdlog.h>
#include <sqlite3.h>

#include <exception>
#include <string>

#include "store/store.hpp"

namespace nadoo::store::sqlite {
namespace {

// Long enough to ride out a checkpoint or a backup tool holding the lock;
// short enough that a stuck lock surfaces as an error, not a hung storage thread.
constexpr int busy_timeout_milliseconds = 5000;

// Names the file: a server may hold more than one, and the path is often the fix.
std::string error_message(sqlite3* connection, std::string_view doing) {
  const char* file = sqlite3_db_filename(connection, "main");
  return "database " + std::string(file != nullptr ? file : "?") + ": " + std::string(doing) + ": " +
         sqlite3_errmsg(connection) + " (SQLite error " +
         std::to_string(sqlite3_extended_errcode(connection)) + ")";
}

}  // namespace

Query::~Query() {
  // Errors of the last step were already reported by next_row()/execute().
  sqlite3_reset(statement_);
  sqlite3_clear_bindings(statement_);
}

void Query::check_bind(int result, int parameter) const {
  if (result != SQLITE_OK) {
    throw StoreError(error_message(
        connection_, "binding parameter " + std::to_string(parameter) + " of " + sqlite3_sql(statement_)));
  }
}

Query& Query::bind_text(int parameter, std::string_view value) {
  check_bind(
      sqlite3_bind_text64(statement_, parameter, value.data(), value.size(), SQLITE_TRANSIENT, SQLITE_UTF8),
      parameter);
  return *this;
}

Query& Query::bind_integer(int parameter, std::int64_t value) {
  check_bind(sqlite3_bind_int64(statement_, parameter, value), parameter);
  return *this;
}

Query& Query::bind_real(int parameter, double value) {
  check_bind(sqlite3_bind_double(statement_, parameter, value), parameter);
  return *this;
}

Query& Query::bind_null(int parameter) {
  check_bind(sqlite3_bind_null(statement_, parameter), parameter);
  return *this;
}

Query& Query::bind_optional_text(int parameter, const std::optional<std::string>& value) {
  return value ? bind_text(parameter, *value) : bind_null(parameter);
}

bool Query::next_row() {
  const int result = sqlite3_step(statement_);
  if (result == SQLITE_ROW) return true;
  if (result == SQLITE_DONE) return false;
  throw StoreError(error_message(connection_, std::string("running ") + sqlite3_sql(statement_)));
}

void Query::execute() {
  while (next_row()) {
  }
}

std::string Query::text(int column) const {
  const auto* characters = reinterpret_cast<const char*>(sqlite3_column_text(statement_, column));
  if (characters == nullptr) return {};
  return std::string(characters, static_cast<std::size_t>(sqlite3_column_bytes(statement_, column)));
}

std::int64_t Query::integer(int column) const { return sqlite3_column_int64(statement_, column); }

double Query::real(int column) const { return sqlite3_column_double(statement_, column); }

std::optional<std::int64_t> Query::optional_integer(int column) const {
  if (sqlite3_column_type(statement_, column) == SQLITE_NULL) return std::nullopt;
  return integer(column);
}

std::optional<std::string> Query::optional_text(int column) const {
  if (sqlite3_column_type(statement_, column) == SQLITE_NULL) return std::nullopt;
  return text(column);
}

Connection::Connection(const std::filesystem::path& database_file, Access access) : file_(database_file) {
  // NOMUTEX: the storage executor guarantees one thread at a time, so
  // SQLite's own per-call locking would be pure overhead.
  const int flags =
      (access == Access::read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) |
      SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE;
  const int result = sqlite3_open_v2(database_file.c_str(), &connection_, flags, nullptr);
  if (result != SQLITE_OK) {
    // SQLite allocates a handle even on failure, to carry the message.
    std::string message = connection_ != nullptr ? sqlite3_errmsg(connection_) : sqlite3_errstr(result);
    sqlite3_close(connection_);
    throw StoreError("cannot open database " + database_file.string() + ": " + message);
  }
  try {
    sqlite3_busy_timeout(connection_, busy_timeout_milliseconds);
    // journal_mode answers with the mode in effect; anything but "wal" means
    // the file cannot do WAL (e.g. some network file systems).
    // A reader cannot change the mode; it checks the one the writer set.
    auto mode = query(access == Access::read_only ? "PRAGMA journal_mode" : "PRAGMA journal_mode = WAL");
    if (!mode.next_row() || mode.text(0) != "wal") {
      throw StoreError("cannot switch " + database_file.string() + " to WAL journal mode");
    }
    // In WAL mode NORMAL is durable against application crashes and only a
    // power loss can drop the last transactions, which is the usual trade.
    execute_script("PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;");
  } catch (...) {
    statements_.clear();
    sqlite3_close(connection_);
    throw;
  }
}

Connection::~Connection() {
  statements_.clear();  // sqlite3_close refuses while statements are alive
  if (sqlite3_close(connection_) != SQLITE_OK) {
    spdlog::error("closing database {}: {}", file_.string(), sqlite3_errmsg(connection_));
  }
}

void Connection::StatementFinalizer::operator()(sqlite3_stmt* statement) const {
  sqlite3_finalize(statement);
}

void Connection::fail(std::string_view doing) const { throw StoreError(error_message(connection_, doing)); }

void Connection::execute_script(const std::string& sql) {
  char* message = nullptr;
  if (sqlite3_exec(connection_, sql.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
    std::string text = message != nullptr ? message : sqlite3_errmsg(connection_);
    sqlite3_free(message);
    throw StoreError("database " + file_.string() + ": " + text + " (running " + sql.substr(0, 200) + ")");
  }
}

Query Connection::query(std::string_view sql) {
  auto cached = statements_.find(sql);
  if (cached == statements_.end()) {
    sqlite3_stmt* statement = nullptr;
    const char* tail = nullptr;
    if (sqlite3_prepare_v3(connection_, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT,
                           &statement, &tail) != SQLITE_OK) {
      fail("preparing " + std::string(sql));
    }
    StatementHandle handle(statement);
    if (statement == nullptr ||
        std::string_view(tail, sql.data() + sql.size() - tail).find_first_not_of(" \t\r\n;") !=
            std::string_view::npos) {
      throw StoreError("query() takes exactly one statement: " + std::string(sql));
    }
    cached = statements_.emplace(std::string(sql), std::move(handle)).first;
  }
  return Query(cached->second.get(), connection_);
}

std::int64_t Connection::changed_rows() const { return sqlite3_changes64(connection_); }

bool Connection::in_transaction() const { return sqlite3_get_autocommit(connection_) == 0; }

int Connection::user_version() {
  auto version = query("PRAGMA user_version");
  if (!version.next_row()) throw StoreError("PRAGMA user_version returned no row");
  return static_cast<int>(version.integer(0));
}

void Connection::on_wal_commit(std::function<void(int wal_pages)> committed) {
  wal_committed_ = std::move(committed);
  sqlite3_wal_hook(
      connection_,
      [](void* self, sqlite3*, const char*, int wal_pages) {
        static_cast<Connection*>(self)->wal_committed_(wal_pages);
        return SQLITE_OK;
      },
      this);
}

int Connection::checkpoint(CheckpointMode mode) {
  const int sqlite_mode =
      mode == CheckpointMode::passive ? SQLITE_CHECKPOINT_PASSIVE : SQLITE_CHECKPOINT_RESTART;
  int wal_pages = 0;
  if (sqlite3_wal_checkpoint_v2(connection_, nullptr, sqlite_mode, &wal_pages, nullptr) != SQLITE_OK) {
    fail("checkpointing the write-ahead log");
  }
  return wal_pages;
}

Transaction::Transaction(Connection& connection, Kind kind)
    : connection_(connection),
      kind_(kind),
      nested_(connection.in_transaction()),
      exceptions_at_start_(std::uncaught_exceptions()) {
  // Prepared and cached like any query: every Store call begins and ends one.
  if (!nested_) connection_.query(kind == Kind::write ? "BEGIN IMMEDIATE" : "BEGIN").execute();
}

Transaction::~Transaction() {
  if (!open_) return;
  if (nested_) {
    // Unwinding: the error reaches whoever owns the enclosing transaction.
    // A read has nothing to roll back: it ends without commit as a rule.
    if (kind_ == Kind::write && std::uncaught_exceptions() == exceptions_at_start_)
      connection_.spoil_enclosing_transaction();
    return;
  }
  // SQLite rolls back by itself after some errors (disk full, I/O error).
  if (!connection_.in_transaction()) return;
  try {
    connection_.query("ROLLBACK").execute();
  } catch (const StoreError& error) {
    // The error that got us here is the one the caller sees.
    spdlog::warn("rollback failed: {}", error.what());
  }
}

void Transaction::commit() {
  if (!nested_) connection_.query("COMMIT").execute();
  open_ = false;
}

}  // namespace nadoo::store::sqlite
