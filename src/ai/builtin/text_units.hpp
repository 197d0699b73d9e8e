// How a chunk's Markdown or plain text becomes quotable units: sentences,
// list items, table rows.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace nadoo::ai::builtin {

/// One quotable piece of a chunk.
struct TextUnit {
  std::string text;        // inline Markdown removed, whitespace collapsed
  bool list_item = false;  // a list item or table row, kept whole
};

/// Splits Markdown or plain text into units, in document order: each sentence
/// of a paragraph, each list item, each table row. Headings, code blocks and
/// rules are left out (a chunk's heading is named, not quoted).
std::vector<TextUnit> split_text_units(std::string_view content);

/// `text` on one line: runs of whitespace (newlines included) become one
/// space, none at either end.
std::string collapse_whitespace(std::string_view text);

}  // namespace nadoo::ai::builtin
