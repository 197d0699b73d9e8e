#pragma once

#include <optional>
#include <string>
#include <vector>

#include "conversation/chat_request.hpp"
#include "store/store.hpp"

namespace nadoo::conversation {

/// What a generation needs before it can stream: the first three read and
/// written in one storage call before `response_start`, the knowledge
/// retrieved in a second one after it (ChatSession::retrieve_knowledge).
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
/// chat (a chat of another user or application is refused; a new chat has
/// no history to read), reads the history that fits the budget, and stores
/// the user's message, so that it is saved before `response_start`.
Preparation prepare_generation(store::Store& store, const ChatRequest& request, const ChatSettings& settings);

}  // namespace nadoo::conversation
