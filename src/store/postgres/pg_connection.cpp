#include "store/postgres/pg_connection.hpp"

#include <libpq-fe.h>
#include <spdlog/spdlog.h>

#include <charconv>
#include <vector>

#include "store/store.hpp"

namespace nadoo::store::postgres {
namespace {

/// libpq's messages end with a newline; the log and the callers' messages do not.
std::string trimmed(const char* message) {
  std::string text = message != nullptr ? message : "";
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text;
}

}  // namespace

Rows::Rows(pg_result* result) : result_(result) {}

void Rows::ResultClearer::operator()(pg_result* result) const { PQclear(result); }

int Rows::size() const { return PQntuples(result_.get()); }

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

Connection::Connection(const std::string& connection_uri) : connection_(PQconnectdb(connection_uri.c_str())) {
  if (connection_ == nullptr) throw StoreError("cannot connect to PostgreSQL: out of memory");
  if (PQstatus(connection_) != CONNECTION_OK) {
    // libpq's message names the host and port and why, never the password.
    std::string message = "cannot connect to PostgreSQL: " + trimmed(PQerrorMessage(connection_));
    PQfinish(connection_);
    throw StoreError(message);
  }
}

Connection::~Connection() { PQfinish(connection_); }

void Connection::fail(std::string_view doing, const pg_result* result) const {
  const char* message = result != nullptr ? PQresultErrorMessage(result) : PQerrorMessage(connection_);
  throw StoreError("PostgreSQL: " + std::string(doing) + ": " + trimmed(message));
}

void Connection::execute(const std::string& sql) { checked(PQexec(connection_, sql.c_str()), sql); }

Rows Connection::query(const std::string& sql, std::initializer_list<Parameter> parameters) {
  std::vector<std::string> texts;  // NUL-terminated copies: libpq reads C strings
  std::vector<const char*> values;
  texts.reserve(parameters.size());  // no reallocation: the pointers below stay valid
  values.reserve(parameters.size());
  for (const Parameter& parameter : parameters) {
    if (parameter) {
      texts.emplace_back(*parameter);
      values.push_back(texts.back().c_str());
    } else {
      values.push_back(nullptr);
    }
  }
  return checked(PQexecParams(connection_, sql.c_str(), static_cast<int>(values.size()), nullptr,
                              values.data(), nullptr, nullptr, 0),
                 sql);
}

Rows Connection::checked(pg_result* result, const std::string& sql) const {
  Rows rows(result);  // cleared whichever way we leave
  const ExecStatusType status = result != nullptr ? PQresultStatus(result) : PGRES_FATAL_ERROR;
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) fail("running " + sql.substr(0, 200), result);
  return rows;
}

Transaction::Transaction(Connection& connection) : connection_(connection) { connection_.execute("BEGIN"); }

Transaction::~Transaction() {
  if (!open_) return;
  try {
    connection_.execute("ROLLBACK");
  } catch (const StoreError& error) {
    // The error that got us here is the one the caller sees.
    spdlog::warn("rollback failed: {}", error.what());
  }
}

void Transaction::commit() {
  connection_.execute("COMMIT");
  open_ = false;
}

}  // namespace nadoo::store::postgres
