#pragma once

#include <filesystem>
#include <string>

namespace nadoo::util {

/// The whole content of a file (key files, seed data, documents); throws
/// std::runtime_error naming the file when it cannot be read.
std::string read_text_file(const std::filesystem::path& path);

}  // namespace nadoo::util
