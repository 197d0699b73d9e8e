#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <chrono>

#include "store/storage_executor.hpp"

namespace nadoo::plugin_debug {

/// Deletes plugin executions, with their events, once they are older than
/// the retention: every `purge_interval`, one delete on the storage thread.
///
/// Thread-safety: start and stop may be called from any thread; the timer
/// and the purge results run on a strand of their own.
class ExecutionRetention {
 public:
  ExecutionRetention(const boost::asio::any_io_executor& executor, store::StorageExecutor& storage,
                     std::chrono::seconds retention, std::chrono::seconds purge_interval)
      : strand_(boost::asio::make_strand(executor)),
        timer_(strand_),
        storage_(storage),
        retention_(retention),
        purge_interval_(purge_interval) {}

  /// Purges now, then every purge interval.
  void start();
  /// Cancels the timer, so that it no longer keeps the I/O context running.
  void stop();

 private:
  void purge();
  void schedule();

  boost::asio::strand<boost::asio::any_io_executor> strand_;
  boost::asio::steady_timer timer_;
  store::StorageExecutor& storage_;
  const std::chrono::seconds retention_;
  const std::chrono::seconds purge_interval_;
  bool stopped_ = false;  // on the strand
};

}  // namespace nadoo::plugin_debug
