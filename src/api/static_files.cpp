#include "api/static_files.hpp"

#include <array>
#include <utility>

#include "util/text_file.hpp"

namespace nadoo::api {
namespace {

std::string content_type_of(const std::filesystem::path& file) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 9> types{{
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".json", "application/json"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".ico", "image/x-icon"},
      {".ts", "text/plain; charset=utf-8"},  // the client's type declarations, to read
  }};
  const auto extension = file.extension().string();
  for (const auto& [known, type] : types) {
    if (extension == known) return std::string(type);
  }
  return "application/octet-stream";
}

bool is_hidden(const std::filesystem::path& relative) {
  for (const auto& part : relative) {
    if (part.string().starts_with('.')) return true;
  }
  return false;
}

/// The console is same-origin code only: no inline script or style, no
/// other site, and never inside another site's frame (clickjacking a page
/// that holds a token).
constexpr std::string_view content_security_policy =
    "default-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; "
    "base-uri 'none'; form-action 'none'";

HttpResponse response_for(const StaticFile& file) {
  HttpResponse response{200, file.content_type, file.body};
  // Revalidated on every load: a page never runs a client older than the server.
  response.headers.emplace_back("Cache-Control", "no-cache");
  response.headers.emplace_back("X-Content-Type-Options", "nosniff");
  if (file.content_type.starts_with("text/html")) {
    response.headers.emplace_back("Content-Security-Policy", std::string(content_security_policy));
    response.headers.emplace_back("Referrer-Policy", "no-referrer");
  }
  return response;
}

}  // namespace

StaticFiles load_static_files(const std::filesystem::path& directory) {
  StaticFiles files;
  std::error_code error;
  if (!std::filesystem::is_directory(directory, error)) return files;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(directory)) {
    if (!entry.is_regular_file()) continue;
    const auto relative = entry.path().lexically_relative(directory);
    if (is_hidden(relative)) continue;
    files.emplace("/" + relative.generic_string(),
                  StaticFile{content_type_of(entry.path()), util::read_text_file(entry.path())});
  }
  return files;
}

std::filesystem::path web_directory(const std::string& configured) {
  if (!configured.empty()) return configured;
  std::error_code error;
  const auto binary = std::filesystem::read_symlink("/proc/self/exe", error);
  return error ? std::filesystem::path("web") : binary.parent_path() / "web";
}

void add_static_file_routes(RestRouter& router, const StaticFiles& files) {
  for (const auto& [path, file] : files) {
    auto serve = [response = response_for(file)](const HttpRequest&, const PathParameters&,
                                                 const Respond& respond) { respond(response); };
    // The root's pattern has no segment at all: `/` is the empty path.
    if (path == "/index.html") router.add("GET", "", serve);
    router.add("GET", path, std::move(serve));
  }
}

}  // namespace nadoo::api
