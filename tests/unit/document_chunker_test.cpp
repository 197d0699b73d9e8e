#include "knowledge/document_chunker.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace nadoo::knowledge {
namespace {

std::vector<store::KnowledgeChunk> chunk(const std::string& content, ChunkingOptions options = {}) {
  return chunk_document({"kb-1", "doc-1", "notes.md", content}, options);
}

std::size_t code_points(const std::string& text) {
  std::size_t count = 0;
  for (const char byte : text) count += (static_cast<unsigned char>(byte) & 0xC0) != 0x80 ? 1 : 0;
  return count;
}

/// `count` sentences "Sentence n is here." of 20-ish characters each.
std::string sentences(int count) {
  std::string text;
  for (int index = 0; index < count; ++index) text += "Sentence " + std::to_string(index) + " is here. ";
  return text;
}

TEST(DocumentChunker, an_empty_or_blank_document_has_no_chunks) {
  EXPECT_TRUE(chunk("").empty());
  EXPECT_TRUE(chunk("\n \n\t\n").empty());
  EXPECT_TRUE(chunk("# Only a heading\n## And another").empty());
}

TEST(DocumentChunker, chunks_carry_the_document_and_ids_numbered_in_order) {
  const auto chunks = chunk("# One\nFirst.\n# Two\nSecond.");
  ASSERT_EQ(chunks.size(), 2u);
  EXPECT_EQ(chunks[0].chunk_id, "doc-1#1");
  EXPECT_EQ(chunks[1].chunk_id, "doc-1#2");
  for (const auto& piece : chunks) {
    EXPECT_EQ(piece.knowledge_base_id, "kb-1");
    EXPECT_EQ(piece.document_id, "doc-1");
    EXPECT_EQ(piece.filename, "notes.md");
    EXPECT_EQ(piece.page_number, std::nullopt);
  }
}

TEST(DocumentChunker, each_chunk_carries_its_nearest_heading) {
  const auto chunks = chunk(
      "Preamble text.\n\n# Title\n\nIntro.\n\n## Revenue ##\nRevenue grew.\n\n###### Deep\nDeep text.\n\n"
      "#hashtag is not a heading\n\n####### seven is not one either");
  ASSERT_EQ(chunks.size(), 4u);
  EXPECT_EQ(chunks[0].heading, "");
  EXPECT_EQ(chunks[0].content, "Preamble text.");
  EXPECT_EQ(chunks[1].heading, "Title");
  EXPECT_EQ(chunks[1].content, "Intro.");
  EXPECT_EQ(chunks[2].heading, "Revenue");
  EXPECT_EQ(chunks[2].content, "Revenue grew.");
  EXPECT_EQ(chunks[3].heading, "Deep");
  EXPECT_EQ(chunks[3].content, "Deep text.\n\n#hashtag is not a heading\n\n####### seven is not one either");
}

TEST(DocumentChunker, small_paragraphs_under_one_heading_merge_up_to_the_target) {
  const auto chunks =
      chunk("# A\none\n\ntwo\r\n\r\nthree\n\nfour", {.target_characters = 12, .max_characters = 100});
  ASSERT_EQ(chunks.size(), 2u);
  EXPECT_EQ(chunks[0].content, "one\n\ntwo");  // + "\n\nthree" would be 15
  EXPECT_EQ(chunks[1].content, "three\n\nfour");
}

TEST(DocumentChunker, paragraphs_under_different_headings_never_merge) {
  const auto chunks = chunk("# A\none\n# B\ntwo");
  ASSERT_EQ(chunks.size(), 2u);
  EXPECT_EQ(chunks[0].content, "one");
  EXPECT_EQ(chunks[1].content, "two");
}

TEST(DocumentChunker, a_paragraph_between_target_and_max_stays_whole) {
  const auto paragraph = sentences(6);  // about 110 characters
  const auto chunks = chunk("short\n\n" + paragraph, {.target_characters = 50, .max_characters = 200});
  ASSERT_EQ(chunks.size(), 2u);
  EXPECT_EQ(chunks[1].content + " ", paragraph);
}

TEST(DocumentChunker, an_over_long_paragraph_is_cut_at_sentence_ends) {
  const ChunkingOptions options{.target_characters = 100, .max_characters = 150};
  const auto chunks = chunk(sentences(40), options);
  ASSERT_GT(chunks.size(), 5u);
  for (const auto& piece : chunks) {
    EXPECT_LE(code_points(piece.content), options.target_characters);
    EXPECT_TRUE(piece.content.starts_with("Sentence ")) << piece.content;
    EXPECT_TRUE(piece.content.ends_with(" is here.")) << piece.content;
  }
}

TEST(DocumentChunker, a_sentence_over_the_maximum_is_cut_at_spaces_then_anywhere) {
  const ChunkingOptions options{.target_characters = 30, .max_characters = 40};
  std::string words;
  for (int index = 0; index < 30; ++index) words += "word ";
  const auto chunks = chunk(words + std::string(100, 'x') + " " + std::string(50, '\xE2') + "é", options);
  for (const auto& piece : chunks) {
    EXPECT_LE(code_points(piece.content), options.max_characters);
    EXPECT_FALSE(piece.content.empty());
  }
  EXPECT_EQ(chunks.front().content.substr(0, 10), "word word ");
}

TEST(DocumentChunker, multibyte_text_is_cut_between_characters_and_counted_in_characters) {
  std::string text;
  for (int index = 0; index < 300; ++index) text += "東";  // no spaces, no sentence ends
  const auto chunks = chunk(text, {.target_characters = 100, .max_characters = 120});
  ASSERT_EQ(chunks.size(), 3u);
  for (const auto& piece : chunks) EXPECT_EQ(code_points(piece.content), 100u);
}

TEST(DocumentChunker, full_width_sentence_ends_are_sentence_boundaries) {
  std::string text;
  for (int index = 0; index < 20; ++index) text += "これは文です。";  // 7 characters each
  const auto chunks = chunk(text, {.target_characters = 30, .max_characters = 40});
  for (const auto& piece : chunks) EXPECT_TRUE(piece.content.ends_with("。")) << piece.content;
}

TEST(DocumentChunker, headings_inside_code_fences_are_code) {
  const auto chunks = chunk("# Install\n```bash\n# install it\napt-get install x\n\nmake\n```\nDone.");
  ASSERT_EQ(chunks.size(), 1u);
  EXPECT_EQ(chunks[0].heading, "Install");
  EXPECT_EQ(chunks[0].content, "```bash\n# install it\napt-get install x\n\nmake\n```\nDone.");
}

TEST(DocumentChunker, form_feeds_number_the_pages_and_chunks_do_not_span_them) {
  const auto chunks = chunk("# Report\nPage one text.\fPage two text.\n\nMore on two.\f\fPage four.");
  ASSERT_EQ(chunks.size(), 3u);
  EXPECT_EQ(chunks[0].page_number, 1);
  EXPECT_EQ(chunks[0].content, "Page one text.");
  EXPECT_EQ(chunks[1].page_number, 2);
  EXPECT_EQ(chunks[1].content, "Page two text.\n\nMore on two.");
  EXPECT_EQ(chunks[2].page_number, 4);
  EXPECT_EQ(chunks[2].heading, "Report");  // a heading holds across pages
}

TEST(DocumentChunker, the_same_content_gives_the_same_chunks) {
  const std::string content = "# A\n" + sentences(100) + "\n\n# B\nb";
  const auto first = chunk(content);
  const auto second = chunk(content);
  ASSERT_EQ(first.size(), second.size());
  for (std::size_t index = 0; index < first.size(); ++index) {
    EXPECT_EQ(first[index].chunk_id, second[index].chunk_id);
    EXPECT_EQ(first[index].content, second[index].content);
  }
}

TEST(DocumentChunker, default_options_are_800_and_1600_characters) {
  const ChunkingOptions options;
  EXPECT_EQ(options.target_characters, 800u);
  EXPECT_EQ(options.max_characters, 1600u);
  for (const auto& piece : chunk(sentences(500))) EXPECT_LE(code_points(piece.content), 1600u);
}

}  // namespace
}  // namespace nadoo::knowledge
