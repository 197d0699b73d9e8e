#pragma once

#include <array>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <memory>
#include <optional>

#include "ai/guarded_stream_handlers.hpp"
#include "ai/model_provider.hpp"
#include "ai/openai/openai_provider.hpp"
#include "ai/openai/sse_parser.hpp"
#include "ai/openai/upstream_connection.hpp"
#include "ai/openai/upstream_endpoint.hpp"

namespace nadoo::ai::openai {

/// One answer streamed from an OpenAI-compatible endpoint. Everything but
/// `cancel` runs on the stream's own strand; the handlers are called there,
/// one at a time, under a lock that `cancel` takes too — so once `cancel`
/// returns, no handler runs or will run. A handler may call `cancel` itself,
/// but must not wait for a thread that is inside `cancel`.
class OpenAiStream final : public ModelStream, public std::enable_shared_from_this<OpenAiStream> {
 public:
  OpenAiStream(boost::asio::io_context& io_context, std::shared_ptr<const OpenAiSettings> settings,
               std::shared_ptr<boost::asio::ssl::context> tls_context, StreamHandlers handlers);

  /// Sends the request from the strand; returns at once.
  void start(ModelRequest request);
  void cancel() override;

 private:
  using Strand = UpstreamConnection::Strand;
  using error_code = boost::system::error_code;

  /// What the deadline timer guards, hence what its expiry means.
  enum class Phase { connecting, awaiting_first_token, streaming, waiting_to_retry };

  /// One attempt's connection and parser. Operations of an abandoned attempt
  /// may still be completing while the next one runs, so each keeps its own.
  struct Exchange {
    Exchange(Strand strand, boost::asio::ssl::context& tls_context, const UpstreamEndpoint& endpoint)
        : connection(std::move(strand), tls_context, endpoint) {}
    UpstreamConnection connection;
    boost::beast::flat_buffer read_buffer;
    boost::beast::http::response_parser<boost::beast::http::buffer_body> parser;
    // 8 KiB per read: dozens of chat chunks, and little to keep per stream.
    std::array<char, 8 * 1024> body_chunk{};
  };

  void begin(ModelRequest request);
  void start_attempt();
  void on_resolve(error_code ec, boost::asio::ip::tcp::resolver::results_type results);
  void on_connect(error_code ec, boost::asio::ip::tcp::endpoint endpoint);
  void on_handshake(error_code ec);
  void send_request();
  void on_write(error_code ec, std::size_t bytes);
  void on_header(error_code ec, std::size_t bytes);
  void read_body();
  void on_body(error_code ec, std::size_t bytes);
  void take_event_stream(std::string_view bytes);
  void on_body_end(error_code ec);

  void arm_deadline(std::chrono::milliseconds duration, Phase phase);
  void on_deadline(Phase phase);
  /// Retries when allowed (`retryable`, no token sent yet, attempts left),
  /// otherwise ends the stream with `error`.
  void fail_attempt(ModelError error, bool retryable);
  void finish_with_error(ModelError error);
  void finish_with_completion();
  void stop_io();
  void stop_after_cancel();

  /// Wraps a step so that it runs only while its exchange is the current one
  /// and the stream has neither finished nor been cancelled.
  template <class... Args>
  auto step(void (OpenAiStream::*member)(Args...));

  std::string upstream_name() const;

  Strand strand_;
  std::shared_ptr<const OpenAiSettings> settings_;
  std::shared_ptr<boost::asio::ssl::context> tls_context_;
  boost::asio::ip::tcp::resolver resolver_;
  boost::asio::steady_timer deadline_;
  unsigned deadline_generation_ = 0;
  Phase phase_ = Phase::connecting;

  UpstreamEndpoint endpoint_;
  std::string api_key_;  // kept to scrub it from upstream error messages; never logged
  std::string requested_model_;
  boost::beast::http::request<boost::beast::http::string_body> request_;
  std::shared_ptr<Exchange> exchange_;
  int attempts_ = 0;

  SseParser events_;
  std::string error_body_;
  std::size_t deltas_sent_ = 0;
  std::optional<std::string> finish_reason_;
  std::optional<TokenUsage> usage_;
  std::string answering_model_;
  bool finished_ = false;  // strand only

  GuardedStreamHandlers handlers_;
};

}  // namespace nadoo::ai::openai
