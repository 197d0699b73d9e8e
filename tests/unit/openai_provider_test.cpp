#include <gtest/gtest.h>

#include <boost/asio/ip/tcp.hpp>
#include <mutex>

#include "openai_provider_fixture.hpp"

namespace nadoo::ai {
namespace {

TEST(ModelErrorCodeName, names_are_the_contract_codes) {
  EXPECT_EQ(model_error_code_name(ModelErrorCode::provider_error), "provider_error");
  EXPECT_EQ(model_error_code_name(ModelErrorCode::timeout), "timeout");
  EXPECT_EQ(model_error_code_name(ModelErrorCode::context_overflow), "context_overflow");
  EXPECT_EQ(model_error_code_name(ModelErrorCode::rate_limit), "rate_limit");
}

TEST_F(OpenAiProviderTest, normal_stream_concatenates_deltas_and_reports_usage) {
  FakeOpenAiProcess fake;
  StreamRecorder recorder;
  auto stream =
      provider().stream(request("normal:tokens=20:interval_ms=1", fake.base_url()), recorder.handlers());
  ASSERT_TRUE(recorder.wait_finished());

  EXPECT_FALSE(recorder.error()) << recorder.error()->message;
  EXPECT_EQ(recorder.text(), numbered_tokens(20));
  EXPECT_EQ(recorder.delta_count(), 20u);
  const auto completion = recorder.completion();
  ASSERT_TRUE(completion);
  EXPECT_EQ(completion->finish_reason, "stop");
  EXPECT_EQ(completion->model, "normal:tokens=20:interval_ms=1");
  ASSERT_TRUE(completion->usage);
  EXPECT_EQ(completion->usage->completion_tokens, 20);
  EXPECT_EQ(completion->usage->prompt_tokens, 6);  // the fake counts words
  EXPECT_EQ(completion->usage->total_tokens, 26);
  EXPECT_EQ(recorder.broken_promises(), 0);

  const auto seen = fake.requests();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_TRUE(seen[0].authorization_present);
  ASSERT_EQ(seen[0].messages.size(), 2u);
  EXPECT_EQ(seen[0].messages[1], (std::pair<std::string, std::string>{"user", "Say something nice"}));
  EXPECT_TRUE(fake.wait_for([](const Requests& r) { return r.size() == 1 && r[0].completed; }));
}

TEST_F(OpenAiProviderTest, settings_supply_the_endpoint_and_key_a_request_leaves_out) {
  FakeOpenAiProcess fake;
  OpenAiSettings settings;
  settings.default_base_url = fake.base_url();
  settings.default_api_key = "sk-default";
  auto& openai = provider(settings);

  StreamRecorder with_default_key;
  auto first = openai.stream(request("normal:tokens=2", ""), with_default_key.handlers());
  ASSERT_TRUE(with_default_key.wait_finished());
  EXPECT_EQ(with_default_key.text(), numbered_tokens(2));

  settings.default_api_key.clear();
  auto& keyless = provider(settings);
  StreamRecorder without_key;
  auto keyless_request = request("normal:tokens=2", "");
  keyless_request.api_key.clear();
  auto second = keyless.stream(keyless_request, without_key.handlers());
  ASSERT_TRUE(without_key.wait_finished());
  EXPECT_TRUE(without_key.completion());

  const auto seen = fake.requests();
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_TRUE(seen[0].authorization_present);
  EXPECT_FALSE(seen[1].authorization_present);
}

TEST_F(OpenAiProviderTest, length_finish_reason_and_missing_usage_are_reported_as_sent) {
  FakeOpenAiProcess fake;
  StreamRecorder recorder;
  auto stream = provider().stream(request("normal:tokens=3:finish=length:usage=0", fake.base_url()),
                                  recorder.handlers());
  ASSERT_TRUE(recorder.wait_finished());
  const auto completion = recorder.completion();
  ASSERT_TRUE(completion);
  EXPECT_EQ(completion->finish_reason, "length");
  EXPECT_FALSE(completion->usage);
}

TEST_F(OpenAiProviderTest, close_delimited_body_streams_like_a_chunked_one) {
  FakeOpenAiProcess fake;
  StreamRecorder recorder;
  auto stream =
      provider().stream(request("normal:tokens=7:framing=close", fake.base_url()), recorder.handlers());
  ASSERT_TRUE(recorder.wait_finished());
  EXPECT_TRUE(recorder.completion());
  EXPECT_EQ(recorder.text(), numbered_tokens(7));
}

TEST_F(OpenAiProviderTest, cancel_mid_stream_closes_the_upstream_and_silences_handlers) {
  FakeOpenAiProcess fake;
  StreamRecorder recorder;
  auto stream =
      provider().stream(request("slow:tokens=1000:interval_ms=20", fake.base_url()), recorder.handlers());
  ASSERT_TRUE(recorder.wait_for_deltas(3));

  stream->cancel();
  recorder.cancel_returned();
  stream->cancel();  // again: harmless

  EXPECT_TRUE(fake.wait_for([](const Requests& r) {
    return one_request_where(
        r, [](const FakeOpenAiRequest& q) { return q.client_disconnected && !q.completed; });
  }));
  std::this_thread::sleep_for(100ms);  // a window in which a late handler would show
  EXPECT_EQ(recorder.broken_promises(), 0);
  EXPECT_FALSE(recorder.finished());
  EXPECT_LT(fake.requests()[0].tokens_sent, 1000);
}

TEST_F(OpenAiProviderTest, cancel_from_inside_a_delta_handler_ends_the_stream_there) {
  FakeOpenAiProcess fake;
  StreamRecorder recorder;
  std::shared_ptr<ModelStream> stream;
  std::mutex stream_mutex;
  std::atomic<int> deltas_seen{0};
  {
    std::lock_guard lock(stream_mutex);
    stream = provider().stream(request("slow:tokens=1000:interval_ms=5", fake.base_url()),
                               recorder.handlers([&](const std::string&) {
                                 if (++deltas_seen == 2) {
                                   std::lock_guard inner(stream_mutex);
                                   stream->cancel();
                                 }
                               }));
  }
  EXPECT_TRUE(fake.wait_for([](const Requests& r) {
    return one_request_where(r, [](const FakeOpenAiRequest& q) { return q.client_disconnected; });
  }));
  std::this_thread::sleep_for(50ms);
  EXPECT_EQ(deltas_seen, 2);
  EXPECT_FALSE(recorder.finished());
}

TEST_F(OpenAiProviderTest, cancel_before_the_request_is_sent_calls_no_handler) {
  FakeOpenAiProcess fake;
  StreamRecorder recorder;
  auto stream = provider().stream(request("normal:tokens=3", fake.base_url()), recorder.handlers());
  stream->cancel();
  recorder.cancel_returned();
  std::this_thread::sleep_for(200ms);
  EXPECT_FALSE(recorder.finished());
  EXPECT_EQ(recorder.broken_promises(), 0);
}

TEST_F(OpenAiProviderTest, connection_dropped_mid_stream_is_a_provider_error_and_not_retried) {
  FakeOpenAiProcess fake;
  StreamRecorder recorder;
  auto stream =
      fast_provider().stream(request("error_midstream:tokens=3", fake.base_url()), recorder.handlers());
  ASSERT_TRUE(recorder.wait_finished());
  EXPECT_EQ(recorder.text(), numbered_tokens(3));
  ASSERT_TRUE(recorder.error());
  EXPECT_EQ(recorder.error()->code, ModelErrorCode::provider_error);
  EXPECT_EQ(fake.requests().size(), 1u);
}

TEST_F(OpenAiProviderTest, error_event_mid_stream_is_a_provider_error_with_its_message) {
  FakeOpenAiProcess fake;
  StreamRecorder recorder;
  auto stream =
      provider().stream(request("error_midstream:tokens=2:mode=event", fake.base_url()), recorder.handlers());
  ASSERT_TRUE(recorder.wait_finished());
  EXPECT_EQ(recorder.delta_count(), 2u);
  ASSERT_TRUE(recorder.error());
  EXPECT_EQ(recorder.error()->code, ModelErrorCode::provider_error);
  EXPECT_NE(recorder.error()->message.find("server had an error"), std::string::npos)
      << recorder.error()->message;
}

TEST_F(OpenAiProviderTest, silent_upstream_times_out_before_the_first_token) {
  FakeOpenAiProcess fake;
  OpenAiSettings settings;
  settings.first_token_timeout = 300ms;
  StreamRecorder recorder;
  const auto started = std::chrono::steady_clock::now();
  auto stream = provider(settings).stream(request("hang", fake.base_url()), recorder.handlers());
  ASSERT_TRUE(recorder.wait_finished());
  EXPECT_LT(std::chrono::steady_clock::now() - started, 3s);
  ASSERT_TRUE(recorder.error());
  EXPECT_EQ(recorder.error()->code, ModelErrorCode::timeout);
  // The abandoned request is not left open upstream, and a timeout is not retried.
  EXPECT_TRUE(fake.wait_for([](const Requests& r) {
    return one_request_where(r, [](const FakeOpenAiRequest& q) { return q.client_disconnected; });
  }));
}

TEST_F(OpenAiProviderTest, stall_after_the_first_token_times_out) {
  FakeOpenAiProcess fake;
  OpenAiSettings settings;
  settings.idle_timeout = 300ms;
  StreamRecorder recorder;
  auto stream = provider(settings).stream(request("slow:tokens=5:interval_ms=5000", fake.base_url()),
                                          recorder.handlers());
  ASSERT_TRUE(recorder.wait_finished());
  EXPECT_EQ(recorder.text(), "tok0 ");
  ASSERT_TRUE(recorder.error());
  EXPECT_EQ(recorder.error()->code, ModelErrorCode::timeout);
}

TEST_F(OpenAiProviderTest, malformed_chunk_is_a_provider_error) {
  FakeOpenAiProcess fake;
  StreamRecorder recorder;
  auto stream = provider().stream(request("malformed", fake.base_url()), recorder.handlers());
  ASSERT_TRUE(recorder.wait_finished());
  EXPECT_EQ(recorder.text(), "tok0 ");
  ASSERT_TRUE(recorder.error());
  EXPECT_EQ(recorder.error()->code, ModelErrorCode::provider_error);
}

TEST_F(OpenAiProviderTest, rate_limit_is_retried_once_then_reported) {
  FakeOpenAiProcess fake;
  StreamRecorder recorder;
  auto stream = fast_provider().stream(request("rate_limited", fake.base_url()), recorder.handlers());
  ASSERT_TRUE(recorder.wait_finished());
  ASSERT_TRUE(recorder.error());
  EXPECT_EQ(recorder.error()->code, ModelErrorCode::rate_limit);
  EXPECT_NE(recorder.error()->message.find("Rate limit reached"), std::string::npos);
  EXPECT_EQ(fake.requests().size(), 2u);
}

TEST_F(OpenAiProviderTest, server_error_is_retried_as_often_as_configured) {
  FakeOpenAiProcess fake;
  OpenAiSettings settings;
  settings.retry_delay = 10ms;
  settings.retries_before_first_token = 2;
  StreamRecorder recorder;
  auto stream =
      provider(settings).stream(request("server_error:status=503", fake.base_url()), recorder.handlers());
  ASSERT_TRUE(recorder.wait_finished());
  ASSERT_TRUE(recorder.error());
  EXPECT_EQ(recorder.error()->code, ModelErrorCode::provider_error);
  EXPECT_NE(recorder.error()->message.find("503"), std::string::npos);
  EXPECT_EQ(fake.requests().size(), 3u);
}

TEST_F(OpenAiProviderTest, context_overflow_is_reported_without_retry) {
  FakeOpenAiProcess fake;
  StreamRecorder recorder;
  auto stream = fast_provider().stream(request("context_overflow", fake.base_url()), recorder.handlers());
  ASSERT_TRUE(recorder.wait_finished());
  ASSERT_TRUE(recorder.error());
  EXPECT_EQ(recorder.error()->code, ModelErrorCode::context_overflow);
  EXPECT_EQ(fake.requests().size(), 1u);
}

TEST_F(OpenAiProviderTest, unauthorized_is_a_provider_error_with_the_upstream_message_and_no_key) {
  FakeOpenAiProcess fake;
  StreamRecorder recorder;
  auto stream = fast_provider().stream(request("unauthorized", fake.base_url()), recorder.handlers());
  ASSERT_TRUE(recorder.wait_finished());
  ASSERT_TRUE(recorder.error());
  EXPECT_EQ(recorder.error()->code, ModelErrorCode::provider_error);
  EXPECT_NE(recorder.error()->message.find("Incorrect API key provided"), std::string::npos);
  EXPECT_EQ(recorder.error()->message.find(api_key_), std::string::npos);
  EXPECT_EQ(fake.requests().size(), 1u);
}

TEST_F(OpenAiProviderTest, refused_connection_is_a_provider_error) {
  // A port that was free a moment ago: nothing listens there.
  boost::asio::io_context scratch;
  boost::asio::ip::tcp::acceptor acceptor(scratch, {boost::asio::ip::make_address("127.0.0.1"), 0});
  const auto port = acceptor.local_endpoint().port();
  acceptor.close();

  StreamRecorder recorder;
  auto stream = fast_provider().stream(request("normal", "http://127.0.0.1:" + std::to_string(port) + "/v1"),
                                       recorder.handlers());
  ASSERT_TRUE(recorder.wait_finished());
  ASSERT_TRUE(recorder.error());
  EXPECT_EQ(recorder.error()->code, ModelErrorCode::provider_error);
}

TEST_F(OpenAiProviderTest, base_url_that_is_not_http_is_a_provider_error) {
  StreamRecorder recorder;
  auto stream = provider().stream(request("normal", "ftp://example.com/v1"), recorder.handlers());
  ASSERT_TRUE(recorder.wait_finished());
  ASSERT_TRUE(recorder.error());
  EXPECT_EQ(recorder.error()->code, ModelErrorCode::provider_error);
}

TEST_F(OpenAiProviderTest, concurrent_streams_each_get_their_own_answer) {
  FakeOpenAiProcess fake;
  auto& openai = provider();
  std::vector<StreamRecorder> recorders(16);
  std::vector<std::shared_ptr<ModelStream>> streams;
  for (std::size_t i = 0; i < recorders.size(); ++i) {
    streams.push_back(
        openai.stream(request("normal:tokens=" + std::to_string(10 + i) + ":interval_ms=2", fake.base_url()),
                      recorders[i].handlers()));
  }
  for (std::size_t i = 0; i < recorders.size(); ++i) {
    ASSERT_TRUE(recorders[i].wait_finished());
    EXPECT_EQ(recorders[i].text(), numbered_tokens(static_cast<int>(10 + i)));
    EXPECT_EQ(recorders[i].broken_promises(), 0);
  }
}

TEST_F(OpenAiProviderTest, stream_outlives_its_provider) {
  FakeOpenAiProcess fake;
  StreamRecorder recorder;
  auto stream =
      provider().stream(request("normal:tokens=5:interval_ms=20", fake.base_url()), recorder.handlers());
  provider_.reset();
  ASSERT_TRUE(recorder.wait_finished());
  EXPECT_EQ(recorder.text(), numbered_tokens(5));
}

}  // namespace
}  // namespace nadoo::ai
