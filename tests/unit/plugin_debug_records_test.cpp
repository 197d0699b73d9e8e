#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <functional>

#include "plugin_debug/debug_record.hpp"
#include "plugin_debug/ingest_request.hpp"
#include "plugin_debug/sensitive_values.hpp"
#include "util/json_fields.hpp"

namespace nadoo::plugin_debug {
namespace {

constexpr IngestLimits limits{32 * 1024, 100};

boost::json::object object_of(std::string_view json) { return boost::json::parse(json).as_object(); }

std::string field_error_of(const std::function<void()>& call) {
  try {
    call();
  } catch (const util::FieldError& error) {
    return error.what();
  }
  return "<no error>";
}

TEST(SensitiveValues, keys_holding_a_secret_word_are_sensitive_whatever_their_case) {
  for (const auto* key : {"api_key", "OPENAI_API_KEY", "apiKey", "X-Api-Key", "password", "db_password",
                          "Token", "refresh_token", "client_secret", "Authorization"}) {
    EXPECT_TRUE(is_sensitive_key(key)) << key;
  }
  for (const auto* key : {"query", "model", "author", "pass", "key", "api"})
    EXPECT_FALSE(is_sensitive_key(key)) << key;
}

TEST(SensitiveValues, values_are_redacted_at_any_depth_and_others_kept) {
  boost::json::value value = boost::json::parse(R"({
    "endpoint": "/v1/llm",
    "parameters": {"model": "m", "api_key": "sk-1", "nested": [{"headers": {"Authorization": "Bearer x"}}]},
    "secret": {"whole": "object"}
  })");
  redact_sensitive_values(value);
  EXPECT_EQ(value.at("endpoint"), "/v1/llm");
  EXPECT_EQ(value.at("parameters").at("model"), "m");
  EXPECT_EQ(value.at("parameters").at("api_key"), "***REDACTED***");
  EXPECT_EQ(value.at("parameters").at("nested").at(0).at("headers").at("Authorization"), "***REDACTED***");
  EXPECT_EQ(value.at("secret"), "***REDACTED***");
}

TEST(DebugRecord, log_timestamps_are_normalised_and_secrets_redacted) {
  const auto record = normalise_debug_record(
      "log",
      object_of(
          R"({"level":"info","message":"hi","timestamp":"2025-01-15T10:30:00.5","extra":{"token":"t"}})"),
      "data.", limits.max_event_bytes);
  const auto data = boost::json::parse(record.data_json);
  EXPECT_EQ(data.at("timestamp"), "2025-01-15T10:30:00.5Z");
  EXPECT_EQ(data.at("extra").at("token"), "***REDACTED***");
  EXPECT_TRUE(record.time.has_value());
}

TEST(DebugRecord, a_variable_named_like_a_secret_has_its_value_redacted) {
  const auto record = normalise_debug_record("variable", object_of(R"({"name":"api_key","value":"sk-live"})"),
                                             "data.", limits.max_event_bytes);
  EXPECT_EQ(boost::json::parse(record.data_json).at("value"), "***REDACTED***");
}

TEST(DebugRecord, errors_name_the_field_with_its_path) {
  EXPECT_EQ(field_error_of([] {
              normalise_debug_record("log", object_of(R"({"message":"m"})"), "data.", limits.max_event_bytes);
            }),
            "`data.level` is required and must be a non-empty string");
  EXPECT_NE(field_error_of([] {
              normalise_debug_record("step", object_of(R"({"step_name":"s","started_at":"noon"})"),
                                     "steps[4].", limits.max_event_bytes);
            }).find("`steps[4].started_at` must be an ISO-8601 timestamp"),
            std::string::npos);
  EXPECT_EQ(field_error_of([] {
              normalise_debug_record("api_call",
                                     object_of(R"({"api_type":"llm","endpoint":"/x","success":"yes"})"),
                                     "data.", limits.max_event_bytes);
            }),
            "`data.success` must be true or false");
  EXPECT_EQ(field_error_of([] {
              normalise_debug_record("trace", object_of(R"({"event":"e","execution_time":-1})"), "data.",
                                     limits.max_event_bytes);
            }).substr(0, 30),
            "`data.execution_time` must be ");
}

TEST(DebugRecord, a_record_over_the_size_limit_is_refused) {
  const auto message = std::string(300, 'x');
  EXPECT_EQ(field_error_of([&] {
              normalise_debug_record("log", {{"level", "info"}, {"message", "m"}, {"context", message}},
                                     "logs[0].", 256);
            }).substr(0, 25),
            "`logs[0]` is too large (3");
}

TEST(SingleEvent, unknown_type_and_missing_data_are_refused) {
  EXPECT_NE(field_error_of([] {
              read_single_event(object_of(R"({"type":"print","data":{}})"), "now", limits);
            }).find("`type` must be one of"),
            std::string::npos);
  EXPECT_EQ(field_error_of([] { read_single_event(object_of(R"({"type":"log"})"), "now", limits); }),
            "`data` is required and must be an object");
}

TEST(DebugBundle, records_are_ordered_by_their_own_time_then_by_section) {
  const auto bundle = object_of(R"({
    "execution_id": "exec-1",
    "logs": [{"level":"info","message":"second","timestamp":"2025-01-15T10:30:02"},
             {"level":"info","message":"no time"}],
    "trace": [{"event":"first","timestamp":"2025-01-15T10:30:01"}],
    "steps": [{"step_name":"load","started_at":"2025-01-15T10:30:02","ended_at":null,"duration":null}],
    "variables": {"rows": {"name":"rows","value":3,"value_type":"int","timestamp":"2025-01-15T19:30:00+09:00"}},
    "api_calls": [],
    "step_timings": {"load": 0.5},
    "total_execution_time": 1.25
  })");
  const auto batch = read_debug_bundle(bundle, "exec-1", "2025-01-15T10:31:00.000Z", limits);
  std::vector<std::string> types;
  for (const auto& event : batch.events) types.push_back(event.type);
  EXPECT_EQ(types, (std::vector<std::string>{"variable", "trace", "log", "step", "log"}));
  EXPECT_EQ(batch.total_execution_time_us, 1'250'000);
  EXPECT_EQ(batch.events.back().timestamp, "2025-01-15T10:31:00.000Z");
}

TEST(DebugBundle, errors_name_the_record) {
  EXPECT_EQ(field_error_of([] { read_debug_bundle(object_of(R"({"logs":{}})"), "e", "now", limits); }),
            "`logs` must be an array");
  EXPECT_EQ(field_error_of([] {
              read_debug_bundle(object_of(R"({"api_calls":[{"api_type":"llm","endpoint":"/x"}, 7]})"), "e",
                                "now", limits);
            }),
            "`api_calls[1]` must be an object");
  EXPECT_EQ(
      field_error_of([] { read_debug_bundle(object_of(R"({"execution_id":"other"})"), "e", "now", limits); }),
      "`execution_id` is other, but the path names e");
  EXPECT_EQ(field_error_of(
                [] { read_debug_bundle(object_of(R"({"total_execution_time":"1s"})"), "e", "now", limits); }),
            "`total_execution_time` must be a number");
}

TEST(DebugBundle, a_bundle_over_the_record_limit_is_refused) {
  boost::json::array logs;
  for (int i = 0; i < 3; ++i) logs.push_back(boost::json::object{{"level", "info"}, {"message", "m"}});
  EXPECT_EQ(field_error_of([&] {
              read_debug_bundle({{"logs", logs}}, "e", "now", IngestLimits{1024, 2});
            }),
            "The bundle holds more than 2 records");
}

}  // namespace
}  // namespace nadoo::plugin_debug
