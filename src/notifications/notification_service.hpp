#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/strand.hpp>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "hub/hub.hpp"
#include "notifications/notification_request.hpp"
#include "store/storage_executor.hpp"

namespace nadoo::notifications {

/// Stores notifications before anyone sees them, then delivers them to every
/// connection of their users on every node (the user's room); reads the
/// backlog of a connecting user; records acknowledgements.
///
/// Order: storage calls run one at a time, in the order made, and every
/// result comes back on one strand of this service, in that same order. So a
/// user's room receives notifications in the order they were stored, and a
/// backlog read answers after every publish stored before it.
///
/// Thread-safety: every member function may be called from any thread; every
/// `done` runs on the service's strand.
class NotificationService {
 public:
  NotificationService(boost::asio::io_context& io_context, store::StorageExecutor& storage, hub::Hub& hub)
      : storage_(storage), hub_(hub), strand_(boost::asio::make_strand(io_context)) {}

  /// The stored notifications, one per user of the request in its order;
  /// a failure when storage failed, in which case none was stored or delivered.
  using Published = std::function<void(store::StoreResult<std::vector<store::Notification>>)>;
  void publish(const NotificationRequest& request, Published done);

  /// The user's oldest unread notifications, at most `max_notifications`.
  using BacklogRead = std::function<void(store::StoreResult<store::NotificationPage>)>;
  void read_backlog(const std::string& user_id, std::size_t max_notifications, BacklogRead done);

  /// Marks the user's notification `id` read. When it was unread, every
  /// connection of the user gets `notification_read` before `done` runs.
  using Acknowledged = std::function<void(store::StoreResult<store::MarkReadOutcome>)>;
  void acknowledge(const std::string& user_id, const std::string& id, Acknowledged done);

 private:
  store::StorageExecutor& storage_;
  hub::Hub& hub_;
  boost::asio::strand<boost::asio::io_context::executor_type> strand_;
};

}  // namespace nadoo::notifications
