#include "conversation/generation_preparation.hpp"

#include "protocol/server_message.hpp"
#include "util/random_id.hpp"

namespace nadoo::conversation {

Preparation prepare_generation(store::Store& store, const ChatRequest& request,
                               const ChatSettings& settings) {
  auto application = store.find_application(request.application_id);
  if (!application) return {std::nullopt, PreparationFailure::application_not_found};

  const auto now = protocol::utc_timestamp_now();
  const auto chat_id = request.chat_id.value_or(util::random_id("chat_"));
  // A chat id the server has just drawn names no chat yet: nothing to look up.
  auto chat = request.chat_id ? store.find_chat(chat_id) : std::nullopt;
  if (chat && (chat->user_id != request.user_id || chat->application_id != request.application_id)) {
    return {std::nullopt, PreparationFailure::chat_forbidden};
  }
  const bool has_history = chat.has_value();
  if (!chat) {
    chat = store::Chat{chat_id, request.application_id, request.session_id, request.user_id, now};
    store.create_chat(*chat);
  }

  PreparedGeneration prepared{std::move(*application), std::move(*chat), {}, {}};
  if (has_history) prepared.history = store.recent_messages(chat_id, settings.history_budget_characters);

  store::ChatMessage user_message;
  user_message.id = util::random_id(store::message_id_prefix);
  user_message.chat_id = chat_id;
  user_message.session_id = request.session_id;
  user_message.role = "user";
  user_message.content = request.content;
  user_message.user_id = request.user_id;
  user_message.created_at = now;
  store.append_message(user_message);
  return {std::move(prepared), PreparationFailure::none};
}

}  // namespace nadoo::conversation
