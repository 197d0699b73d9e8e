#include "store/sqlite/owner_only_files.hpp"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "store/store.hpp"

namespace nadoo::store::sqlite {
namespace {

constexpr mode_t owner_only_directory_mode = 0700;
constexpr mode_t owner_only_file_mode = 0600;
// Any permission bit of the group or of others.
constexpr mode_t group_and_other_bits = 0077;

std::string system_error_text() { return std::strerror(errno); }

/// An open descriptor, closed when it goes out of scope.
class FileDescriptor {
 public:
  explicit FileDescriptor(int descriptor) : descriptor_(descriptor) {}
  ~FileDescriptor() {
    if (descriptor_ >= 0) ::close(descriptor_);
  }
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;

  int get() const { return descriptor_; }

 private:
  int descriptor_;
};

/// Chmods the open `file` to 0600 when group or others have any access. The
/// descriptor, not the path, is checked and changed, so a file renamed in
/// between cannot be the one changed.
void tighten(const FileDescriptor& file, const std::filesystem::path& path) {
  struct stat status {};
  if (::fstat(file.get(), &status) != 0) {
    spdlog::warn("cannot check the mode of database file {}: {}", path.string(), system_error_text());
    return;
  }
  const mode_t mode = status.st_mode & 07777;
  if ((mode & group_and_other_bits) == 0) return;
  if (::fchmod(file.get(), owner_only_file_mode) != 0) {
    // Not fatal: the server still works; the operator learns the files are exposed.
    spdlog::error(
        "database file {} has mode {:04o} (other users may read it) and cannot be changed to 0600: {}",
        path.string(), mode, system_error_text());
    return;
  }
  spdlog::warn("database file {} had mode {:04o} (other users could read it); changed to 0600", path.string(),
               mode);
}

}  // namespace

void create_owner_only_directories(const std::filesystem::path& directory) {
  if (directory.empty()) return;
  struct stat status {};
  if (::stat(directory.c_str(), &status) == 0) {
    if (!S_ISDIR(status.st_mode)) {
      throw StoreError("cannot use " + directory.string() + " as the data directory: it is not a directory");
    }
    return;
  }
  if (errno != ENOENT) {
    throw StoreError("cannot use the data directory " + directory.string() + ": " + system_error_text());
  }
  const auto parent = directory.parent_path();
  if (parent != directory) create_owner_only_directories(parent);
  // EEXIST: made meanwhile by someone else, or "data/" after "data"; its mode is theirs.
  if (::mkdir(directory.c_str(), owner_only_directory_mode) != 0 && errno != EEXIST) {
    throw StoreError("cannot create the data directory " + directory.string() + ": " + system_error_text());
  }
}

void restrict_database_files(const std::filesystem::path& database_file) {
  // SQLite creates a missing file 0644; created here first, it is 0600 from
  // its first byte on (an empty file is an empty database to SQLite).
  const FileDescriptor database(
      ::open(database_file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, owner_only_file_mode));
  if (database.get() < 0) {
    throw StoreError("cannot open database " + database_file.string() + ": " + system_error_text());
  }
  tighten(database, database_file);
  // Left by an earlier run that did not close cleanly, maybe with the old mode.
  for (const char* suffix : {"-wal", "-shm"}) {
    const std::filesystem::path companion = database_file.string() + suffix;
    const FileDescriptor file(::open(companion.c_str(), O_RDONLY | O_CLOEXEC));
    if (file.get() >= 0) {
      tighten(file, companion);
    } else if (errno != ENOENT) {
      spdlog::warn("cannot check the mode of database file {}: {}", companion.string(), system_error_text());
    }
  }
}

}  // namespace nadoo::store::sqlite
