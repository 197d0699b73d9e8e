#include "api/rest_router.hpp"

#include <gtest/gtest.h>

#include <boost/json/string.hpp>

#include "api/envelope.hpp"

namespace nadoo::api {
namespace {

class RestRouterTest : public ::testing::Test {
 protected:
  RestRouterTest() {
    const auto answer = [](std::string text) {
      return [text](const HttpRequest&, const PathParameters& path, const Respond& respond) {
        respond(success_response(200, boost::json::string(text + (path.empty() ? "" : ":" + path[0]))));
      };
    };
    router_.add("GET", "/items/{}", answer("get"));
    router_.add("PUT", "/items/{}", answer("put"));
    router_.add("DELETE", "/items/{}", answer("delete"));
    router_.add("POST", "/events", answer("post"));
  }

  HttpResponse call(std::string method, std::string_view target) const {
    auto parsed = transport::parse_request_target(target);
    EXPECT_TRUE(parsed.has_value()) << target;
    HttpResponse answered;
    bool responded = false;
    router_.handle(HttpRequest{std::move(method), std::move(*parsed), {}, {}}, [&](HttpResponse response) {
      answered = std::move(response);
      responded = true;
    });
    EXPECT_TRUE(responded);
    return answered;
  }

  static std::string header(const HttpResponse& response, std::string_view name) {
    for (const auto& [field, value] : response.headers) {
      if (field == name) return value;
    }
    return {};
  }

  RestRouter router_;
};

TEST_F(RestRouterTest, head_is_served_by_the_get_handler) {
  const auto head = call("HEAD", "/items/a");
  EXPECT_EQ(head.status, 200u);
  EXPECT_EQ(head.body, call("GET", "/items/a").body);
}

TEST_F(RestRouterTest, method_not_allowed_lists_the_paths_methods_with_head_after_get) {
  const auto refused = call("POST", "/items/a");
  EXPECT_EQ(refused.status, 405u);
  EXPECT_EQ(header(refused, "Allow"), "GET, HEAD, PUT, DELETE");
}

TEST_F(RestRouterTest, head_is_not_allowed_where_get_is_not) {
  const auto refused = call("HEAD", "/events");
  EXPECT_EQ(refused.status, 405u);
  EXPECT_EQ(header(refused, "Allow"), "POST");
}

TEST_F(RestRouterTest, refusal_answers_before_the_body_for_unknown_paths_methods_and_ids) {
  const auto refusal = [this](std::string_view method, std::string_view target) {
    return router_.refusal(method, *transport::parse_request_target(target));
  };
  EXPECT_EQ(refusal("PUT", "/items/a"), std::nullopt);
  EXPECT_EQ(refusal("HEAD", "/items/a"), std::nullopt);
  EXPECT_EQ(refusal("PUT", "/nothing")->status, 404u);
  EXPECT_EQ(refusal("POST", "/items/a")->status, 405u);
  EXPECT_EQ(refusal("PUT", "/items/..")->status, 400u);
  EXPECT_EQ(refusal("PUT", "/items/.")->status, 400u);
}

}  // namespace
}  // namespace nadoo::api
