#include "conversation/chat_service.hpp"

namespace nadoo::conversation {

std::shared_ptr<ChatSession> ChatService::session(const std::string& session_id) {
  std::lock_guard lock(mutex_);
  auto& entry = sessions_[session_id];
  if (auto live = entry.lock()) return live;
  auto created = std::make_shared<ChatSession>(session_id, dependencies_);
  entry = created;
  if (sessions_.size() >= sweep_at_size_) {
    std::erase_if(sessions_, [](const auto& item) { return item.second.expired(); });
    sweep_at_size_ = std::max<std::size_t>(1024, sessions_.size() * 2);
  }
  return created;
}

void ChatService::stop_all() {
  std::lock_guard lock(mutex_);
  for (const auto& [id, weak] : sessions_) {
    if (auto live = weak.lock()) live->stop();
  }
}

}  // namespace nadoo::conversation
