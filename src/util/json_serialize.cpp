#include "util/json_serialize.hpp"

#include <boost/json/serialize.hpp>
#include <boost/json/serializer.hpp>
#include <charconv>
#include <cmath>

namespace nadoo::util {
namespace {

namespace json = boost::json;

bool holds_double(const json::value& value);

bool holds_double(const json::array& array) {
  for (const auto& element : array) {
    if (holds_double(element)) return true;
  }
  return false;
}

bool holds_double(const json::object& object) {
  for (const auto& member : object) {
    if (holds_double(member.value())) return true;
  }
  return false;
}

bool holds_double(const json::value& value) {
  switch (value.kind()) {
    case json::kind::double_:
      return true;
    case json::kind::array:
      return holds_double(value.get_array());
    case json::kind::object:
      return holds_double(value.get_object());
    default:
      return false;
  }
}

/// Writes a value that holds doubles: structure and doubles here, strings and
/// the other scalars by Boost's serializer, so that escaping stays Boost's.
class DoubleWritingSerializer {
 public:
  explicit DoubleWritingSerializer(std::string& out) : out_(out) {}

  void write(const json::value& value) {
    switch (value.kind()) {
      case json::kind::double_:
        return append_json_double(out_, value.get_double());
      case json::kind::array:
        return write(value.get_array());
      case json::kind::object:
        return write(value.get_object());
      default:
        boost_.reset(&value);
        return drain();
    }
  }

  void write(const json::array& array) {
    out_ += '[';
    for (std::size_t i = 0; i < array.size(); ++i) {
      if (i > 0) out_ += ',';
      write(array[i]);
    }
    out_ += ']';
  }

  void write(const json::object& object) {
    out_ += '{';
    bool first = true;
    for (const auto& member : object) {
      if (!first) out_ += ',';
      first = false;
      boost_.reset(member.key());
      drain();
      out_ += ':';
      write(member.value());
    }
    out_ += '}';
  }

 private:
  void drain() {
    // Large enough for any scalar and most strings in one read.
    char buffer[256];
    while (!boost_.done()) {
      const auto text = boost_.read(buffer);
      out_.append(text.data(), text.size());
    }
  }

  std::string& out_;
  json::serializer boost_;
};

template <typename Json>
std::string serialize_any(const Json& document) {
  if (!holds_double(document)) return json::serialize(document);
  std::string out;
  DoubleWritingSerializer(out).write(document);
  return out;
}

}  // namespace

void append_json_double(std::string& out, double number) {
  if (!std::isfinite(number)) {
    out += "null";
    return;
  }
  // 24 characters hold the longest shortest form, e.g. -2.2250738585072014e-308.
  char buffer[32];
  const auto end = std::to_chars(buffer, buffer + sizeof buffer, number).ptr;
  const std::string_view text(buffer, static_cast<std::size_t>(end - buffer));
  out += text;
  // "1" would come back as an integer from Boost.JSON (as_double throws) or Python.
  if (text.find_first_of(".e") == std::string_view::npos) out += ".0";
}

std::string serialize_json(const boost::json::value& value) { return serialize_any(value); }

std::string serialize_json(const boost::json::object& object) { return serialize_any(object); }

std::string serialize_json(const boost::json::array& array) { return serialize_any(array); }

}  // namespace nadoo::util
