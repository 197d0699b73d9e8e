// knowledge/ owns how documents become searchable chunks.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace nadoo::knowledge {

// A pasted paragraph should not turn into an OR over hundreds of terms that
// touches most of the index; a question's meaning is in its first few dozen.
inline constexpr std::size_t max_search_terms = 32;

/// The words of a user's question worth searching for: split at ASCII
/// punctuation and spaces, lower-cased, common English stop words dropped,
/// duplicates removed, at most `max_search_terms`, in the order typed.
/// Non-ASCII letters stay inside words; FTS5's unicode61 tokenizer folds them.
std::vector<std::string> search_terms(std::string_view user_text);

/// A MATCH expression for FTS5 that cannot be a syntax error, whatever the
/// user typed: every term is a double-quoted string, OR'ed with the others
/// (`"key" OR "q4" OR "metrics"`). Empty when no term is left: search nothing.
std::string fts5_match_expression(std::string_view user_text);

/// The same terms for PostgreSQL's websearch_to_tsquery, which never fails
/// on its syntax: words joined by `or` (`key or q4 or metrics`), terms that
/// are not valid UTF-8 dropped (the server would refuse them). Empty when no
/// term is left.
std::string websearch_expression(std::string_view user_text);

}  // namespace nadoo::knowledge
