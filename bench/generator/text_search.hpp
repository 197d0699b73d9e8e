#pragma once
// Substring search for the generator's receive paths, which look for a key
// in every delivered message without parsing it.

#include <string.h>

#include <cstddef>
#include <string_view>

namespace nadoo::bench {

/// Where `needle` first starts in `text`, or std::string_view::npos. memmem,
/// not string_view::find: find stops at every occurrence of the needle's first
/// character to compare, and in JSON that is every '"'; on the fanout receive
/// path that search alone was an eighth of the generator's CPU.
inline std::size_t find_in(std::string_view text, std::string_view needle) {
  const void* found = memmem(text.data(), text.size(), needle.data(), needle.size());
  if (!found) return std::string_view::npos;
  return static_cast<std::size_t>(static_cast<const char*>(found) - text.data());
}

}  // namespace nadoo::bench
