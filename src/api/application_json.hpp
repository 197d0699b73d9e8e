#pragma once

#include <boost/json/object.hpp>

#include "store/records.hpp"

namespace nadoo::api {

/// Reads a PUT body into an application; throws util::FieldError with a
/// message naming the bad field.
store::Application application_from_json(const std::string& id, const boost::json::object& body);

/// The application as GET returns it: its `api_key` is never shown, only
/// whether one is set.
boost::json::object application_to_json(const store::Application& application);

}  // namespace nadoo::api
