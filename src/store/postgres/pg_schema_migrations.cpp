#include "store/postgres/pg_schema_migrations.hpp"

#include <spdlog/spdlog.h>

#include <array>
#include <string>

#include "store/store.hpp"

namespace nadoo::store::postgres {
namespace {

struct Migration {
  int version;
  const char* sql;
};

// The advisory lock's key: one 64-bit number for "this schema", chosen once
// ("nadoo_db" in ASCII) so that it does not collide with another
// application's locks on a shared server.
constexpr long long schema_lock_key = 0x6e61646f6f5f6462;

// The same tables as SQLite's five migrations (sqlite/schema_migrations.cpp),
// as PostgreSQL starts from them. Times stay ISO 8601 UTC text, as the Store
// interface carries them: they order and compare as text, as in SQLite.
// Never edit a migration that has shipped: add the next one.
constexpr std::array<Migration, latest_schema_version> migrations{{
    {1, R"sql(
CREATE TABLE applications (
  id text PRIMARY KEY,
  name text NOT NULL,
  provider text NOT NULL,
  model text NOT NULL,
  system_prompt text NOT NULL,
  temperature double precision NOT NULL,
  max_tokens integer NOT NULL,
  base_url text NOT NULL,
  api_key text NOT NULL
);
CREATE TABLE application_knowledge_bases (
  application_id text NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
  position integer NOT NULL,
  knowledge_base_id text NOT NULL,
  PRIMARY KEY (application_id, position)
);

-- No foreign key to applications: deleting an application keeps its history.
CREATE TABLE chats (
  id text PRIMARY KEY,
  application_id text NOT NULL,
  session_id text NOT NULL,
  user_id text NOT NULL,
  created_at text NOT NULL
);
CREATE INDEX chats_by_user_and_application ON chats (user_id, application_id);

-- `sequence` orders messages and pages through them. An identity column:
-- the database hands the numbers out, so two nodes never take the same one.
CREATE TABLE messages (
  sequence bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  id text NOT NULL UNIQUE,
  chat_id text NOT NULL REFERENCES chats (id) ON DELETE CASCADE,
  session_id text NOT NULL,
  role text NOT NULL,
  content text NOT NULL,
  user_id text NOT NULL,
  created_at text NOT NULL,
  tokens_used integer NOT NULL,
  sources_json text NOT NULL,
  finish_reason text NOT NULL
);
CREATE INDEX messages_by_chat ON messages (chat_id, sequence);
CREATE INDEX messages_by_session ON messages (session_id, sequence);
CREATE INDEX messages_by_user ON messages (user_id, sequence);

-- NULL workspace_id: the document belongs to no workspace.
CREATE TABLE knowledge_documents (
  knowledge_base_id text NOT NULL,
  document_id text NOT NULL,
  filename text NOT NULL,
  content text NOT NULL,
  workspace_id text,
  PRIMARY KEY (knowledge_base_id, document_id)
);

-- `search` is kept by the database itself from heading (weight A) and content
-- (weight B); the GIN index answers full-text queries against it.
CREATE TABLE knowledge_chunks (
  chunk_key bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  knowledge_base_id text NOT NULL,
  document_id text NOT NULL,
  chunk_id text NOT NULL,
  position integer NOT NULL,
  heading text NOT NULL,
  page_number integer,
  content text NOT NULL,
  search tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('english', heading), 'A') || setweight(to_tsvector('english', content), 'B')) STORED,
  UNIQUE (knowledge_base_id, chunk_id),
  FOREIGN KEY (knowledge_base_id, document_id)
    REFERENCES knowledge_documents (knowledge_base_id, document_id) ON DELETE CASCADE
);
CREATE INDEX knowledge_chunks_by_document ON knowledge_chunks (knowledge_base_id, document_id, position);
CREATE INDEX knowledge_chunks_search ON knowledge_chunks USING gin (search);

-- `sequence` orders a user's notifications exactly (the backlog is oldest
-- first; paging is `after` one of them), assigned by the database.
CREATE TABLE notifications (
  sequence bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  id text NOT NULL UNIQUE,
  user_id text NOT NULL,
  title text NOT NULL,
  body text NOT NULL,
  action_url text NOT NULL,
  data_json text,
  created_at text NOT NULL,
  read_at text
);
CREATE INDEX notifications_by_user ON notifications (user_id, sequence);
-- The backlog sent on every connect reads only this small index.
CREATE INDEX notifications_unread_by_user ON notifications (user_id, sequence) WHERE read_at IS NULL;
CREATE INDEX notifications_by_age ON notifications (created_at);

-- Who may join a workspace's socket. The role is the platform's to interpret.
-- Members page by user id in byte order, as on SQLite, whatever the
-- database's locale.
CREATE TABLE workspace_members (
  workspace_id text NOT NULL,
  user_id text COLLATE "C" NOT NULL,
  role text,
  added_at text NOT NULL,
  PRIMARY KEY (workspace_id, user_id)
);

-- last_sequence hands out each execution's event sequences (1, 2, 3 …) under
-- the row's lock; event_count and dropped_events enforce and report the limit.
CREATE TABLE plugin_executions (
  execution_id text PRIMARY KEY,
  plugin_id text NOT NULL,
  tool_name text NOT NULL,
  workspace_id text,
  status text NOT NULL CHECK (status IN ('pending', 'running', 'completed', 'failed')),
  started_at text NOT NULL,
  ended_at text,
  total_execution_time_us bigint,
  last_sequence bigint NOT NULL DEFAULT 0,
  event_count bigint NOT NULL DEFAULT 0,
  dropped_events bigint NOT NULL DEFAULT 0
);
-- Retention deletes by start time.
CREATE INDEX plugin_executions_by_start ON plugin_executions (started_at);

CREATE TABLE plugin_debug_events (
  execution_id text NOT NULL REFERENCES plugin_executions (execution_id) ON DELETE CASCADE,
  sequence bigint NOT NULL,
  type text NOT NULL,
  data_json text NOT NULL,
  timestamp text NOT NULL,
  PRIMARY KEY (execution_id, sequence)
);
)sql"},
}};

constexpr const char* versions_table = R"sql(
CREATE TABLE IF NOT EXISTS nadoo_schema_migrations (
  version integer PRIMARY KEY,
  applied_at timestamptz NOT NULL DEFAULT now()
))sql";

int applied_version(Connection& connection) {
  const Rows version = connection.query("SELECT coalesce(max(version), 0) FROM nadoo_schema_migrations");
  return static_cast<int>(version.integer(0, 0));
}

}  // namespace

void migrate(Connection& connection, int target_version) {
  if (target_version < 0 || target_version > latest_schema_version) {
    throw StoreError("no schema version " + std::to_string(target_version));
  }
  Transaction transaction(connection);
  // Held to the end of the transaction: the next node waits here, then reads
  // the version this one committed.
  connection.query("SELECT pg_advisory_xact_lock($1)", {std::to_string(schema_lock_key)});
  connection.execute(versions_table);
  const int current_version = applied_version(connection);
  if (current_version > latest_schema_version) {
    throw StoreError("the PostgreSQL database has schema version " + std::to_string(current_version) +
                     ", newer than this server's " + std::to_string(latest_schema_version));
  }
  for (const auto& migration : migrations) {
    if (migration.version <= current_version || migration.version > target_version) continue;
    connection.execute(migration.sql);
    connection.query("INSERT INTO nadoo_schema_migrations (version) VALUES ($1)",
                     {std::to_string(migration.version)});
    spdlog::info("PostgreSQL schema migrated to version {}", migration.version);
  }
  transaction.commit();
}

int schema_version(Connection& connection) {
  if (connection.query("SELECT to_regclass('nadoo_schema_migrations') IS NULL").text(0, 0) == "t") return 0;
  return applied_version(connection);
}

}  // namespace nadoo::store::postgres
