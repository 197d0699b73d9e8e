// Test support for the OpenAI provider's tests: an io_context on two
// threads, a provider on it, and requests aimed at the fake upstream.
#pragma once

#include <gtest/gtest.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <thread>

#include "ai/openai/openai_provider.hpp"
#include "fake_openai/fake_openai_process.hpp"
#include "model_stream_recorder.hpp"

namespace nadoo::ai {

using namespace std::chrono_literals;
using testing::FakeOpenAiProcess;
using testing::FakeOpenAiRequest;
using testing::StreamRecorder;
using Requests = std::vector<FakeOpenAiRequest>;

class OpenAiProviderTest : public ::testing::Test {
 protected:
  OpenAiProviderTest() {
    // Two threads, so that the strand, not luck, keeps each stream's calls apart.
    for (int i = 0; i < 2; ++i) threads_.emplace_back([this] { io_context_.run(); });
  }
  ~OpenAiProviderTest() override {
    provider_.reset();
    work_.reset();
    io_context_.stop();
    for (auto& thread : threads_) thread.join();
  }

  ModelProvider& provider(OpenAiSettings settings = {}) {
    provider_ = make_openai_provider(io_context_, std::move(settings));
    return *provider_;
  }

  ModelProvider& fast_provider() {
    OpenAiSettings settings;
    settings.retry_delay = 50ms;
    return provider(settings);
  }

  ModelRequest request(const std::string& model, const std::string& base_url) const {
    ModelRequest request;
    request.model = model;
    request.base_url = base_url;
    request.api_key = api_key_;
    request.messages = {{"system", "You answer briefly."}, {"user", "Say something nice"}};
    return request;
  }

  const std::string api_key_ = "sk-test-never-shown";
  boost::asio::io_context io_context_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_ =
      boost::asio::make_work_guard(io_context_);
  std::vector<std::thread> threads_;
  std::unique_ptr<ModelProvider> provider_;
};

inline std::string numbered_tokens(int count) {
  std::string text;
  for (int i = 0; i < count; ++i) text += "tok" + std::to_string(i) + " ";
  return text;
}

inline bool one_request_where(const Requests& requests, bool (*condition)(const FakeOpenAiRequest&)) {
  return requests.size() == 1 && condition(requests.front());
}

}  // namespace nadoo::ai
