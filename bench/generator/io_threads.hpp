#pragma once
// The generator's I/O threads: one io_context per thread, so that the
// connections of one thread share nothing with another's and no lock sits on
// the send or receive path.

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <memory>
#include <thread>
#include <vector>

namespace nadoo::bench {

class IoThreads {
 public:
  /// Starts `count` threads, each running its own io_context until stop().
  explicit IoThreads(unsigned count);
  ~IoThreads();
  IoThreads(const IoThreads&) = delete;
  IoThreads& operator=(const IoThreads&) = delete;

  unsigned size() const { return static_cast<unsigned>(contexts_.size()); }
  boost::asio::io_context& context(unsigned index) { return *contexts_[index]; }

  /// Stops every io_context at once (pending work is abandoned) and joins the
  /// threads. Call from the main thread only; idempotent.
  void stop();

 private:
  using WorkGuard = boost::asio::executor_work_guard<boost::asio::io_context::executor_type>;
  std::vector<std::unique_ptr<boost::asio::io_context>> contexts_;
  std::vector<WorkGuard> keep_running_;
  std::vector<std::thread> threads_;
};

}  // namespace nadoo::bench
