// What only the SQLite store has: its file (created with its directory,
// migrated from older schema versions, refused when it is not one of ours)
// and the FTS5 index beside the chunks. What every store does is proved on
// every store kind (store_kinds.hpp).
#include <gtest/gtest.h>

#include <fstream>
#include <string>
#include <vector>

#include "store/sqlite/schema_migrations.hpp"
#include "store/sqlite/sqlite_connection.hpp"
#include "store_kinds.hpp"

namespace nadoo::store {
namespace {

class SqliteStoreFileTest : public ::testing::Test {
 protected:
  std::filesystem::path database_file() const { return kind_.database_file(); }

  /// A file of schema `version`, as a server of that version would have
  /// left it behind, with `rows` (SQL) in it.
  void write_older_database(int version, const std::string& rows) const {
    std::filesystem::create_directories(database_file().parent_path());
    sqlite::Connection connection(database_file());
    sqlite::migrate(connection, version);
    connection.execute_script(rows);
    ASSERT_EQ(connection.user_version(), version);
  }

  test_support::SqliteStoreKind kind_;
};

TEST_F(SqliteStoreFileTest, a_new_file_gets_its_directory_and_the_latest_schema) {
  auto store = kind_.open();
  EXPECT_TRUE(store->is_healthy());
  EXPECT_TRUE(std::filesystem::exists(database_file()));
  store.reset();
  sqlite::Connection connection(database_file());
  EXPECT_EQ(connection.user_version(), sqlite::latest_schema_version);
}

TEST_F(SqliteStoreFileTest, a_reader_reads_what_the_writer_committed_and_refuses_writes) {
  auto writer = kind_.open();
  writer->create_chat(Chat{"chat-1", "app-1", "session-1", "user-1", "2025-01-15T10:30:00.000Z"});
  auto reader = kind_.open_reader();
  ASSERT_TRUE(reader->find_chat("chat-1").has_value());
  EXPECT_THROW(
      reader->create_chat(Chat{"chat-2", "app-1", "session-1", "user-1", "2025-01-15T10:30:00.000Z"}),
      StoreError);
  EXPECT_FALSE(writer->find_chat("chat-2").has_value());
}

TEST_F(SqliteStoreFileTest, a_version_1_database_keeps_its_data_and_gains_knowledge) {
  write_older_database(1, R"sql(
      INSERT INTO applications VALUES ('app-1', 'Old app', 'builtin', 'echo', '', 0.7, 1024, '', '');
      INSERT INTO application_knowledge_bases VALUES ('app-1', 0, 'kb-1');
      INSERT INTO chats VALUES ('chat-1', 'app-1', 'session-1', 'alice', '2025-01-15T10:30:00Z');
      INSERT INTO messages (id, chat_id, session_id, role, content, user_id, created_at, tokens_used,
                            sources_json, finish_reason)
        VALUES ('m-1', 'chat-1', 'session-1', 'user', 'from v1', 'alice', '2025-01-15T10:30:00.000Z', 0, '[]', '');
    )sql");

  auto store = kind_.open();
  ASSERT_TRUE(store->find_application("app-1"));
  EXPECT_EQ(store->find_application("app-1")->knowledge_base_ids, std::vector<std::string>{"kb-1"});
  const auto messages = store->recent_messages("chat-1", 100);
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages[0].content, "from v1");

  store->put_document(
      {"kb-1", "doc-1", "notes.md", "Revenue grew."},
      {KnowledgeChunk{"doc-1#1", "kb-1", "doc-1", "notes.md", "", std::nullopt, "Revenue grew."}});
  EXPECT_EQ(store->search_chunks({"kb-1"}, "revenue", 5).size(), 1u);
}

TEST_F(SqliteStoreFileTest, documents_of_a_version_3_database_belong_to_no_workspace) {
  write_older_database(3,
                       "INSERT INTO knowledge_documents VALUES ('kb-1', 'old-doc', 'old.md', 'Old text.')");

  auto store = kind_.open();
  const auto ownership = store->workspaces().find_document_ownership("kb-1", "old-doc");
  ASSERT_TRUE(ownership);
  EXPECT_EQ(ownership->workspace_id, std::nullopt);
  EXPECT_TRUE(store->workspaces().put_member({"ws-1", "alice", std::nullopt, "2025-01-15T10:30:00.000Z"}));
}

TEST_F(SqliteStoreFileTest, a_database_of_a_newer_server_is_refused) {
  std::filesystem::create_directories(database_file().parent_path());
  {
    sqlite::Connection connection(database_file());
    connection.execute_script("PRAGMA user_version = " + std::to_string(sqlite::latest_schema_version + 1));
  }
  EXPECT_THROW(kind_.open(), StoreError);
}

TEST_F(SqliteStoreFileTest, a_file_that_is_not_a_database_is_refused_with_its_name) {
  std::filesystem::create_directories(database_file().parent_path());
  std::ofstream(database_file()) << std::string(4096, 'x');
  try {
    kind_.open();
    FAIL() << "expected StoreError";
  } catch (const StoreError& error) {
    EXPECT_NE(std::string(error.what()).find(database_file().string()), std::string::npos) << error.what();
  }
}

TEST_F(SqliteStoreFileTest, a_directory_that_cannot_be_created_is_reported) {
  std::ofstream(kind_.directory() / "data") << "a file where the directory should be";
  EXPECT_THROW(kind_.open(), StoreError);
}

TEST_F(SqliteStoreFileTest, the_full_text_index_forgets_replaced_and_deleted_chunks) {
  {
    auto store = kind_.open();
    store->put_document(
        {"kb-finance", "report", "q4-report.md", "…"},
        {KnowledgeChunk{"report#1", "", "", "", "Revenue", std::nullopt, "Revenue growth was 12%."},
         KnowledgeChunk{"report#2", "", "", "", "Costs", std::nullopt, "Operating costs grew 4%."}});
    store->put_document(
        {"kb-hr", "handbook", "handbook.md", "…"},
        {KnowledgeChunk{"handbook#1", "", "", "", "", std::nullopt, "Revenue sharing bonuses."}});
    store->put_document({"kb-finance", "report", "q4-report.md", "…"},
                        {KnowledgeChunk{"report#1", "", "", "", "", std::nullopt, "Sales were flat."}});
    store->delete_document("kb-hr", "handbook");
  }

  // Read the index itself: a stale entry would be hidden by the join in search_chunks.
  sqlite::Connection connection(database_file());
  auto indexed = connection.query(
      "SELECT count(*) FROM knowledge_chunks_fts "
      "WHERE knowledge_chunks_fts MATCH 'revenue OR growth OR costs'");
  ASSERT_TRUE(indexed.next_row());
  EXPECT_EQ(indexed.integer(0), 0);
  EXPECT_NO_THROW(connection.execute_script(
      "INSERT INTO knowledge_chunks_fts (knowledge_chunks_fts) VALUES ('integrity-check')"));
}

}  // namespace
}  // namespace nadoo::store
