#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "conversation/chat_session.hpp"

namespace nadoo::conversation {

/// Finds the ChatSession of a session id. A session object lives while it
/// has work in flight; between generations it may be dropped and made anew,
/// since it then holds no state. Thread-safe.
class ChatService {
 public:
  explicit ChatService(ChatDependencies dependencies) : dependencies_(std::move(dependencies)) {}

  std::shared_ptr<ChatSession> session(const std::string& session_id);
  /// Ends every generation in progress as cancelled, so that partial answers
  /// are stored before the server stops.
  void stop_all();

 private:
  ChatDependencies dependencies_;
  std::mutex mutex_;
  std::unordered_map<std::string, std::weak_ptr<ChatSession>> sessions_;
  /// Map size at which expired entries are next swept out.
  std::size_t sweep_at_size_ = 1024;
};

}  // namespace nadoo::conversation
