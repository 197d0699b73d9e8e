#include "store/sqlite/sqlite_store.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>

#include "knowledge/search_query.hpp"
#include "store/sqlite/owner_only_files.hpp"
#include "store/sqlite/page_rows.hpp"
#include "store/sqlite/schema_migrations.hpp"
#include "store/sqlite/sqlite_connection.hpp"
#include "store/sqlite/sqlite_notification_store.hpp"
#include "store/sqlite/sqlite_plugin_execution_store.hpp"
#include "store/sqlite/sqlite_workspace_store.hpp"
#include "store/sqlite/wal_checkpointer.hpp"

namespace nadoo::store {
namespace {

using sqlite::Connection;
using sqlite::Query;
using sqlite::Transaction;

constexpr std::string_view message_columns =
    "m.id, m.chat_id, m.session_id, m.role, m.content, m.user_id, m.created_at, "
    "m.tokens_used, m.sources_json, m.finish_reason";

ChatMessage read_message(const Query& row) {
  ChatMessage message;
  message.id = row.text(0);
  message.chat_id = row.text(1);
  message.session_id = row.text(2);
  message.role = row.text(3);
  message.content = row.text(4);
  message.user_id = row.text(5);
  message.created_at = row.text(6);
  message.tokens_used = static_cast<int>(row.integer(7));
  message.sources_json = row.text(8);
  message.finish_reason = row.text(9);
  return message;
}

/// The list_messages SQL for the filters present. Absent filters are left
/// out rather than written as `?n IS NULL OR …`, which would keep SQLite from
/// using the index of the filter that is there. Numbered parameters: 1 user,
/// 2 application, 3 session, 4 chat, 5 after-sequence, 6 limit.
std::string list_messages_sql(const MessageQuery& query) {
  std::string sql = "SELECT " + std::string(message_columns) +
                    " FROM messages m JOIN chats c ON c.id = m.chat_id WHERE c.user_id = ?1";
  if (query.application_id) sql += " AND c.application_id = ?2";
  if (query.session_id) sql += " AND m.session_id = ?3";
  if (query.chat_id) sql += " AND m.chat_id = ?4";
  if (query.after_message_id) sql += " AND m.sequence > ?5";
  return sql + " ORDER BY m.sequence LIMIT ?6";
}

class SqliteStore final : public Store {
 public:
  /// The writer: migrates the database, and checkpoints its log.
  SqliteStore(const std::filesystem::path& database_file, int wal_pages_per_checkpoint)
      : checkpointer_(std::in_place, database_file, wal_pages_per_checkpoint), connection_(database_file) {
    sqlite::migrate(connection_);
    connection_.on_wal_commit([this](int wal_pages) { checkpointer_->note_wal_pages(wal_pages); });
  }
  /// A reader beside it, on a read-only connection.
  explicit SqliteStore(const std::filesystem::path& database_file)
      : connection_(database_file, Connection::Access::read_only) {}

  void put_application(const Application& application) override {
    Transaction transaction(connection_, Transaction::Kind::write);
    connection_
        .query(
            "INSERT INTO applications (id, name, provider, model, system_prompt, temperature, max_tokens, "
            "base_url, api_key) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) ON CONFLICT (id) DO UPDATE SET "
            "name = excluded.name, provider = excluded.provider, model = excluded.model, "
            "system_prompt = excluded.system_prompt, temperature = excluded.temperature, "
            "max_tokens = excluded.max_tokens, base_url = excluded.base_url, api_key = excluded.api_key")
        .bind_text(1, application.id)
        .bind_text(2, application.name)
        .bind_text(3, application.provider)
        .bind_text(4, application.model)
        .bind_text(5, application.system_prompt)
        .bind_real(6, application.temperature)
        .bind_integer(7, application.max_tokens)
        .bind_text(8, application.base_url)
        .bind_text(9, application.api_key)
        .execute();
    connection_.query("DELETE FROM application_knowledge_bases WHERE application_id = ?1")
        .bind_text(1, application.id)
        .execute();
    for (std::size_t position = 0; position < application.knowledge_base_ids.size(); ++position) {
      connection_
          .query(
              "INSERT INTO application_knowledge_bases (application_id, position, knowledge_base_id) "
              "VALUES (?1, ?2, ?3)")
          .bind_text(1, application.id)
          .bind_integer(2, static_cast<std::int64_t>(position))
          .bind_text(3, application.knowledge_base_ids[position])
          .execute();
    }
    transaction.commit();
  }

  std::optional<Application> find_application(const std::string& id) override {
    Transaction transaction(connection_, Transaction::Kind::read);
    std::optional<Application> application;
    {
      auto row = connection_.query(
          "SELECT name, provider, model, system_prompt, temperature, max_tokens, base_url, api_key "
          "FROM applications WHERE id = ?1");
      row.bind_text(1, id);
      if (!row.next_row()) return std::nullopt;
      application.emplace();
      application->id = id;
      application->name = row.text(0);
      application->provider = row.text(1);
      application->model = row.text(2);
      application->system_prompt = row.text(3);
      application->temperature = row.real(4);
      application->max_tokens = static_cast<int>(row.integer(5));
      application->base_url = row.text(6);
      application->api_key = row.text(7);
    }
    auto knowledge_bases = connection_.query(
        "SELECT knowledge_base_id FROM application_knowledge_bases "
        "WHERE application_id = ?1 ORDER BY position");
    knowledge_bases.bind_text(1, id);
    while (knowledge_bases.next_row()) application->knowledge_base_ids.push_back(knowledge_bases.text(0));
    return application;
  }

  bool delete_application(const std::string& id) override {
    Transaction transaction(connection_, Transaction::Kind::write);
    connection_.query("DELETE FROM applications WHERE id = ?1").bind_text(1, id).execute();
    const bool deleted = connection_.changed_rows() > 0;
    transaction.commit();
    return deleted;
  }

  std::optional<Chat> find_chat(const std::string& chat_id) override {
    Transaction transaction(connection_, Transaction::Kind::read);
    auto row =
        connection_.query("SELECT application_id, session_id, user_id, created_at FROM chats WHERE id = ?1");
    row.bind_text(1, chat_id);
    if (!row.next_row()) return std::nullopt;
    return Chat{chat_id, row.text(0), row.text(1), row.text(2), row.text(3)};
  }

  void create_chat(const Chat& chat) override {
    Transaction transaction(connection_, Transaction::Kind::write);
    connection_
        .query(
            "INSERT INTO chats (id, application_id, session_id, user_id, created_at) "
            "VALUES (?1, ?2, ?3, ?4, ?5)")
        .bind_text(1, chat.id)
        .bind_text(2, chat.application_id)
        .bind_text(3, chat.session_id)
        .bind_text(4, chat.user_id)
        .bind_text(5, chat.created_at)
        .execute();
    transaction.commit();
  }

  void append_message(const ChatMessage& message) override {
    Transaction transaction(connection_, Transaction::Kind::write);
    connection_
        .query(
            "INSERT INTO messages (id, chat_id, session_id, role, content, user_id, created_at, tokens_used, "
            "sources_json, finish_reason) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) "
            "ON CONFLICT (id) DO NOTHING")
        .bind_text(1, message.id)
        .bind_text(2, message.chat_id)
        .bind_text(3, message.session_id)
        .bind_text(4, message.role)
        .bind_text(5, message.content)
        .bind_text(6, message.user_id)
        .bind_text(7, message.created_at)
        .bind_integer(8, message.tokens_used)
        .bind_text(9, message.sources_json)
        .bind_text(10, message.finish_reason)
        .execute();
    transaction.commit();
  }

  std::vector<ChatMessage> recent_messages(const std::string& chat_id, std::size_t max_characters) override {
    Transaction transaction(connection_, Transaction::Kind::read);
    // The history handed to the model never has a gap in it.
    auto rows = connection_.query(
        "SELECT " + std::string(message_columns) +
        ", length(m.content) FROM messages m WHERE m.chat_id = ?1 ORDER BY m.sequence DESC");
    rows.bind_text(1, chat_id);
    return sqlite::read_newest_within(rows, /*length_column=*/10, /*overhead_per_row=*/0, max_characters,
                                      read_message);
  }

  std::vector<ChatMessage> session_answers_since(const std::string& session_id,
                                                 const std::string& created_since,
                                                 std::size_t limit) override {
    Transaction transaction(connection_, Transaction::Kind::read);
    auto rows = connection_.query("SELECT " + std::string(message_columns) +
                                  " FROM messages m WHERE m.session_id = ?1 AND m.role = 'assistant' AND "
                                  "m.created_at >= ?2 ORDER BY m.sequence LIMIT ?3");
    rows.bind_text(1, session_id).bind_text(2, created_since);
    const auto bound = sqlite::bind_page_limit(rows, 3, limit);
    std::vector<ChatMessage> answers;
    sqlite::read_page_rows(rows, bound, answers, read_message);
    return answers;
  }

  MessagePage list_messages(const MessageQuery& query) override {
    Transaction transaction(connection_, Transaction::Kind::read);
    MessagePage page;
    std::int64_t after_sequence = 0;
    if (query.after_message_id) {
      auto after = connection_.query("SELECT sequence FROM messages WHERE id = ?1");
      after.bind_text(1, *query.after_message_id);
      if (!after.next_row()) return page;  // unknown id: nothing comes after it
      after_sequence = after.integer(0);
    }
    auto rows = connection_.query(list_messages_sql(query));
    rows.bind_text(1, query.user_id);
    if (query.application_id) rows.bind_text(2, *query.application_id);
    if (query.session_id) rows.bind_text(3, *query.session_id);
    if (query.chat_id) rows.bind_text(4, *query.chat_id);
    if (query.after_message_id) rows.bind_integer(5, after_sequence);
    const auto limit = sqlite::bind_page_limit(rows, 6, static_cast<std::size_t>(std::max(query.limit, 0)));
    page.has_more = sqlite::read_page_rows(rows, limit, page.messages, read_message);
    return page;
  }

  void put_document(const KnowledgeDocument& document, const std::vector<KnowledgeChunk>& chunks) override {
    Transaction transaction(connection_, Transaction::Kind::write);
    auto upsert = connection_.query(
        "INSERT INTO knowledge_documents (knowledge_base_id, document_id, filename, content, workspace_id) "
        "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (knowledge_base_id, document_id) DO UPDATE SET "
        "filename = excluded.filename, content = excluded.content, workspace_id = excluded.workspace_id");
    upsert.bind_text(1, document.knowledge_base_id)
        .bind_text(2, document.document_id)
        .bind_text(3, document.filename)
        .bind_text(4, document.content)
        .bind_optional_text(5, document.workspace_id)
        .execute();
    connection_.query("DELETE FROM knowledge_chunks WHERE knowledge_base_id = ?1 AND document_id = ?2")
        .bind_text(1, document.knowledge_base_id)
        .bind_text(2, document.document_id)
        .execute();
    for (std::size_t position = 0; position < chunks.size(); ++position) {
      const auto& chunk = chunks[position];
      // The document's identity wins over what the chunk says: a chunk
      // belongs to the document it was stored with.
      auto insert = connection_.query(
          "INSERT INTO knowledge_chunks (knowledge_base_id, document_id, chunk_id, position, heading, "
          "page_number, "
          "content) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
      insert.bind_text(1, document.knowledge_base_id)
          .bind_text(2, document.document_id)
          .bind_text(3, chunk.chunk_id)
          .bind_integer(4, static_cast<std::int64_t>(position))
          .bind_text(5, chunk.heading)
          .bind_text(7, chunk.content);
      if (chunk.page_number) insert.bind_integer(6, *chunk.page_number);
      insert.execute();
    }
    transaction.commit();
  }

  bool delete_document(const std::string& knowledge_base_id, const std::string& document_id) override {
    Transaction transaction(connection_, Transaction::Kind::write);
    // The chunks, and with them their index entries, go by cascade.
    connection_.query("DELETE FROM knowledge_documents WHERE knowledge_base_id = ?1 AND document_id = ?2")
        .bind_text(1, knowledge_base_id)
        .bind_text(2, document_id)
        .execute();
    const bool deleted = connection_.changed_rows() > 0;
    transaction.commit();
    return deleted;
  }

  std::vector<ScoredChunk> search_chunks(const std::vector<std::string>& knowledge_base_ids,
                                         const std::string& query, std::size_t limit) override {
    std::vector<ScoredChunk> results;
    const auto match = knowledge::fts5_match_expression(query);
    std::vector<std::string> bases = knowledge_base_ids;
    std::sort(bases.begin(), bases.end());
    bases.erase(std::unique(bases.begin(), bases.end()), bases.end());
    if (match.empty() || bases.empty() || limit == 0) return results;

    // One placeholder per knowledge base; the statement cache keeps one
    // statement per count, and applications use a handful at most.
    std::string sql =
        "SELECT c.chunk_id, c.knowledge_base_id, c.document_id, d.filename, c.heading, c.page_number, "
        "c.content, bm25(knowledge_chunks_fts) FROM knowledge_chunks_fts "
        "JOIN knowledge_chunks c ON c.chunk_key = knowledge_chunks_fts.rowid "
        "JOIN knowledge_documents d "
        "ON d.knowledge_base_id = c.knowledge_base_id AND d.document_id = c.document_id "
        "WHERE knowledge_chunks_fts MATCH ?1 AND c.knowledge_base_id IN (";
    for (std::size_t index = 0; index < bases.size(); ++index) {
      sql += (index == 0 ? "?" : ", ?") + std::to_string(index + 3);
    }
    sql += ") ORDER BY bm25(knowledge_chunks_fts), c.chunk_key LIMIT ?2";

    Transaction transaction(connection_, Transaction::Kind::read);
    auto rows = connection_.query(sql);
    rows.bind_text(1, match);
    rows.bind_integer(2, static_cast<std::int64_t>(std::min<std::size_t>(limit, INT64_MAX)));
    for (std::size_t index = 0; index < bases.size(); ++index) {
      rows.bind_text(static_cast<int>(index) + 3, bases[index]);
    }
    while (rows.next_row()) {
      ScoredChunk& result = results.emplace_back();
      result.chunk.chunk_id = rows.text(0);
      result.chunk.knowledge_base_id = rows.text(1);
      result.chunk.document_id = rows.text(2);
      result.chunk.filename = rows.text(3);
      result.chunk.heading = rows.text(4);
      if (const auto page = rows.optional_integer(5)) result.chunk.page_number = static_cast<int>(*page);
      result.chunk.content = rows.text(6);
      result.score = -rows.real(7);  // bm25() is lower for better matches
    }
    return results;
  }

  bool is_healthy() override {
    try {
      Transaction transaction(connection_, Transaction::Kind::read);
      // Reads the schema page: a vanished or unreadable file shows here.
      auto row = connection_.query("SELECT count(*) FROM sqlite_schema");
      return row.next_row();
    } catch (const StoreError& error) {
      spdlog::warn("storage health check failed: {}", error.what());
      return false;
    }
  }

  void begin_group() override {
    connection_.take_spoiled();  // left by a group that failed after a call spoiled it
    connection_.query("BEGIN IMMEDIATE").execute();
  }

  bool commit_group() override {
    // SQLite rolls a transaction back by itself after some errors (disk
    // full, I/O error); a call that caught one, and the calls after it, then
    // ran on their own and may have committed: running them again could
    // store them twice, so the group fails as a failed commit does.
    if (!connection_.in_transaction())
      throw StoreError("database " + connection_.file().string() +
                       ": the group's transaction was rolled back");
    if (connection_.take_spoiled()) return false;
    connection_.query("COMMIT").execute();
    return true;
  }

  void rollback_group() noexcept override {
    try {
      if (connection_.in_transaction()) connection_.query("ROLLBACK").execute();
    } catch (const StoreError& error) {
      spdlog::warn("rolling back a group of storage calls failed: {}", error.what());
    }
  }

  NotificationStore& notifications() override { return notifications_; }
  WorkspaceStore& workspaces() override { return workspaces_; }
  PluginExecutionStore& plugin_executions() override { return plugin_executions_; }

 private:
  // Before the connection: it outlives the writer's last commit hook, and
  // closing last it is the one that folds the log into the database. A
  // reader has none.
  std::optional<sqlite::WalCheckpointer> checkpointer_;
  Connection connection_;
  sqlite::SqliteNotificationStore notifications_{connection_};
  sqlite::SqliteWorkspaceStore workspaces_{connection_};
  sqlite::SqlitePluginExecutionStore plugin_executions_{connection_};
};

}  // namespace

std::unique_ptr<Store> open_sqlite_store(const std::filesystem::path& database_file,
                                         int wal_pages_per_checkpoint) {
  sqlite::create_owner_only_directories(database_file.parent_path());
  sqlite::restrict_database_files(database_file);
  return std::make_unique<SqliteStore>(database_file, wal_pages_per_checkpoint);
}

std::unique_ptr<Store> open_sqlite_reader(const std::filesystem::path& database_file) {
  return std::make_unique<SqliteStore>(database_file);
}

}  // namespace nadoo::store
