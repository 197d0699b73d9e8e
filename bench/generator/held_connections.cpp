#include "held_connections.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <exception>

namespace nadoo::bench {

boost::asio::awaitable<void> close_and_count(std::shared_ptr<BenchConnection> connection, CloseTally& tally) {
  bool clean = true;
  try {
    co_await connection->close();
  } catch (const std::exception&) {
    clean = false;  // counted: the report gives clean and unclean closes
  }
  (clean ? tally.clean : tally.unclean).fetch_add(1);
  tally.done.add();
}

void HeldConnections::hold(unsigned thread_index, std::shared_ptr<BenchConnection> connection,
                           const MessageObserver& observer) {
  per_thread_[thread_index].push_back(connection);
  held_.fetch_add(1);
  const auto executor = connection->get_executor();
  boost::asio::co_spawn(executor, read_until_closed(std::move(connection), observer, thread_index),
                        boost::asio::detached);
}

boost::asio::awaitable<void> HeldConnections::read_until_closed(std::shared_ptr<BenchConnection> connection,
                                                                MessageObserver observer,
                                                                unsigned thread_index) {
  try {
    for (;;) {
      const std::string_view message = co_await connection->read_message();
      if (observer) observer(message, thread_index);
    }
  } catch (const std::exception&) {
    // The read ends with the close we sent, or the server dropped us.
    if (!closing_.load()) dropped_.fetch_add(1);
  }
}

bool HeldConnections::close_all(IoThreads& threads, std::chrono::steady_clock::time_point deadline) {
  closing_.store(true);
  for (unsigned thread_index = 0; thread_index < threads.size(); ++thread_index) {
    // On the connections' own thread: their list is that thread's alone.
    boost::asio::post(threads.context(thread_index), [this, thread_index, &threads] {
      for (auto& connection : per_thread_[thread_index]) {
        boost::asio::co_spawn(threads.context(thread_index), close_and_count(connection, closes_),
                              boost::asio::detached);
      }
    });
  }
  return closes_.done.wait_for(held_.load(), deadline);
}

}  // namespace nadoo::bench
