#include "knowledge/document_chunker.hpp"

#include <algorithm>
#include <array>
#include <optional>
#include <string>
#include <string_view>

namespace nadoo::knowledge {
namespace {

/// Text between blank lines (or headings, or page breaks), with where it sits.
struct Paragraph {
  std::string heading;
  std::optional<int> page_number;
  std::string text;
};

bool is_space(char byte) {
  return byte == ' ' || byte == '\t' || byte == '\n' || byte == '\r' || byte == '\v';
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
  return text;
}

bool is_continuation_byte(char byte) { return (static_cast<unsigned char>(byte) & 0xC0) == 0x80; }

std::size_t character_count(std::string_view text) {
  return static_cast<std::size_t>(
      std::count_if(text.begin(), text.end(), [](char b) { return !is_continuation_byte(b); }));
}

/// Splits `text` after each byte where `ends_unit(text, i)` returns the
/// length of the boundary (0: no boundary), then after the whitespace that
/// follows. The units, concatenated, are `text` again.
template <typename EndsUnit>
std::vector<std::string_view> split_units(std::string_view text, EndsUnit ends_unit) {
  std::vector<std::string_view> units;
  std::size_t start = 0;
  std::size_t position = 0;
  while (position < text.size()) {
    const std::size_t boundary = ends_unit(text, position);
    if (boundary == 0) {
      ++position;
      continue;
    }
    position += boundary;
    while (position < text.size() && is_space(text[position])) ++position;
    units.push_back(text.substr(start, position - start));
    start = position;
  }
  if (start < text.size()) units.push_back(text.substr(start));
  return units;
}

// Full-width sentence ends of Chinese and Japanese text: 。！？
constexpr std::array<std::string_view, 3> wide_sentence_ends{"\xE3\x80\x82", "\xEF\xBC\x81", "\xEF\xBC\x9F"};

std::size_t sentence_end(std::string_view text, std::size_t position) {
  const char byte = text[position];
  if (byte == '\n') return 1;  // a line break inside a paragraph (a list item) ends a unit too
  if ((byte == '.' || byte == '!' || byte == '?') &&
      (position + 1 == text.size() || is_space(text[position + 1]))) {
    return 1;
  }
  for (const auto wide_end : wide_sentence_ends) {
    if (text.substr(position).starts_with(wide_end)) return wide_end.size();
  }
  return 0;
}

std::size_t word_end(std::string_view text, std::size_t position) { return is_space(text[position]) ? 1 : 0; }

/// Cuts `text` into pieces of `characters` code points, never inside one.
std::vector<std::string_view> cut_every(std::string_view text, std::size_t characters) {
  std::vector<std::string_view> pieces;
  std::size_t start = 0;
  std::size_t counted = 0;
  for (std::size_t position = 0; position < text.size(); ++position) {
    if (is_continuation_byte(text[position])) continue;
    if (counted == characters) {
      pieces.push_back(text.substr(start, position - start));
      start = position;
      counted = 0;
    }
    ++counted;
  }
  pieces.push_back(text.substr(start));
  return pieces;
}

/// Joins consecutive units while they stay within `target_characters`.
std::vector<std::string> pack(const std::vector<std::string_view>& units, std::size_t target_characters) {
  std::vector<std::string> pieces;
  std::string piece;
  std::size_t piece_characters = 0;
  for (const auto unit : units) {
    const std::size_t unit_characters = character_count(unit);
    if (!piece.empty() && piece_characters + unit_characters > target_characters) {
      pieces.emplace_back(trim(piece));
      piece.clear();
      piece_characters = 0;
    }
    piece += unit;
    piece_characters += unit_characters;
  }
  if (!trim(piece).empty()) pieces.emplace_back(trim(piece));
  return pieces;
}

/// A paragraph over the maximum, as pieces of about the target, each within
/// the maximum: whole sentences where they fit, else words, else code points.
std::vector<std::string> split_long_paragraph(std::string_view text, const ChunkingOptions& options) {
  std::vector<std::string_view> units;
  for (const auto sentence : split_units(text, sentence_end)) {
    if (character_count(sentence) <= options.max_characters) {
      units.push_back(sentence);
      continue;
    }
    for (const auto word : split_units(sentence, word_end)) {
      if (character_count(word) <= options.max_characters) {
        units.push_back(word);
      } else {
        for (const auto piece : cut_every(word, options.target_characters)) units.push_back(piece);
      }
    }
  }
  return pack(units, options.target_characters);
}

/// The text of an ATX heading line (`## Title ##` -> "Title"), if it is one.
std::optional<std::string> heading_text(std::string_view line) {
  std::size_t indent = 0;
  while (indent < line.size() && indent < 3 && line[indent] == ' ') ++indent;
  line.remove_prefix(indent);
  std::size_t level = 0;
  while (level < line.size() && line[level] == '#') ++level;
  if (level == 0 || level > 6) return std::nullopt;
  if (level < line.size() && line[level] != ' ' && line[level] != '\t') return std::nullopt;  // "#hashtag"
  auto text = trim(line.substr(level));
  // An optional closing run of '#', if separated by a space.
  const auto closing = text.find_last_not_of('#');
  if (closing == std::string_view::npos) return std::string();
  if (closing + 1 < text.size() && (text[closing] == ' ' || text[closing] == '\t'))
    text = trim(text.substr(0, closing));
  return std::string(text);
}

bool is_code_fence(std::string_view line) {
  const auto text = line.substr(std::min(line.find_first_not_of(' '), line.size()));
  return text.starts_with("```") || text.starts_with("~~~");
}

std::vector<Paragraph> split_paragraphs(std::string_view content) {
  std::vector<Paragraph> paragraphs;
  const bool paged = content.find('\f') != std::string_view::npos;
  int page = 1;
  std::string heading;
  std::string lines;
  bool in_code_fence = false;  // '#' starts a comment there, not a heading

  auto end_paragraph = [&] {
    const auto text = trim(lines);
    if (!text.empty()) {
      paragraphs.push_back({heading, paged ? std::optional<int>(page) : std::nullopt, std::string(text)});
    }
    lines.clear();
  };

  std::size_t page_start = 0;
  while (page_start <= content.size()) {
    const auto page_end = std::min(content.find('\f', page_start), content.size());
    const auto page_text = content.substr(page_start, page_end - page_start);
    std::size_t line_start = 0;
    while (line_start < page_text.size()) {
      const auto line_end = std::min(page_text.find('\n', line_start), page_text.size());
      auto line = page_text.substr(line_start, line_end - line_start);
      line_start = line_end + 1;
      if (line.ends_with('\r')) line.remove_suffix(1);

      if (is_code_fence(line)) {
        in_code_fence = !in_code_fence;
      } else if (!in_code_fence) {
        if (auto text = heading_text(line)) {
          end_paragraph();
          heading = std::move(*text);
          continue;
        }
        if (trim(line).empty()) {
          end_paragraph();
          continue;
        }
      }
      lines.append(line).push_back('\n');
    }
    end_paragraph();  // a chunk never spans pages, so its page number is exact
    ++page;
    page_start = page_end + 1;
  }
  return paragraphs;
}

}  // namespace

std::vector<store::KnowledgeChunk> chunk_document(const store::KnowledgeDocument& document,
                                                  const ChunkingOptions& requested) {
  ChunkingOptions options = requested;
  options.max_characters = std::max<std::size_t>(options.max_characters, 1);
  options.target_characters = std::clamp<std::size_t>(options.target_characters, 1, options.max_characters);

  std::vector<store::KnowledgeChunk> chunks;
  store::KnowledgeChunk chunk;
  std::size_t chunk_characters = 0;
  auto end_chunk = [&] {
    if (chunk.content.empty()) return;
    chunk.chunk_id = document.document_id + "#" + std::to_string(chunks.size() + 1);
    chunk.knowledge_base_id = document.knowledge_base_id;
    chunk.document_id = document.document_id;
    chunk.filename = document.filename;
    chunks.push_back(std::move(chunk));
    chunk = {};
    chunk_characters = 0;
  };

  constexpr std::string_view paragraph_separator = "\n\n";
  for (auto& paragraph : split_paragraphs(document.content)) {
    std::vector<std::string> pieces;
    if (character_count(paragraph.text) > options.max_characters) {
      pieces = split_long_paragraph(paragraph.text, options);
    } else {
      pieces.push_back(std::move(paragraph.text));
    }
    for (auto& piece : pieces) {
      const std::size_t piece_characters = character_count(piece);
      if (!chunk.content.empty() &&
          (chunk.heading != paragraph.heading || chunk.page_number != paragraph.page_number ||
           chunk_characters + paragraph_separator.size() + piece_characters > options.target_characters)) {
        end_chunk();
      }
      if (chunk.content.empty()) {
        chunk.heading = paragraph.heading;
        chunk.page_number = paragraph.page_number;
        chunk.content = std::move(piece);
        chunk_characters = piece_characters;
      } else {
        chunk.content.append(paragraph_separator).append(piece);
        chunk_characters += paragraph_separator.size() + piece_characters;
      }
    }
  }
  end_chunk();
  return chunks;
}

}  // namespace nadoo::knowledge
