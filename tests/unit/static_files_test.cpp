#include "api/static_files.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include "temporary_directory.hpp"

namespace nadoo::api {
namespace {

void write_file(const std::filesystem::path& path, std::string_view content) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << content;
}

HttpResponse get(const RestRouter& router, std::string_view target) {
  auto parsed = transport::parse_request_target(target);
  EXPECT_TRUE(parsed.has_value()) << target;
  HttpResponse answered;
  router.handle(HttpRequest{"GET", std::move(*parsed), {}, {}},
                [&](HttpResponse response) { answered = std::move(response); });
  return answered;
}

std::string header(const HttpResponse& response, std::string_view name) {
  for (const auto& [field, value] : response.headers) {
    if (field == name) return value;
  }
  return {};
}

class StaticFilesTest : public ::testing::Test {
 protected:
  StaticFilesTest() {
    write_file(directory_.path() / "index.html", "<!doctype html>");
    write_file(directory_.path() / "sdk" / "nadoo-realtime.js", "export {};");
    write_file(directory_.path() / "console" / "console.css", "body{}");
    write_file(directory_.path() / ".hidden" / "secret.txt", "no");
    write_file(directory_.path() / "console" / ".swap.js", "no");
    files_ = load_static_files(directory_.path());
    add_static_file_routes(router_, files_);
  }

  test_support::TemporaryDirectory directory_;
  StaticFiles files_;
  RestRouter router_;
};

TEST_F(StaticFilesTest, EachFileIsServedAtItsPathWithItsContentType) {
  const auto script = get(router_, "/sdk/nadoo-realtime.js");
  EXPECT_EQ(script.status, 200u);
  EXPECT_EQ(script.body, "export {};");
  EXPECT_EQ(script.content_type, "text/javascript; charset=utf-8");
  EXPECT_EQ(get(router_, "/console/console.css").content_type, "text/css; charset=utf-8");
}

TEST_F(StaticFilesTest, TheRootServesIndexHtmlWithItsSecurityPolicy) {
  const auto page = get(router_, "/");
  EXPECT_EQ(page.status, 200u);
  EXPECT_EQ(page.body, "<!doctype html>");
  EXPECT_NE(header(page, "Content-Security-Policy").find("default-src 'self'"), std::string::npos);
  EXPECT_EQ(header(page, "Cache-Control"), "no-cache");
}

TEST_F(StaticFilesTest, HiddenFilesAndUnknownPathsAreNotServed) {
  EXPECT_EQ(files_.size(), 3u);
  EXPECT_EQ(get(router_, "/.hidden/secret.txt").status, 404u);
  EXPECT_EQ(get(router_, "/console/.swap.js").status, 404u);
  EXPECT_EQ(get(router_, "/console/../index.html").status, 404u);
}

TEST(StaticFiles, AMissingDirectoryServesNothing) {
  EXPECT_TRUE(load_static_files("/nonexistent-nadoo-web-dir").empty());
}

}  // namespace
}  // namespace nadoo::api
