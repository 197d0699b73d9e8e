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
/// How far back push_frames looks for an entry into the same chunk: far
/// enough for a few direct messages between room messages, and bounded.
constexpr std::size_t chunk_lookback_entries = 8;

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
  for (std::size_t i = head_; i < entries_.size(); ++i) messages += entries_[i].messages;
  account(-messages, -static_cast<std::ptrdiff_t>(queued_bytes_));
}

OutboundQueue::Pushed OutboundQueue::push(hub::SharedText payload, Framing framing, std::size_t limit_bytes) {
  const auto size = payload->size();
  std::lock_guard guard(lock_);
  if (framing == Framing::close ? close_queued_ : closed_) return Pushed::after_close;
  if (is_message(framing)) {
    if (held_bytes_ + size > limit_bytes && head_ < entries_.size()) return Pushed::over_limit;
    queued_bytes_ += size;
    held_bytes_ += size;
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
    held_bytes_ += size;
    account(1, static_cast<std::ptrdiff_t>(size));
    append_locked(std::move(last_message), Framing::text);
  }
  closed_ = close_queued_ = true;
  append_locked(std::move(close_payload), Framing::close);
  return ask_for_flush_locked();
}

OutboundQueue::Pushed OutboundQueue::push_frames(const FrameBytes& frames, std::size_t limit_bytes) {
  std::lock_guard guard(lock_);
  if (closed_) return Pushed::after_close;
  const bool empty = head_ == entries_.size();
  // The chunk's entry before this one, if it is among the last few: the
  // connection's other messages may have come in between.
  Entry* same_chunk = nullptr;
  for (std::size_t i = entries_.size(), looked = 0; i > head_ && looked < chunk_lookback_entries; --i, ++looked) {
    Entry& entry = entries_[i - 1];
    if (entry.framing == Framing::frames && entry.owner == frames.owner) {
      same_chunk = &entry;
      break;
    }
  }
  // A chunk is charged once, to the last entry into it: the one written last.
  // At most a quarter of the limit, so that even a small limit takes a few
  // chunks (at most four are then held beyond it).
  const std::size_t charge = same_chunk ? 0 : std::min(frames.owner_bytes, limit_bytes / 4);
  if (held_bytes_ + charge > limit_bytes && !empty) return Pushed::over_limit;
  queued_bytes_ += frames.size;
  held_bytes_ += charge;
  account(1, static_cast<std::ptrdiff_t>(frames.size));
  if (same_chunk && same_chunk == &entries_.back() && same_chunk->data + same_chunk->size == frames.data) {
    same_chunk->size += static_cast<std::uint32_t>(frames.size);
    ++same_chunk->messages;
  } else {
    const auto held = same_chunk ? std::exchange(same_chunk->held_bytes, 0) : static_cast<std::uint32_t>(charge);
    append_locked(Entry{frames.owner, frames.data, static_cast<std::uint32_t>(frames.size), 1, held,
                        Framing::frames});
  }
  return ask_for_flush_locked();
}

void OutboundQueue::append_locked(hub::SharedText payload, Framing framing) {
  const char* data = payload->data();
  const auto size = static_cast<std::uint32_t>(payload->size());
  const bool message = is_message(framing);
  append_locked(Entry{std::move(payload), data, size, message ? 1u : 0u, message ? size : 0u, framing});
}

void OutboundQueue::append_locked(Entry entry) {
  if (head_ >= compact_after_entries && head_ * 2 >= entries_.size()) {
    entries_.erase(entries_.begin(), entries_.begin() + static_cast<std::ptrdiff_t>(head_));
    head_ = 0;
  }
  entries_.push_back(std::move(entry));
}

std::size_t OutboundQueue::wire_bytes(const Entry& entry) {
  const bool framed = entry.framing == Framing::raw || entry.framing == Framing::frames;
  return entry.size + (framed ? 0 : rfc6455::server_header_bytes(entry.size));
}

OutboundQueue::Pushed OutboundQueue::ask_for_flush_locked() {
  return std::exchange(flushing_, true) ? Pushed::queued : Pushed::flush_needed;
}

OutboundQueue::Gathered OutboundQueue::gather(WriteBuffers& buffers, Headers& headers) const {
  std::lock_guard guard(lock_);
  Gathered gathered;
  std::size_t skip = front_written_bytes_;
  for (std::size_t i = head_, frame = 0; i < entries_.size() && frame < max_frames_per_write; ++i, ++frame) {
    const auto& entry = entries_[i];
    std::string_view header;
    if (entry.framing != Framing::raw && entry.framing != Framing::frames) {
      headers[frame] = rfc6455::server_frame_header(opcode_of(entry.framing), entry.size);
      header = {reinterpret_cast<const char*>(headers[frame].bytes.data()), headers[frame].size};
    }
    for (auto part : {header, std::string_view(entry.data, entry.size)}) {
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
  std::size_t written_message_bytes = 0;  // of messages: the gauges change once per write
  std::size_t left = front_written_bytes_ + bytes;
  while (head_ < entries_.size()) {
    auto& entry = entries_[head_];
    const std::size_t entry_bytes = wire_bytes(entry);
    if (left < entry_bytes) break;
    left -= entry_bytes;
    written.bytes += entry_bytes;
    written.messages += entry.messages;
    if (entry.messages > 0) written_message_bytes += entry.size;
    held_bytes_ -= entry.held_bytes;
    written.close_frame = written.close_frame || entry.framing == Framing::close;
    entry.owner.reset();
    ++head_;
  }
  front_written_bytes_ = left;
  queued_bytes_ -= written_message_bytes;
  account(-static_cast<std::ptrdiff_t>(written.messages), -static_cast<std::ptrdiff_t>(written_message_bytes));
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
  // A partly written entry stays whole: its frames (several, for frames
  // that joined one entry) go out, since the stream must stay framed.
  const std::size_t keep_until = head_ + (front_written_bytes_ > 0 ? 1 : 0);
  // The handshake's answer must still go out (a connection refused after it,
  // e.g. at the connection limit, is told why in a close frame), and so must
  // a close frame already queued: it is the last frame either way.
  const auto dropped = [](const Entry& entry) {
    return entry.framing != Framing::raw && entry.framing != Framing::close;
  };
  std::ptrdiff_t dropped_messages = 0;
  std::size_t dropped_bytes = 0;
  for (std::size_t i = keep_until; i < entries_.size(); ++i) {
    if (!dropped(entries_[i]) || entries_[i].messages == 0) continue;
    dropped_messages += entries_[i].messages;
    dropped_bytes += entries_[i].size;
    held_bytes_ -= entries_[i].held_bytes;
  }
  const auto unsent = entries_.begin() + static_cast<std::ptrdiff_t>(keep_until);
  entries_.erase(std::remove_if(unsent, entries_.end(), dropped), entries_.end());
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
