#include "ai/builtin/text_terms.hpp"

#include <algorithm>
#include <unordered_map>
#include <unordered_set>

#include "ai/builtin/ascii_text.hpp"

namespace nadoo::ai::builtin {

using namespace ascii;

namespace {

bool is_stop_word(std::string_view word) {
  static const std::unordered_set<std::string_view> stop_words = {
      "a",     "about",  "above", "after",   "again",  "all",      "also",    "am",      "an",     "and",
      "any",   "are",    "as",    "at",      "be",     "been",     "before",  "being",   "below",  "between",
      "both",  "but",    "by",    "can",     "could",  "describe", "did",     "do",      "does",   "doing",
      "down",  "during", "each",  "explain", "few",    "for",      "from",    "further", "get",    "give",
      "had",   "has",    "have",  "having",  "he",     "her",      "here",    "hers",    "him",    "his",
      "how",   "i",      "if",    "in",      "into",   "is",       "it",      "its",     "itself", "just",
      "know",  "let",    "list",  "me",      "more",   "most",     "much",    "many",    "my",     "no",
      "nor",   "not",    "now",   "of",      "off",    "on",       "once",    "only",    "or",     "other",
      "our",   "ours",   "out",   "over",    "own",    "please",   "same",    "she",     "should", "show",
      "so",    "some",   "such",  "tell",    "than",   "that",     "the",     "their",   "theirs", "them",
      "then",  "there",  "these", "they",    "this",   "those",    "through", "to",      "too",    "under",
      "until", "up",     "us",    "very",    "was",    "we",       "were",    "what",    "when",   "where",
      "which", "while",  "who",   "whom",    "whose",  "why",      "will",    "with",    "would",  "you",
      "your",  "yours",  "don't", "isn't",   "aren't", "wasn't",   "weren't", "didn't",  "doesn't"};
  return stop_words.contains(word);
}

// Words that ask for the same thing, folded to one term so that "Summarize"
// finds the "Summary" heading and "KPIs" the "Key Metrics" one.
std::string_view fold_synonym(std::string_view term) {
  static const std::unordered_map<std::string_view, std::string_view> synonyms = {
      {"summarize", "summary"},  {"summarise", "summary"},   {"summarized", "summary"},
      {"summarised", "summary"}, {"summarizing", "summary"}, {"summarising", "summary"},
      {"overview", "summary"},   {"recap", "summary"},       {"tldr", "summary"},
      {"gist", "summary"},       {"highlight", "summary"},   {"kpi", "metric"},
      {"kpis", "metric"},        {"figure", "metric"},       {"statistic", "metric"},
      {"stat", "metric"}};
  const auto found = synonyms.find(term);
  return found == synonyms.end() ? term : found->second;
}

// Plurals fold onto their singular; nothing cleverer, so that the rule stays
// predictable ("margins" → "margin", "companies" → "company", "analysis" stays).
std::string singular(std::string word) {
  if (word.size() <= 3 || word.back() != 's' || std::any_of(word.begin(), word.end(), is_digit)) return word;
  const std::string_view ending = std::string_view(word).substr(word.size() - 2);
  if (ending == "ss" || ending == "us" || ending == "is") return word;
  if (word.size() > 4 && word.ends_with("ies")) return word.substr(0, word.size() - 3) + "y";
  word.pop_back();
  return word;
}

std::string normalize(std::string_view word) {
  std::string term = lowercase(word);
  for (const std::string_view possessive : {"'s", "\xE2\x80\x99s"}) {
    if (term.size() > possessive.size() && term.ends_with(possessive))
      term.resize(term.size() - possessive.size());
  }
  if (is_stop_word(term)) return {};
  // Thousands separators go, so that "1,240" in a question matches "1240".
  if (is_digit(term.front())) std::erase(term, ',');
  if (term.size() == 1 && !is_digit(term.front())) return {};
  std::string folded(fold_synonym(singular(std::move(term))));
  return is_stop_word(folded) ? std::string() : folded;
}

}  // namespace

std::vector<std::string> extract_terms(std::string_view text) {
  std::vector<std::string> terms;
  std::size_t i = 0;
  while (i < text.size()) {
    if (!is_word_byte(text[i])) {
      ++i;
      continue;
    }
    std::size_t end = i;
    while (end < text.size()) {
      const char c = text[end];
      const bool inside = end + 1 < text.size() && end > i;
      // "4.2" and "1,240" are one number; "Nadoo's" is one word.
      const bool joins_digits =
          (c == '.' || c == ',') && inside && is_digit(text[end - 1]) && is_digit(text[end + 1]);
      const bool joins_letters = c == '\'' && inside && is_alpha(text[end - 1]) && is_alpha(text[end + 1]);
      if (!is_word_byte(c) && !joins_digits && !joins_letters) break;
      ++end;
    }
    std::string term = normalize(text.substr(i, end - i));
    if (!term.empty()) terms.push_back(std::move(term));
    i = end;
  }
  return terms;
}

bool states_figure(std::string_view text) {
  while (!text.empty()) {
    const std::size_t space = text.find(' ');
    std::string_view token = text.substr(0, space);
    text.remove_prefix(space == std::string_view::npos ? text.size() : space + 1);

    const auto keeps = [](char c) { return is_word_byte(c) || c == '$' || c == '%'; };
    while (!token.empty() && !keeps(token.front())) token.remove_prefix(1);
    while (!token.empty() && !keeps(token.back())) token.remove_suffix(1);
    if (std::none_of(token.begin(), token.end(), is_digit)) continue;
    // Q4, FY2025, H1: names of periods, not figures.
    if (is_alpha(token.front())) continue;
    const bool year = token.size() == 4 && std::all_of(token.begin(), token.end(), is_digit) &&
                      (token.starts_with("19") || token.starts_with("20"));
    if (!year) return true;
  }
  return false;
}

bool states_figure_near(std::string_view text, const std::string& term, std::size_t max_words) {
  std::vector<std::size_t> term_positions;
  std::vector<std::size_t> figure_positions;
  std::size_t position = 0;
  for (std::string_view rest = text; !rest.empty(); ++position) {
    const std::size_t space = rest.find(' ');
    const std::string_view word = rest.substr(0, space);
    rest.remove_prefix(space == std::string_view::npos ? rest.size() : space + 1);
    const auto terms = extract_terms(word);
    if (std::find(terms.begin(), terms.end(), term) != terms.end()) term_positions.push_back(position);
    if (states_figure(word)) figure_positions.push_back(position);
  }
  for (const std::size_t at_term : term_positions) {
    for (const std::size_t at_figure : figure_positions) {
      if ((at_term > at_figure ? at_term - at_figure : at_figure - at_term) <= max_words) return true;
    }
  }
  return false;
}

}  // namespace nadoo::ai::builtin
