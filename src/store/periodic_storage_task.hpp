#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <chrono>
#include <functional>

#include "store/storage_executor.hpp"

namespace nadoo::store {

/// A storage call made at start, then every interval: the retention purges
/// (notifications, plugin executions), and the probe that keeps a lost
/// database reconnecting while no request comes. A failed round is logged by
/// the storage executor; the next one retries.
///
/// Thread-safety: start and stop may be called from any thread; the timer and
/// the results run on a strand of their own.
class PeriodicStorageTask {
 public:
  /// Runs on the storage thread; logs what it did when that is worth a line.
  using Task = std::function<void(Store&)>;

  PeriodicStorageTask(const boost::asio::any_io_executor& executor, StorageExecutor& storage,
                      std::chrono::milliseconds interval, Task task)
      : strand_(boost::asio::make_strand(executor)),
        timer_(strand_),
        storage_(storage),
        interval_(interval),
        task_(std::move(task)) {}

  /// Runs now, then every interval; nothing when the interval is zero.
  void start();
  /// No round starts after this; one already on the storage thread finishes.
  /// Also cancels the timer, so that it no longer keeps the I/O context running.
  void stop();

 private:
  void run_round();
  void schedule_next();

  boost::asio::strand<boost::asio::any_io_executor> strand_;
  boost::asio::steady_timer timer_;  // on strand_, like stopped_
  StorageExecutor& storage_;
  const std::chrono::milliseconds interval_;
  const Task task_;
  bool stopped_ = false;
};

}  // namespace nadoo::store
