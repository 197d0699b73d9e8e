// knowledge/ owns how documents become searchable chunks.
#pragma once

#include <cstddef>
#include <vector>

#include "store/records.hpp"

namespace nadoo::knowledge {

struct ChunkingOptions {
  // About a screen of prose: big enough to carry an answer with its context,
  // small enough that a few chunks fit a model's prompt next to the history.
  std::size_t target_characters = 800;
  // Twice the target leaves a whole paragraph intact when it is only somewhat
  // long; beyond it, the paragraph is cut at sentence boundaries.
  std::size_t max_characters = 1600;
};

/// Splits a text or Markdown document into chunks. Headings (`#` to `######`,
/// outside code fences) and blank lines delimit paragraphs; consecutive
/// paragraphs under the same heading and on the same page are merged while
/// they fit in `target_characters`; a paragraph over `max_characters` is cut
/// at sentence ends (then spaces, then anywhere) into pieces of about the
/// target. Characters are Unicode code points.
///
/// Each chunk carries its nearest heading ("" before the first), its id
/// `<document_id>#<n>` with n = 1, 2, … in document order (stable for the
/// same content and options), and, when the text has form feeds (`\f`, as
/// PDF-to-text tools write between pages), its 1-based page number.
std::vector<store::KnowledgeChunk> chunk_document(const store::KnowledgeDocument& document,
                                                  const ChunkingOptions& options = {});

}  // namespace nadoo::knowledge
