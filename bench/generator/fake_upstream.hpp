#pragma once
// The chat workload's model provider: a small OpenAI-compatible server in
// nadoo-bench's own process, on its own I/O thread (the chat clients have
// theirs). Every `POST /v1/chat/completions` gets the same streamed answer:
// `tokens` SSE chunks `token_interval` apart, each token's text the upstream's
// send time (token_stamps.hpp), so that a client sees how long the server took
// to pass it on.

#include <atomic>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <cstdint>
#include <string>

#include "io_threads.hpp"

namespace nadoo::bench {

struct FakeUpstreamAnswer {
  std::size_t tokens = 50;
  std::chrono::microseconds token_interval{20'000};
};

class FakeUpstream {
 public:
  /// Listens on 127.0.0.1:`port` (0: any free port) and serves until destroyed.
  FakeUpstream(std::uint16_t port, FakeUpstreamAnswer answer);
  ~FakeUpstream();
  FakeUpstream(const FakeUpstream&) = delete;
  FakeUpstream& operator=(const FakeUpstream&) = delete;

  std::uint16_t port() const { return port_; }
  /// `http://127.0.0.1:PORT/v1`, an application's base_url.
  std::string base_url() const;

  /// CPU time of the upstream's I/O thread so far, in seconds: its share of
  /// the generator's CPU. Main thread; waits for the I/O thread to answer.
  double thread_cpu_seconds();

  /// Stops the I/O thread; streams still running are abandoned. Idempotent.
  void stop() { thread_.stop(); }

  std::size_t requests() const { return requests_.load(); }
  std::size_t answers_completed() const { return answers_completed_.load(); }
  /// Answers whose connection the server closed before the last chunk.
  std::size_t answers_cut_short() const { return answers_cut_short_.load(); }

 private:
  boost::asio::awaitable<void> accept_connections();
  boost::asio::awaitable<void> serve(boost::asio::ip::tcp::socket socket);

  FakeUpstreamAnswer answer_;
  IoThreads thread_{1};  // before the acceptor: stopped first, destroyed last
  boost::asio::ip::tcp::acceptor acceptor_;
  std::uint16_t port_ = 0;
  std::atomic<std::size_t> requests_{0};
  std::atomic<std::size_t> answers_completed_{0};
  std::atomic<std::size_t> answers_cut_short_{0};
};

}  // namespace nadoo::bench
