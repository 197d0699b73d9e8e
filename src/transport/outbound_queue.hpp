#pragma once

#include <cstddef>
#include <vector>

#include "hub/connection.hpp"
#include "hub/server_metrics.hpp"

namespace nadoo::transport {

/// One connection's messages waiting to be written, bounded in bytes. Owned
/// and used by the connection's strand only. Keeps the process-wide queue
/// gauges in ServerMetrics up to date.
class OutboundQueue {
 public:
  struct Entry {
    hub::SharedText payload;
    hub::MessageKind kind;
  };

  explicit OutboundQueue(hub::ServerMetrics& metrics) : metrics_(metrics) {}
  ~OutboundQueue() { discard_unsent(false); }
  OutboundQueue(const OutboundQueue&) = delete;
  OutboundQueue& operator=(const OutboundQueue&) = delete;

  /// Queues a message unless it would take the queue past `limit_bytes`; false
  /// then, and the message is not queued: the consumer is too slow.
  bool push(hub::SharedText payload, hub::MessageKind kind, std::size_t limit_bytes);
  /// The oldest message: the one being written, or the next to write.
  const Entry* front() const { return head_ < entries_.size() ? &entries_[head_] : nullptr; }
  /// Drops the front message once its write has completed.
  void pop_written();
  /// Drops everything not yet written; the front stays when a write of it is
  /// in flight, since the socket still reads from its buffer.
  void discard_unsent(bool front_in_flight);

  std::size_t queued_bytes() const { return queued_bytes_; }

 private:
  void account(std::ptrdiff_t messages, std::ptrdiff_t bytes);

  hub::ServerMetrics& metrics_;
  // A vector with a moving head rather than a std::deque: an empty deque
  // still allocates over 500 bytes, which every idle connection would keep.
  std::vector<Entry> entries_;
  std::size_t head_ = 0;
  std::size_t queued_bytes_ = 0;
};

}  // namespace nadoo::transport
