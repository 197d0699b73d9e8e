#include "store/postgres/pg_connection.hpp"

#include <libpq-fe.h>
#include <poll.h>
#include <spdlog/spdlog.h>

#include <array>
#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <exception>

#include "store/store_error.hpp"

namespace nadoo::store::postgres {
namespace {

/// libpq's messages end with a newline; the log and the callers' messages do not.
std::string trimmed(const char* message) {
  std::string text = message != nullptr ? message : "";
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text;
}

/// How long past the server's statement timeout the client waits before it
/// gives the connection up: enough for the server's cancellation to arrive.
constexpr std::chrono::milliseconds client_grace{1000};

// Defaults an operator's URI may override (it is expanded after them): a
// bounded connect, and keepalives that notice a vanished server in about
// 15 s instead of the kernel's two hours.
constexpr std::array<std::pair<const char*, const char*>, 6> connection_defaults{{
    {"application_name", "nadoo-realtime"},
    {"connect_timeout", "5"},
    {"keepalives", "1"},
    {"keepalives_idle", "5"},
    {"keepalives_interval", "2"},
    {"keepalives_count", "5"},
}};

/// Whether a statement's SQLSTATE says the database, not the statement, is
/// the trouble, so that the same call may succeed later: a statement
/// cancelled at the timeout (57014), the server shutting down or restarting
/// (57P01–57P03), a connection failure (class 08).
bool means_unavailable(const char* sqlstate) {
  if (sqlstate == nullptr) return false;
  const std::string_view state(sqlstate);
  return state == "57014" || state.rfind("57P0", 0) == 0 || state.rfind("08", 0) == 0;
}

}  // namespace

Rows::Rows(pg_result* result) : result_(result) {}

void Rows::ResultClearer::operator()(pg_result* result) const { PQclear(result); }

int Rows::size() const { return PQntuples(result_.get()); }

std::int64_t Rows::affected() const {
  const char* count = PQcmdTuples(result_.get());
  return count[0] == '\0' ? 0 : std::strtoll(count, nullptr, 10);
}

std::string Rows::text(int row, int column) const {
  return std::string(PQgetvalue(result_.get(), row, column),
                     static_cast<std::size_t>(PQgetlength(result_.get(), row, column)));
}

std::optional<std::string> Rows::optional_text(int row, int column) const {
  if (PQgetisnull(result_.get(), row, column) != 0) return std::nullopt;
  return text(row, column);
}

std::int64_t Rows::integer(int row, int column) const {
  const char* value = PQgetvalue(result_.get(), row, column);
  const char* end = value + PQgetlength(result_.get(), row, column);
  std::int64_t number = 0;
  const auto [stopped, error] = std::from_chars(value, end, number);
  if (error != std::errc() || stopped != end) {
    throw StoreError("column " + std::to_string(column) + " is not an integer: " + std::string(value, end));
  }
  return number;
}

std::optional<std::int64_t> Rows::optional_integer(int row, int column) const {
  if (PQgetisnull(result_.get(), row, column) != 0) return std::nullopt;
  return integer(row, column);
}

double Rows::real(int row, int column) const {
  // PostgreSQL writes floats with as many digits as round-trip them (extra_float_digits 1).
  return std::strtod(PQgetvalue(result_.get(), row, column), nullptr);
}

bool Rows::boolean(int row, int column) const { return text(row, column) == "t"; }

Connection::Connection(const ConnectionSettings& settings) {
  std::vector<const char*> keywords;
  std::vector<const char*> values;
  for (const auto& [keyword, value] : connection_defaults) {
    keywords.push_back(keyword);
    values.push_back(value);
  }
  keywords.insert(keywords.end(), {"dbname", nullptr});
  values.insert(values.end(), {settings.uri.c_str(), nullptr});
  connection_ = PQconnectdbParams(keywords.data(), values.data(), /*expand_dbname=*/1);
  if (connection_ == nullptr) throw StoreError("cannot connect to PostgreSQL: out of memory");
  if (PQstatus(connection_) != CONNECTION_OK) {
    // libpq's message names the host and port and why, never the password.
    std::string message = "cannot connect to PostgreSQL: " + trimmed(PQerrorMessage(connection_));
    PQfinish(connection_);
    throw StoreError(message);
  }
  // The server's notices (a migration's "already exists, skipping") go to
  // our log at debug, not to stderr.
  PQsetNoticeProcessor(
      connection_, [](void*, const char* message) { spdlog::debug("PostgreSQL: {}", trimmed(message)); },
      nullptr);
  if (settings.statement_timeout.count() > 0) {
    execute("SET statement_timeout = " + std::to_string(settings.statement_timeout.count()));
    client_timeout_ = settings.statement_timeout + client_grace;
  }
}

Connection::~Connection() { PQfinish(connection_); }

bool Connection::is_usable() const { return !given_up_ && PQstatus(connection_) == CONNECTION_OK; }

bool Connection::in_transaction() const {
  if (begin_pending_) return true;
  const auto status = PQtransactionStatus(connection_);
  return status == PQTRANS_INTRANS || status == PQTRANS_INERROR;
}

bool Connection::in_failed_transaction() const { return PQtransactionStatus(connection_) == PQTRANS_INERROR; }

void Connection::fail(std::string_view doing) const {
  throw StoreError("PostgreSQL: " + std::string(doing) + ": " + trimmed(PQerrorMessage(connection_)));
}

void Connection::execute(const std::string& sql) {
  if (!is_usable()) throw StoreError("PostgreSQL: the connection is lost");
  // Statements without parameters travel as one simple query: BEGIN rides along.
  const std::string sent = std::exchange(begin_pending_, false) ? "BEGIN; " + sql : sql;
  if (PQsendQuery(connection_, sent.c_str()) == 0) fail("sending " + sql.substr(0, 200));
  await_result(sql);
}

Rows Connection::query(const std::string& sql, std::initializer_list<Parameter> parameters) {
  return run(sql, parameters.begin(), parameters.size());
}

Rows Connection::query(const std::string& sql, const std::vector<Parameter>& parameters) {
  return run(sql, parameters.data(), parameters.size());
}

Rows Connection::run(const std::string& sql, const Parameter* parameters, std::size_t count) {
  if (begin_pending_) {
    auto rows = pipeline({{sql, std::vector<Parameter>(parameters, parameters + count)}});
    return std::move(rows.back());
  }
  if (!is_usable()) throw StoreError("PostgreSQL: the connection is lost");
  prepare(sql, count);
  send(sql, parameters, count);
  return await_result(sql);
}

void Connection::prepare(const std::string& sql, std::size_t parameter_count) {
  if (prepared_.contains(sql)) return;
  auto name = "nadoo_" + std::to_string(prepared_.size());
  if (PQsendPrepare(connection_, name.c_str(), sql.c_str(), static_cast<int>(parameter_count), nullptr) == 0)
    fail("preparing " + sql.substr(0, 200));
  await_result(sql);
  prepared_.emplace(sql, std::move(name));
}

void Connection::send(const std::string& sql, const Parameter* parameters, std::size_t count) {
  std::vector<std::string> texts;  // NUL-terminated copies: libpq reads C strings
  std::vector<const char*> values;
  texts.reserve(count);  // no reallocation: the pointers below stay valid
  values.reserve(count);
  for (std::size_t index = 0; index < count; ++index) {
    if (parameters[index]) {
      texts.emplace_back(*parameters[index]);
      values.push_back(texts.back().c_str());
    } else {
      values.push_back(nullptr);
    }
  }
  // libpq copies the values into its output buffer before it returns.
  if (PQsendQueryPrepared(connection_, prepared_.at(sql).c_str(), static_cast<int>(values.size()),
                          values.data(), nullptr, nullptr, 0) == 0) {
    fail("sending " + sql.substr(0, 200));
  }
}

std::vector<Rows> Connection::pipeline(const std::vector<Statement>& statements) {
  if (!is_usable()) throw StoreError("PostgreSQL: the connection is lost");
  if (statements.empty()) return {};
  static const std::string begin = "BEGIN";
  const bool with_begin = begin_pending_;
  if (with_begin) prepare(begin, 0);
  for (const auto& statement : statements) prepare(statement.sql, statement.parameters.size());
  if (PQenterPipelineMode(connection_) == 0) fail("entering pipeline mode");
  begin_pending_ = false;  // from here on, BEGIN is sent with the statements or the connection given up
  const auto deadline = std::chrono::steady_clock::now() + client_timeout_;
  std::vector<Rows> rows;
  std::string first_error, failed_sql;
  bool unavailable = false;
  try {
    if (with_begin) send(begin, nullptr, 0);
    for (const auto& statement : statements)
      send(statement.sql, statement.parameters.data(), statement.parameters.size());
    if (PQpipelineSync(connection_) == 0) fail("sending " + statements.front().sql.substr(0, 200));
    if (with_begin) read_results(begin, deadline, &first_error, &unavailable);
    if (!first_error.empty()) failed_sql = begin;
    for (const auto& statement : statements) {
      auto result = read_results(statement.sql, deadline, &first_error, &unavailable);
      if (!first_error.empty() && failed_sql.empty()) failed_sql = statement.sql;
      if (result) rows.push_back(std::move(*result));
    }
    // The end of the pipeline: PGRES_PIPELINE_SYNC, then nothing.
    read_results(statements.back().sql, deadline, &first_error, &unavailable);
  } catch (...) {
    // Results may be left unread: the connection cannot serve another call.
    given_up_ = true;
    throw;
  }
  if (PQexitPipelineMode(connection_) == 0) {
    given_up_ = true;
    fail("leaving pipeline mode");
  }
  if (!first_error.empty()) {
    const std::string message = "PostgreSQL: running " + failed_sql.substr(0, 200) + ": " + first_error;
    if (unavailable) throw StoreUnavailable(message);
    throw StoreError(message);
  }
  return rows;
}

Rows Connection::await_result(const std::string& sql) {
  const auto deadline = std::chrono::steady_clock::now() + client_timeout_;
  std::string error;
  bool unavailable = false;
  auto last = read_results(sql, deadline, &error, &unavailable);
  if (!error.empty()) {
    const std::string message = "PostgreSQL: running " + sql.substr(0, 200) + ": " + error;
    if (unavailable) throw StoreUnavailable(message);
    throw StoreError(message);
  }
  if (!last) fail("running " + sql.substr(0, 200));
  return std::move(*last);
}

std::optional<Rows> Connection::read_results(const std::string& sql,
                                             std::chrono::steady_clock::time_point deadline,
                                             std::string* error, bool* unavailable) {
  // Every result is read, so that the connection is ready for the next
  // statement; the first failure is the one reported.
  std::optional<Rows> last;
  for (;;) {
    while (PQisBusy(connection_) != 0) wait_for_input(deadline, sql);
    pg_result* result = PQgetResult(connection_);
    if (result == nullptr) break;
    const ExecStatusType status = PQresultStatus(result);
    if (status == PGRES_PIPELINE_SYNC) {
      PQclear(result);
      break;
    }
    if (error->empty() && status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK &&
        status != PGRES_PIPELINE_ABORTED) {
      *error = trimmed(PQresultErrorMessage(result));
      if (error->empty()) *error = PQresStatus(status);
      *unavailable = means_unavailable(PQresultErrorField(result, PG_DIAG_SQLSTATE));
    }
    last.emplace(result);
  }
  return last;
}

void Connection::wait_for_input(std::chrono::steady_clock::time_point deadline, const std::string& sql) {
  int wait_ms = -1;
  if (client_timeout_.count() > 0) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    wait_ms = static_cast<int>(std::max<std::int64_t>(left.count(), 0));
  }
  pollfd socket{PQsocket(connection_), POLLIN, 0};
  const int ready = ::poll(&socket, 1, wait_ms);
  if (ready < 0 && errno == EINTR) return;
  if (ready == 0) {
    // The statement is still out there: this connection cannot be reused.
    given_up_ = true;
    throw StoreError("PostgreSQL did not answer within " + std::to_string(client_timeout_.count()) +
                     " ms: " + sql.substr(0, 200));
  }
  if (PQconsumeInput(connection_) == 0) fail("reading the answer to " + sql.substr(0, 200));
}

namespace {

void append_array_element(std::string& literal, std::string_view value) {
  if (literal.size() > 1) literal += ',';
  literal += '"';
  for (const char character : value) {
    if (character == '"' || character == '\\') literal += '\\';
    literal += character;
  }
  literal += '"';
}

}  // namespace

std::string text_array(const std::vector<std::string>& values) {
  std::string literal = "{";
  for (const auto& value : values) append_array_element(literal, value);
  return literal + '}';
}

std::string text_array(const std::vector<std::optional<std::string>>& values) {
  std::string literal = "{";
  for (const auto& value : values) {
    if (value) {
      append_array_element(literal, *value);
    } else {
      literal += literal.size() > 1 ? ",NULL" : "NULL";
    }
  }
  return literal + '}';
}

Transaction::Transaction(Connection& connection)
    : connection_(connection),
      nested_(connection.in_transaction()),
      exceptions_at_start_(std::uncaught_exceptions()) {
  if (!nested_) connection_.begin_with_next_statement();
}

Transaction::~Transaction() {
  if (!open_) return;
  if (nested_) {
    // Unwinding: the error reaches whoever owns the enclosing transaction.
    if (std::uncaught_exceptions() == exceptions_at_start_) connection_.spoil_enclosing_transaction();
    return;
  }
  if (!connection_.is_usable()) return;
  try {
    connection_.execute("ROLLBACK");
  } catch (const StoreError& error) {
    // The error that got us here is the one the caller sees.
    spdlog::warn("rollback failed: {}", error.what());
  }
}

void Transaction::commit() {
  if (!nested_) connection_.execute("COMMIT");
  open_ = false;
}

}  // namespace nadoo::store::postgres
