#include "fanout_event.hpp"

#include <charconv>

#include "text_search.hpp"

namespace nadoo::bench {
namespace {

constexpr std::string_view sent_us_key = "\"sent_us\"";
constexpr std::string_view warmup_marker = "\"bench-warmup\"";

}  // namespace

void write_fanout_event(std::string& event, std::uint64_t sequence, std::uint64_t sent_us) {
  event.assign(R"({"type":"document_updated","document_id":"doc-bench","action":"edited","n":)");
  event += std::to_string(sequence);
  event += ",\"sent_us\":";
  event += std::to_string(sent_us);
  event += '}';
}

std::string_view fanout_warmup_event() {
  return R"({"type":"document_updated","document_id":"doc-bench","action":"bench-warmup"})";
}

bool is_fanout_warmup(std::string_view message) {
  return find_in(message, warmup_marker) != std::string_view::npos;
}

std::optional<std::uint64_t> find_sent_us(std::string_view message) {
  const auto key = find_in(message, sent_us_key);
  if (key == std::string_view::npos) return std::nullopt;
  auto at = message.find_first_not_of(": \t", key + sent_us_key.size());
  if (at == std::string_view::npos) return std::nullopt;
  std::uint64_t sent_us = 0;
  const auto [end, error] = std::from_chars(message.data() + at, message.data() + message.size(), sent_us);
  if (error != std::errc{}) return std::nullopt;
  return sent_us;
}

}  // namespace nadoo::bench
