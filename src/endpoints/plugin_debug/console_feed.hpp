#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>

#include "hub/forwarding_connection.hpp"
#include "store/plugin_execution_store.hpp"
#include "store/store_result.hpp"

namespace nadoo::endpoints {

/// Stands in an execution's room for one console, so that it gets the
/// history first and then every later event exactly once, in sequence order,
/// whichever node ingested it and even across a broker outage.
///
/// Sequences are 1, 2, 3 … without holes in storage, so the feed knows what
/// comes next. An event that arrives early (two nodes ingest for one
/// execution and their publishes cross) is held; when the one before it has
/// not come `hole_wait` later (its publish was lost), or when a broker gap
/// closes, the events after the last one sent are read from storage.
/// Until `open`, every event is held, as a CatchUpGate would.
///
/// Thread-safety: every member function may be called from any thread.
class ConsoleFeed final : public hub::ForwardingConnection, public std::enable_shared_from_this<ConsoleFeed> {
 public:
  using Page = store::StoreResult<store::DebugEventPage>;
  /// Reads the stored events after `after_sequence` and calls back (on any
  /// thread) once every local publish of them has been made.
  /// Never calls `done` before returning.
  using ReadAfter = std::function<void(std::int64_t after_sequence, std::function<void(Page)> done)>;

  /// How long an early event waits for the one before it: publishes from
  /// two nodes cross by far less, a lost one never comes.
  static constexpr std::chrono::milliseconds hole_wait{250};
  /// Reads that may find a hole's events not stored before it is skipped:
  /// storage has every event before a later one, so only a purge makes one.
  static constexpr int max_reads_for_a_hole = 8;
  /// After a failed read, when to read again (storage is down meanwhile).
  static constexpr std::chrono::milliseconds read_retry{1000};

  /// Holds at most `held_bytes_limit` bytes of events; past it the console
  /// is closed with 1013, as a slow consumer would be.
  ConsoleFeed(hub::ConnectionPtr connection, const boost::asio::any_io_executor& executor,
              ReadAfter read_after, std::size_t held_bytes_limit);

  /// A live event of the execution.
  void send(hub::SharedText message, hub::MessageKind kind) override;
  /// Reads and sends the events after the last one sent.
  void fill_gap(std::chrono::system_clock::time_point since) override;

  /// Call once the history, up to `last_sequence`, has been sent: from then
  /// on the events after it go out.
  void open(std::int64_t last_sequence);

 private:
  // All below with mutex_ held.
  void hold(std::int64_t sequence, hub::SharedText message);
  /// Sends the held events that follow the last one sent and drops those
  /// already sent, up to the first hole.
  void send_in_order();
  /// Then, when a hole is left, waits `hole_wait` for its event, then reads.
  void send_in_order_or_wait();
  void read_missing();
  void on_read(Page page);
  void wait_then_read(std::chrono::milliseconds delay);

  const ReadAfter read_after_;
  const std::size_t held_bytes_limit_;
  std::mutex mutex_;
  boost::asio::steady_timer timer_;
  bool open_ = false;
  bool overflowed_ = false;
  /// A read or a timer is pending: nothing else is started meanwhile.
  bool waiting_ = false;
  /// A gap closed while a read was pending: read again after it.
  bool read_again_ = false;
  std::int64_t last_sent_ = 0;
  int holes_unfilled_by_reads_ = 0;
  std::map<std::int64_t, hub::SharedText> held_;
  std::size_t held_bytes_ = 0;
};

}  // namespace nadoo::endpoints
