#include "rest_put.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <optional>

namespace nadoo::bench {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

net::awaitable<std::string> exchange(const BenchTarget& target, http::request<http::string_body> request) {
  beast::tcp_stream stream(co_await net::this_coro::executor);
  co_await stream.async_connect(target.endpoint(), net::use_awaitable);
  co_await http::async_write(stream, request, net::use_awaitable);
  beast::flat_buffer buffer;
  http::response<http::string_body> response;
  co_await http::async_read(stream, buffer, response, net::use_awaitable);
  if (response.result_int() / 100 == 2) co_return "";
  co_return "answered HTTP " + std::to_string(response.result_int()) + ": " + response.body();
}

}  // namespace

std::string put_json(const BenchTarget& target, const std::string& api_key, const std::string& path,
                     const std::string& body, std::chrono::seconds timeout) {
  http::request<http::string_body> request{http::verb::put, path, 11};
  request.set(http::field::host, target.host_header());
  request.set("X-API-Key", api_key);
  request.set(http::field::content_type, "application/json");
  request.body() = body;
  request.prepare_payload();
  net::io_context io;
  std::optional<std::string> failure;
  net::co_spawn(io, exchange(target, std::move(request)),
                [&failure](std::exception_ptr error, std::string outcome) {
                  try {
                    if (error) std::rethrow_exception(error);
                    failure = std::move(outcome);
                  } catch (const std::exception& thrown) {
                    failure = thrown.what();
                  }
                });
  io.run_for(timeout);
  if (!failure) return "PUT " + path + ": no answer within " + std::to_string(timeout.count()) + " s";
  return failure->empty() ? "" : "PUT " + path + " " + *failure;
}

}  // namespace nadoo::bench
