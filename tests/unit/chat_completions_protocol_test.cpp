#include "ai/openai/chat_completions_protocol.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "ai/openai/upstream_endpoint.hpp"

namespace nadoo::ai::openai {
namespace {

TEST(ChatCompletionsProtocol, request_body_asks_for_a_stream_with_usage) {
  ModelRequest request;
  request.model = "gpt-4o-mini";
  request.messages = {{"system", "be brief"}, {"user", "hi \"there\""}};
  request.temperature = 0.25;
  request.max_tokens = 77;
  const auto body = boost::json::parse(chat_completions_request_body(request)).as_object();
  EXPECT_EQ(body.at("model"), "gpt-4o-mini");
  EXPECT_EQ(body.at("messages").as_array().size(), 2u);
  EXPECT_EQ(body.at("messages").as_array()[1].at("content"), "hi \"there\"");
  EXPECT_EQ(body.at("messages").as_array()[0].at("role"), "system");
  EXPECT_DOUBLE_EQ(body.at("temperature").as_double(), 0.25);
  EXPECT_EQ(body.at("max_tokens"), 77);
  EXPECT_EQ(body.at("stream"), true);
  EXPECT_EQ(body.at("stream_options").at("include_usage"), true);
}

TEST(ChatCompletionsProtocol, chunk_yields_delta_finish_reason_and_usage) {
  auto chunk =
      parse_chunk(R"({"model":"m1","choices":[{"index":0,"delta":{"content":"Hel"},"finish_reason":null}]})");
  ASSERT_TRUE(chunk.content);
  EXPECT_EQ(chunk.content->delta, "Hel");
  EXPECT_EQ(chunk.content->model, "m1");
  EXPECT_FALSE(chunk.content->finish_reason);

  chunk = parse_chunk(R"({"choices":[{"delta":{},"finish_reason":"length"}]})");
  ASSERT_TRUE(chunk.content);
  EXPECT_EQ(chunk.content->finish_reason, "length");

  chunk =
      parse_chunk(R"({"choices":[],"usage":{"prompt_tokens":12,"completion_tokens":5,"total_tokens":17}})");
  ASSERT_TRUE(chunk.content && chunk.content->usage);
  EXPECT_EQ(chunk.content->usage->prompt_tokens, 12);
  EXPECT_EQ(chunk.content->usage->completion_tokens, 5);
  EXPECT_EQ(chunk.content->usage->total_tokens, 17);
}

TEST(ChatCompletionsProtocol, null_content_and_role_chunks_carry_no_delta) {
  auto chunk = parse_chunk(R"({"choices":[{"delta":{"role":"assistant","content":null}}],"usage":null})");
  ASSERT_TRUE(chunk.content);
  EXPECT_EQ(chunk.content->delta, "");
  EXPECT_FALSE(chunk.content->usage);
}

TEST(ChatCompletionsProtocol, other_finish_reasons_read_as_stop) {
  const auto chunk = parse_chunk(R"({"choices":[{"delta":{},"finish_reason":"content_filter"}]})");
  ASSERT_TRUE(chunk.content);
  EXPECT_EQ(chunk.content->finish_reason, "stop");
}

TEST(ChatCompletionsProtocol, malformed_chunk_is_a_provider_error) {
  for (auto data : {"not json", "[1,2]", "{\"choices\":"}) {
    const auto chunk = parse_chunk(data);
    EXPECT_FALSE(chunk.content) << data;
    EXPECT_EQ(chunk.error.code, ModelErrorCode::provider_error) << data;
  }
}

TEST(ChatCompletionsProtocol, error_event_mid_stream_is_a_provider_error_with_its_message) {
  const auto chunk = parse_chunk(R"({"error":{"message":"upstream overloaded","type":"server_error"}})");
  EXPECT_FALSE(chunk.content);
  EXPECT_EQ(chunk.error.code, ModelErrorCode::provider_error);
  EXPECT_NE(chunk.error.message.find("upstream overloaded"), std::string::npos);
}

TEST(ChatCompletionsProtocol, http_errors_map_to_contract_codes) {
  EXPECT_EQ(error_from_http_answer(429, R"({"error":{"message":"slow down"}})", "").code,
            ModelErrorCode::rate_limit);
  EXPECT_EQ(
      error_from_http_answer(400, R"({"error":{"message":"x","code":"context_length_exceeded"}})", "").code,
      ModelErrorCode::context_overflow);
  EXPECT_EQ(error_from_http_answer(413, "This model's maximum context length is 8192 tokens", "").code,
            ModelErrorCode::context_overflow);
  EXPECT_EQ(error_from_http_answer(400, R"({"error":{"message":"bad temperature"}})", "").code,
            ModelErrorCode::provider_error);
  for (unsigned status : {401u, 403u, 404u, 500u, 503u}) {
    EXPECT_EQ(error_from_http_answer(status, "", "").code, ModelErrorCode::provider_error) << status;
  }
}

TEST(ChatCompletionsProtocol, http_error_message_is_the_upstream_message_truncated) {
  const auto error =
      error_from_http_answer(404, R"({"error":{"message":"The model `x` does not exist"}})", "");
  EXPECT_NE(error.message.find("404"), std::string::npos);
  EXPECT_NE(error.message.find("The model `x` does not exist"), std::string::npos);
  const auto long_error = error_from_http_answer(502, std::string(5000, 'e'), "");
  EXPECT_LT(long_error.message.size(), 400u);
}

TEST(ChatCompletionsProtocol, api_keys_never_reach_the_error_message) {
  const auto error = error_from_http_answer(
      401, R"({"error":{"message":"Incorrect API key provided: sk-proj-abc***wxyz. Also my-secret-key."}})",
      "my-secret-key");
  EXPECT_EQ(error.message.find("my-secret-key"), std::string::npos) << error.message;
  EXPECT_EQ(error.message.find("abc"), std::string::npos) << error.message;
  EXPECT_EQ(without_secrets("task-sk-x and sk-live_1", ""), "task-sk-x and sk-[redacted]");
}

TEST(ChatCompletionsProtocol, only_5xx_and_429_are_retryable) {
  EXPECT_TRUE(is_retryable_status(429));
  EXPECT_TRUE(is_retryable_status(500));
  EXPECT_TRUE(is_retryable_status(503));
  EXPECT_FALSE(is_retryable_status(400));
  EXPECT_FALSE(is_retryable_status(401));
}

TEST(UpstreamEndpoint, base_urls_become_chat_completions_targets) {
  auto endpoint = chat_completions_endpoint("https://api.openai.com/v1");
  ASSERT_TRUE(endpoint);
  EXPECT_TRUE(endpoint->tls);
  EXPECT_EQ(endpoint->host, "api.openai.com");
  EXPECT_EQ(endpoint->port, "443");
  EXPECT_EQ(endpoint->host_header, "api.openai.com");
  EXPECT_EQ(endpoint->target, "/v1/chat/completions");
  EXPECT_FALSE(endpoint->host_is_address);

  endpoint = chat_completions_endpoint("http://127.0.0.1:8080/v1/");
  ASSERT_TRUE(endpoint);
  EXPECT_FALSE(endpoint->tls);
  EXPECT_EQ(endpoint->port, "8080");
  EXPECT_EQ(endpoint->host_header, "127.0.0.1:8080");
  EXPECT_EQ(endpoint->target, "/v1/chat/completions");
  EXPECT_TRUE(endpoint->host_is_address);

  endpoint = chat_completions_endpoint("http://[::1]:9000");
  ASSERT_TRUE(endpoint);
  EXPECT_EQ(endpoint->host, "::1");
  EXPECT_EQ(endpoint->host_header, "[::1]:9000");
  EXPECT_EQ(endpoint->target, "/chat/completions");
}

TEST(UpstreamEndpoint, non_http_urls_are_refused) {
  for (auto url : {"", "api.openai.com/v1", "ftp://host/v1", "https://", "https://user:key@host/v1", "/v1"}) {
    EXPECT_FALSE(chat_completions_endpoint(url)) << url;
  }
}

}  // namespace
}  // namespace nadoo::ai::openai
