#include "ai/openai/openai_provider.hpp"

#include <boost/asio/ssl/context.hpp>
#include <stdexcept>

#include "ai/openai/openai_stream.hpp"

namespace nadoo::ai {

namespace {

std::shared_ptr<boost::asio::ssl::context> make_tls_context(const std::string& ca_file) {
  namespace ssl = boost::asio::ssl;
  auto context = std::make_shared<ssl::context>(ssl::context::tls_client);
  // TLS 1.2 is the oldest version any model provider still speaks.
  context->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                       ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
  context->set_default_verify_paths();
  if (!ca_file.empty()) {
    boost::system::error_code ec;
    context->load_verify_file(ca_file, ec);
    if (ec) throw std::runtime_error("cannot load the CA file " + ca_file + ": " + ec.message());
  }
  context->set_verify_mode(ssl::verify_peer);
  return context;
}

class OpenAiProvider final : public ModelProvider {
 public:
  OpenAiProvider(boost::asio::io_context& io_context, OpenAiSettings settings)
      : io_context_(io_context),
        tls_context_(make_tls_context(settings.ca_file)),
        settings_(std::make_shared<const OpenAiSettings>(std::move(settings))) {}

  std::shared_ptr<ModelStream> stream(ModelRequest request, StreamHandlers handlers) override {
    // Streams share the settings and the TLS context, so that they may outlive
    // the provider.
    auto stream =
        std::make_shared<openai::OpenAiStream>(io_context_, settings_, tls_context_, std::move(handlers));
    stream->start(std::move(request));
    return stream;
  }

 private:
  boost::asio::io_context& io_context_;
  std::shared_ptr<boost::asio::ssl::context> tls_context_;
  std::shared_ptr<const OpenAiSettings> settings_;
};

}  // namespace

std::unique_ptr<ModelProvider> make_openai_provider(boost::asio::io_context& io_context,
                                                    OpenAiSettings settings) {
  return std::make_unique<OpenAiProvider>(io_context, std::move(settings));
}

}  // namespace nadoo::ai
