#include "hub/catch_up_gate.hpp"

namespace nadoo::hub {

void CatchUpGate::send(SharedText message, MessageKind kind) {
  if (open_.load(std::memory_order_acquire)) return connection()->send(std::move(message), kind);
  std::lock_guard lock(mutex_);
  // Re-checked under the lock: open() may have flushed meanwhile, and a
  // message that came after the flush must follow it, not be held forever.
  if (open_.load(std::memory_order_relaxed)) return connection()->send(std::move(message), kind);
  if (overflowed_) return;
  held_bytes_ += message->size();
  if (held_bytes_ > held_bytes_limit_) {
    overflowed_ = true;
    held_.clear();
    connection()->close(CloseCode::try_again_later, "Too slow to catch up");
    return;
  }
  held_.push_back(Held{std::move(message), kind});
}

void CatchUpGate::open(const IsNew& is_new) {
  std::lock_guard lock(mutex_);
  for (auto& held : held_) {
    if (is_new(*held.message)) connection()->send(std::move(held.message), held.kind);
  }
  held_.clear();
  held_.shrink_to_fit();
  open_.store(true, std::memory_order_release);
}

}  // namespace nadoo::hub
