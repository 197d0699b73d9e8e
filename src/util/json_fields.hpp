#pragma once

#include <boost/json/object.hpp>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace nadoo::util {

/// A field of a client's JSON that is missing, of the wrong type, or out of
/// range; `what()` is a message for that client, naming the field.
class FieldError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Reads the fields of one JSON object (a WebSocket message or a REST body),
/// checking type and bounds; throws FieldError with a clear message otherwise.
class JsonFields {
 public:
  explicit JsonFields(const boost::json::object& object) : object_(object) {}
  /// Names fields as `<path><name>` in messages, for objects nested in a
  /// body (`data.`, `logs[3].`).
  JsonFields(const boost::json::object& object, std::string path) : object_(object), path_(std::move(path)) {}

  /// Parses `text` into an object; throws FieldError when it is not one,
  /// saying so plainly when the only fault is invalid UTF-8.
  static boost::json::object parse_object(std::string_view text);

  std::string required_string(std::string_view name, std::size_t max_length) const;
  std::optional<std::string> optional_string(std::string_view name, std::size_t max_length) const;
  /// A string that is a valid resource id (util/resource_id.hpp).
  std::string required_id(std::string_view name) const;
  std::optional<std::string> optional_id(std::string_view name) const;
  std::optional<double> optional_number(std::string_view name, double min, double max) const;
  std::optional<std::int64_t> optional_integer(std::string_view name, std::int64_t min,
                                               std::int64_t max) const;
  std::optional<std::vector<std::string>> optional_id_array(std::string_view name,
                                                            std::size_t max_items) const;

 private:
  const boost::json::value* find(std::string_view name) const;
  std::string label(std::string_view name) const { return path_ + std::string(name); }

  const boost::json::object& object_;
  std::string path_;
};

}  // namespace nadoo::util
