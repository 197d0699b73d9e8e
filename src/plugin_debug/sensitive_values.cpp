#include "plugin_debug/sensitive_values.hpp"

#include <array>
#include <cctype>
#include <string>

namespace nadoo::plugin_debug {
namespace {

/// The SDK's list, written as is_sensitive_key compares: lower case, no separators.
constexpr std::array<std::string_view, 5> sensitive_words{"apikey", "password", "token", "secret",
                                                          "authorization"};

}  // namespace

bool is_sensitive_key(std::string_view key) {
  std::string folded;
  folded.reserve(key.size());
  for (const char character : key) {
    if (character == '_' || character == '-') continue;
    folded += static_cast<char>(std::tolower(static_cast<unsigned char>(character)));
  }
  for (const auto word : sensitive_words) {
    if (folded.find(word) != std::string::npos) return true;
  }
  return false;
}

void redact_sensitive_values(boost::json::value& value) {
  // Recursion is bounded: parsed JSON is at most boost::json's default depth.
  if (auto* array = value.if_array()) {
    for (auto& item : *array) redact_sensitive_values(item);
  } else if (auto* object = value.if_object()) {
    for (auto& member : *object) {
      if (is_sensitive_key(member.key())) {
        member.value() = redacted_marker;
      } else {
        redact_sensitive_values(member.value());
      }
    }
  }
}

}  // namespace nadoo::plugin_debug
