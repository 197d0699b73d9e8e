#include "ai/builtin/extractive_answer.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "ai/builtin/text_terms.hpp"
#include "ai/builtin/text_units.hpp"

namespace nadoo::ai::builtin {
namespace {

using store::ScoredChunk;

bool contains(const std::string& text, std::string_view part) { return text.find(part) != std::string::npos; }

ScoredChunk chunk(std::string filename, std::string heading, std::string content, double score = 1) {
  ScoredChunk scored;
  scored.chunk.chunk_id = filename + "#" + heading;
  scored.chunk.document_id = filename;
  scored.chunk.filename = std::move(filename);
  scored.chunk.heading = std::move(heading);
  scored.chunk.content = std::move(content);
  scored.score = score;
  return scored;
}

std::vector<std::string> unit_texts(std::string_view content) {
  std::vector<std::string> texts;
  for (const auto& unit : split_text_units(content)) texts.push_back(unit.text);
  return texts;
}

// The demo document, chunked simply at its headings (the real chunker is
// finer, but keeps the nearest heading the same way).
std::vector<ScoredChunk> demo_report_chunks() {
  std::ifstream file(NADOO_SOURCE_DIR "/demo/q4-report.md");
  EXPECT_TRUE(file) << "demo/q4-report.md is missing";
  std::vector<ScoredChunk> chunks;
  std::string line;
  while (std::getline(file, line)) {
    if (line.starts_with("#")) {
      chunks.push_back(chunk("q4-report.md", line.substr(line.find(' ') + 1), line + "\n"));
    } else if (!chunks.empty()) {
      chunks.back().chunk.content += line + "\n";
    }
  }
  std::erase_if(chunks, [](const ScoredChunk& c) { return split_text_units(c.chunk.content).empty(); });
  return chunks;
}

// Best first, as retrieval hands them over: here by the question terms each
// chunk holds, a crude stand-in for BM25.
std::vector<ScoredChunk> ranked_for(const std::string& question, std::vector<ScoredChunk> chunks) {
  const auto question_terms = extract_terms(question);
  for (auto& scored : chunks) {
    const auto terms = extract_terms(scored.chunk.content);
    scored.score = 0;
    for (const auto& term : question_terms)
      scored.score += static_cast<double>(std::count(terms.begin(), terms.end(), term));
  }
  std::stable_sort(chunks.begin(), chunks.end(),
                   [](const auto& a, const auto& b) { return a.score > b.score; });
  return chunks;
}

TEST(TextUnits, sentences_split_at_full_stops_but_not_inside_numbers_or_abbreviations) {
  EXPECT_EQ(
      unit_texts("Revenue grew 15% to $4.2 million. Margins rose vs. Q3 2025, e.g. in Europe! Why? Because.\n"
                 "A second line of the same paragraph."),
      (std::vector<std::string>{"Revenue grew 15% to $4.2 million.",
                                "Margins rose vs. Q3 2025, e.g. in Europe!", "Why?", "Because.",
                                "A second line of the same paragraph."}));
}

TEST(TextUnits, list_items_and_table_rows_are_units_and_headings_and_code_are_left_out) {
  const auto units = split_text_units(
      "# Title\n\nIntro text.\n\n- **ARR:** $15.1 million\n  continued here\n1. Second item\n\n"
      "Setext heading\n---\n| Metric | Value |\n|---|---|\n| Churn | 1.2% |\n```\ncode();\n```\n> Quoted "
      "line.");
  std::vector<std::string> texts;
  for (const auto& unit : units) texts.push_back(unit.text);
  EXPECT_EQ(texts, (std::vector<std::string>{"Intro text.", "ARR: $15.1 million continued here",
                                             "Second item", "Metric, Value", "Churn, 1.2%", "Quoted line."}));
  EXPECT_FALSE(units[0].list_item);
  EXPECT_TRUE(units[1].list_item);
  EXPECT_TRUE(units[4].list_item);
}

TEST(TextUnits, links_keep_their_text_and_lose_their_target) {
  EXPECT_EQ(unit_texts("See [the report](https://example.com/q4) and `code` for __details__."),
            (std::vector<std::string>{"See the report and code for details."}));
}

TEST(Terms, stop_words_go_and_plurals_possessives_and_synonyms_fold) {
  EXPECT_EQ(extract_terms("What were the key Q4 metrics of Nadoo's companies?"),
            (std::vector<std::string>{"key", "q4", "metric", "nadoo", "company"}));
  EXPECT_EQ(extract_terms("Summarize the KPIs: 1,240 customers, $4.2 million"),
            (std::vector<std::string>{"summary", "metric", "1240", "customer", "4.2", "million"}));
  EXPECT_EQ(extract_terms("분기 매출 report"), (std::vector<std::string>{"분기", "매출", "report"}));
}

TEST(Terms, figures_are_amounts_and_percentages_not_years_or_quarter_names) {
  EXPECT_TRUE(states_figure("Revenue grew 15% year over year."));
  EXPECT_TRUE(states_figure("Cash was $21.4 million."));
  EXPECT_TRUE(states_figure("Paying customers: 1,240."));
  EXPECT_TRUE(states_figure("CAC payback: 14 months."));
  EXPECT_FALSE(states_figure("Q4 2025 was Nadoo AI's strongest quarter to date."));
  EXPECT_FALSE(states_figure("Guidance for FY2026 and H1."));
}

TEST(Terms, a_figure_near_a_term_is_within_a_few_words_of_it) {
  EXPECT_TRUE(states_figure_near("with 1,240 paying customers.", "customer", 3));
  EXPECT_TRUE(states_figure_near("Paying customers: 1,240, up 18%.", "customer", 3));
  EXPECT_FALSE(
      states_figure_near("More customers used self-serve onboarding, saving $0.5 million.", "customer", 3));
}

TEST(ExtractiveAnswer, quotes_the_most_relevant_sentence_and_names_its_source) {
  const auto answer = compose_extractive_answer("How much did revenue grow?",
                                                {chunk("q4-report.md", "Revenue",
                                                       "Revenue grew 15% year over year to $4.2 million. The "
                                                       "sales team hired two people. Offices moved.")});
  EXPECT_EQ(answer, "Based on q4-report.md (Revenue): \"Revenue grew 15% year over year to $4.2 million.\"");
}

TEST(ExtractiveAnswer, summary_question_quotes_the_summary_section_from_its_first_sentence) {
  const std::string question = "Summarize the Q4 report";
  const auto answer = compose_extractive_answer(question, ranked_for(question, demo_report_chunks()));
  EXPECT_TRUE(answer.starts_with(
      "Based on q4-report.md (Summary): \"This report summarizes Nadoo AI's results for Q4 "
      "2025, its strongest quarter to date. "
      "Revenue grew 15% year over year to $4.2 million"))
      << answer;
  EXPECT_FALSE(contains(answer, "Also from")) << answer;
}

TEST(ExtractiveAnswer, summary_question_favours_the_summary_section_whatever_the_retrieval_order) {
  auto chunks = demo_report_chunks();
  std::reverse(chunks.begin(), chunks.end());
  const auto answer = compose_extractive_answer("Give me an overview of the report", chunks);
  EXPECT_TRUE(answer.starts_with("Based on q4-report.md (Summary): \"This report summarizes")) << answer;
}

TEST(ExtractiveAnswer, summary_of_a_named_section_reads_that_section_from_its_top) {
  const std::string question = "Summarize the revenue section";
  const auto answer = compose_extractive_answer(question, ranked_for(question, demo_report_chunks()));
  EXPECT_TRUE(
      answer.starts_with("Based on q4-report.md (Revenue): \"Revenue grew 15% year over year to $4.2 "
                         "million in Q4 2025, compared with $3.65 million in Q4 2024. Quarter over "
                         "quarter, revenue rose 8%"))
      << answer;
  EXPECT_FALSE(contains(answer, "…")) << answer;
}

TEST(ExtractiveAnswer, metrics_question_quotes_figures_from_key_metrics) {
  const std::string question = "What were the key Q4 metrics?";
  const auto answer = compose_extractive_answer(question, ranked_for(question, demo_report_chunks()));
  EXPECT_TRUE(answer.starts_with("Based on q4-report.md (Key Metrics): \"")) << answer;
  EXPECT_TRUE(contains(answer, "Annual recurring revenue (ARR): $15.1 million")) << answer;
  EXPECT_TRUE(contains(answer, "Net revenue retention: 112%")) << answer;
}

TEST(ExtractiveAnswer, how_many_questions_quote_the_figures_next_to_what_they_count) {
  const std::string question = "How many customers does Nadoo have?";
  const auto answer = compose_extractive_answer(question, ranked_for(question, demo_report_chunks()));
  EXPECT_TRUE(contains(answer, "Paying customers: 1,240")) << answer;
  EXPECT_FALSE(contains(answer, "customer success")) << answer;
  EXPECT_FALSE(contains(answer, "self-serve onboarding")) << answer;
}

TEST(ExtractiveAnswer, questions_about_figures_prefer_sentences_that_state_them) {
  const auto answer = compose_extractive_answer("How many customers do we have?",
                                                {chunk("crm.md", "Customers",
                                                       "Customers are at the heart of what we do. We now "
                                                       "serve 1,240 paying customers. Customers like us.")});
  EXPECT_EQ(answer, "Based on crm.md (Customers): \"We now serve 1,240 paying customers.\"");
}

TEST(ExtractiveAnswer, no_knowledge_says_nothing_was_found_and_suggests_adding_documents) {
  EXPECT_EQ(
      compose_extractive_answer("What is our refund policy?", {}),
      "I found nothing in the knowledge base about \"What is our refund policy?\". Add documents about it to "
      "the application's knowledge base, then ask again.");
}

TEST(ExtractiveAnswer, unrelated_knowledge_says_nothing_was_found_and_names_what_was_searched) {
  const auto answer =
      compose_extractive_answer("What is the holiday schedule?",
                                {chunk("q4-report.md", "Revenue", "Revenue grew 15% to $4.2 million.")});
  EXPECT_TRUE(
      answer.starts_with("I found nothing in the knowledge base about \"What is the holiday schedule?\"."))
      << answer;
  EXPECT_TRUE(contains(answer, "(q4-report.md) don't cover it")) << answer;
}

TEST(ExtractiveAnswer, the_document_name_alone_does_not_make_a_chunk_relevant) {
  const auto answer = compose_extractive_answer(
      "What is the Q4 holiday schedule?", {chunk("q4-report.md", "Revenue", "In Q4 revenue grew 15%.")});
  EXPECT_TRUE(answer.starts_with("I found nothing")) << answer;
}

TEST(ExtractiveAnswer, a_question_of_stop_words_only_finds_nothing) {
  const auto answer = compose_extractive_answer("What is it?", {chunk("a.md", "", "It is what it is.")});
  EXPECT_TRUE(answer.starts_with("I found nothing in the knowledge base about \"What is it?\".")) << answer;
}

TEST(ExtractiveAnswer, quotes_from_several_sources_name_each_source_best_first) {
  const auto answer = compose_extractive_answer(
      "What is the churn rate?", {chunk("q4-report.md", "Key Metrics", "- Monthly churn rate: 1.2%"),
                                  chunk("q3-report.md", "", "Churn rate was 1.6% in Q3.", 0.5)});
  EXPECT_EQ(answer,
            "Based on q4-report.md (Key Metrics): \"Monthly churn rate: 1.2%\"\n\n"
            "Also from q3-report.md: \"Churn rate was 1.6% in Q3.\"");
}

TEST(ExtractiveAnswer, gaps_between_quoted_sentences_show_as_an_ellipsis) {
  const auto answer = compose_extractive_answer(
      "What happened to margin?",
      {chunk("m.md", "",
             "Margin rose to 74%. Hiring slowed. Offices moved. Margin should reach 76% next year.")});
  EXPECT_EQ(answer, "Based on m.md: \"Margin rose to 74%. … Margin should reach 76% next year.\"");
}

TEST(ExtractiveAnswer, page_numbers_are_named_with_the_heading) {
  auto scored = chunk("deck.pdf", "Pricing", "Pricing starts at $20 per seat.");
  scored.chunk.page_number = 7;
  EXPECT_EQ(compose_extractive_answer("pricing per seat", {scored}),
            "Based on deck.pdf (Pricing, p. 7): \"Pricing starts at $20 per seat.\"");
}

TEST(ExtractiveAnswer, a_wall_of_text_is_cut_to_the_limits) {
  std::string wall;
  for (int i = 0; i < 500; ++i) wall += "revenue words without any full stop ";
  const ExtractiveAnswerLimits limits;
  const auto answer =
      compose_extractive_answer("revenue", {chunk("w.md", "", wall), chunk("w2.md", "", wall)});
  EXPECT_LT(answer.size(), limits.max_quoted_chars + 200);
  EXPECT_TRUE(contains(answer, "…\"")) << answer;
}

TEST(ExtractiveAnswer, only_the_best_chunks_are_read) {
  std::vector<ScoredChunk> knowledge;
  for (int i = 0; i < 6; ++i)
    knowledge.push_back(chunk("doc" + std::to_string(i) + ".md", "", "Unrelated text."));
  knowledge.push_back(chunk("late.md", "", "Revenue grew."));
  const auto answer = compose_extractive_answer("revenue", knowledge);
  EXPECT_TRUE(answer.starts_with("I found nothing")) << answer;
}

TEST(ExtractiveAnswer, the_question_is_the_last_user_turn) {
  EXPECT_EQ(last_user_question({{"system", "Be brief."},
                                {"user", "first question"},
                                {"assistant", "an answer"},
                                {"user", "second question"},
                                {"assistant", "partial"}}),
            "second question");
  EXPECT_EQ(last_user_question({{"system", "Be brief."}}), "");
}

}  // namespace
}  // namespace nadoo::ai::builtin
