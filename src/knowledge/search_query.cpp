#include "knowledge/search_query.hpp"

#include <algorithm>
#include <array>

#include "util/utf8_validation.hpp"

namespace nadoo::knowledge {
namespace {

// Words so common that they match nearly every chunk and only dilute BM25,
// plus the pieces contractions split into ("don't" -> "don", "t").
// Sorted, for binary search.
constexpr std::array<std::string_view, 143> stop_words{
    "a",     "about",   "above",    "after", "again",   "against", "all",     "am",      "an",     "and",
    "any",   "are",     "aren",     "as",    "at",      "be",      "because", "been",    "before", "being",
    "below", "between", "both",     "but",   "by",      "can",     "could",   "couldn",  "d",      "did",
    "didn",  "do",      "does",     "doesn", "doing",   "don",     "down",    "during",  "each",   "few",
    "for",   "from",    "further",  "had",   "hadn",    "has",     "hasn",    "have",    "haven",  "having",
    "he",    "her",     "here",     "hers",  "herself", "him",     "himself", "his",     "how",    "i",
    "if",    "in",      "into",     "is",    "isn",     "it",      "its",     "itself",  "just",   "ll",
    "m",     "me",      "more",     "most",  "my",      "myself",  "no",      "nor",     "not",    "now",
    "of",    "off",     "on",       "once",  "only",    "or",      "other",   "our",     "ours",   "out",
    "over",  "own",     "re",       "s",     "same",    "she",     "should",  "shouldn", "so",     "some",
    "such",  "t",       "than",     "that",  "the",     "their",   "theirs",  "them",    "then",   "there",
    "these", "they",    "this",     "those", "through", "to",      "too",     "under",   "until",  "up",
    "ve",    "very",    "was",      "wasn",  "we",      "were",    "weren",   "what",    "when",   "where",
    "which", "while",   "who",      "whom",  "why",     "will",    "with",    "would",   "wouldn", "you",
    "your",  "yours",   "yourself",
};
static_assert(std::is_sorted(stop_words.begin(), stop_words.end()));

// A term longer than this is not a word anyone searches for (a pasted hash or
// base64 blob); dropping it keeps the expression small.
constexpr std::size_t max_term_bytes = 64;

bool is_stop_word(std::string_view term) {
  return std::binary_search(stop_words.begin(), stop_words.end(), term);
}

// Bytes of multi-byte UTF-8 sequences (>= 0x80) count as word characters, so
// "café" and "東京" stay whole; unicode61 splits them further if it must.
bool is_word_byte(char byte) {
  const auto value = static_cast<unsigned char>(byte);
  return value >= 0x80 || (value >= '0' && value <= '9') || (value >= 'a' && value <= 'z') ||
         (value >= 'A' && value <= 'Z');
}

char to_lower_ascii(char byte) {
  return byte >= 'A' && byte <= 'Z' ? static_cast<char>(byte - 'A' + 'a') : byte;
}

}  // namespace

std::vector<std::string> search_terms(std::string_view user_text) {
  std::vector<std::string> terms;
  std::size_t position = 0;
  while (position < user_text.size() && terms.size() < max_search_terms) {
    while (position < user_text.size() && !is_word_byte(user_text[position])) ++position;
    std::string term;
    while (position < user_text.size() && is_word_byte(user_text[position])) {
      term += to_lower_ascii(user_text[position++]);
    }
    if (term.empty() || term.size() > max_term_bytes || is_stop_word(term)) continue;
    if (std::find(terms.begin(), terms.end(), term) == terms.end()) terms.push_back(std::move(term));
  }
  return terms;
}

std::string fts5_match_expression(std::string_view user_text) {
  std::string expression;
  for (const auto& term : search_terms(user_text)) {
    if (!expression.empty()) expression += " OR ";
    // Terms hold no '"' (it is not a word byte), so quoting needs no escapes.
    expression += '"' + term + '"';
  }
  return expression;
}

std::string websearch_expression(std::string_view user_text) {
  std::string expression;
  for (const auto& term : search_terms(user_text)) {
    // PostgreSQL rejects a query holding invalid UTF-8 as an error, where
    // FTS5 matches nothing; such a term cannot match a stored word anyway.
    if (!util::is_valid_utf8(term)) continue;
    // "or" is a stop word, so no term is taken for the operator; terms hold
    // no '"' or '-', websearch's other operators.
    if (!expression.empty()) expression += " or ";
    expression += term;
  }
  return expression;
}

}  // namespace nadoo::knowledge
