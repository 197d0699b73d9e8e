#include "util/random_id.hpp"

#include <openssl/rand.h>

#include <stdexcept>
#include <vector>

namespace nadoo::util {

std::string random_id(std::string_view prefix, std::size_t random_bytes) {
  std::vector<unsigned char> bytes(random_bytes);
  if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) {
    throw std::runtime_error("RAND_bytes failed: no entropy for an id");
  }
  static constexpr char hex[] = "0123456789abcdef";
  std::string id(prefix);
  for (unsigned char byte : bytes) {
    id += hex[byte >> 4];
    id += hex[byte & 0xf];
  }
  return id;
}

bool is_random_id(std::string_view id, std::string_view prefix, std::size_t random_bytes) {
  return id.size() == prefix.size() + 2 * random_bytes && id.starts_with(prefix) &&
         id.find_first_not_of("0123456789abcdef", prefix.size()) == std::string_view::npos;
}

}  // namespace nadoo::util
