// conversation/ owns the chat engine: one generation at a time per session,
// streamed to every participant, persisted whatever way it ends. The chat
// WebSocket endpoint (and later the SSE one) feed it.
#pragma once

#include <cstddef>
#include <optional>
#include <string>

namespace nadoo::conversation {

/// A user's message asking for an answer.
struct ChatRequest {
  std::string session_id;
  std::string user_id;
  std::string content;
  std::string application_id;
  std::optional<std::string> chat_id;  // absent: a new chat
};

/// How much context a question gets; the defaults and their reasons are in
/// config::ServerConfig, which is where these always come from.
struct ChatSettings {
  std::size_t history_budget_characters = 0;  // earlier messages sent with a question
  std::size_t knowledge_chunks = 0;           // chunks retrieved per question
  /// Whether other nodes may run this session's generations (--broker).
  bool other_nodes = false;
  /// What a participant's catch-up may hold of the room's live messages.
  std::size_t catch_up_limit_bytes = 0;
};

}  // namespace nadoo::conversation
