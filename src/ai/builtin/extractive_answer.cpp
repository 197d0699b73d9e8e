#include "ai/builtin/extractive_answer.hpp"

#include <algorithm>
#include <cmath>
#include <optional>
#include <string_view>
#include <tuple>
#include <unordered_map>
#include <unordered_set>

#include "ai/builtin/ascii_text.hpp"
#include "ai/builtin/text_terms.hpp"
#include "ai/builtin/text_units.hpp"

namespace nadoo::ai::builtin {
namespace {

// Terms that also name the document ("q4", "report" for q4-report.md) tell
// which document, not which sentence: each counts this much of a topic term.
constexpr double document_term_weight = 0.25;
// In a summary, a section's first sentences carry its point: the bonus is
// halved for the second, thirded for the third…
constexpr double lead_sentence_bonus = 0.3;
// "1,240 paying customers", "customers: 1,240": a figure this close to what a
// "how many" question counts is the count.
constexpr std::size_t counted_figure_max_words = 3;
// Retrieval's own order only breaks ties.
constexpr double rank_bonus = 0.05;
// Sentences below this share of the best one's score are padding, not answer.
constexpr double relative_score_floor = 0.6;
// A question echoed in a nothing-found answer is cut here: enough to recognise it.
constexpr std::size_t max_echoed_question_chars = 80;

// What extract_terms folds "summarize", "overview", "highlights"… onto.
constexpr std::string_view summary_term = "summary";

using TermSet = std::unordered_set<std::string>;

TermSet term_set(std::string_view text) {
  auto terms = extract_terms(text);
  return TermSet(std::make_move_iterator(terms.begin()), std::make_move_iterator(terms.end()));
}

struct Question {
  TermSet terms;
  bool wants_summary = false;
  bool wants_figures = false;
  // What a "how many" or "how much" question counts ("customer" in "How
  // many customers does Nadoo have?"), "" for other questions.
  std::string counted_term;
};

Question read_question(const std::string& text) {
  Question question;
  question.terms = term_set(text);
  question.wants_summary = question.terms.contains(std::string(summary_term));
  const std::string lower = ascii::lowercase(collapse_whitespace(text));
  for (const std::string_view counting : {"how many ", "how much "}) {
    if (const auto found = lower.find(counting); found != std::string::npos) {
      question.wants_figures = true;
      // Stop words are skipped: "how much did revenue grow" counts revenue.
      const auto following = extract_terms(std::string_view(lower).substr(found + counting.size()));
      if (!following.empty()) question.counted_term = following.front();
    }
  }
  for (const std::string_view figure_term :
       {"metric", "number", "percent", "percentage", "amount", "total"}) {
    question.wants_figures = question.wants_figures || question.terms.contains(std::string(figure_term));
  }
  return question;
}

// What in a chunk, besides its sentences, a question's terms can match.
struct ChunkTerms {
  TermSet heading;
  TermSet document;  // the filename's terms
};

// One unit of a chunk, as a candidate for the answer.
struct Candidate {
  std::size_t chunk_index;  // in the knowledge, best first
  std::size_t unit_index;   // in its chunk
  TextUnit unit;
  TermSet terms;
  double score = 0;
};

using TermWeights = std::unordered_map<std::string, double>;

// Rarer terms tell more: a question term met in few of the units read weighs
// more than one met in all of them (inverse document frequency, over units).
TermWeights topic_term_weights(const Question& question, const std::vector<ChunkTerms>& chunks,
                               const std::vector<Candidate>& units) {
  TermWeights weights;
  for (const std::string& term : question.terms) {
    const auto meeting = std::count_if(units.begin(), units.end(), [&](const Candidate& unit) {
      return unit.terms.contains(term) || chunks[unit.chunk_index].heading.contains(term);
    });
    weights[term] =
        meeting == 0 ? 0 : std::log(1.0 + static_cast<double>(units.size()) / static_cast<double>(meeting));
  }
  return weights;
}

// The unit's score, or nothing when it does not touch the question's topic.
std::optional<double> score_unit(const Question& question, const TermWeights& weights,
                                 const ChunkTerms& chunk, const Candidate& unit) {
  // "Summarize the revenue section" is about revenue: next to another topic
  // term, the word asking for a summary only hints at a summary section.
  const bool summary_of_a_topic =
      question.wants_summary && std::any_of(question.terms.begin(), question.terms.end(), [&](const auto& t) {
        return t != summary_term && !chunk.document.contains(t);
      });
  double score = 0;
  bool topic_match = false;
  bool document_match = false;
  bool only_document_terms = true;
  for (const std::string& term : question.terms) {
    // A term in the heading counts like one in the unit: the heading is the
    // unit's context ("Key Metrics" above "ARR: $15.1 million").
    const int places = int{unit.terms.contains(term)} + int{chunk.heading.contains(term)};
    if (chunk.document.contains(term)) {
      score += document_term_weight * (1 + places);
      document_match = true;
    } else {
      only_document_terms = false;
      const bool hint = summary_of_a_topic && term == summary_term;
      score += (hint ? document_term_weight : weights.at(term)) * places;
      topic_match = topic_match || places > 0;
    }
  }
  // A question about the document itself ("Summarize the Q4 report") may be
  // answered from any of it; any other needs its topic, not just the file's name.
  const bool about_document = document_match && (question.wants_summary || only_document_terms);
  if (!topic_match && !about_document) return std::nullopt;
  return score;
}

// A summary is read from the top of the section that matches best, not picked
// sentence by sentence: every unit takes its chunk's best score, and the
// first ones go first.
void score_as_summary(std::vector<Candidate>& candidates) {
  std::unordered_map<std::size_t, double> chunk_scores;
  for (const Candidate& c : candidates)
    chunk_scores[c.chunk_index] = std::max(chunk_scores[c.chunk_index], c.score);
  for (Candidate& c : candidates) {
    c.score = chunk_scores[c.chunk_index] + lead_sentence_bonus / static_cast<double>(1 + c.unit_index);
  }
}

// `text` cut at a word so that it holds at most `max_chars` bytes plus "…".
std::string cut_at_word(const std::string& text, std::size_t max_chars) {
  if (text.size() <= max_chars) return text;
  std::size_t cut = text.rfind(' ', max_chars);
  if (cut == std::string::npos || cut == 0) {
    cut = max_chars;
    // Never inside a UTF-8 sequence: continuation bytes are 10xxxxxx.
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  }
  std::string result = text.substr(0, cut);
  while (!result.empty() && (result.back() == ' ' || result.back() == ',' || result.back() == ';'))
    result.pop_back();
  return result + "…";
}

std::string source_label(const store::KnowledgeChunk& chunk) {
  std::string label = !chunk.filename.empty()      ? chunk.filename
                      : !chunk.document_id.empty() ? chunk.document_id
                                                   : "the knowledge base";
  std::string detail = collapse_whitespace(chunk.heading);
  if (chunk.page_number) detail += (detail.empty() ? "p. " : ", p. ") + std::to_string(*chunk.page_number);
  return detail.empty() ? label : label + " (" + detail + ")";
}

bool ends_sentence(std::string_view text) {
  while (!text.empty() && std::string_view("\"')").find(text.back()) != std::string_view::npos)
    text.remove_suffix(1);
  return text.ends_with("…") ||
         (!text.empty() && std::string_view(".!?:;").find(text.back()) != std::string_view::npos);
}

struct Quote {
  std::size_t chunk_index;
  std::size_t unit_index;
  std::string text;
};

struct SourceQuotes {
  std::string label;
  std::vector<Quote> quotes;
};

// One source's quotes in document order: neighbours run on, a gap shows as "…",
// and list items without a full stop are separated by "; ".
std::string join_quotes(std::vector<Quote> quotes) {
  std::sort(quotes.begin(), quotes.end(), [](const Quote& a, const Quote& b) {
    return std::tie(a.chunk_index, a.unit_index) < std::tie(b.chunk_index, b.unit_index);
  });
  std::string joined;
  for (std::size_t i = 0; i < quotes.size(); ++i) {
    if (i > 0) {
      const Quote& previous = quotes[i - 1];
      const bool adjacent =
          previous.chunk_index == quotes[i].chunk_index && previous.unit_index + 1 == quotes[i].unit_index;
      joined += !adjacent ? " … " : ends_sentence(previous.text) ? " " : "; ";
    }
    joined += quotes[i].text;
  }
  return joined;
}

std::string nothing_found(const std::string& question, const std::vector<store::ScoredChunk>& knowledge,
                          const ExtractiveAnswerLimits& limits) {
  const std::string echoed = cut_at_word(collapse_whitespace(question), max_echoed_question_chars);
  std::string answer = echoed.empty() ? "I found nothing in the knowledge base to answer an empty question."
                                      : "I found nothing in the knowledge base about \"" + echoed + "\".";
  std::vector<std::string> names;
  for (const auto& scored : knowledge) {
    const std::string& name =
        scored.chunk.filename.empty() ? scored.chunk.document_id : scored.chunk.filename;
    if (names.size() == limits.max_sources) break;
    if (!name.empty() && std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
  }
  if (!names.empty()) {
    answer += " The closest documents (";
    for (std::size_t i = 0; i < names.size(); ++i) answer += (i > 0 ? ", " : "") + names[i];
    answer += ") don't cover it.";
  }
  return answer + " Add documents about it to the application's knowledge base, then ask again.";
}

// The units worth quoting, best first.
std::vector<Candidate> score_candidates(const Question& question,
                                        const std::vector<store::ScoredChunk>& knowledge,
                                        const ExtractiveAnswerLimits& limits) {
  std::vector<ChunkTerms> chunks;
  std::vector<Candidate> units;
  for (std::size_t chunk_index = 0; chunk_index < std::min(knowledge.size(), limits.max_chunks);
       ++chunk_index) {
    const store::KnowledgeChunk& chunk = knowledge[chunk_index].chunk;
    chunks.push_back({term_set(chunk.heading), term_set(chunk.filename)});
    auto chunk_units = split_text_units(chunk.content);
    for (std::size_t unit_index = 0; unit_index < chunk_units.size(); ++unit_index) {
      TermSet terms = term_set(chunk_units[unit_index].text);
      units.push_back({chunk_index, unit_index, std::move(chunk_units[unit_index]), std::move(terms)});
    }
  }
  const TermWeights weights = topic_term_weights(question, chunks, units);
  std::vector<Candidate> candidates;
  for (Candidate& unit : units) {
    if (const auto score = score_unit(question, weights, chunks[unit.chunk_index], unit)) {
      unit.score = *score + rank_bonus / static_cast<double>(1 + unit.chunk_index);
      candidates.push_back(std::move(unit));
    }
  }
  if (question.wants_summary) score_as_summary(candidates);
  // A question that asks for a figure is answered by the units that state one,
  // and a "how many" question by those with a figure next to what it counts —
  // whenever there are any: else the closest units are the best there is.
  const auto keep_only_if_any = [&candidates](auto wanted) {
    if (std::any_of(candidates.begin(), candidates.end(), wanted)) {
      std::erase_if(candidates, [&](const Candidate& c) { return !wanted(c); });
    }
  };
  if (question.wants_figures) keep_only_if_any([](const Candidate& c) { return states_figure(c.unit.text); });
  if (!question.counted_term.empty()) {
    keep_only_if_any([&](const Candidate& c) {
      return states_figure_near(c.unit.text, question.counted_term, counted_figure_max_words);
    });
  }
  if (candidates.empty()) return candidates;
  const double best =
      std::max_element(candidates.begin(), candidates.end(), [](const auto& a, const auto& b) {
        return a.score < b.score;
      })->score;
  std::erase_if(candidates, [&](const Candidate& c) { return c.score < relative_score_floor * best; });
  std::stable_sort(candidates.begin(), candidates.end(),
                   [](const Candidate& a, const Candidate& b) { return a.score > b.score; });
  return candidates;
}

}  // namespace

std::string compose_extractive_answer(const std::string& question_text,
                                      const std::vector<store::ScoredChunk>& knowledge,
                                      const ExtractiveAnswerLimits& limits) {
  const Question question = read_question(question_text);
  const std::vector<Candidate> candidates = score_candidates(question, knowledge, limits);

  std::vector<SourceQuotes> sources;  // in the order of their best quote
  std::size_t quoted_units = 0;
  std::size_t quoted_chars = 0;
  for (const Candidate& candidate : candidates) {
    if (quoted_units == limits.max_quoted_units) break;
    std::string text = cut_at_word(candidate.unit.text, limits.max_unit_chars);
    if (quoted_units > 0 && quoted_chars + text.size() > limits.max_quoted_chars) {
      // A summary reads on from the top and stops; elsewhere a shorter,
      // lower-scored unit may still fit where this one does not.
      if (question.wants_summary) break;
      continue;
    }
    const std::string label = source_label(knowledge[candidate.chunk_index].chunk);
    auto source =
        std::find_if(sources.begin(), sources.end(), [&](const auto& s) { return s.label == label; });
    if (source == sources.end()) {
      if (sources.size() == limits.max_sources) continue;
      source = sources.insert(sources.end(), SourceQuotes{label, {}});
    }
    quoted_chars += text.size();
    ++quoted_units;
    source->quotes.push_back({candidate.chunk_index, candidate.unit_index, std::move(text)});
  }
  if (sources.empty()) return nothing_found(question_text, knowledge, limits);

  std::string answer;
  for (const SourceQuotes& source : sources) {
    answer += answer.empty() ? "Based on " : "\n\nAlso from ";
    answer += source.label + ": \"" + join_quotes(source.quotes) + "\"";
  }
  return answer;
}

std::string last_user_question(const std::vector<ChatTurn>& messages) {
  const auto last =
      std::find_if(messages.rbegin(), messages.rend(), [](const ChatTurn& t) { return t.role == "user"; });
  return last == messages.rend() ? std::string() : last->content;
}

}  // namespace nadoo::ai::builtin
