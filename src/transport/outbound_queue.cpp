#include "transport/outbound_queue.hpp"

namespace nadoo::transport {
namespace {

/// Written entries are compacted away once this many have piled up at the
/// head of a queue that never empties (a steady stream).
constexpr std::size_t compact_after_entries = 64;
/// A drained queue that grew past this many slots gives its memory back.
constexpr std::size_t retained_slots = 16;

}  // namespace

bool OutboundQueue::push(hub::SharedText payload, hub::MessageKind kind, std::size_t limit_bytes) {
  const auto size = payload->size();
  if (queued_bytes_ + size > limit_bytes && front()) return false;
  if (head_ >= compact_after_entries && head_ * 2 >= entries_.size()) {
    entries_.erase(entries_.begin(), entries_.begin() + static_cast<std::ptrdiff_t>(head_));
    head_ = 0;
  }
  entries_.push_back(Entry{std::move(payload), kind});
  queued_bytes_ += size;
  account(1, static_cast<std::ptrdiff_t>(size));
  return true;
}

void OutboundQueue::pop_written() {
  if (!front()) return;
  auto& entry = entries_[head_++];
  const auto size = entry.payload->size();
  queued_bytes_ -= size;
  account(-1, -static_cast<std::ptrdiff_t>(size));
  entry.payload.reset();
  if (head_ == entries_.size()) {
    head_ = 0;
    if (entries_.capacity() > retained_slots) {
      entries_ = {};
    } else {
      entries_.clear();
    }
  }
}

void OutboundQueue::discard_unsent(bool front_in_flight) {
  const std::size_t keep_until = head_ + (front_in_flight && front() ? 1 : 0);
  std::size_t dropped_bytes = 0;
  for (std::size_t i = keep_until; i < entries_.size(); ++i) dropped_bytes += entries_[i].payload->size();
  const auto dropped_messages = static_cast<std::ptrdiff_t>(entries_.size() - keep_until);
  entries_.resize(keep_until);
  queued_bytes_ -= dropped_bytes;
  account(-dropped_messages, -static_cast<std::ptrdiff_t>(dropped_bytes));
}

void OutboundQueue::account(std::ptrdiff_t messages, std::ptrdiff_t bytes) {
  metrics_.outbound_queue_messages.fetch_add(messages, std::memory_order_relaxed);
  metrics_.outbound_queue_bytes.fetch_add(bytes, std::memory_order_relaxed);
}

}  // namespace nadoo::transport
