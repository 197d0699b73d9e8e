#pragma once

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <string>

namespace nadoo::util {

/// JSON text of `value`, as every JSON the server sends is written: Boost.JSON's
/// serialize, except that doubles are written the way JavaScript and Python
/// write them (`0.7`, `1.0`, `1e+21`) rather than Boost 1.81's `7E-1`, and a
/// non-finite double (never valid JSON) as `null`. A value without doubles,
/// as most messages are (text-delta), costs one walk over its fields on top
/// of Boost's own serialize. Any thread may call it.
std::string serialize_json(const boost::json::value& value);
std::string serialize_json(const boost::json::object& object);
std::string serialize_json(const boost::json::array& array);

/// Appends the shortest text that reads back as `number` (std::to_chars),
/// with `.0` when it would otherwise read back as an integer.
void append_json_double(std::string& out, double number);

}  // namespace nadoo::util
