#include "knowledge/search_query.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace nadoo::knowledge {
namespace {

using Terms = std::vector<std::string>;

TEST(SearchQuery, a_question_keeps_only_its_key_words_lower_cased) {
  EXPECT_EQ(search_terms("What were the key Q4 metrics?"), (Terms{"key", "q4", "metrics"}));
  EXPECT_EQ(fts5_match_expression("What were the key Q4 metrics?"), R"("key" OR "q4" OR "metrics")");
}

TEST(SearchQuery, nothing_but_stop_words_or_punctuation_gives_an_empty_expression) {
  EXPECT_EQ(fts5_match_expression(""), "");
  EXPECT_EQ(fts5_match_expression("   \t\n"), "");
  EXPECT_EQ(fts5_match_expression("What is it, and why?"), "");
  EXPECT_EQ(fts5_match_expression("\"()*-^:{}"), "");
}

TEST(SearchQuery, fts5_syntax_in_user_text_becomes_plain_quoted_words) {
  EXPECT_EQ(fts5_match_expression(R"(revenue* -costs "growth" NEAR(a b) heading:x)"),
            R"("revenue" OR "costs" OR "growth" OR "near" OR "b" OR "heading" OR "x")");
  EXPECT_EQ(fts5_match_expression("AND OR NOT"), "");
  EXPECT_EQ(fts5_match_expression(R"(a"b)"), R"("b")");
}

TEST(SearchQuery, contractions_leave_no_one_letter_fragments) {
  EXPECT_EQ(search_terms("What's the company's revenue? We'll see, don't worry"),
            (Terms{"company", "revenue", "see", "worry"}));
}

TEST(SearchQuery, non_ascii_words_stay_whole) {
  EXPECT_EQ(search_terms("Naïve café 東京の売上"), (Terms{"naïve", "café", "東京の売上"}));
}

TEST(SearchQuery, repeated_words_are_searched_once) {
  EXPECT_EQ(search_terms("Revenue revenue REVENUE growth"), (Terms{"revenue", "growth"}));
}

TEST(SearchQuery, the_number_of_terms_is_capped) {
  std::string text;
  for (std::size_t index = 0; index < 3 * max_search_terms; ++index)
    text += "word" + std::to_string(index) + " ";
  const auto terms = search_terms(text);
  ASSERT_EQ(terms.size(), max_search_terms);
  EXPECT_EQ(terms.front(), "word0");
}

TEST(SearchQuery, blobs_longer_than_a_word_are_dropped) {
  EXPECT_EQ(search_terms(std::string(200, 'a') + " revenue"), Terms{"revenue"});
}

TEST(SearchQuery, websearch_joins_terms_with_or_and_drops_invalid_utf8) {
  EXPECT_EQ(websearch_expression("Key metrics for Q4?"), "key or metrics or q4");
  EXPECT_EQ(websearch_expression("caf\xc3\xa9 \xff\xfe\xc3 revenue"), "caf\xc3\xa9 or revenue");
  EXPECT_EQ(websearch_expression("\xff\xfe\xc3"), "");
}

}  // namespace
}  // namespace nadoo::knowledge
