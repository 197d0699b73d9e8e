#pragma once

#include <chrono>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_set>

#include "hub/catch_up_gate.hpp"
#include "store/notification_store.hpp"
#include "store/store_result.hpp"

namespace nadoo::endpoints {

/// Stands in a user's room for one notifications tab: until the backlog is
/// out it holds live notifications (a CatchUpGate); from then on it sends
/// each notification and each `notification_read` once, remembering the
/// ids of the last ones it sent.
/// When a broker gap closes it reads, from storage, the user's notifications
/// created or read since shortly before the gap began, and sends those it
/// has not sent, then `notification_read` for those read meanwhile.
///
/// Thread-safety: every member function may be called from any thread.
class NotificationFeed final : public hub::ForwardingConnection,
                               public std::enable_shared_from_this<NotificationFeed> {
 public:
  using Page = store::StoreResult<store::NotificationPage>;
  /// Reads the user's notifications created or read at or after `since`
  /// (created_at's form), at most a backlog's worth; calls back (on any
  /// thread, never before returning) once this node has delivered every
  /// notification stored before the read.
  using ReadChanges = std::function<void(const std::string& since, std::function<void(Page)> done)>;

  /// How many sent messages a tab remembers: far more than a user gets during an
  /// outage; past it the oldest are forgotten (a notification could then be
  /// sent twice, never lost).
  static constexpr std::size_t remembered_ids = 1000;
  /// How much earlier than the gap a fill looks: created_at comes from the
  /// clock of the node that stored it, which may run behind this one.
  static constexpr std::chrono::seconds clock_skew_margin{5};

  NotificationFeed(hub::ConnectionPtr connection, ReadChanges read_changes, std::size_t held_bytes_limit);

  /// A live message of the user's room.
  void send(hub::SharedText message, hub::MessageKind kind) override;
  void fill_gap(std::chrono::system_clock::time_point since) override;

  /// Call once the backlog, `sent_ids`, has been sent: the held messages
  /// that are not in it follow, then live ones.
  void open(const std::unordered_set<std::string>& sent_ids);

 private:
  // With mutex_ held.
  void remember(const std::string& id);
  void read_since(std::chrono::system_clock::time_point gap_since);
  void on_changes(const Page& page, const std::string& since);

  hub::CatchUpGate gate_;
  const ReadChanges read_changes_;
  std::mutex mutex_;
  bool open_ = false;
  /// A gap that closed before the backlog was out: filled at open.
  std::optional<std::chrono::system_clock::time_point> gap_before_open_;
  std::deque<std::string> sent_order_;
  std::unordered_set<std::string> sent_;
};

}  // namespace nadoo::endpoints
