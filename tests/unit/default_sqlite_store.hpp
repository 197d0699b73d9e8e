// The embedded store as the server opens it with its default options, for
// the tests of what it stores.
#pragma once

#include <filesystem>
#include <memory>

#include "config/server_config.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace nadoo::store {

inline std::unique_ptr<Store> open_default_sqlite_store(const std::filesystem::path& database_file) {
  return open_sqlite_store(database_file, config::ServerConfig{}.sqlite_checkpoint_pages);
}

}  // namespace nadoo::store
