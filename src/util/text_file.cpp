#include "util/text_file.hpp"

#include <fstream>
#include <sstream>
#include <stdexcept>

namespace nadoo::util {

std::string read_text_file(const std::filesystem::path& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) throw std::runtime_error("cannot read " + path.string());
  std::ostringstream content;
  content << file.rdbuf();
  return content.str();
}

}  // namespace nadoo::util
