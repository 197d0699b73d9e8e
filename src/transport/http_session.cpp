#include "transport/http_session.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <optional>

#include "api/envelope.hpp"
#include "transport/rfc6455/opening_handshake.hpp"
#include "transport/websocket_session.hpp"

namespace nadoo::transport {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using Request = http::request<http::string_body>;

std::optional<std::string> bearer_token(const Request& request) {
  const auto header = request[http::field::authorization];
  constexpr std::string_view scheme = "Bearer ";
  if (header.size() <= scheme.size() || !header.starts_with(scheme)) return std::nullopt;
  return std::string(header.substr(scheme.size()));
}

api::HttpRequest to_api_request(const Request& request, RequestTarget target) {
  api::HttpRequest converted{std::string(request.method_string()), std::move(target), {}, request.body()};
  for (const auto& field : request) {
    std::string name(field.name_string());
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
    converted.headers.emplace_back(std::move(name), std::string(field.value()));
  }
  return converted;
}

/// HTTP/1.0 clients know no 100 Continue; RFC 9110 has servers ignore it there.
bool expects_continue(const http::request_header<>& header) {
  return header.version() >= 11 && beast::iequals(header[http::field::expect], "100-continue");
}

class HttpSession : public std::enable_shared_from_this<HttpSession> {
 public:
  HttpSession(net::ip::tcp::socket socket, TransportContext& context)
      : stream_(std::move(socket)), context_(context) {}

  void read_request() {
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(context_.config.max_http_header_bytes));
    // Checked against Content-Length with the header, so an oversized body
    // is refused before it is read (and before any 100 Continue).
    parser_->body_limit(context_.config.max_http_body_bytes);
    head_request_ = false;
    stream_.expires_after(std::chrono::seconds(context_.config.handshake_timeout_seconds));
    http::async_read_header(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code error, std::size_t) { self->on_header(error); });
  }

 private:
  void on_header(beast::error_code error) {
    if (error) return on_read_failed(error);
    head_request_ = parser_->get().method() == http::verb::head;
    if (parser_->is_done()) return on_read();
    if (expects_continue(parser_->get())) return answer_expectation();
    read_body();
  }

  void read_body() {
    http::async_read(stream_, buffer_, *parser_,
                     [self = shared_from_this()](beast::error_code error, std::size_t) {
                       if (error) return self->on_read_failed(error);
                       self->on_read();
                     });
  }

  /// `Expect: 100-continue` (RFC 9110 §10.1.1): the client holds its body
  /// until it gets a 100 (curl for bodies over 1 KiB, about a second). A
  /// request refused whatever its body (no route, wrong method, bad id; a
  /// body over the limit failed in the header already) gets its answer now,
  /// without the 100, and the connection closes as the body may still come.
  void answer_expectation() {
    const auto target = parse_request_target(parser_->get().target());
    if (!target) return refuse(400, "Malformed request target");
    if (auto refusal = context_.http_api.refusal(parser_->get().method_string(), *target)) {
      return refuse(*refusal);
    }
    static constexpr std::string_view continue_line = "HTTP/1.1 100 Continue\r\n\r\n";
    net::async_write(stream_, net::buffer(continue_line.data(), continue_line.size()),
                     [self = shared_from_this()](beast::error_code error, std::size_t) {
                       if (error) return self->close();
                       self->read_body();
                     });
  }

  void on_read_failed(beast::error_code error) {
    if (error == http::error::end_of_stream || error == beast::error::timeout) return close();
    // A HEAD refused by its head (a Content-Length over the limit) is still
    // answered without a body: the request line, parsed first, says HEAD.
    head_request_ = parser_->get().method() == http::verb::head;
    if (error == http::error::body_limit) return refuse(413, "Request body too large");
    if (error == http::error::header_limit) {
      return request_line_overflows() ? refuse(414, "Request target too long")
                                      : refuse(431, "Request header too large");
    }
    refuse(400, "Malformed HTTP request");
  }

  /// Beast reports one header_limit for the whole head. When the request
  /// line alone does not fit in --max-http-header-bytes, the target is what
  /// is too long (414 URI Too Long); otherwise the header fields are (431).
  /// The parser consumes nothing of an incomplete head, so the buffer holds
  /// the request from its first byte.
  bool request_line_overflows() const {
    const std::string_view buffered(static_cast<const char*>(buffer_.data().data()), buffer_.size());
    const auto limit = context_.config.max_http_header_bytes;
    return buffered.size() >= limit && buffered.substr(0, limit).find('\n') == std::string_view::npos;
  }

  void on_read() {
    auto request = parser_->release();
    auto target = parse_request_target(request.target());
    if (!target) return refuse(400, "Malformed request target");
    if (beast::websocket::is_upgrade(request)) return upgrade(std::move(request), std::move(*target));

    context_.metrics.http_requests_total.fetch_add(1, std::memory_order_relaxed);
    keep_alive_ = request.keep_alive();
    context_.http_api.handle(
        to_api_request(request, std::move(*target)), [self = shared_from_this()](api::HttpResponse response) {
          net::dispatch(self->stream_.get_executor(),
                        [self, response = std::move(response)] { self->write_response(response); });
        });
  }

  void upgrade(Request request, RequestTarget target) {
    const auto route = route_websocket(target, context_.config.enable_echo);
    if (const auto* refusal = std::get_if<RouteRefusal>(&route)) {
      return *refusal == RouteRefusal::not_found ? refuse(404, "No WebSocket endpoint at " + target.path())
                                                 : refuse(400, "Invalid id in path " + target.path());
    }
    const auto key = request[http::field::sec_websocket_key];
    if (const auto problem =
            rfc6455::check_upgrade_headers(request[http::field::sec_websocket_version], key)) {
      auto refusal = api::error_response(problem->status, problem->message);
      if (!problem->header.first.empty()) refusal.headers.emplace_back(problem->header);
      return refuse(std::move(refusal));
    }
    auto token = target.query_value("token");
    if (!token) token = bearer_token(request);
    // A client may send frames right behind its request; they were read with it.
    start_websocket_session(stream_.release_socket(), rfc6455::switching_protocols_response(key),
                            std::get<WebSocketRoute>(route), std::move(token),
                            beast::buffers_to_string(buffer_.data()), context_);
  }

  void refuse(unsigned status, std::string_view message) { refuse(api::error_response(status, message)); }

  void refuse(const api::HttpResponse& response) {
    keep_alive_ = false;
    linger_on_close_ = true;
    write_response(response);
  }

  void write_response(const api::HttpResponse& response) {
    auto message = std::make_shared<http::response<http::string_body>>(
        static_cast<http::status>(response.status), 11, response.body);
    message->set(http::field::server, "nadoo-realtime");
    message->set(http::field::content_type, response.content_type);
    for (const auto& [name, value] : response.headers) message->set(name, value);
    message->keep_alive(keep_alive_);
    message->prepare_payload();
    stream_.expires_after(std::chrono::seconds(context_.config.handshake_timeout_seconds));
    auto written = [self = shared_from_this(), message](beast::error_code error, std::size_t) {
      if (!error && self->linger_on_close_) return self->close_lingering();
      if (error || !self->keep_alive_) return self->close();
      self->read_request();
    };
    if (!head_request_) return http::async_write(stream_, *message, std::move(written));
    // HEAD: the GET answer's head, Content-Length included, without its body.
    auto head = std::make_shared<http::response_serializer<http::string_body>>(*message);
    http::async_write_header(
        stream_, *head, [head, written = std::move(written)](beast::error_code error, std::size_t bytes) {
          written(error, bytes);
        });
  }

  void close() {
    beast::error_code ignored;
    stream_.socket().shutdown(net::ip::tcp::socket::shutdown_send, ignored);
    stream_.close();
  }

  /// After a refusal the client may still be sending (a body refused by its
  /// Content-Length, the rest of an overlong head). Closing a socket with
  /// unread bytes makes the kernel send a reset, and a client that is still
  /// writing then loses the answer (Python's sendall, curl without Expect):
  /// so our side is shut first and what still comes is read and dropped,
  /// until the client closes or lingering_close_time has passed.
  void close_lingering() {
    beast::error_code ignored;
    stream_.socket().shutdown(net::ip::tcp::socket::shutdown_send, ignored);
    stream_.expires_after(lingering_close_time);
    drain();
  }

  void drain() {
    buffer_.consume(buffer_.size());
    stream_.async_read_some(buffer_.prepare(drain_read_bytes),
                            [self = shared_from_this()](beast::error_code error, std::size_t bytes) {
                              if (error) return self->stream_.close();  // the client's end, or time is up
                              self->buffer_.commit(bytes);
                              self->drain();
                            });
  }

  /// Long enough for a client on any network to finish sending what it had
  /// started and read the answer; short enough that refused clients cost
  /// nothing lasting (nginx lingers 5 s per read, 30 s at most).
  static constexpr auto lingering_close_time = std::chrono::seconds(2);
  static constexpr std::size_t drain_read_bytes = 16 * 1024;

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  TransportContext& context_;
  bool keep_alive_ = false;
  bool head_request_ = false;     // the answer goes without its body
  bool linger_on_close_ = false;  // a refusal: the client may still be sending
};

}  // namespace

void start_http_session(net::ip::tcp::socket socket, TransportContext& context) {
  std::make_shared<HttpSession>(std::move(socket), context)->read_request();
}

}  // namespace nadoo::transport
