#include "store/postgres/pg_reconnecting_connection.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "store/postgres/pg_schema_migrations.hpp"
#include "store/store.hpp"

namespace nadoo::store::postgres {
namespace {

constexpr std::chrono::milliseconds first_backoff{100};
// Short enough that a database back from a restart serves within about 2 s;
// a connection attempt every 2 s costs the database server nothing.
constexpr std::chrono::milliseconds max_backoff{2000};

}  // namespace

ReconnectingConnection::ReconnectingConnection(ConnectionSettings settings, std::string log_name)
    : settings_(std::move(settings)), log_name_(std::move(log_name)) {}

Connection& ReconnectingConnection::connected() {
  if (connection_) return *connection_;
  const auto now = std::chrono::steady_clock::now();
  if (now < next_attempt_) throw StoreUnavailable("storage is unavailable: " + last_failure_);
  try {
    auto connection = std::make_unique<Connection>(settings_);
    migrate(*connection);
    connection_ = std::move(connection);
  } catch (const StoreError& error) {
    const bool first_failure = backoff_.count() == 0;
    backoff_ = first_failure ? first_backoff : std::min(backoff_ * 2, max_backoff);
    next_attempt_ = now + backoff_;
    last_failure_ = error.what();
    // Once per outage, not once per attempt.
    if (first_failure) spdlog::error("PostgreSQL {}: {}; retrying", log_name_, last_failure_);
    throw StoreUnavailable("storage is unavailable: " + last_failure_);
  }
  if (backoff_.count() > 0)
    spdlog::info("PostgreSQL {}: connected again", log_name_);
  else
    spdlog::info("PostgreSQL {}: connected", log_name_);
  backoff_ = std::chrono::milliseconds{0};
  return *connection_;
}

StoreUnavailable ReconnectingConnection::lost(const StoreError& error) {
  connection_.reset();
  // The next call tries again at once: the server may have only dropped this connection.
  next_attempt_ = {};
  backoff_ = first_backoff;
  last_failure_ = error.what();
  spdlog::error("PostgreSQL {}: connection lost: {}", log_name_, last_failure_);
  return StoreUnavailable("storage is unavailable: " + last_failure_);
}

void ReconnectingConnection::begin_group() {
  run([](Connection& connection) {
    connection.take_spoiled();  // left by a group that failed after a call spoiled it
    connection.begin_with_next_statement();
  });
  group_open_ = true;
}

bool ReconnectingConnection::commit_group() {
  return run([this](Connection& connection) {
    // COMMIT of a failed transaction rolls back without an error: say so instead.
    if (connection.take_spoiled() || connection.in_failed_transaction() || !connection.in_transaction())
      return false;
    connection.execute("COMMIT");
    group_open_ = false;
    return true;
  });
}

void ReconnectingConnection::rollback_group() noexcept {
  group_open_ = false;
  if (!connection_ || !connection_->is_usable() || !connection_->in_transaction()) return;
  try {
    connection_->execute("ROLLBACK");
  } catch (const StoreError& error) {
    spdlog::warn("PostgreSQL {}: rolling back a group of calls failed: {}", log_name_, error.what());
  }
}

}  // namespace nadoo::store::postgres
