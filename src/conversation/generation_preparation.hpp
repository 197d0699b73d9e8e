#pragma once

#include <optional>
#include <string>
#include <vector>

#include "conversation/chat_request.hpp"
#include "store/store.hpp"

namespace nadoo::conversation {

/// What a generation needs before it can stream, read and written in one
/// storage call.
struct PreparedGeneration {
  store::Application application;
  store::Chat chat;
  std::vector<store::ChatMessage> history;  // earlier messages, oldest first
  std::vector<store::ScoredChunk> knowledge;
};

enum class PreparationFailure { none, application_not_found, chat_forbidden };

struct Preparation {
  std::optional<PreparedGeneration> prepared;
  PreparationFailure failure = PreparationFailure::none;
};

/// Runs on the storage thread: finds the application, finds or creates the
/// chat (a chat of another user or application is refused), reads the
/// history that fits the budget, stores the user's message (before anything
/// streams, so it is never lost), and retrieves the knowledge.
Preparation prepare_generation(store::Store& store, const ChatRequest& request, const ChatSettings& settings);

}  // namespace nadoo::conversation
