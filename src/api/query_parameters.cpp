#include "api/query_parameters.hpp"

#include <charconv>

#include "util/json_fields.hpp"
#include "util/resource_id.hpp"

namespace nadoo::api {

std::optional<std::string> id_parameter(const HttpRequest& request, std::string_view name) {
  auto value = request.target.query_value(name);
  if (value && !util::is_valid_resource_id(*value)) {
    throw util::FieldError("`" + std::string(name) + "` is not a valid id");
  }
  return value;
}

int page_size_parameter(const HttpRequest& request) {
  const auto text = request.target.query_value("limit");
  if (!text) return default_page_size;
  int limit = 0;
  const auto [end, error] = std::from_chars(text->data(), text->data() + text->size(), limit);
  if (error != std::errc() || end != text->data() + text->size() || limit < 1 || limit > max_page_size) {
    throw util::FieldError("`limit` must be an integer from 1 to " + std::to_string(max_page_size));
  }
  return limit;
}

bool boolean_parameter(const HttpRequest& request, std::string_view name, bool absent) {
  const auto text = request.target.query_value(name);
  if (!text) return absent;
  if (*text == "true" || *text == "1") return true;
  if (*text == "false" || *text == "0") return false;
  throw util::FieldError("`" + std::string(name) + "` must be true or false");
}

}  // namespace nadoo::api
