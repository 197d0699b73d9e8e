#include "store/postgres/pg_store.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <string>

#include "knowledge/search_query.hpp"
#include "store/postgres/pg_notification_store.hpp"
#include "store/postgres/pg_page_rows.hpp"
#include "store/postgres/pg_plugin_execution_store.hpp"
#include "store/postgres/pg_reconnecting_connection.hpp"
#include "store/postgres/pg_workspace_store.hpp"
#include "util/masked_uri.hpp"

namespace nadoo::store {
namespace {

using postgres::Connection;
using postgres::Rows;
using postgres::Transaction;

// The advisory-lock namespace ("nmsg") under which a chat's appends queue,
// keyed by the chat id's hash: each takes its sequence number only once the
// previous one committed, so paging `after` a message never skips one that
// another node was committing meanwhile.
constexpr int chat_append_lock = 0x6e6d7367;

constexpr std::string_view message_columns =
    "m.id, m.chat_id, m.session_id, m.role, m.content, m.user_id, m.created_at, "
    "m.tokens_used, m.sources_json, m.finish_reason";

ChatMessage read_message(const Rows& rows, int row) {
  ChatMessage message;
  message.id = rows.text(row, 0);
  message.chat_id = rows.text(row, 1);
  message.session_id = rows.text(row, 2);
  message.role = rows.text(row, 3);
  message.content = rows.text(row, 4);
  message.user_id = rows.text(row, 5);
  message.created_at = rows.text(row, 6);
  message.tokens_used = static_cast<int>(rows.integer(row, 7));
  message.sources_json = rows.text(row, 8);
  message.finish_reason = rows.text(row, 9);
  return message;
}

/// The list_messages SQL for the filters present (absent ones left out, so
/// that the planner uses the index of the one that is there). Parameters: 1
/// user, 2 application, 3 session, 4 chat, 5 after-message id, 6 limit; the
/// absent ones are passed as NULL and not referred to.
std::string list_messages_sql(const MessageQuery& query) {
  std::string sql = "SELECT " + std::string(message_columns) +
                    " FROM messages m JOIN chats c ON c.id = m.chat_id WHERE c.user_id = $1";
  sql += query.application_id ? " AND c.application_id = $2" : " AND $2::text IS NULL";
  sql += query.session_id ? " AND m.session_id = $3" : " AND $3::text IS NULL";
  sql += query.chat_id ? " AND m.chat_id = $4" : " AND $4::text IS NULL";
  // An unknown id gives NULL, which nothing is greater than: an empty page.
  sql += query.after_message_id ? " AND m.sequence > (SELECT sequence FROM messages WHERE id = $5)"
                                : " AND $5::text IS NULL";
  return sql + " ORDER BY m.sequence LIMIT $6";
}

Connection::Parameter optional_parameter(const std::optional<std::string>& value) {
  if (!value) return std::nullopt;
  return std::string_view(*value);
}

class PostgresStore final : public Store {
 public:
  explicit PostgresStore(const postgres::ConnectionSettings& settings)
      : connection_(settings, util::with_masked_password(settings.uri)) {}

  void put_application(const Application& application) override {
    connection_.run([&](Connection& connection) {
      Transaction transaction(connection);
      connection.query(
          "INSERT INTO applications (id, name, provider, model, system_prompt, temperature, max_tokens, "
          "base_url, api_key) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (id) DO UPDATE SET "
          "name = excluded.name, provider = excluded.provider, model = excluded.model, "
          "system_prompt = excluded.system_prompt, temperature = excluded.temperature, "
          "max_tokens = excluded.max_tokens, base_url = excluded.base_url, api_key = excluded.api_key",
          {application.id, application.name, application.provider, application.model,
           application.system_prompt, real_text(application.temperature),
           std::to_string(application.max_tokens), application.base_url, application.api_key});
      connection.query("DELETE FROM application_knowledge_bases WHERE application_id = $1", {application.id});
      connection.query(
          "INSERT INTO application_knowledge_bases (application_id, position, knowledge_base_id) "
          "SELECT $1, position - 1, knowledge_base_id FROM unnest($2::text[]) WITH ORDINALITY "
          "AS listed (knowledge_base_id, position)",
          {application.id, postgres::text_array(application.knowledge_base_ids)});
      transaction.commit();
    });
  }

  std::optional<Application> find_application(const std::string& id) override {
    return connection_.run([&](Connection& connection) -> std::optional<Application> {
      // One statement, one snapshot: a row per knowledge base (one with NULL when there is none).
      const Rows rows = connection.query(
          "SELECT a.name, a.provider, a.model, a.system_prompt, a.temperature, a.max_tokens, a.base_url, "
          "a.api_key, k.knowledge_base_id FROM applications a "
          "LEFT JOIN application_knowledge_bases k ON k.application_id = a.id WHERE a.id = $1 "
          "ORDER BY k.position",
          {id});
      if (rows.size() == 0) return std::nullopt;
      Application application;
      application.id = id;
      application.name = rows.text(0, 0);
      application.provider = rows.text(0, 1);
      application.model = rows.text(0, 2);
      application.system_prompt = rows.text(0, 3);
      application.temperature = rows.real(0, 4);
      application.max_tokens = static_cast<int>(rows.integer(0, 5));
      application.base_url = rows.text(0, 6);
      application.api_key = rows.text(0, 7);
      for (int row = 0; row < rows.size(); ++row) {
        if (auto knowledge_base = rows.optional_text(row, 8)) {
          application.knowledge_base_ids.push_back(std::move(*knowledge_base));
        }
      }
      return application;
    });
  }

  bool delete_application(const std::string& id) override {
    return connection_.run([&](Connection& connection) {
      return connection.query("DELETE FROM applications WHERE id = $1", {id}).affected() > 0;
    });
  }

  std::optional<Chat> find_chat(const std::string& chat_id) override {
    return connection_.run([&](Connection& connection) -> std::optional<Chat> {
      const Rows rows = connection.query(
          "SELECT application_id, session_id, user_id, created_at FROM chats WHERE id = $1", {chat_id});
      if (rows.size() == 0) return std::nullopt;
      return Chat{chat_id, rows.text(0, 0), rows.text(0, 1), rows.text(0, 2), rows.text(0, 3)};
    });
  }

  void create_chat(const Chat& chat) override {
    connection_.run([&](Connection& connection) {
      connection.query(
          "INSERT INTO chats (id, application_id, session_id, user_id, created_at) VALUES ($1, $2, $3, $4, "
          "$5)",
          {chat.id, chat.application_id, chat.session_id, chat.user_id, chat.created_at});
    });
  }

  void append_message(const ChatMessage& message) override {
    static const std::string lock_chat = "SELECT pg_advisory_xact_lock($1, hashtext($2))";
    static const std::string insert =
        "INSERT INTO messages (id, chat_id, session_id, role, content, user_id, created_at, tokens_used, "
        "sources_json, finish_reason) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) "
        "ON CONFLICT (id) DO NOTHING";
    connection_.run([&](Connection& connection) {
      // The chat's lock, then the row (whose sequence is thus taken in commit
      // order), in one round trip: the insert needs no result of the lock,
      // only to run after it. Alone, the pipeline is the transaction.
      connection.pipeline({{lock_chat, {std::to_string(chat_append_lock), message.chat_id}},
                           {insert,
                            {message.id, message.chat_id, message.session_id, message.role, message.content,
                             message.user_id, message.created_at, std::to_string(message.tokens_used),
                             message.sources_json, message.finish_reason}}});
    });
  }

  std::vector<ChatMessage> recent_messages(const std::string& chat_id, std::size_t max_characters) override {
    return connection_.run([&](Connection& connection) {
      // The newest messages whose running total of characters, counted from
      // the newest, stays within the budget: the history handed to the model
      // never has a gap in it.
      const Rows rows = connection.query(
          "SELECT " + std::string(message_columns) +
              " FROM (SELECT *, sum(length(content)) OVER (ORDER BY sequence DESC) AS running "
              "FROM messages WHERE chat_id = $1) m WHERE m.running <= $2 ORDER BY m.sequence",
          {chat_id, std::to_string(capped_page_limit(max_characters))});
      std::vector<ChatMessage> messages;
      for (int row = 0; row < rows.size(); ++row) messages.push_back(read_message(rows, row));
      return messages;
    });
  }

  std::vector<ChatMessage> session_answers_since(const std::string& session_id,
                                                 const std::string& created_since,
                                                 std::size_t limit) override {
    return connection_.run([&](Connection& connection) {
      const Rows rows =
          connection.query("SELECT " + std::string(message_columns) +
                               " FROM messages m WHERE m.session_id = $1 AND m.role = 'assistant' "
                               "AND m.created_at >= $2 ORDER BY m.sequence LIMIT $3",
                           {session_id, created_since, std::to_string(capped_page_limit(limit))});
      std::vector<ChatMessage> answers;
      for (int row = 0; row < rows.size(); ++row) answers.push_back(read_message(rows, row));
      return answers;
    });
  }

  MessagePage list_messages(const MessageQuery& query) override {
    return connection_.run([&](Connection& connection) {
      const auto limit = static_cast<std::size_t>(std::max(query.limit, 0));
      const Rows rows = connection.query(
          list_messages_sql(query),
          std::vector<Connection::Parameter>{
              query.user_id, optional_parameter(query.application_id), optional_parameter(query.session_id),
              optional_parameter(query.chat_id), optional_parameter(query.after_message_id),
              postgres::page_limit_parameter(limit)});
      MessagePage page;
      page.has_more = postgres::read_page_rows(rows, limit, page.messages, read_message);
      return page;
    });
  }

  void put_document(const KnowledgeDocument& document, const std::vector<KnowledgeChunk>& chunks) override {
    std::vector<std::string> chunk_ids, headings, page_numbers, contents;
    for (const auto& chunk : chunks) {
      chunk_ids.push_back(chunk.chunk_id);
      headings.push_back(chunk.heading);
      page_numbers.push_back(chunk.page_number ? std::to_string(*chunk.page_number) : "");
      contents.push_back(chunk.content);
    }
    connection_.run([&](Connection& connection) {
      Transaction transaction(connection);
      connection.query(
          "INSERT INTO knowledge_documents (knowledge_base_id, document_id, filename, content, workspace_id) "
          "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (knowledge_base_id, document_id) DO UPDATE SET "
          "filename = excluded.filename, content = excluded.content, workspace_id = excluded.workspace_id",
          {document.knowledge_base_id, document.document_id, document.filename, document.content,
           optional_parameter(document.workspace_id)});
      connection.query("DELETE FROM knowledge_chunks WHERE knowledge_base_id = $1 AND document_id = $2",
                       {document.knowledge_base_id, document.document_id});
      // The document's identity wins over what the chunk says: a chunk
      // belongs to the document it was stored with.
      connection.query(
          "INSERT INTO knowledge_chunks (knowledge_base_id, document_id, chunk_id, position, heading, "
          "page_number, content) SELECT $1, $2, chunk_id, position - 1, heading, "
          "nullif(page_number, '')::integer, content "
          "FROM unnest($3::text[], $4::text[], $5::text[], $6::text[]) WITH ORDINALITY "
          "AS chunk (chunk_id, heading, page_number, content, position)",
          {document.knowledge_base_id, document.document_id, postgres::text_array(chunk_ids),
           postgres::text_array(headings), postgres::text_array(page_numbers),
           postgres::text_array(contents)});
      transaction.commit();
    });
  }

  bool delete_document(const std::string& knowledge_base_id, const std::string& document_id) override {
    return connection_.run([&](Connection& connection) {
      // The chunks go by cascade.
      return connection
                 .query("DELETE FROM knowledge_documents WHERE knowledge_base_id = $1 AND document_id = $2",
                        {knowledge_base_id, document_id})
                 .affected() > 0;
    });
  }

  std::vector<ScoredChunk> search_chunks(const std::vector<std::string>& knowledge_base_ids,
                                         const std::string& query, std::size_t limit) override {
    std::vector<ScoredChunk> results;
    const auto search = knowledge::websearch_expression(query);
    if (search.empty() || knowledge_base_ids.empty() || limit == 0) return results;
    return connection_.run([&](Connection& connection) {
      // websearch_to_tsquery never fails on its input, and the expression
      // holds only words joined by `or` (knowledge/search_query.hpp).
      const Rows rows = connection.query(
          "SELECT c.chunk_id, c.knowledge_base_id, c.document_id, d.filename, c.heading, c.page_number, "
          "c.content, ts_rank_cd(c.search, q) AS score "
          "FROM knowledge_chunks c JOIN knowledge_documents d "
          "ON d.knowledge_base_id = c.knowledge_base_id AND d.document_id = c.document_id, "
          "websearch_to_tsquery('english', $1) q "
          "WHERE c.search @@ q AND c.knowledge_base_id = ANY ($2::text[]) "
          "ORDER BY score DESC, c.chunk_key LIMIT $3",
          {search, postgres::text_array(knowledge_base_ids), std::to_string(capped_page_limit(limit))});
      for (int row = 0; row < rows.size(); ++row) {
        ScoredChunk& result = results.emplace_back();
        result.chunk.chunk_id = rows.text(row, 0);
        result.chunk.knowledge_base_id = rows.text(row, 1);
        result.chunk.document_id = rows.text(row, 2);
        result.chunk.filename = rows.text(row, 3);
        result.chunk.heading = rows.text(row, 4);
        if (const auto page = rows.optional_integer(row, 5))
          result.chunk.page_number = static_cast<int>(*page);
        result.chunk.content = rows.text(row, 6);
        result.score = rows.real(row, 7);
      }
      return results;
    });
  }

  bool is_healthy() override {
    try {
      return connection_.run([](Connection& connection) { return connection.query("SELECT 1").size() == 1; });
    } catch (const StoreError& error) {
      spdlog::debug("storage health check failed: {}", error.what());
      return false;
    }
  }

  void begin_group() override { connection_.begin_group(); }
  bool commit_group() override { return connection_.commit_group(); }
  void rollback_group() noexcept override { connection_.rollback_group(); }

  NotificationStore& notifications() override { return notifications_; }
  WorkspaceStore& workspaces() override { return workspaces_; }
  PluginExecutionStore& plugin_executions() override { return plugin_executions_; }

 private:
  /// A double as PostgreSQL reads it back exactly.
  static std::string real_text(double value) {
    char text[32];
    const auto written = std::snprintf(text, sizeof text, "%.17g", value);
    return std::string(text, static_cast<std::size_t>(written));
  }

  postgres::ReconnectingConnection connection_;
  postgres::PostgresNotificationStore notifications_{connection_};
  postgres::PostgresWorkspaceStore workspaces_{connection_};
  postgres::PostgresPluginExecutionStore plugin_executions_{connection_};
};

}  // namespace

std::unique_ptr<Store> open_postgres_store(const postgres::ConnectionSettings& settings) {
  return std::make_unique<PostgresStore>(settings);
}

}  // namespace nadoo::store
