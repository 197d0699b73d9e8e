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

struct ChatSettings {
  /// Earlier messages sent with each request: ~3,000 tokens, enough for a
  /// long conversation's recent turns while leaving room for knowledge.
  std::size_t history_budget_characters = 12000;
  /// Knowledge chunks retrieved per question: a few of ~800 characters each.
  std::size_t knowledge_chunks = 4;
};

}  // namespace nadoo::conversation
