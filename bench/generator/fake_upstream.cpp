#include "fake_upstream.hpp"

#include <time.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <cstdio>
#include <future>

#include "monotonic_clock.hpp"
#include "token_stamps.hpp"

namespace nadoo::bench {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

/// Chunked framing, as OpenAI streams: the server's parser then reads each
/// chunk as it comes, where Connection: close framing would hide nothing.
constexpr std::string_view stream_head =
    "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\n"
    "Transfer-Encoding: chunked\r\n\r\n";
constexpr std::string_view chunk_prefix =
    R"(data: {"id":"chatcmpl-bench","object":"chat.completion.chunk","created":0,"model":"bench","choices":[)";

/// Appends one SSE event `data: {payload}\n\n` as one HTTP chunk.
void append_http_chunk(std::string& out, std::string_view event) {
  char size[16];
  const int length = std::snprintf(size, sizeof size, "%zx\r\n", event.size());
  out.append(size, static_cast<std::size_t>(length));
  out += event;
  out += "\r\n";
}

std::string delta_event(std::string_view delta_fields, std::string_view finish_reason) {
  std::string event(chunk_prefix);
  event += R"({"index":0,"delta":{)";
  event += delta_fields;
  event += R"(},"finish_reason":)";
  event += finish_reason;
  event += "}]}\n\n";
  return event;
}

/// The last chunks of every answer: finish, usage (the server asks for it),
/// [DONE], and the chunked body's end.
std::string answer_tail(std::size_t tokens) {
  std::string tail;
  append_http_chunk(tail, delta_event("", R"("stop")"));
  append_http_chunk(tail, std::string(chunk_prefix) + R"(],"usage":{"prompt_tokens":1,"completion_tokens":)" +
                              std::to_string(tokens) + R"(,"total_tokens":)" + std::to_string(tokens + 1) +
                              "}}\n\n");
  append_http_chunk(tail, "data: [DONE]\n\n");
  tail += "0\r\n\r\n";
  return tail;
}

double this_thread_cpu_seconds() {
  timespec cpu{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &cpu);
  return static_cast<double>(cpu.tv_sec) + static_cast<double>(cpu.tv_nsec) / 1e9;
}

}  // namespace

FakeUpstream::FakeUpstream(std::uint16_t port, FakeUpstreamAnswer answer)
    : answer_(answer), acceptor_(thread_.context(0)) {
  const net::ip::tcp::endpoint endpoint(net::ip::make_address("127.0.0.1"), port);
  acceptor_.open(endpoint.protocol());
  acceptor_.set_option(net::socket_base::reuse_address(true));
  acceptor_.bind(endpoint);
  acceptor_.listen(net::socket_base::max_listen_connections);
  port_ = acceptor_.local_endpoint().port();
  net::co_spawn(thread_.context(0), accept_connections(), net::detached);
}

FakeUpstream::~FakeUpstream() { stop(); }

std::string FakeUpstream::base_url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/v1"; }

double FakeUpstream::thread_cpu_seconds() {
  std::promise<double> reading;
  net::post(thread_.context(0), [&reading] { reading.set_value(this_thread_cpu_seconds()); });
  return reading.get_future().get();
}

net::awaitable<void> FakeUpstream::accept_connections() {
  for (;;) {
    auto socket = co_await acceptor_.async_accept(net::use_awaitable);
    // Each token is its own small write: Nagle's algorithm would hold it back.
    socket.set_option(net::ip::tcp::no_delay(true));
    net::co_spawn(thread_.context(0), serve(std::move(socket)), net::detached);
  }
}

net::awaitable<void> FakeUpstream::serve(net::ip::tcp::socket socket) {
  beast::tcp_stream stream(std::move(socket));
  beast::flat_buffer buffer;
  net::steady_timer pace(stream.get_executor());
  const std::string tail = answer_tail(answer_.tokens);
  std::string out;
  for (bool keep_alive = true; keep_alive;) {
    http::request<http::string_body> request;
    try {
      co_await http::async_read(stream, buffer, request, net::use_awaitable);
    } catch (const std::exception&) {
      co_return;  // the server closed the connection after its answer
    }
    keep_alive = request.keep_alive();
    if (request.method() != http::verb::post || request.target() != "/v1/chat/completions") {
      http::response<http::string_body> not_found{http::status::not_found, 11};
      not_found.body() =
          R"({"error":{"message":"nadoo-bench's upstream serves POST /v1/chat/completions only"}})";
      not_found.prepare_payload();
      co_await http::async_write(stream, not_found, net::use_awaitable);
      continue;
    }
    requests_.fetch_add(1);
    try {
      out.assign(stream_head);
      append_http_chunk(out, delta_event(R"("role":"assistant","content":"")", "null"));
      co_await net::async_write(stream, net::buffer(out), net::use_awaitable);
      const auto started = std::chrono::steady_clock::now();
      std::string token;
      for (std::size_t n = 0; n < answer_.tokens; ++n) {
        pace.expires_at(started + n * answer_.token_interval);
        co_await pace.async_wait(net::use_awaitable);
        token.assign(R"("content":")");
        // Stamped last, just before the write: the timer's own lateness is not the server's.
        append_token_stamp(token, monotonic_microseconds());
        token += '"';
        out.clear();
        append_http_chunk(out, delta_event(token, "null"));
        co_await net::async_write(stream, net::buffer(out), net::use_awaitable);
      }
      // Counted before the tail goes out: its reader may see the answer end,
      // and the run report this figure, before this coroutine resumes.
      answers_completed_.fetch_add(1);
      try {
        co_await net::async_write(stream, net::buffer(tail), net::use_awaitable);
      } catch (const std::exception&) {
        answers_completed_.fetch_sub(1);
        throw;
      }
    } catch (const std::exception&) {
      answers_cut_short_.fetch_add(1);
      co_return;
    }
  }
}

}  // namespace nadoo::bench
