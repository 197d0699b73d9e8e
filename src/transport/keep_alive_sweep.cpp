#include "transport/keep_alive_sweep.hpp"

namespace nadoo::transport {

KeepAliveSweep::KeepAliveSweep(const boost::asio::any_io_executor& executor,
                               std::chrono::milliseconds interval)
    : interval_(interval), timer_(executor) {}

void KeepAliveSweep::start() { schedule(); }

void KeepAliveSweep::stop() { timer_.cancel(); }

void KeepAliveSweep::add(Member& member) {
  std::lock_guard lock(mutex_);
  member.next_ = first_;
  if (first_) first_->previous_ = &member;
  first_ = &member;
}

void KeepAliveSweep::remove(Member& member) {
  std::lock_guard lock(mutex_);
  if (member.previous_) {
    member.previous_->next_ = member.next_;
  } else if (first_ == &member) {
    first_ = member.next_;
  }
  if (member.next_) member.next_->previous_ = member.previous_;
  member.previous_ = member.next_ = nullptr;
}

void KeepAliveSweep::schedule() {
  timer_.expires_after(interval_);
  timer_.async_wait([this](boost::system::error_code error) {
    if (error) return;
    sweep();
    schedule();
  });
}

void KeepAliveSweep::sweep() {
  std::lock_guard lock(mutex_);
  for (Member* member = first_; member; member = member->next_) {
    if (member->heard_.exchange(false, std::memory_order_relaxed)) {
      member->silent_sweeps_ = 0;
    } else if (++member->silent_sweeps_ == 1) {
      member->ping_silent_peer();
    } else {
      member->drop_silent_peer();
    }
  }
}

}  // namespace nadoo::transport
