#include "direct_stream.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <string>

#include "token_stamps.hpp"

namespace nadoo::bench {
namespace {

namespace net = boost::asio;

/// As the server reads its upstream: what one recv may bring at once.
constexpr std::size_t read_chunk_bytes = 16 * 1024;

std::string chat_completions_request(std::uint16_t port) {
  const std::string body =
      R"({"model":"bench-stamped-tokens","messages":[{"role":"user","content":"Benchmark question."}],)"
      R"("stream":true,"stream_options":{"include_usage":true}})";
  return "POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) +
         "\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: " +
         std::to_string(body.size()) + "\r\n\r\n" + body;
}

}  // namespace

net::awaitable<void> stream_from_upstream(std::uint16_t upstream_port,
                                          std::chrono::steady_clock::time_point start_at,
                                          ChatDeliveries& deliveries, unsigned thread_index) {
  const auto executor = co_await net::this_coro::executor;
  net::steady_timer timer(executor, start_at);
  co_await timer.async_wait(net::use_awaitable);
  net::ip::tcp::socket socket(executor);
  try {
    co_await socket.async_connect({net::ip::make_address("127.0.0.1"), upstream_port}, net::use_awaitable);
    socket.set_option(net::ip::tcp::no_delay(true));
    co_await net::async_write(socket, net::buffer(chat_completions_request(upstream_port)),
                              net::use_awaitable);
    std::string received;  // SSE events end with a blank line; a read may end inside one
    bool first = true;
    for (;;) {
      const std::size_t had = received.size();
      received.resize(had + read_chunk_bytes);
      received.resize(had + co_await socket.async_read_some(
                                net::buffer(received.data() + had, read_chunk_bytes), net::use_awaitable));
      std::size_t consumed = 0;
      for (auto end = received.find("\n\n"); end != std::string::npos;
           end = received.find("\n\n", consumed)) {
        const std::string_view event = std::string_view(received).substr(consumed, end - consumed);
        consumed = end + 2;
        if (event.find("[DONE]") != std::string_view::npos) {
          deliveries.end_answer();
          co_return;
        }
        const std::string_view content = upstream_chunk_content(event);
        if (content.empty()) continue;  // the role chunk, the finish, the usage
        deliveries.record_tokens(content, first, thread_index);
        first = false;
      }
      received.erase(0, consumed);
    }
  } catch (const std::exception& error) {
    deliveries.fail_answer(std::string("streaming straight from the upstream: ") + error.what());
  }
}

}  // namespace nadoo::bench
