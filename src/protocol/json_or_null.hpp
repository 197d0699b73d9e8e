#pragma once

#include <boost/json/value.hpp>
#include <optional>

namespace nadoo::protocol {

/// The contract writes an absent optional field as `null`, not by leaving it out.
template <typename T>
boost::json::value json_or_null(const std::optional<T>& value) {
  return value ? boost::json::value(*value) : boost::json::value(nullptr);
}

}  // namespace nadoo::protocol
