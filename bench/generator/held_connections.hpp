#pragma once
// Connections a workload keeps open, each with a read always pending (which
// answers the server's pings), and their orderly end with close 1000.

#include <atomic>
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <string_view>
#include <vector>

#include "bench_connection.hpp"
#include "completion_counter.hpp"
#include "io_threads.hpp"

namespace nadoo::bench {

/// Sees every message of a held connection, on its I/O thread; the view dies
/// with the call.
using MessageObserver = std::function<void(std::string_view message, unsigned thread_index)>;

/// Counts closes that completed the closing handshake and those that did not.
struct CloseTally {
  std::atomic<std::size_t> clean{0};
  std::atomic<std::size_t> unclean{0};
  CompletionCounter done;
};

/// Sends close 1000, waits for the server's close, and counts the outcome.
boost::asio::awaitable<void> close_and_count(std::shared_ptr<BenchConnection> connection, CloseTally& tally);

class HeldConnections {
 public:
  explicit HeldConnections(unsigned threads) : per_thread_(threads) {}

  /// I/O thread `thread_index`: keeps `connection` and reads from it until it
  /// closes, handing each message to `observer` (which may be empty).
  void hold(unsigned thread_index, std::shared_ptr<BenchConnection> connection,
            const MessageObserver& observer);

  /// Main thread: closes every held connection on its own thread; true when
  /// all closes finished by `deadline`.
  bool close_all(IoThreads& threads, std::chrono::steady_clock::time_point deadline);

  std::size_t held() const { return held_.load(); }
  /// Connections whose reads ended before close_all: the server dropped them.
  std::size_t dropped() const { return dropped_.load(); }
  const CloseTally& closes() const { return closes_; }

 private:
  boost::asio::awaitable<void> read_until_closed(std::shared_ptr<BenchConnection> connection,
                                                 MessageObserver observer, unsigned thread_index);

  std::vector<std::vector<std::shared_ptr<BenchConnection>>> per_thread_;
  std::atomic<std::size_t> held_{0};
  std::atomic<std::size_t> dropped_{0};
  std::atomic<bool> closing_{false};
  CloseTally closes_;
};

}  // namespace nadoo::bench
