#include "store/sqlite/schema_migrations.hpp"

#include <spdlog/spdlog.h>

#include <array>
#include <string>

#include "store/store.hpp"

namespace nadoo::store::sqlite {
namespace {

struct Migration {
  int version;
  const char* sql;
};

// Never edit a migration that has shipped: add the next one.
constexpr std::array<Migration, latest_schema_version> migrations{{
    {1, R"sql(
CREATE TABLE applications (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  provider TEXT NOT NULL,
  model TEXT NOT NULL,
  system_prompt TEXT NOT NULL,
  temperature REAL NOT NULL,
  max_tokens INTEGER NOT NULL,
  base_url TEXT NOT NULL,
  api_key TEXT NOT NULL
) STRICT;

-- A side table rather than JSON text: the order is kept and the ids stay
-- queryable ("which applications use this knowledge base").
CREATE TABLE application_knowledge_bases (
  application_id TEXT NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  knowledge_base_id TEXT NOT NULL,
  PRIMARY KEY (application_id, position)
) STRICT, WITHOUT ROWID;

-- No foreign key to applications: deleting an application keeps its history.
CREATE TABLE chats (
  id TEXT PRIMARY KEY,
  application_id TEXT NOT NULL,
  session_id TEXT NOT NULL,
  user_id TEXT NOT NULL,
  created_at TEXT NOT NULL
) STRICT;
CREATE INDEX chats_by_user_and_application ON chats (user_id, application_id);

-- `sequence` orders messages and pages through them; AUTOINCREMENT so that a
-- number is never handed out twice, even after the newest row is deleted.
CREATE TABLE messages (
  sequence INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  chat_id TEXT NOT NULL REFERENCES chats (id) ON DELETE CASCADE,
  session_id TEXT NOT NULL,
  role TEXT NOT NULL,
  content TEXT NOT NULL,
  user_id TEXT NOT NULL,
  created_at TEXT NOT NULL,
  tokens_used INTEGER NOT NULL,
  sources_json TEXT NOT NULL,
  finish_reason TEXT NOT NULL
) STRICT;
CREATE INDEX messages_by_chat ON messages (chat_id, sequence);
CREATE INDEX messages_by_session ON messages (session_id, sequence);
CREATE INDEX messages_by_user ON messages (user_id, sequence);
)sql"},
    {2, R"sql(
CREATE TABLE knowledge_documents (
  knowledge_base_id TEXT NOT NULL,
  document_id TEXT NOT NULL,
  filename TEXT NOT NULL,
  content TEXT NOT NULL,
  PRIMARY KEY (knowledge_base_id, document_id)
) STRICT;

-- chunk_key is the rowid the full-text index points at; chunk_id is the
-- caller's stable "<document_id>#<n>".
CREATE TABLE knowledge_chunks (
  chunk_key INTEGER PRIMARY KEY,
  knowledge_base_id TEXT NOT NULL,
  document_id TEXT NOT NULL,
  chunk_id TEXT NOT NULL,
  position INTEGER NOT NULL,
  heading TEXT NOT NULL,
  page_number INTEGER,
  content TEXT NOT NULL,
  UNIQUE (knowledge_base_id, chunk_id),
  FOREIGN KEY (knowledge_base_id, document_id)
    REFERENCES knowledge_documents (knowledge_base_id, document_id) ON DELETE CASCADE
) STRICT;
CREATE INDEX knowledge_chunks_by_document ON knowledge_chunks (knowledge_base_id, document_id, position);

-- External content: the text lives once, in knowledge_chunks; the triggers
-- keep the index in step with it.
CREATE VIRTUAL TABLE knowledge_chunks_fts USING fts5 (
  heading, content,
  content = 'knowledge_chunks', content_rowid = 'chunk_key',
  tokenize = 'porter unicode61'
);
CREATE TRIGGER knowledge_chunks_after_insert AFTER INSERT ON knowledge_chunks BEGIN
  INSERT INTO knowledge_chunks_fts (rowid, heading, content) VALUES (new.chunk_key, new.heading, new.content);
END;
CREATE TRIGGER knowledge_chunks_after_delete AFTER DELETE ON knowledge_chunks BEGIN
  INSERT INTO knowledge_chunks_fts (knowledge_chunks_fts, rowid, heading, content)
    VALUES ('delete', old.chunk_key, old.heading, old.content);
END;
CREATE TRIGGER knowledge_chunks_after_update AFTER UPDATE ON knowledge_chunks BEGIN
  INSERT INTO knowledge_chunks_fts (knowledge_chunks_fts, rowid, heading, content)
    VALUES ('delete', old.chunk_key, old.heading, old.content);
  INSERT INTO knowledge_chunks_fts (rowid, heading, content) VALUES (new.chunk_key, new.heading, new.content);
END;
)sql"},
    {3, R"sql(
-- `sequence` orders a user's notifications exactly (the backlog is oldest
-- first; paging is `after` one of them), even within one millisecond.
-- AUTOINCREMENT: a number is never handed out twice, even after a purge.
CREATE TABLE notifications (
  sequence INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  user_id TEXT NOT NULL,
  title TEXT NOT NULL,
  body TEXT NOT NULL,
  action_url TEXT NOT NULL,
  data_json TEXT,
  created_at TEXT NOT NULL,
  read_at TEXT
) STRICT;
CREATE INDEX notifications_by_user ON notifications (user_id, sequence);
-- The backlog sent on every connect reads only this small index.
CREATE INDEX notifications_unread_by_user ON notifications (user_id, sequence) WHERE read_at IS NULL;
CREATE INDEX notifications_by_age ON notifications (created_at);
)sql"},
    {4, R"sql(
-- Who may join a workspace's socket. The role is the platform's to interpret.
CREATE TABLE workspace_members (
  workspace_id TEXT NOT NULL,
  user_id TEXT NOT NULL,
  role TEXT,
  added_at TEXT NOT NULL,
  PRIMARY KEY (workspace_id, user_id)
) STRICT, WITHOUT ROWID;

-- The workspace a knowledge document belongs to: its changes are announced
-- there. NULL: the document belongs to no workspace.
ALTER TABLE knowledge_documents ADD COLUMN workspace_id TEXT;
)sql"},
    {5, R"sql(
-- last_sequence hands out each execution's event sequences (1, 2, 3 …);
-- event_count and dropped_events enforce and report the per-execution limit.
CREATE TABLE plugin_executions (
  execution_id TEXT PRIMARY KEY,
  plugin_id TEXT NOT NULL,
  tool_name TEXT NOT NULL,
  workspace_id TEXT,
  status TEXT NOT NULL CHECK (status IN ('pending', 'running', 'completed', 'failed')),
  started_at TEXT NOT NULL,
  ended_at TEXT,
  total_execution_time_us INTEGER,
  last_sequence INTEGER NOT NULL DEFAULT 0,
  event_count INTEGER NOT NULL DEFAULT 0,
  dropped_events INTEGER NOT NULL DEFAULT 0
) STRICT;
-- Retention deletes by start time.
CREATE INDEX plugin_executions_by_start ON plugin_executions (started_at);

CREATE TABLE plugin_debug_events (
  execution_id TEXT NOT NULL REFERENCES plugin_executions (execution_id) ON DELETE CASCADE,
  sequence INTEGER NOT NULL,
  type TEXT NOT NULL,
  data_json TEXT NOT NULL,
  timestamp TEXT NOT NULL,
  PRIMARY KEY (execution_id, sequence)
) STRICT, WITHOUT ROWID;
)sql"},
}};

}  // namespace

void migrate(Connection& connection, int target_version) {
  if (target_version < 0 || target_version > latest_schema_version) {
    throw StoreError("no schema version " + std::to_string(target_version));
  }
  const int current_version = connection.user_version();
  if (current_version > latest_schema_version) {
    throw StoreError("database " + connection.file().string() + " has schema version " +
                     std::to_string(current_version) + ", newer than this server's " +
                     std::to_string(latest_schema_version));
  }
  for (const auto& migration : migrations) {
    if (migration.version <= current_version || migration.version > target_version) continue;
    Transaction transaction(connection, Transaction::Kind::write);
    // Re-read under the write lock: another process may have migrated first.
    if (connection.user_version() >= migration.version) continue;
    connection.execute_script(migration.sql);
    connection.execute_script("PRAGMA user_version = " + std::to_string(migration.version));
    transaction.commit();
    spdlog::info("database {} migrated to schema version {}", connection.file().string(), migration.version);
  }
}

}  // namespace nadoo::store::sqlite
