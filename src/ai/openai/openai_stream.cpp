#include "ai/openai/openai_stream.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

#include "ai/openai/chat_completions_protocol.hpp"

namespace nadoo::ai::openai {

namespace http = boost::beast::http;

namespace {

// Providers behind CDNs send a few kilobytes of headers; Beast's default
// limit of 8 KiB is close enough to that to fail now and then.
constexpr std::uint32_t max_header_bytes = 64 * 1024;
// Enough of an error answer to find its message; the rest is not read.
constexpr std::size_t max_error_body_bytes = 16 * 1024;

std::string seconds_text(std::chrono::milliseconds duration) {
  const auto tenths = duration.count() / 100;
  auto text = std::to_string(tenths / 10);
  if (tenths % 10 != 0) text += "." + std::to_string(tenths % 10);
  return text + " s";
}

}  // namespace

OpenAiStream::OpenAiStream(boost::asio::io_context& io_context,
                           std::shared_ptr<const OpenAiSettings> settings,
                           std::shared_ptr<boost::asio::ssl::context> tls_context, StreamHandlers handlers)
    : strand_(boost::asio::make_strand(io_context)),
      settings_(std::move(settings)),
      tls_context_(std::move(tls_context)),
      resolver_(strand_),
      deadline_(strand_),
      handlers_(std::move(handlers)) {}

void OpenAiStream::start(ModelRequest request) {
  boost::asio::post(strand_, [self = shared_from_this(), request = std::move(request)]() mutable {
    if (self->handlers_.closed()) return;
    self->begin(std::move(request));
  });
}

void OpenAiStream::cancel() {
  if (!handlers_.close()) return;  // after this no handler starts
  boost::asio::post(strand_, [self = shared_from_this()] { self->stop_after_cancel(); });
}

template <class... Args>
auto OpenAiStream::step(void (OpenAiStream::*member)(Args...)) {
  return [self = shared_from_this(), exchange = exchange_, member](Args... args) {
    if (self->finished_ || self->handlers_.closed() || exchange != self->exchange_) return;
    ((*self).*member)(std::move(args)...);
  };
}

void OpenAiStream::begin(ModelRequest request) {
  const auto& base_url = request.base_url.empty() ? settings_->default_base_url : request.base_url;
  auto endpoint = chat_completions_endpoint(base_url);
  if (!endpoint) {
    // The URL itself is not echoed: a misplaced key could sit in it.
    finish_with_error(
        {ModelErrorCode::provider_error, "the model provider's base URL is not an http(s) URL"});
    return;
  }
  endpoint_ = std::move(*endpoint);
  api_key_ = request.api_key.empty() ? settings_->default_api_key : request.api_key;
  requested_model_ = request.model;

  request_.method(http::verb::post);
  request_.target(endpoint_.target);
  request_.version(11);
  request_.set(http::field::host, endpoint_.host_header);
  request_.set(http::field::user_agent, "nadoo-realtime");
  request_.set(http::field::content_type, "application/json");
  request_.set(http::field::accept, "text/event-stream");
  if (!api_key_.empty()) request_.set(http::field::authorization, "Bearer " + api_key_);
  request_.body() = chat_completions_request_body(request);
  request_.prepare_payload();
  start_attempt();
}

void OpenAiStream::start_attempt() {
  ++attempts_;
  try {
    exchange_ = std::make_shared<Exchange>(strand_, *tls_context_, endpoint_);
  } catch (const boost::system::system_error& error) {
    spdlog::error("model provider {}: cannot set up a connection: {}", upstream_name(), error.what());
    finish_with_error({ModelErrorCode::provider_error, "cannot set up a connection to the model provider"});
    return;
  }
  exchange_->parser.header_limit(max_header_bytes);
  exchange_->parser.body_limit(boost::none);  // a stream is as long as the answer
  events_ = SseParser();
  error_body_.clear();
  finish_reason_.reset();
  usage_.reset();

  arm_deadline(settings_->connect_timeout, Phase::connecting);
  resolver_.async_resolve(endpoint_.host, endpoint_.port, step(&OpenAiStream::on_resolve));
}

void OpenAiStream::on_resolve(error_code ec, boost::asio::ip::tcp::resolver::results_type results) {
  if (ec) {
    fail_attempt({ModelErrorCode::provider_error,
                  "cannot resolve the model provider's host " + endpoint_.host + ": " + ec.message()},
                 true);
    return;
  }
  exchange_->connection.tcp().async_connect(results, step(&OpenAiStream::on_connect));
}

void OpenAiStream::on_connect(error_code ec, boost::asio::ip::tcp::endpoint) {
  if (ec) {
    fail_attempt({ModelErrorCode::provider_error,
                  "cannot connect to the model provider at " + upstream_name() + ": " + ec.message()},
                 true);
    return;
  }
  if (!exchange_->connection.tls()) {
    send_request();
    return;
  }
  exchange_->connection.with_stream([this](auto& stream) {
    if constexpr (std::is_same_v<std::decay_t<decltype(stream)>, UpstreamConnection::TlsStream>) {
      stream.async_handshake(boost::asio::ssl::stream_base::client, step(&OpenAiStream::on_handshake));
    }
  });
}

void OpenAiStream::on_handshake(error_code ec) {
  if (ec) {
    // A certificate that does not verify will not verify on a second try.
    fail_attempt({ModelErrorCode::provider_error,
                  "TLS with the model provider at " + upstream_name() + " failed: " + ec.message()},
                 false);
    return;
  }
  send_request();
}

void OpenAiStream::send_request() {
  arm_deadline(settings_->first_token_timeout, Phase::awaiting_first_token);
  exchange_->connection.with_stream(
      [this](auto& stream) { http::async_write(stream, request_, step(&OpenAiStream::on_write)); });
}

void OpenAiStream::on_write(error_code ec, std::size_t) {
  if (ec) {
    // Not retried: the provider may have taken the request in (and billed it).
    finish_with_error({ModelErrorCode::provider_error, "lost the connection to the model provider at " +
                                                           upstream_name() + ": " + ec.message()});
    return;
  }
  auto& exchange = *exchange_;
  exchange.connection.with_stream([this, &exchange](auto& stream) {
    http::async_read_header(stream, exchange.read_buffer, exchange.parser, step(&OpenAiStream::on_header));
  });
}

void OpenAiStream::on_header(error_code ec, std::size_t) {
  if (ec) {
    finish_with_error(
        {ModelErrorCode::provider_error, "the model provider at " + upstream_name() +
                                             " closed the connection without answering: " + ec.message()});
    return;
  }
  read_body();
}

void OpenAiStream::read_body() {
  auto& exchange = *exchange_;
  if (exchange.parser.is_done()) {
    on_body_end({});
    return;
  }
  auto& body = exchange.parser.get().body();
  body.data = exchange.body_chunk.data();
  body.size = exchange.body_chunk.size();
  // read_some, not read: read would wait until the buffer is full, holding
  // back tokens that have arrived.
  exchange.connection.with_stream([this, &exchange](auto& stream) {
    http::async_read_some(stream, exchange.read_buffer, exchange.parser, step(&OpenAiStream::on_body));
  });
}

void OpenAiStream::on_body(error_code ec, std::size_t) {
  if (ec == http::error::need_buffer) ec = {};
  auto& exchange = *exchange_;
  const auto received = exchange.body_chunk.size() - exchange.parser.get().body().size;
  const std::string_view bytes(exchange.body_chunk.data(), received);
  const bool success = exchange.parser.get().result_int() / 100 == 2;

  if (success) {
    if (received > 0 && phase_ == Phase::streaming) arm_deadline(settings_->idle_timeout, Phase::streaming);
    take_event_stream(bytes);
    if (finished_ || handlers_.closed()) return;
  } else {
    error_body_.append(bytes.substr(0, max_error_body_bytes - error_body_.size()));
    if (error_body_.size() >= max_error_body_bytes) {
      on_body_end({});
      return;
    }
  }
  if (ec || exchange.parser.is_done()) {
    on_body_end(ec);
    return;
  }
  read_body();
}

void OpenAiStream::take_event_stream(std::string_view bytes) {
  for (auto& event : events_.feed(bytes)) {
    if (is_done_marker(event)) {
      finish_with_completion();
      return;
    }
    auto chunk = parse_chunk(event.data);
    if (!chunk.content) {
      finish_with_error(std::move(chunk.error));
      return;
    }
    auto& content = *chunk.content;
    if (!content.model.empty()) answering_model_ = std::move(content.model);
    if (content.finish_reason) finish_reason_ = std::move(content.finish_reason);
    if (content.usage) usage_ = content.usage;
    if (!content.delta.empty()) {
      if (phase_ == Phase::awaiting_first_token) arm_deadline(settings_->idle_timeout, Phase::streaming);
      ++deltas_sent_;
      // A handler that threw has closed the stream: stop reading it.
      if (!handlers_.delta(std::move(content.delta))) return stop_after_cancel();
    }
  }
  if (events_.too_large()) {
    finish_with_error({ModelErrorCode::provider_error, "the model provider sent an oversized stream event"});
  }
}

void OpenAiStream::on_body_end(error_code ec) {
  const auto status = exchange_->parser.get().result_int();
  if (status / 100 != 2) {
    fail_attempt(error_from_http_answer(status, error_body_, api_key_), is_retryable_status(status));
    return;
  }
  // Some servers end with the finish chunk and no [DONE]; the answer is whole.
  if (finish_reason_) {
    finish_with_completion();
    return;
  }
  spdlog::debug("model provider {}: the body ended with {}", upstream_name(), ec ? ec.message() : "no error");
  finish_with_error(
      {ModelErrorCode::provider_error, "the model provider ended the stream before the answer finished"});
}

void OpenAiStream::arm_deadline(std::chrono::milliseconds duration, Phase phase) {
  phase_ = phase;
  // The generation tells a stale expiry, already queued when the timer was
  // re-armed, from the current one.
  const auto generation = ++deadline_generation_;
  deadline_.expires_after(duration);
  deadline_.async_wait([self = shared_from_this(), generation, phase](error_code ec) {
    if (ec || generation != self->deadline_generation_ || self->finished_ || self->handlers_.closed()) return;
    self->on_deadline(phase);
  });
}

void OpenAiStream::on_deadline(Phase phase) {
  switch (phase) {
    case Phase::connecting:
      fail_attempt({ModelErrorCode::timeout, "could not connect to the model provider at " + upstream_name() +
                                                 " within " + seconds_text(settings_->connect_timeout)},
                   true);
      break;
    case Phase::awaiting_first_token:
      finish_with_error({ModelErrorCode::timeout, "the model provider sent no answer within " +
                                                      seconds_text(settings_->first_token_timeout)});
      break;
    case Phase::streaming:
      finish_with_error({ModelErrorCode::timeout, "the model provider went silent for " +
                                                      seconds_text(settings_->idle_timeout) + " mid-answer"});
      break;
    case Phase::waiting_to_retry:
      start_attempt();
      break;
  }
}

void OpenAiStream::fail_attempt(ModelError error, bool retryable) {
  if (retryable && deltas_sent_ == 0 && attempts_ <= settings_->retries_before_first_token) {
    spdlog::info("model provider {}: attempt {} failed ({}); retrying", upstream_name(), attempts_,
                 error.message);
    resolver_.cancel();
    exchange_->connection.close();
    exchange_.reset();  // completions of the abandoned attempt now find a different exchange
    arm_deadline(settings_->retry_delay, Phase::waiting_to_retry);
    return;
  }
  finish_with_error(std::move(error));
}

void OpenAiStream::stop_io() {
  finished_ = true;
  deadline_.cancel();
  resolver_.cancel();
  if (exchange_) exchange_->connection.close();
}

void OpenAiStream::finish_with_error(ModelError error) {
  stop_io();
  // Messages carry no key: upstream texts are scrubbed, ours never name one.
  spdlog::warn("model stream to {} failed after {} attempt(s) and {} token(s): {}", upstream_name(),
               attempts_, deltas_sent_, error.message);
  handlers_.fail(std::move(error));
}

void OpenAiStream::finish_with_completion() {
  stop_io();
  ModelCompletion completion;
  completion.finish_reason = finish_reason_.value_or("stop");
  completion.usage = usage_;
  completion.model = answering_model_.empty() ? requested_model_ : answering_model_;
  handlers_.complete(std::move(completion));
}

void OpenAiStream::stop_after_cancel() {
  if (!finished_) stop_io();
  handlers_.release();  // what the handlers captured is released now, not with the stream
}

std::string OpenAiStream::upstream_name() const {
  return endpoint_.host_header.empty() ? std::string("(no host)") : endpoint_.host_header;
}

}  // namespace nadoo::ai::openai
