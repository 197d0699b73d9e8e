#include "connection_dialer.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/this_coro.hpp>
#include <exception>

#include "text_search.hpp"

namespace nadoo::bench {
namespace {

using Clock = std::chrono::steady_clock;

/// The server's first message on every workspace socket. Matched loosely (no
/// parse, any spacing) because peers serialise JSON their own way.
bool is_connected_message(std::string_view message) {
  return find_in(message, "\"connected\"") != std::string_view::npos;
}

}  // namespace

ConnectionDialer::ConnectionDialer(IoThreads& threads, DialPlan plan, ConnectedHandler on_connected)
    : threads_(threads),
      plan_(std::move(plan)),
      on_connected_(std::move(on_connected)),
      connect_times_(threads.size()) {
  if (plan_.ports.empty()) plan_.ports.push_back(plan_.target.port);
  for (const auto port : plan_.ports) {
    auto target = plan_.target;
    target.port = port;
    servers_.push_back(target.endpoint());
    host_headers_.push_back(target.host_header());
  }
  connect_times_.reserve_per_thread(plan_.paths.size() / threads.size() + 1);
}

void ConnectionDialer::start() {
  started_ = Clock::now();
  const std::size_t dialers = std::min(plan_.handshakes_in_flight, plan_.paths.size());
  for (std::size_t dialer = 0; dialer < dialers; ++dialer) {
    const auto thread_index = static_cast<unsigned>(dialer % threads_.size());
    boost::asio::co_spawn(threads_.context(thread_index), dial(thread_index), boost::asio::detached);
  }
}

boost::asio::awaitable<void> ConnectionDialer::dial(unsigned thread_index) {
  const auto executor = co_await boost::asio::this_coro::executor;
  for (std::size_t index = next_index_++; index < plan_.paths.size(); index = next_index_++) {
    auto connection = std::make_shared<BenchConnection>(executor);
    const auto opened_at = Clock::now();
    std::string failure;
    try {
      const auto node = index % servers_.size();
      co_await connection->open(source_address_for(index), servers_[node], host_headers_[node],
                                plan_.paths[index], plan_.step_timeout);
      if (!is_connected_message(co_await connection->read_message())) {
        failure = "the first message was not `connected`";
      }
    } catch (const std::exception& error) {
      failure = error.what();
    }
    if (!failure.empty()) {
      note_failure(failure);
      failed_.fetch_add(1);
      attempts_.add();
      continue;
    }
    const auto now = Clock::now();
    connect_times_.record(thread_index,
                          std::chrono::duration_cast<std::chrono::microseconds>(now - opened_at).count());
    last_connected_ticks_.store(now.time_since_epoch().count(), std::memory_order_relaxed);
    connected_.fetch_add(1);
    co_await on_connected_(std::move(connection), thread_index);
    // Counted once the workload has the connection: the main thread may use it then.
    attempts_.add();
  }
}

void ConnectionDialer::note_failure(const std::string& reason) {
  std::lock_guard lock(failure_mutex_);
  if (first_failure_.empty()) first_failure_ = reason;
}

std::string ConnectionDialer::first_failure() const {
  std::lock_guard lock(failure_mutex_);
  return first_failure_;
}

ConnectTally ConnectionDialer::tally() const {
  return {planned(), connected(), failed(), first_failure(), connect_times_.sorted()};
}

void ConnectTally::merge(ConnectTally&& other) {
  planned += other.planned;
  connected += other.connected;
  failed += other.failed;
  if (first_failure.empty()) first_failure = std::move(other.first_failure);
  merge_ascending(times_us, std::move(other.times_us));
}

double ConnectionDialer::seconds_to_last_connected() const {
  const Clock::time_point last{Clock::duration(last_connected_ticks_.load())};
  return std::chrono::duration<double>(last - started_).count();
}

}  // namespace nadoo::bench
