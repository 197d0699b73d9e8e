#pragma once
// Opens a workload's connections over the I/O threads, a fixed number of
// handshakes in flight, and times each from TCP connect to the server's first
// `connected` message (connect + upgrade + token verification).

#include <atomic>
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "bench_connection.hpp"
#include "bench_target.hpp"
#include "completion_counter.hpp"
#include "io_threads.hpp"
#include "latency_samples.hpp"

namespace nadoo::bench {

/// What a workload does with a connection once `connected` has arrived; runs
/// on the connection's I/O thread. The dialer opens its next connection when
/// this returns: a workload that keeps the connection spawns its own reader.
using ConnectedHandler =
    std::function<boost::asio::awaitable<void>(std::shared_ptr<BenchConnection>, unsigned thread_index)>;

struct DialPlan {
  BenchTarget target;
  /// One request path (token included) per connection to open.
  std::vector<std::string> paths;
  std::size_t handshakes_in_flight = 100;
  /// Connection n goes to ports[n % size] of the target's host (a cluster's
  /// nodes); empty: the target's port.
  std::vector<std::uint16_t> ports{};
  /// For the TCP connect, and again for the upgrade.
  std::chrono::seconds step_timeout{10};
};

/// A dialer's figures once dialing is over, in a form in which those of
/// several dialers (in several processes) add up.
struct ConnectTally {
  std::uint64_t planned = 0;
  std::uint64_t connected = 0;
  std::uint64_t failed = 0;
  std::string first_failure;            // "" when none
  std::vector<std::uint32_t> times_us;  // connect times in microseconds, ascending

  void merge(ConnectTally&& other);
};

class ConnectionDialer {
 public:
  ConnectionDialer(IoThreads& threads, DialPlan plan, ConnectedHandler on_connected);

  /// Main thread: starts the dialers; attempts() counts each connection that
  /// failed, or connected and went through the ConnectedHandler.
  void start();
  CompletionCounter& attempts() { return attempts_; }
  std::size_t planned() const { return plan_.paths.size(); }

  std::size_t connected() const { return connected_.load(); }
  std::size_t failed() const { return failed_.load(); }
  /// The first failure's reason, for the report ("" when none).
  std::string first_failure() const;
  /// Seconds from start() to the last `connected` so far.
  double seconds_to_last_connected() const;
  /// Main thread, once dialing is over: its figures, connect times ascending.
  ConnectTally tally() const;

 private:
  boost::asio::awaitable<void> dial(unsigned thread_index);
  void note_failure(const std::string& reason);

  IoThreads& threads_;
  DialPlan plan_;
  ConnectedHandler on_connected_;
  /// One per port, in the plan's order.
  std::vector<boost::asio::ip::tcp::endpoint> servers_;
  std::vector<std::string> host_headers_;
  std::atomic<std::size_t> next_index_{0};
  std::atomic<std::size_t> connected_{0};
  std::atomic<std::size_t> failed_{0};
  std::chrono::steady_clock::time_point started_{};
  std::atomic<std::chrono::steady_clock::rep> last_connected_ticks_{0};
  LatencySamples connect_times_;
  CompletionCounter attempts_;
  mutable std::mutex failure_mutex_;
  std::string first_failure_;
};

}  // namespace nadoo::bench
