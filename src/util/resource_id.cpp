#include "util/resource_id.hpp"

#include <algorithm>

namespace nadoo::util {

bool is_valid_resource_id(std::string_view id) {
  if (id.empty() || id.size() > max_resource_id_length) return false;
  // `.` and `..` are path navigation, not names: a proxy or a client library
  // that normalises paths would send such a request elsewhere.
  if (id == "." || id == "..") return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           std::string_view("._~:@+-").find(c) != std::string_view::npos;
  });
}

}  // namespace nadoo::util
