// Knowledge documents on every store kind (store_kinds.hpp): replacing,
// deleting, full-text search.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "knowledge/document_chunker.hpp"
#include "store_kinds.hpp"

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

template <typename Kind>
class StoreSearchTest : public test_support::StoreTestBase<Kind> {
 protected:
  void SetUp() override {
    this->store_->put_document({"kb-finance", "report", "q4-report.md", "…"},
                               {chunk("report#1", "Revenue",
                                      "Revenue growth was 12% year over year, driven by revenue "
                                      "from new subscriptions.",
                                      3),
                                chunk("report#2", "Costs", "Operating costs grew 4%, mostly cloud hosting."),
                                chunk("report#3", "Outlook", "We expect steady growth in the next quarter."),
                                chunk("report#4", "Key Q4 metrics", "Churn 2.1%, NPS 61, ARR 48M.")});
    this->store_->put_document({"kb-hr", "handbook", "handbook.md", "…"},
                               {chunk("handbook#1", "", "Revenue sharing bonuses are paid in March.")});
  }

  std::vector<ScoredChunk> search(const std::vector<std::string>& knowledge_base_ids,
                                  const std::string& query, std::size_t limit) {
    return this->store_->search_chunks(knowledge_base_ids, query, limit);
  }
};
TYPED_TEST_SUITE(StoreSearchTest, test_support::StoreKinds, test_support::StoreKindNames);

TYPED_TEST(StoreSearchTest, the_chunk_about_revenue_ranks_first_for_revenue_growth) {
  const auto results = this->search({"kb-finance"}, "revenue growth", 10);
  // "grew" (report#2) is not a form of "growth" to either English stemmer
  // (SQLite's Porter, PostgreSQL's Snowball).
  ASSERT_EQ(chunk_ids_of(results), (std::vector<std::string>{"report#1", "report#3"}));
  EXPECT_GT(results[0].score, results[1].score);
  EXPECT_GT(results[1].score, 0);
}

TYPED_TEST(StoreSearchTest, results_carry_the_chunk_and_its_document) {
  const auto results = this->search({"kb-finance"}, "subscriptions", 10);
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

TYPED_TEST(StoreSearchTest, a_question_matches_on_its_key_words) {
  const auto results = this->search({"kb-finance"}, "What were the key Q4 metrics?", 10);
  ASSERT_FALSE(results.empty());
  EXPECT_EQ(results[0].chunk.chunk_id, "report#4");
}

TYPED_TEST(StoreSearchTest, only_the_given_knowledge_bases_are_searched) {
  EXPECT_EQ(chunk_ids_of(this->search({"kb-hr"}, "revenue", 10)), std::vector<std::string>{"handbook#1"});
  EXPECT_EQ(this->search({"kb-hr", "kb-finance", "kb-hr"}, "revenue", 10).size(), 2u);
  EXPECT_TRUE(this->search({"kb-unknown"}, "revenue", 10).empty());
  EXPECT_TRUE(this->search({}, "revenue", 10).empty());
}

TYPED_TEST(StoreSearchTest, limit_caps_the_results) {
  EXPECT_EQ(chunk_ids_of(this->search({"kb-finance"}, "revenue growth", 1)),
            std::vector<std::string>{"report#1"});
  EXPECT_TRUE(this->search({"kb-finance"}, "revenue growth", 0).empty());
}

TYPED_TEST(StoreSearchTest, empty_or_stop_word_queries_find_nothing) {
  EXPECT_TRUE(this->search({"kb-finance"}, "", 10).empty());
  EXPECT_TRUE(this->search({"kb-finance"}, "   ", 10).empty());
  EXPECT_TRUE(this->search({"kb-finance"}, "what is the", 10).empty());
}

TYPED_TEST(StoreSearchTest, hostile_queries_neither_throw_nor_break_the_search) {
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
    EXPECT_NO_THROW(this->search({"kb-finance"}, query, 10)) << query;
  }
  EXPECT_EQ(this->search({"kb-finance"}, "-revenue*", 10).size(), 1u);
  EXPECT_EQ(this->search({"kb-finance"}, "content:revenue", 10).size(), 1u);
  EXPECT_TRUE(this->store_->is_healthy());
}

TYPED_TEST(StoreSearchTest, put_document_replaces_the_document_and_all_its_chunks) {
  this->store_->put_document({"kb-finance", "report", "q4-report-v2.md", "…"},
                             {chunk("report#1", "Revenue", "Sales were flat.")});
  EXPECT_TRUE(this->search({"kb-finance"}, "subscriptions growth costs", 10).empty());
  const auto results = this->search({"kb-finance"}, "sales", 10);
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(results[0].chunk.filename, "q4-report-v2.md");
}

TYPED_TEST(StoreSearchTest, delete_document_removes_it_with_its_chunks) {
  EXPECT_TRUE(this->store_->delete_document("kb-finance", "report"));
  EXPECT_TRUE(this->search({"kb-finance"}, "revenue growth", 10).empty());
  EXPECT_FALSE(this->store_->delete_document("kb-finance", "report"));
  // The same document id in another knowledge base is another document.
  EXPECT_FALSE(this->store_->delete_document("kb-finance", "handbook"));
  EXPECT_EQ(this->search({"kb-hr"}, "revenue", 10).size(), 1u);
}

TYPED_TEST(StoreSearchTest, chunked_markdown_is_found_under_its_heading_after_reopening) {
  const KnowledgeDocument document{"kb-docs", "guide", "guide.md",
                                   "# Setup\n\nInstall the package.\n\n# Troubleshooting\n\n"
                                   "If the websocket closes with 1008, the token has expired."};
  this->store_->put_document(document, knowledge::chunk_document(document));
  this->reopen();

  const auto results = this->search({"kb-docs"}, "Why does my websocket close?", 5);
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(results[0].chunk.chunk_id, "guide#2");
  EXPECT_EQ(results[0].chunk.heading, "Troubleshooting");
}

}  // namespace
}  // namespace nadoo::store
