#include "endpoints/plugin_debug/console_feed.hpp"

#include <spdlog/spdlog.h>

#include "protocol/plugin_debug_messages.hpp"

namespace nadoo::endpoints {

ConsoleFeed::ConsoleFeed(hub::ConnectionPtr connection, const boost::asio::any_io_executor& executor,
                         ReadAfter read_after, std::size_t held_bytes_limit)
    : ForwardingConnection(std::move(connection)),
      read_after_(std::move(read_after)),
      held_bytes_limit_(held_bytes_limit),
      timer_(executor) {}

void ConsoleFeed::send(hub::SharedText message, hub::MessageKind kind) {
  const auto sequence = protocol::debug_event_sequence(*message);
  if (!sequence) return connection()->send(std::move(message), kind);  // not part of the ordered stream
  std::lock_guard lock(mutex_);
  if (overflowed_ || (open_ && *sequence <= last_sent_)) return;
  if (open_ && *sequence == last_sent_ + 1 && held_.empty()) {
    ++last_sent_;
    return connection()->send(std::move(message), kind);
  }
  hold(*sequence, std::move(message));
  if (open_) send_in_order_or_wait();
}

void ConsoleFeed::open(std::int64_t last_sequence) {
  std::lock_guard lock(mutex_);
  if (overflowed_) return;
  open_ = true;
  last_sent_ = last_sequence;
  send_in_order_or_wait();
  if (read_again_ && !waiting_) read_missing();
}

void ConsoleFeed::fill_gap(std::chrono::system_clock::time_point) {
  std::lock_guard lock(mutex_);
  if (overflowed_) return;
  if (!open_ || waiting_) {
    read_again_ = true;
    return;
  }
  read_missing();
}

void ConsoleFeed::hold(std::int64_t sequence, hub::SharedText message) {
  if (held_.contains(sequence)) return;
  held_bytes_ += message->size();
  if (held_bytes_ > held_bytes_limit_) {
    overflowed_ = true;
    held_.clear();
    timer_.cancel();
    connection()->close(hub::CloseCode::try_again_later, "Too slow to catch up");
    return;
  }
  held_.emplace(sequence, std::move(message));
}

void ConsoleFeed::send_in_order() {
  while (!held_.empty()) {
    auto first = held_.begin();
    if (first->first > last_sent_ + 1) break;  // a hole: its event is still to come
    held_bytes_ -= first->second->size();
    if (first->first == last_sent_ + 1) {
      connection()->send(std::move(first->second), hub::MessageKind::text);
      ++last_sent_;
    }
    held_.erase(first);
  }
}

void ConsoleFeed::send_in_order_or_wait() {
  send_in_order();
  if (!held_.empty() && !waiting_) wait_then_read(hole_wait);
}

void ConsoleFeed::read_missing() {
  waiting_ = true;
  read_again_ = false;
  // The read never calls back before returning (it runs on storage), so
  // calling it with the lock held cannot deadlock.
  read_after_(last_sent_, [weak = weak_from_this()](Page page) {
    if (const auto self = weak.lock()) {
      std::lock_guard lock(self->mutex_);
      self->on_read(std::move(page));
    }
  });
}

void ConsoleFeed::on_read(Page page) {
  waiting_ = false;
  if (overflowed_) return;
  if (!page.ok()) {
    read_again_ = true;  // the held events wait, within their byte limit, for storage
    return wait_then_read(read_retry);
  }
  for (const auto& event : page.value->events) {
    if (event.sequence > last_sent_) hold(event.sequence, protocol::live_debug_event_message(event));
    if (overflowed_) return;
  }
  if (page.value->has_more) {
    send_in_order();
    return read_missing();
  }
  const auto sent_before = last_sent_;
  send_in_order();
  if (last_sent_ > sent_before) holes_unfilled_by_reads_ = 0;
  if (!held_.empty() && ++holes_unfilled_by_reads_ > max_reads_for_a_hole) {
    // Read after read found nothing before the held events: the missing ones
    // are gone from storage (the execution was purged). Go past them.
    spdlog::warn("plugin debug: console {} skips events {}–{}, which storage no longer has", id(),
                 last_sent_ + 1, held_.begin()->first - 1);
    last_sent_ = held_.begin()->first - 1;
    holes_unfilled_by_reads_ = 0;
    send_in_order();
  }
  if (read_again_) return read_missing();
  // An event committed after the read whose publish is still on its way
  // leaves a hole that the next read fills.
  if (!held_.empty()) wait_then_read(hole_wait);
}

void ConsoleFeed::wait_then_read(std::chrono::milliseconds delay) {
  waiting_ = true;
  timer_.expires_after(delay);
  timer_.async_wait([weak = weak_from_this()](boost::system::error_code error) {
    const auto self = weak.lock();
    if (error || !self) return;
    std::lock_guard lock(self->mutex_);
    self->waiting_ = false;
    if (!self->overflowed_ && (self->read_again_ || !self->held_.empty())) self->read_missing();
  });
}

}  // namespace nadoo::endpoints
