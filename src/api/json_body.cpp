#include "api/json_body.hpp"

#include <boost/json/parse.hpp>

#include "util/json_fields.hpp"

namespace nadoo::api {
namespace {

/// Whether `text` is JSON except for invalid UTF-8 in its strings. Run only
/// for a body already refused, so the two extra parses cost nothing otherwise.
bool only_its_utf8_is_invalid(std::string_view text) {
  boost::system::error_code strict;
  boost::json::parse(text, strict);
  if (!strict) return false;  // valid JSON, refused for another reason (not an object)
  boost::json::parse_options lenient;
  lenient.allow_invalid_utf8 = true;
  boost::system::error_code error;
  boost::json::parse(text, error, {}, lenient);
  return !error;
}

}  // namespace

boost::json::object json_body(const HttpRequest& request) {
  try {
    return util::JsonFields::parse_object(request.body);
  } catch (const util::FieldError&) {
    if (only_its_utf8_is_invalid(request.body)) throw util::FieldError("The body is not valid UTF-8");
    throw;
  }
}

}  // namespace nadoo::api
