#include "util/json_serialize.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <cstdint>
#include <limits>

namespace nadoo::util {
namespace {

namespace json = boost::json;

std::string written(double number) {
  std::string out;
  append_json_double(out, number);
  return out;
}

TEST(JsonSerialize, doubles_are_written_shortest_without_boosts_exponent_form) {
  EXPECT_EQ(serialize_json(json::object{{"temperature", 0.7}}), R"({"temperature":0.7})");
  EXPECT_EQ(written(0.25), "0.25");
  EXPECT_EQ(written(-1.5), "-1.5");
  EXPECT_EQ(written(0.1 + 0.2), "0.30000000000000004");
  EXPECT_EQ(written(1e21), "1e+21");
  EXPECT_EQ(written(5e-324), "5e-324");
}

TEST(JsonSerialize, integral_doubles_keep_a_fraction_so_they_read_back_as_doubles) {
  EXPECT_EQ(written(1.0), "1.0");
  EXPECT_EQ(written(100.0), "100.0");
  EXPECT_EQ(written(-0.0), "-0.0");
  EXPECT_TRUE(json::parse(serialize_json(json::value(2.0))).is_double());
}

TEST(JsonSerialize, non_finite_doubles_are_null) {
  EXPECT_EQ(written(std::numeric_limits<double>::infinity()), "null");
  EXPECT_EQ(written(std::numeric_limits<double>::quiet_NaN()), "null");
}

TEST(JsonSerialize, values_without_doubles_are_boosts_bytes) {
  const json::object message{{"type", "text-delta"},
                             {"text", "quote \" backslash \\ newline \n tab \t bell \x07 é"},
                             {"index", 3},
                             {"big", std::numeric_limits<std::uint64_t>::max()},
                             {"list", json::array{true, false, nullptr, -7, "x"}}};
  EXPECT_EQ(serialize_json(message), json::serialize(message));
  EXPECT_EQ(serialize_json(json::value(message)), json::serialize(message));
}

TEST(JsonSerialize, strings_and_structure_are_boosts_when_doubles_are_present) {
  const json::object record{{"key \"quoted\"\n", "value \\ \x01 é"},
                            {"nested", json::object{{"empty", json::object{}}, {"none", json::array{}}}},
                            {"scores", json::array{0.5, 1, json::object{{"d", 0.7}}}},
                            {"flag", true},
                            {"nothing", nullptr}};
  const std::string text = serialize_json(record);
  EXPECT_EQ(text, R"({"key \"quoted\"\n":"value \\ \u0001 é","nested":{"empty":{},"none":[]},)"
                  R"("scores":[0.5,1,{"d":0.7}],"flag":true,"nothing":null})");
  EXPECT_EQ(json::parse(text), json::value(record));
}

TEST(JsonSerialize, arrays_are_written_like_objects) {
  EXPECT_EQ(serialize_json(json::array{0.7, "a"}), R"([0.7,"a"])");
  EXPECT_EQ(serialize_json(json::array{1, "a"}), R"([1,"a"])");
}

}  // namespace
}  // namespace nadoo::util
