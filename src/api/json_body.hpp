#pragma once

#include <boost/json/object.hpp>

#include "api/http_message.hpp"

namespace nadoo::api {

/// The request's body as a JSON object; throws util::FieldError (a 400) when
/// it is not one, saying so plainly when the cause is invalid UTF-8 (which
/// Boost.JSON reports as a mere "syntax error").
boost::json::object json_body(const HttpRequest& request);

}  // namespace nadoo::api
