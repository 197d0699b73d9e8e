#include <gtest/gtest.h>

#include "openai_provider_fixture.hpp"
#include "temporary_directory.hpp"

namespace nadoo::ai {
namespace {

/// HTTPS against the fake with a certificate made for this test run.
class OpenAiProviderTlsTest : public OpenAiProviderTest {
 protected:
  OpenAiProviderTlsTest() {
    testing::make_self_signed_certificate(directory_, "localhost", "IP:127.0.0.1,DNS:localhost");
    testing::make_self_signed_certificate(directory_, "elsewhere", "DNS:elsewhere.example");
  }

  FakeOpenAiProcess tls_fake(const std::string& name) const {
    return FakeOpenAiProcess(
        {"--tls-cert", directory_ + "/" + name + ".pem", "--tls-key", directory_ + "/" + name + ".key"});
  }
  OpenAiSettings trusting(const std::string& name) const {
    OpenAiSettings settings;
    settings.ca_file = directory_ + "/" + name + ".pem";
    return settings;
  }

  test_support::TemporaryDirectory temporary_;
  const std::string directory_ = temporary_.path().string();
};

TEST_F(OpenAiProviderTlsTest, https_with_the_certificate_trusted_through_ca_file_streams) {
  const auto fake = tls_fake("localhost");
  auto& openai = provider(trusting("localhost"));
  for (const auto& base_url : {fake.base_url(), "https://localhost:" + std::to_string(fake.port()) + "/v1"}) {
    StreamRecorder recorder;
    auto stream = openai.stream(request("normal:tokens=4", base_url), recorder.handlers());
    ASSERT_TRUE(recorder.wait_finished()) << base_url;
    EXPECT_FALSE(recorder.error()) << base_url << ": " << recorder.error()->message;
    EXPECT_EQ(recorder.text(), numbered_tokens(4)) << base_url;
  }
}

TEST_F(OpenAiProviderTlsTest, https_without_ca_file_fails_verification) {
  const auto fake = tls_fake("localhost");
  StreamRecorder recorder;
  auto stream = provider().stream(request("normal:tokens=4", fake.base_url()), recorder.handlers());
  ASSERT_TRUE(recorder.wait_finished());
  ASSERT_TRUE(recorder.error());
  EXPECT_EQ(recorder.error()->code, ModelErrorCode::provider_error);
  EXPECT_NE(recorder.error()->message.find("certificate verify failed"), std::string::npos)
      << recorder.error()->message;
  EXPECT_EQ(recorder.delta_count(), 0u);
}

TEST_F(OpenAiProviderTlsTest, trusted_certificate_for_another_host_is_refused) {
  const auto fake = tls_fake("elsewhere");
  StreamRecorder recorder;
  auto stream = provider(trusting("elsewhere"))
                    .stream(request("normal:tokens=4", fake.base_url()), recorder.handlers());
  ASSERT_TRUE(recorder.wait_finished());
  ASSERT_TRUE(recorder.error());
  EXPECT_EQ(recorder.error()->code, ModelErrorCode::provider_error);
  EXPECT_EQ(recorder.delta_count(), 0u);
}

TEST_F(OpenAiProviderTlsTest, unreadable_ca_file_fails_at_construction) {
  auto settings = trusting("missing");
  EXPECT_THROW(provider(settings), std::runtime_error);
}

}  // namespace
}  // namespace nadoo::ai
