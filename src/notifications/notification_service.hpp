#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/strand.hpp>
#include <deque>
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
/// Order: the service's storage calls all go to one storage lane and run one
/// at a time, in the order made, and every result comes back on one strand
/// of this service, in that same order. So a user's room receives
/// notifications in the order they were stored, and a backlog read answers
/// after every publish stored before it. (One lane, not one per user: spread
/// over lanes, batches shrink and each notification costs more; measured in
/// docs/decisions.md, "Storage lanes".)
///
/// Publishes are stored in batches: one insert at a time is in storage, and
/// the publishes made meanwhile wait on the strand, then go as the next
/// insert, in the order made (at most max_notifications_per_insert
/// notifications, or one publish larger than that alone). A batch is one
/// transaction: all of its publishes are stored, or none, and each publish's
/// `done` runs after the commit, in order. So one commit serves many POSTs,
/// and a publish still answers only once it is stored.
///
/// Thread-safety: every member function may be called from any thread; every
/// `done` runs on the service's strand.
class NotificationService {
 public:
  /// Why 500: a batch of 500 notifications to distinct users inserts in a
  /// few milliseconds, while batches from 32 requests in flight hold 32; a
  /// bound keeps a queue built up behind a slow commit from becoming one
  /// transaction that holds its users' locks for long.
  static constexpr std::size_t max_notifications_per_insert = 500;

  NotificationService(boost::asio::io_context& io_context, store::StorageExecutor& storage, hub::Hub& hub)
      : storage_(storage),
        hub_(hub),
        strand_(boost::asio::make_strand(io_context)),
        lane_(storage.lane_of("notifications")) {}

  /// The stored notifications, one per user of the request in its order;
  /// a failure when storage failed, in which case none was stored or delivered.
  using Published = std::function<void(store::StoreResult<std::vector<store::Notification>>)>;
  void publish(const NotificationRequest& request, Published done);

  /// The user's oldest unread notifications, at most `max_notifications`.
  using BacklogRead = std::function<void(store::StoreResult<store::NotificationPage>)>;
  void read_backlog(const std::string& user_id, std::size_t max_notifications, BacklogRead done);

  /// The user's notifications created or read at or after `since` (same
  /// form as created_at), oldest first, at most `max_notifications`: what a
  /// tab may have missed while the broker could not reach the other nodes.
  void read_changes(const std::string& user_id, const std::string& since, std::size_t max_notifications,
                    BacklogRead done);

  /// Marks the user's notification `id` read. When it was unread, every
  /// connection of the user gets `notification_read` before `done` runs.
  using Acknowledged = std::function<void(store::StoreResult<store::MarkReadOutcome>)>;
  void acknowledge(const std::string& user_id, const std::string& id, Acknowledged done);

 private:
  /// A publish waiting for its batch: its notifications and who awaits them.
  struct WaitingPublish {
    std::vector<store::Notification> notifications;
    Published done;
  };
  void list(store::NotificationQuery query, BacklogRead done);
  /// On the strand: sends the waiting publishes as one insert, unless one is in storage.
  void insert_waiting();
  /// On the strand, once a batch's insert is done: delivers and answers each publish in order.
  void on_inserted(std::vector<WaitingPublish> batch, store::StoreResult<bool> stored);

  store::StorageExecutor& storage_;
  hub::Hub& hub_;
  boost::asio::strand<boost::asio::io_context::executor_type> strand_;
  const std::size_t lane_;
  // On the strand only.
  std::deque<WaitingPublish> waiting_;
  bool inserting_ = false;
};

}  // namespace nadoo::notifications
