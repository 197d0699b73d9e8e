#include "transport/websocket_router.hpp"

#include <gtest/gtest.h>

#include "util/resource_id.hpp"

namespace nadoo::transport {
namespace {

using endpoints::EndpointFamily;

std::variant<WebSocketRoute, RouteRefusal> route(std::string_view target, bool echo = false) {
  const auto parsed = parse_request_target(target);
  EXPECT_TRUE(parsed.has_value()) << target;
  return route_websocket(*parsed, echo);
}

void expect_route(std::string_view target, EndpointFamily family, std::string_view id) {
  const auto result = route(target);
  ASSERT_TRUE(std::holds_alternative<WebSocketRoute>(result)) << target;
  EXPECT_EQ(std::get<WebSocketRoute>(result).family, family) << target;
  EXPECT_EQ(std::get<WebSocketRoute>(result).resource_id, id) << target;
}

void expect_refusal(std::string_view target, RouteRefusal refusal) {
  const auto result = route(target);
  ASSERT_TRUE(std::holds_alternative<RouteRefusal>(result)) << target;
  EXPECT_EQ(std::get<RouteRefusal>(result), refusal) << target;
}

TEST(WebSocketRouter, spec_paths_route_to_their_endpoint) {
  expect_route("/ws/chat/session-abc?token=x", EndpointFamily::chat, "session-abc");
  expect_route("/ws/notifications/user-1", EndpointFamily::notifications, "user-1");
  expect_route("/ws/workspaces/ws-123", EndpointFamily::workspaces, "ws-123");
  expect_route("/api/v1/ws/plugin/debug/exec-uuid-123", EndpointFamily::plugin_debug, "exec-uuid-123");
}

TEST(WebSocketRouter, contract_aliases_route_like_the_spec_paths) {
  expect_route("/api/ws/chat/s", EndpointFamily::chat, "s");
  expect_route("/api/ws/notifications/u", EndpointFamily::notifications, "u");
  expect_route("/api/ws/workspaces/w", EndpointFamily::workspaces, "w");
  expect_route("/ws/plugin-debug/e", EndpointFamily::plugin_debug, "e");
  expect_route("/api/ws/plugin-debug/e", EndpointFamily::plugin_debug, "e");
}

TEST(WebSocketRouter, unknown_paths_are_not_found) {
  for (auto target : {"/", "/ws", "/ws/chat", "/ws/chat/a/b", "/ws/chat/a/", "/ws/chats/a",
                      "/api/v1/ws/plugin/x/e", "/WS/chat/a"}) {
    expect_refusal(target, RouteRefusal::not_found);
  }
}

TEST(WebSocketRouter, ids_are_validated_after_percent_decoding) {
  expect_route("/ws/chat/a%2Db", EndpointFamily::chat, "a-b");
  for (auto target :
       {"/ws/chat/a%2Fb", "/ws/chat/a%20b", "/ws/chat/%00", "/ws/chat/%E2%82%AC", "/ws/chat/a\"b"}) {
    const auto parsed = parse_request_target(target);
    if (parsed) {
      const auto result = route_websocket(*parsed, false);
      ASSERT_TRUE(std::holds_alternative<RouteRefusal>(result)) << target;
      EXPECT_EQ(std::get<RouteRefusal>(result), RouteRefusal::bad_segment) << target;
    }
  }
}

TEST(WebSocketRouter, id_length_is_capped) {
  expect_route("/ws/chat/" + std::string(util::max_resource_id_length, 'a'), EndpointFamily::chat,
               std::string(util::max_resource_id_length, 'a'));
  expect_refusal("/ws/chat/" + std::string(util::max_resource_id_length + 1, 'a'), RouteRefusal::bad_segment);
}

TEST(WebSocketRouter, echo_is_routed_only_when_enabled) {
  EXPECT_TRUE(std::holds_alternative<RouteRefusal>(route("/ws/echo", false)));
  const auto enabled = route("/ws/echo", true);
  ASSERT_TRUE(std::holds_alternative<WebSocketRoute>(enabled));
  EXPECT_EQ(std::get<WebSocketRoute>(enabled).family, EndpointFamily::echo);
}

TEST(RequestTarget, query_values_are_percent_decoded) {
  const auto target = parse_request_target("/ws/chat/s?token=a%2Eb&x&token=second");
  ASSERT_TRUE(target);
  EXPECT_EQ(target->query_value("token"), "a.b");  // the first one wins
  EXPECT_EQ(target->query_value("x"), "");
  EXPECT_EQ(target->query_value("missing"), std::nullopt);
}

TEST(RequestTarget, non_origin_form_is_rejected) {
  EXPECT_FALSE(parse_request_target("http://example.com/ws/chat/s"));
  EXPECT_FALSE(parse_request_target("ws/chat/s"));
  EXPECT_FALSE(parse_request_target(""));
}

}  // namespace
}  // namespace nadoo::transport
