#include "util/json_fields.hpp"

#include <fmt/format.h>

#include <boost/json/parse.hpp>

#include "util/resource_id.hpp"

namespace nadoo::util {

namespace {

/// Whether `text`, which is not JSON, would be but for invalid UTF-8 in its
/// strings (Boost.JSON calls that a mere "syntax error"). Run only for a body
/// already refused, so the second parse costs nothing otherwise.
bool only_its_utf8_is_invalid(std::string_view text) {
  boost::json::parse_options lenient;
  lenient.allow_invalid_utf8 = true;
  boost::system::error_code error;
  boost::json::parse(text, error, {}, lenient);
  return !error;
}

}  // namespace

boost::json::object JsonFields::parse_object(std::string_view text) {
  boost::system::error_code error;
  auto value = boost::json::parse(text, error);
  if (error && only_its_utf8_is_invalid(text)) throw FieldError("The body is not valid UTF-8");
  if (error) throw FieldError(fmt::format("The body is not valid JSON: {}", error.message()));
  if (!value.is_object()) throw FieldError("The body must be a JSON object");
  return std::move(value.as_object());
}

const boost::json::value* JsonFields::find(std::string_view name) const {
  const auto* value = object_.if_contains(name);
  return value && !value->is_null() ? value : nullptr;
}

std::optional<std::string> JsonFields::optional_string(std::string_view name, std::size_t max_length) const {
  const auto* value = find(name);
  if (!value) return std::nullopt;
  if (!value->is_string()) throw FieldError(fmt::format("`{}` must be a string", label(name)));
  const auto& text = value->get_string();
  if (text.size() > max_length) {
    throw FieldError(
        fmt::format("`{}` is too long ({} bytes; at most {})", label(name), text.size(), max_length));
  }
  return std::string(text);
}

std::string JsonFields::required_string(std::string_view name, std::size_t max_length) const {
  auto text = optional_string(name, max_length);
  if (!text || text->empty())
    throw FieldError(fmt::format("`{}` is required and must be a non-empty string", label(name)));
  return std::move(*text);
}

std::optional<std::string> JsonFields::optional_id(std::string_view name) const {
  auto id = optional_string(name, max_resource_id_length);
  if (id && !is_valid_resource_id(*id)) {
    throw FieldError(fmt::format("`{}` must be 1-{} characters of letters, digits and ._~:@+-", label(name),
                                 max_resource_id_length));
  }
  return id;
}

std::string JsonFields::required_id(std::string_view name) const {
  auto id = optional_id(name);
  if (!id) throw FieldError(fmt::format("`{}` is required", label(name)));
  return std::move(*id);
}

std::optional<double> JsonFields::optional_number(std::string_view name, double min, double max) const {
  const auto* value = find(name);
  if (!value) return std::nullopt;
  if (!value->is_number()) throw FieldError(fmt::format("`{}` must be a number", label(name)));
  const double number = value->to_number<double>();
  if (!(number >= min && number <= max)) {
    throw FieldError(fmt::format("`{}` must be between {} and {}", label(name), min, max));
  }
  return number;
}

std::optional<std::int64_t> JsonFields::optional_integer(std::string_view name, std::int64_t min,
                                                         std::int64_t max) const {
  const auto* value = find(name);
  if (!value) return std::nullopt;
  boost::system::error_code error;
  const auto number = value->is_number() ? value->to_number<std::int64_t>(error) : 0;
  if (!value->is_number() || error) throw FieldError(fmt::format("`{}` must be an integer", label(name)));
  if (number < min || number > max)
    throw FieldError(fmt::format("`{}` must be between {} and {}", label(name), min, max));
  return number;
}

std::optional<std::vector<std::string>> JsonFields::optional_id_array(std::string_view name,
                                                                      std::size_t max_items) const {
  const auto* value = find(name);
  if (!value) return std::nullopt;
  const auto* array = value->if_array();
  if (!array) throw FieldError(fmt::format("`{}` must be an array of ids", label(name)));
  if (array->size() > max_items)
    throw FieldError(fmt::format("`{}` has more than {} items", label(name), max_items));
  std::vector<std::string> ids;
  for (const auto& item : *array) {
    if (!item.is_string() || !is_valid_resource_id(item.get_string())) {
      throw FieldError(fmt::format("`{}` must hold ids of letters, digits and ._~:@+-", label(name)));
    }
    ids.emplace_back(item.get_string());
  }
  return ids;
}

}  // namespace nadoo::util
