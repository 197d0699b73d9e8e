#include "api/query_parameters.hpp"

#include <fmt/format.h>

#include <charconv>

#include "util/json_fields.hpp"
#include "util/random_id.hpp"
#include "util/resource_id.hpp"

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

std::optional<std::string> id_parameter(const HttpRequest& request, std::string_view name) {
  auto value = request.target.query_value(name);
  if (value && !util::is_valid_resource_id(*value)) {
    throw util::FieldError("`" + std::string(name) + "` is not a valid id");
  }
  return value;
}

int page_size_parameter(const HttpRequest& request) {
  return static_cast<int>(
      integer_query_parameter(request, "limit", 1, max_page_size).value_or(default_page_size));
}

std::optional<std::string> server_id_parameter(const HttpRequest& request, std::string_view name,
                                               std::string_view prefix) {
  auto value = request.target.query_value(name);
  if (!value) return value;
  if (!util::is_random_id(*value, prefix)) {
    throw util::FieldError(
        fmt::format("`{}` must be an id from this listing ({}<32 hex digits>)", name, prefix));
  }
  return value;
}

bool boolean_parameter(const HttpRequest& request, std::string_view name, bool absent) {
  const auto text = request.target.query_value(name);
  if (!text) return absent;
  if (*text == "true") return true;
  if (*text == "false") return false;
  throw util::FieldError("`" + std::string(name) + "` must be true or false");
}

}  // namespace nadoo::api
