// Knowledge documents in the SQLite store: replacing, deleting, BM25 search.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "knowledge/document_chunker.hpp"
#include "store/sqlite/sqlite_connection.hpp"
#include "default_sqlite_store.hpp"
#include "temporary_directory.hpp"

namespace nadoo::store {
namespace {

KnowledgeChunk chunk(const std::string& chunk_id, const std::string& heading, const std::string& content,
                     std::optional<int> page_number = std::nullopt) {
  KnowledgeChunk result;
  result.chunk_id = chunk_id;
  result.heading = heading;
  result.page_number = page_number;
  result.content = content;
  return result;
}

std::vector<std::string> chunk_ids_of(const std::vector<ScoredChunk>& results) {
  std::vector<std::string> ids;
  for (const auto& result : results) ids.push_back(result.chunk.chunk_id);
  return ids;
}

class SqliteStoreSearchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = open_default_sqlite_store(directory_.path() / "nadoo.db");
    store_->put_document({"kb-finance", "report", "q4-report.md", "…"},
                         {chunk("report#1", "Revenue",
                                "Revenue growth was 12% year over year, driven by revenue "
                                "from new subscriptions.",
                                3),
                          chunk("report#2", "Costs", "Operating costs grew 4%, mostly cloud hosting."),
                          chunk("report#3", "Outlook", "We expect steady growth in the next quarter."),
                          chunk("report#4", "Key Q4 metrics", "Churn 2.1%, NPS 61, ARR 48M.")});
    store_->put_document({"kb-hr", "handbook", "handbook.md", "…"},
                         {chunk("handbook#1", "", "Revenue sharing bonuses are paid in March.")});
  }

  test_support::TemporaryDirectory directory_;
  std::unique_ptr<Store> store_;
};

TEST_F(SqliteStoreSearchTest, the_chunk_about_revenue_ranks_first_for_revenue_growth) {
  const auto results = store_->search_chunks({"kb-finance"}, "revenue growth", 10);
  // "grew" (report#2) is not a form of "growth" to the Porter stemmer.
  ASSERT_EQ(chunk_ids_of(results), (std::vector<std::string>{"report#1", "report#3"}));
  EXPECT_GT(results[0].score, results[1].score);
  EXPECT_GT(results[1].score, 0);
}

TEST_F(SqliteStoreSearchTest, results_carry_the_chunk_and_its_document) {
  const auto results = store_->search_chunks({"kb-finance"}, "subscriptions", 10);
  ASSERT_EQ(results.size(), 1u);
  const auto& found = results[0].chunk;
  EXPECT_EQ(found.chunk_id, "report#1");
  EXPECT_EQ(found.knowledge_base_id, "kb-finance");
  EXPECT_EQ(found.document_id, "report");
  EXPECT_EQ(found.filename, "q4-report.md");
  EXPECT_EQ(found.heading, "Revenue");
  EXPECT_EQ(found.page_number, 3);
  EXPECT_EQ(found.content,
            "Revenue growth was 12% year over year, driven by revenue from new subscriptions.");
}

TEST_F(SqliteStoreSearchTest, a_question_matches_on_its_key_words) {
  const auto results = store_->search_chunks({"kb-finance"}, "What were the key Q4 metrics?", 10);
  ASSERT_FALSE(results.empty());
  EXPECT_EQ(results[0].chunk.chunk_id, "report#4");
}

TEST_F(SqliteStoreSearchTest, only_the_given_knowledge_bases_are_searched) {
  EXPECT_EQ(chunk_ids_of(store_->search_chunks({"kb-hr"}, "revenue", 10)),
            std::vector<std::string>{"handbook#1"});
  EXPECT_EQ(store_->search_chunks({"kb-hr", "kb-finance", "kb-hr"}, "revenue", 10).size(), 2u);
  EXPECT_TRUE(store_->search_chunks({"kb-unknown"}, "revenue", 10).empty());
  EXPECT_TRUE(store_->search_chunks({}, "revenue", 10).empty());
}

TEST_F(SqliteStoreSearchTest, limit_caps_the_results) {
  EXPECT_EQ(chunk_ids_of(store_->search_chunks({"kb-finance"}, "revenue growth", 1)),
            std::vector<std::string>{"report#1"});
  EXPECT_TRUE(store_->search_chunks({"kb-finance"}, "revenue growth", 0).empty());
}

TEST_F(SqliteStoreSearchTest, empty_or_stop_word_queries_find_nothing) {
  EXPECT_TRUE(store_->search_chunks({"kb-finance"}, "", 10).empty());
  EXPECT_TRUE(store_->search_chunks({"kb-finance"}, "   ", 10).empty());
  EXPECT_TRUE(store_->search_chunks({"kb-finance"}, "what is the", 10).empty());
}

TEST_F(SqliteStoreSearchTest, hostile_queries_neither_throw_nor_break_the_search) {
  const std::vector<std::string> hostile = {"\"",
                                            "\"\"\"",
                                            "(",
                                            ")))",
                                            "*",
                                            "revenue*",
                                            "-revenue",
                                            "NOT",
                                            "revenue AND",
                                            "OR OR",
                                            "NEAR(",
                                            "NEAR(a b, 2)",
                                            "heading:x",
                                            "content:revenue",
                                            "^revenue",
                                            "{heading}: x",
                                            "'; DROP TABLE knowledge_chunks; --",
                                            "\\",
                                            "a\"b",
                                            "日本語のテキスト",
                                            "naïve café",
                                            "\xff\xfe\xc3",
                                            std::string("rev\0enue", 8),
                                            "+",
                                            "::",
                                            "revenue\" OR \"costs"};
  for (const auto& query : hostile) {
    EXPECT_NO_THROW(store_->search_chunks({"kb-finance"}, query, 10)) << query;
  }
  EXPECT_EQ(store_->search_chunks({"kb-finance"}, "-revenue*", 10).size(), 1u);
  EXPECT_EQ(store_->search_chunks({"kb-finance"}, "content:revenue", 10).size(), 1u);
  EXPECT_TRUE(store_->is_healthy());
}

TEST_F(SqliteStoreSearchTest, put_document_replaces_the_document_and_all_its_chunks) {
  store_->put_document({"kb-finance", "report", "q4-report-v2.md", "…"},
                       {chunk("report#1", "Revenue", "Sales were flat.")});
  EXPECT_TRUE(store_->search_chunks({"kb-finance"}, "subscriptions growth costs", 10).empty());
  const auto results = store_->search_chunks({"kb-finance"}, "sales", 10);
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(results[0].chunk.filename, "q4-report-v2.md");
}

TEST_F(SqliteStoreSearchTest, delete_document_removes_it_with_its_chunks) {
  EXPECT_TRUE(store_->delete_document("kb-finance", "report"));
  EXPECT_TRUE(store_->search_chunks({"kb-finance"}, "revenue growth", 10).empty());
  EXPECT_FALSE(store_->delete_document("kb-finance", "report"));
  // The same document id in another knowledge base is another document.
  EXPECT_FALSE(store_->delete_document("kb-finance", "handbook"));
  EXPECT_EQ(store_->search_chunks({"kb-hr"}, "revenue", 10).size(), 1u);
}

TEST_F(SqliteStoreSearchTest, the_full_text_index_forgets_replaced_and_deleted_chunks) {
  store_->put_document({"kb-finance", "report", "q4-report.md", "…"},
                       {chunk("report#1", "", "Sales were flat.")});
  store_->delete_document("kb-hr", "handbook");
  store_.reset();

  // Read the index itself: a stale entry would be hidden by the join in search_chunks.
  sqlite::Connection connection(directory_.path() / "nadoo.db");
  auto indexed = connection.query(
      "SELECT count(*) FROM knowledge_chunks_fts "
      "WHERE knowledge_chunks_fts MATCH 'revenue OR growth OR costs'");
  ASSERT_TRUE(indexed.next_row());
  EXPECT_EQ(indexed.integer(0), 0);
  EXPECT_NO_THROW(connection.execute_script(
      "INSERT INTO knowledge_chunks_fts (knowledge_chunks_fts) VALUES ('integrity-check')"));
}

TEST_F(SqliteStoreSearchTest, chunked_markdown_is_found_under_its_heading_after_reopening) {
  const KnowledgeDocument document{"kb-docs", "guide", "guide.md",
                                   "# Setup\n\nInstall the package.\n\n# Troubleshooting\n\n"
                                   "If the websocket closes with 1008, the token has expired."};
  store_->put_document(document, knowledge::chunk_document(document));
  store_ = open_default_sqlite_store(directory_.path() / "nadoo.db");

  const auto results = store_->search_chunks({"kb-docs"}, "Why does my websocket close?", 5);
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(results[0].chunk.chunk_id, "guide#2");
  EXPECT_EQ(results[0].chunk.heading, "Troubleshooting");
}

}  // namespace
}  // namespace nadoo::store
