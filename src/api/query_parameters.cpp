#include "api/query_parameters.hpp"

#include <fmt/format.h>

#include <charconv>

#include "util/json_fields.hpp"

namespace nadoo::api {

std::optional<std::int64_t> integer_query_parameter(const HttpRequest& request, std::string_view name,
                                                    std::int64_t min, std::int64_t max) {
  const auto text = request.target.query_value(name);
  if (!text) return std::nullopt;
  std::int64_t value = 0;
  const auto [end, error] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (error != std::errc() || end != text->data() + text->size() || value < min || value > max) {
    throw util::FieldError(fmt::format("`{}` must be an integer from {} to {}", name, min, max));
  }
  return value;
}

}  // namespace nadoo::api
