#include "api/query_parameters.hpp"

#include <gtest/gtest.h>

#include "util/json_fields.hpp"

namespace nadoo::api {
namespace {

HttpRequest request_for(std::string_view target) {
  auto parsed = transport::parse_request_target(target);
  EXPECT_TRUE(parsed.has_value()) << target;
  return HttpRequest{"GET", std::move(*parsed), {}, {}};
}

TEST(QueryParameters, boolean_accepts_exactly_true_and_false) {
  EXPECT_TRUE(boolean_parameter(request_for("/n?unread=true"), "unread", false));
  EXPECT_FALSE(boolean_parameter(request_for("/n?unread=false"), "unread", true));
  EXPECT_TRUE(boolean_parameter(request_for("/n"), "unread", true));
}

TEST(QueryParameters, boolean_refuses_numbers_and_other_spellings) {
  for (const auto* query : {"/n?unread=1", "/n?unread=0", "/n?unread=True", "/n?unread=", "/n?unread=yes"}) {
    EXPECT_THROW(boolean_parameter(request_for(query), "unread", false), util::FieldError) << query;
  }
}

TEST(QueryParameters, server_id_accepts_the_prefix_and_32_hex_digits) {
  const std::string id = "ntf_0123456789abcdef0123456789abcdef";
  EXPECT_EQ(server_id_parameter(request_for("/n?after=" + id), "after", "ntf_"), id);
  EXPECT_EQ(server_id_parameter(request_for("/n"), "after", "ntf_"), std::nullopt);
}

TEST(QueryParameters, server_id_refuses_anything_the_server_never_made) {
  for (const auto* query :
       {"/n?after=garbage", "/n?after=", "/n?after=msg_0123456789abcdef0123456789abcdef",
        "/n?after=ntf_0123456789abcdef0123456789abcde", "/n?after=ntf_0123456789abcdef0123456789abcdef0",
        "/n?after=ntf_0123456789ABCDEF0123456789abcdef", "/n?after=ntf_"}) {
    try {
      server_id_parameter(request_for(query), "after", "ntf_");
      ADD_FAILURE() << query << " was accepted";
    } catch (const util::FieldError& error) {
      EXPECT_NE(std::string(error.what()).find("`after`"), std::string::npos) << error.what();
    }
  }
}

}  // namespace
}  // namespace nadoo::api
