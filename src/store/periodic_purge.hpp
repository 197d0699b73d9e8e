#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

#include "store/storage_executor.hpp"

namespace nadoo::store {

/// Deletes what has outlived its retention (notifications, plugin
/// executions): at start, then every interval, one call on the storage
/// thread. A failed round is logged by the storage executor; the next retries.
///
/// Thread-safety: start and stop may be called from any thread; the timer and
/// the results run on a strand of their own.
class PeriodicPurge {
 public:
  /// Deletes on the storage thread and says how many records went.
  using Purge = std::function<std::int64_t(Store&)>;

  /// `what` names the records in the log line ("expired notifications").
  PeriodicPurge(const boost::asio::any_io_executor& executor, StorageExecutor& storage,
                std::chrono::seconds interval, std::string what, Purge purge)
      : strand_(boost::asio::make_strand(executor)),
        timer_(strand_),
        storage_(storage),
        interval_(interval),
        what_(std::move(what)),
        purge_(std::move(purge)) {}

  /// Purges now, then every interval; nothing when the interval is zero.
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
  const std::chrono::seconds interval_;
  const std::string what_;
  const Purge purge_;
  bool stopped_ = false;
};

}  // namespace nadoo::store
