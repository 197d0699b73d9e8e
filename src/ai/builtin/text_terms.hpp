// How text becomes terms that a question and a sentence can share, and which
// text states a figure.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace nadoo::ai::builtin {

/// The words of `text` that carry meaning, in order: ASCII-lowercased, without
/// stop words, plural "s" and possessive "'s" removed, and a few synonyms
/// folded ("summarize", "overview" → "summary"; "kpi", "figure" → "metric").
/// Bytes outside ASCII count as letters, so other scripts keep whole words.
std::vector<std::string> extract_terms(std::string_view text);

/// Whether `text` states a figure — an amount, a percentage, a count — and not
/// only a year or a period name ("Q4 2025").
bool states_figure(std::string_view text);

/// Whether `text` states a figure within `max_words` words of `term` (a term
/// as extract_terms makes it): "1,240 paying customers" for "customer".
bool states_figure_near(std::string_view text, const std::string& term, std::size_t max_words);

}  // namespace nadoo::ai::builtin
