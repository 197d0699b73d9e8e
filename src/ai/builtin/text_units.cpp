#include "ai/builtin/text_units.hpp"

#include <algorithm>
#include <unordered_set>

#include "ai/builtin/ascii_text.hpp"

namespace nadoo::ai::builtin {

using namespace ascii;

namespace {

// Emphasis, code ticks and link targets would show up as noise in a quote.
std::string strip_inline_markdown(std::string_view text) {
  std::string result;
  result.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '*' || c == '`' || (c == '_' && i + 1 < text.size() && text[i + 1] == '_')) {
      if (c == '_') ++i;
      continue;
    }
    const bool image = c == '!' && i + 1 < text.size() && text[i + 1] == '[';
    if (c == '[' || image) {
      const std::size_t open = image ? i + 1 : i;
      const std::size_t close = text.find(']', open);
      if (close != std::string_view::npos && close + 1 < text.size() && text[close + 1] == '(') {
        const std::size_t target_end = text.find(')', close + 2);
        if (target_end != std::string_view::npos) {
          result.append(text.substr(open + 1, close - open - 1));
          i = target_end;
          continue;
        }
      }
    }
    result.push_back(c);
  }
  return result;
}

bool has_word(std::string_view text) { return std::any_of(text.begin(), text.end(), is_word_byte); }

std::string clean(std::string_view text) { return collapse_whitespace(strip_inline_markdown(text)); }

// A period after these does not end a sentence ("revenue vs. Q3 2025").
bool is_abbreviation(std::string_view word) {
  static const std::unordered_set<std::string_view> abbreviations = {
      "mr",  "mrs", "ms",  "dr",  "prof", "sr",     "jr",  "st",  "vs",  "e.g",
      "i.e", "no",  "inc", "ltd", "corp", "approx", "fig", "jan", "feb", "mar",
      "apr", "jun", "jul", "aug", "sep",  "sept",   "oct", "nov", "dec"};
  return abbreviations.contains(lowercase(word));
}

// Splits one paragraph (whitespace already collapsed) at sentence ends: . ! or ?
// followed by a space and something that does not continue a sentence in
// lowercase — so that "$4.2 million" and "e.g. this" stay whole.
void split_sentences(std::string_view paragraph, std::vector<TextUnit>& units) {
  const auto emit = [&units](std::string_view sentence) {
    sentence = trim(sentence);
    if (has_word(sentence)) units.push_back({std::string(sentence), false});
  };
  std::size_t start = 0;
  for (std::size_t i = 0; i < paragraph.size(); ++i) {
    const char c = paragraph[i];
    if (c != '.' && c != '!' && c != '?') continue;
    std::size_t end = i + 1;
    while (end < paragraph.size() &&
           std::string_view(".!?\"')]").find(paragraph[end]) != std::string_view::npos) {
      ++end;
    }
    if (end + 1 >= paragraph.size() || paragraph[end] != ' ' || is_lower(paragraph[end + 1])) continue;
    if (c == '.') {
      std::size_t word_start = i;
      while (word_start > start &&
             (is_word_byte(paragraph[word_start - 1]) || paragraph[word_start - 1] == '.')) {
        --word_start;
      }
      const std::string_view word = paragraph.substr(word_start, i - word_start);
      const bool initial = word.size() == 1 && is_upper(word.front());
      if (initial || is_abbreviation(word)) continue;
    }
    emit(paragraph.substr(start, end - start));
    start = end + 1;
    i = end;
  }
  emit(paragraph.substr(start));
}

bool starts_heading(std::string_view line) {
  std::size_t hashes = 0;
  while (hashes < line.size() && line[hashes] == '#') ++hashes;
  return hashes >= 1 && hashes <= 6 && (hashes == line.size() || line[hashes] == ' ');
}

// "---", "***", "===" (three or more of one character): a rule, or the
// underline of the line above when that line is a heading.
bool is_rule(std::string_view line) {
  if (line.size() < 3 || std::string_view("-*_=").find(line.front()) == std::string_view::npos) return false;
  return std::all_of(line.begin(), line.end(), [&](char c) { return c == line.front() || c == ' '; });
}

bool is_table_rule(std::string_view line) {
  return std::all_of(line.begin(), line.end(),
                     [](char c) { return std::string_view("|-: ").find(c) != std::string_view::npos; });
}

// The length of a list marker ("- ", "* ", "+ ", "12. ", "3) ") at the start of `line`, 0 when none.
std::size_t list_marker_length(std::string_view line) {
  if (line.size() >= 2 && std::string_view("-*+").find(line[0]) != std::string_view::npos && line[1] == ' ')
    return 2;
  std::size_t digits = 0;
  while (digits < line.size() && digits < 4 && is_digit(line[digits])) ++digits;
  if (digits > 0 && digits + 1 < line.size() && (line[digits] == '.' || line[digits] == ')') &&
      line[digits + 1] == ' ') {
    return digits + 2;
  }
  return 0;
}

std::string table_row_text(std::string_view row) {
  std::string text;
  while (!row.empty()) {
    const std::size_t bar = row.find('|');
    const std::string_view cell = trim(row.substr(0, bar));
    if (!cell.empty()) text.append(text.empty() ? "" : ", ").append(cell);
    if (bar == std::string_view::npos) break;
    row.remove_prefix(bar + 1);
  }
  return clean(text);
}

}  // namespace

std::string collapse_whitespace(std::string_view text) {
  std::string result;
  result.reserve(text.size());
  for (const char c : trim(text)) {
    if (!is_space(c)) {
      result.push_back(c);
    } else if (!result.empty() && result.back() != ' ') {
      result.push_back(' ');
    }
  }
  return result;
}

std::vector<TextUnit> split_text_units(std::string_view content) {
  std::vector<TextUnit> units;
  std::string paragraph;
  std::size_t paragraph_lines = 0;
  std::string list_item;
  bool in_list_item = false;
  bool in_code_block = false;

  const auto flush = [&] {
    if (in_list_item) {
      std::string text = clean(list_item);
      if (has_word(text)) units.push_back({std::move(text), true});
    }
    if (!paragraph.empty()) split_sentences(clean(paragraph), units);
    paragraph.clear();
    paragraph_lines = 0;
    list_item.clear();
    in_list_item = false;
  };

  while (!content.empty()) {
    const std::size_t newline = content.find('\n');
    std::string_view line = trim(content.substr(0, newline));
    content.remove_prefix(newline == std::string_view::npos ? content.size() : newline + 1);

    if (line.starts_with("```") || line.starts_with("~~~")) {
      flush();
      in_code_block = !in_code_block;
      continue;
    }
    if (in_code_block) continue;
    if (line.starts_with('>')) line = trim(line.substr(1));
    if (line.empty() || starts_heading(line)) {
      flush();
      continue;
    }
    if (is_rule(line)) {
      // A single line underlined with = or - is a (setext) heading, not prose.
      const bool underlined_heading =
          paragraph_lines == 1 && !in_list_item && line.front() != '*' && line.front() != '_';
      if (underlined_heading) paragraph.clear();
      flush();
      continue;
    }
    if (line.starts_with('|')) {
      flush();
      if (!is_table_rule(line)) {
        std::string row = table_row_text(line);
        if (has_word(row)) units.push_back({std::move(row), true});
      }
      continue;
    }
    if (const std::size_t marker = list_marker_length(line); marker > 0) {
      flush();
      in_list_item = true;
      list_item = line.substr(marker);
      continue;
    }
    std::string& target = in_list_item ? list_item : paragraph;
    target.append(target.empty() ? "" : " ").append(line);
    ++paragraph_lines;
  }
  flush();
  return units;
}

}  // namespace nadoo::ai::builtin
