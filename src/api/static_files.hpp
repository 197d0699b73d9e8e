#pragma once

#include <filesystem>
#include <map>
#include <string>

#include "api/rest_router.hpp"

namespace nadoo::api {

/// One file of the web console or the JavaScript client, as it is served.
struct StaticFile {
  std::string content_type;
  std::string body;
};

/// The files under `src/web/` (installed as `web/` beside the binary), by
/// the URL path they are served at: `/console/app.js` for `console/app.js`.
/// Read once at start, so that serving one never touches the disk from a
/// network thread, and what is served cannot change under a running page.
using StaticFiles = std::map<std::string, StaticFile, std::less<>>;

/// Every regular file under `directory` (hidden ones skipped). A directory
/// that does not exist gives none: the API works without its console.
/// Throws std::runtime_error when a file cannot be read.
StaticFiles load_static_files(const std::filesystem::path& directory);

/// `--web-dir` as configured, or (empty) the `web` folder beside the binary.
std::filesystem::path web_directory(const std::string& configured);

/// GET (and HEAD) of each file at its path, and `/` for `index.html`.
void add_static_file_routes(RestRouter& router, const StaticFiles& files);

}  // namespace nadoo::api
