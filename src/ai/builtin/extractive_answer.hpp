// What the builtin provider says: an answer made only of sentences quoted
// from the retrieved knowledge, each group named by where it comes from.
// No language model is involved, and the answer never pretends otherwise.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "ai/model_provider.hpp"
#include "store/records.hpp"

namespace nadoo::ai::builtin {

/// Bounds of one answer; the defaults keep it to a short paragraph or two.
struct ExtractiveAnswerLimits {
  /// Only the best chunks are read: retrieval ranked them, and the ones below
  /// these rarely hold the answer.
  std::size_t max_chunks = 5;
  /// A short answer quotes a handful of sentences, not the document.
  std::size_t max_quoted_units = 6;
  /// All quotes together, about 120 words: a paragraph a reader takes in at once.
  std::size_t max_quoted_chars = 700;
  /// One unit longer than this (a wall of text without a full stop) is cut
  /// at a word, so that one unit cannot fill the whole answer.
  std::size_t max_unit_chars = 320;
  /// Sources named in one answer; more reads like a search result page.
  std::size_t max_sources = 3;
};

/// Answers `question` from `knowledge` (best first): the sentences that share
/// the most (and rarest) terms with the question, their chunk's heading
/// counting too; sentences with figures when the question asks for metrics or
/// "how many"; a document's summary and lead sentences when it asks for a
/// summary. Quotes them grouped by source, named by filename and heading:
/// `Based on q4-report.md (Revenue): "Revenue grew 15% …"`. With no knowledge,
/// or none that shares a term with the question, says plainly that nothing
/// was found and suggests adding documents.
std::string compose_extractive_answer(const std::string& question,
                                      const std::vector<store::ScoredChunk>& knowledge,
                                      const ExtractiveAnswerLimits& limits = {});

/// The question a request asks: its last `user` turn, "" when there is none.
std::string last_user_question(const std::vector<ChatTurn>& messages);

}  // namespace nadoo::ai::builtin
