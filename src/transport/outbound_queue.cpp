#include "transport/outbound_queue.hpp"

#include <algorithm>
#include <mutex>
#include <utility>

namespace nadoo::transport {
namespace {

/// Written entries are compacted away once this many have piled up at the
/// head of a queue that never empties (a steady stream).
constexpr std::size_t compact_after_entries = 64;
/// A drained queue that grew past this many slots gives its memory back.
constexpr std::size_t retained_slots = 16;

bool is_message(OutboundQueue::Framing framing) {
  return framing == OutboundQueue::Framing::text || framing == OutboundQueue::Framing::binary;
}

rfc6455::Opcode opcode_of(OutboundQueue::Framing framing) {
  switch (framing) {
    case OutboundQueue::Framing::binary:
      return rfc6455::Opcode::binary;
    case OutboundQueue::Framing::close:
      return rfc6455::Opcode::close;
    case OutboundQueue::Framing::ping:
      return rfc6455::Opcode::ping;
    case OutboundQueue::Framing::pong:
      return rfc6455::Opcode::pong;
    default:
      return rfc6455::Opcode::text;
  }
}

}  // namespace

OutboundQueue::~OutboundQueue() {
  std::lock_guard guard(lock_);
  std::ptrdiff_t messages = 0;
  for (std::size_t i = head_; i < entries_.size(); ++i) messages += is_message(entries_[i].framing);
  account(-messages, -static_cast<std::ptrdiff_t>(queued_bytes_));
}

OutboundQueue::Pushed OutboundQueue::push(hub::SharedText payload, Framing framing, std::size_t limit_bytes) {
  const auto size = payload->size();
  std::lock_guard guard(lock_);
  if (framing == Framing::close ? close_queued_ : closed_) return Pushed::after_close;
  if (is_message(framing)) {
    if (queued_bytes_ + size > limit_bytes && head_ < entries_.size()) return Pushed::over_limit;
    queued_bytes_ += size;
    account(1, static_cast<std::ptrdiff_t>(size));
  }
  if (framing == Framing::close) closed_ = close_queued_ = true;
  append_locked(std::move(payload), framing);
  return ask_for_flush_locked();
}

OutboundQueue::Pushed OutboundQueue::push_closing(hub::SharedText last_message,
                                                  hub::SharedText close_payload) {
  std::lock_guard guard(lock_);
  if (close_queued_) return Pushed::after_close;
  if (last_message && !closed_) {
    // The last words go in whatever the limit: the connection is closing.
    const auto size = last_message->size();
    queued_bytes_ += size;
    account(1, static_cast<std::ptrdiff_t>(size));
    append_locked(std::move(last_message), Framing::text);
  }
  closed_ = close_queued_ = true;
  append_locked(std::move(close_payload), Framing::close);
  return ask_for_flush_locked();
}

void OutboundQueue::append_locked(hub::SharedText payload, Framing framing) {
  if (head_ >= compact_after_entries && head_ * 2 >= entries_.size()) {
    entries_.erase(entries_.begin(), entries_.begin() + static_cast<std::ptrdiff_t>(head_));
    head_ = 0;
  }
  entries_.push_back(Entry{std::move(payload), framing});
}

OutboundQueue::Pushed OutboundQueue::ask_for_flush_locked() {
  return std::exchange(flushing_, true) ? Pushed::queued : Pushed::flush_needed;
}

OutboundQueue::Gathered OutboundQueue::gather(WriteBuffers& buffers, Headers& headers) const {
  std::lock_guard guard(lock_);
  Gathered gathered;
  std::size_t skip = front_written_bytes_;
  for (std::size_t i = head_, frame = 0; i < entries_.size() && frame < max_frames_per_write; ++i, ++frame) {
    const auto& entry = *entries_[i].payload;
    std::string_view header;
    if (entries_[i].framing != Framing::raw) {
      headers[frame] = rfc6455::server_frame_header(opcode_of(entries_[i].framing), entry.size());
      header = {reinterpret_cast<const char*>(headers[frame].bytes.data()), headers[frame].size};
    }
    for (auto part : {header, std::string_view(entry)}) {
      const auto skipped = std::min(skip, part.size());
      skip -= skipped;
      part.remove_prefix(skipped);
      if (part.empty()) continue;
      buffers[gathered.buffers++] = iovec{const_cast<char*>(part.data()), part.size()};
      gathered.bytes += part.size();
    }
  }
  return gathered;
}

OutboundQueue::Written OutboundQueue::advance(std::size_t bytes) {
  std::lock_guard guard(lock_);
  Written written;
  std::size_t written_payload_bytes = 0;  // of messages: the gauges change once per write
  std::size_t left = front_written_bytes_ + bytes;
  while (head_ < entries_.size()) {
    auto& entry = entries_[head_];
    const auto payload_bytes = entry.payload->size();
    const std::size_t frame_bytes =
        payload_bytes + (entry.framing == Framing::raw ? 0 : rfc6455::server_header_bytes(payload_bytes));
    if (left < frame_bytes) break;
    left -= frame_bytes;
    written.bytes += frame_bytes;
    if (is_message(entry.framing)) {
      ++written.messages;
      written_payload_bytes += payload_bytes;
    }
    written.close_frame = written.close_frame || entry.framing == Framing::close;
    entry.payload.reset();
    ++head_;
  }
  front_written_bytes_ = left;
  queued_bytes_ -= written_payload_bytes;
  account(-static_cast<std::ptrdiff_t>(written.messages),
          -static_cast<std::ptrdiff_t>(written_payload_bytes));
  if (head_ == entries_.size()) {
    head_ = 0;
    if (entries_.capacity() > retained_slots) {
      entries_ = {};
    } else {
      entries_.clear();
    }
  }
  return written;
}

bool OutboundQueue::end_flush_if_empty() {
  std::lock_guard guard(lock_);
  if (head_ < entries_.size()) return false;
  flushing_ = false;
  return true;
}

void OutboundQueue::discard_unsent() {
  std::lock_guard guard(lock_);
  closed_ = true;
  const std::size_t keep_until = head_ + (front_written_bytes_ > 0 ? 1 : 0);
  std::ptrdiff_t dropped_messages = 0;
  std::size_t dropped_bytes = 0;
  for (std::size_t i = keep_until; i < entries_.size(); ++i) {
    if (!is_message(entries_[i].framing)) continue;
    ++dropped_messages;
    dropped_bytes += entries_[i].payload->size();
  }
  // The handshake's answer must still go out (a connection refused after it,
  // e.g. at the connection limit, is told why in a close frame), and so must
  // a close frame already queued: it is the last frame either way.
  const auto unsent = entries_.begin() + static_cast<std::ptrdiff_t>(keep_until);
  entries_.erase(std::remove_if(unsent, entries_.end(),
                                [](const Entry& entry) {
                                  return entry.framing != Framing::raw && entry.framing != Framing::close;
                                }),
                 entries_.end());
  queued_bytes_ -= dropped_bytes;
  account(-dropped_messages, -static_cast<std::ptrdiff_t>(dropped_bytes));
}

std::size_t OutboundQueue::queued_bytes() const {
  std::lock_guard guard(lock_);
  return queued_bytes_;
}

void OutboundQueue::account(std::ptrdiff_t messages, std::ptrdiff_t bytes) {
  metrics_.outbound_queue_messages.fetch_add(messages, std::memory_order_relaxed);
  metrics_.outbound_queue_bytes.fetch_add(bytes, std::memory_order_relaxed);
}

}  // namespace nadoo::transport
