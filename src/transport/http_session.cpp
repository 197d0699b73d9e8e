#include "transport/http_session.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/dispatch.hpp>
#include <boost/beast/core/flat_buffer.hpp>
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

class HttpSession : public std::enable_shared_from_this<HttpSession> {
 public:
  HttpSession(net::ip::tcp::socket socket, TransportContext& context)
      : stream_(std::move(socket)), context_(context) {}

  void read_request() {
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(context_.config.max_http_header_bytes));
    parser_->body_limit(context_.config.max_http_body_bytes);
    stream_.expires_after(std::chrono::seconds(context_.config.handshake_timeout_seconds));
    http::async_read(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code error, std::size_t) { self->on_read(error); });
  }

 private:
  void on_read(beast::error_code error) {
    if (error == http::error::end_of_stream || error == beast::error::timeout) return close();
    if (error == http::error::body_limit) return refuse(413, "Request body too large");
    if (error == http::error::header_limit) return refuse(431, "Request header too large");
    if (error) return refuse(400, "Malformed HTTP request");

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
    start_websocket_session(stream_.release_socket(), rfc6455::switching_protocols_response(key),
                            std::get<WebSocketRoute>(route), std::move(token), context_);
  }

  void refuse(unsigned status, std::string_view message) { refuse(api::error_response(status, message)); }

  void refuse(const api::HttpResponse& response) {
    keep_alive_ = false;
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
    http::async_write(stream_, *message,
                      [self = shared_from_this(), message](beast::error_code error, std::size_t) {
                        if (error || !self->keep_alive_) return self->close();
                        self->read_request();
                      });
  }

  void close() {
    beast::error_code ignored;
    stream_.socket().shutdown(net::ip::tcp::socket::shutdown_send, ignored);
    stream_.close();
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  TransportContext& context_;
  bool keep_alive_ = false;
};

}  // namespace

void start_http_session(net::ip::tcp::socket socket, TransportContext& context) {
  std::make_shared<HttpSession>(std::move(socket), context)->read_request();
}

}  // namespace nadoo::transport
