// Character classes for the builtin provider's text handling. ASCII only, on
// purpose: locale-free, and bytes of UTF-8 sequences are never mistaken for
// spaces or punctuation.
#pragma once

#include <algorithm>
#include <string>
#include <string_view>

namespace nadoo::ai::builtin::ascii {

inline bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}
inline bool is_digit(char c) { return c >= '0' && c <= '9'; }
inline bool is_lower(char c) { return c >= 'a' && c <= 'z'; }
inline bool is_upper(char c) { return c >= 'A' && c <= 'Z'; }
inline bool is_alpha(char c) { return is_lower(c) || is_upper(c); }
/// Bytes of multi-byte UTF-8 sequences count as letters: words of other
/// scripts stay whole instead of vanishing.
inline bool is_word_byte(char c) {
  return is_alpha(c) || is_digit(c) || static_cast<unsigned char>(c) >= 0x80;
}
inline char to_lower(char c) { return is_upper(c) ? static_cast<char>(c - 'A' + 'a') : c; }

inline std::string_view trim(std::string_view text) {
  while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
  return text;
}

inline std::string lowercase(std::string_view text) {
  std::string result(text);
  std::transform(result.begin(), result.end(), result.begin(), to_lower);
  return result;
}

}  // namespace nadoo::ai::builtin::ascii
