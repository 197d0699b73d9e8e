#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include "notifications/notification_settings.hpp"
#include "store/storage_executor.hpp"

namespace nadoo::notifications {

/// Deletes notifications past their retention: at start, then every purge
/// interval. The deletion runs on the storage thread like every storage call.
///
/// Thread-safety: start and stop may be called from any thread.
class NotificationPurger {
 public:
  NotificationPurger(boost::asio::io_context& io_context, store::StorageExecutor& storage,
                     RetentionSettings settings)
      : storage_(storage),
        settings_(settings),
        strand_(boost::asio::make_strand(io_context)),
        timer_(strand_) {}

  void start();
  /// No purge starts after this; one already running on the storage thread finishes.
  void stop();

 private:
  void purge();
  void schedule_next();

  store::StorageExecutor& storage_;
  const RetentionSettings settings_;
  boost::asio::strand<boost::asio::io_context::executor_type> strand_;
  boost::asio::steady_timer timer_;  // used on strand_ only, like stopped_
  bool stopped_ = false;
};

}  // namespace nadoo::notifications
