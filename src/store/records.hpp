// store/ owns what is kept: applications, chats, messages, knowledge bases and
// their documents. SQL stays behind the Store interface (store.hpp).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace nadoo::store {

/// An AI application: which model answers, how, and from which knowledge.
struct Application {
  std::string id;
  std::string name;
  std::string provider = "builtin";  // "builtin" or "openai"
  std::string model;
  std::string system_prompt;
  std::vector<std::string> knowledge_base_ids;
  double temperature = 0.7;
  int max_tokens = 1024;
  /// OpenAI-compatible endpoint and key for this application; empty: the
  /// server's OPENAI_BASE_URL / OPENAI_API_KEY. The key is never returned by GET.
  std::string base_url;
  std::string api_key;
};

/// One conversation with one application, owned by one user.
struct Chat {
  std::string id;
  std::string application_id;
  std::string session_id;
  std::string user_id;
  std::string created_at;  // ISO-8601 UTC
};

/// Prefix of the ids the server gives chat messages (util::random_id).
inline constexpr std::string_view message_id_prefix = "msg_";

struct ChatMessage {
  std::string id;
  std::string chat_id;
  std::string session_id;
  std::string role;  // "user" or "assistant"
  std::string content;
  std::string user_id;
  std::string created_at;  // ISO-8601 UTC, milliseconds
  int tokens_used = 0;
  /// The `sources` array sent to clients, as JSON text ("[]" when none).
  std::string sources_json = "[]";
  std::string finish_reason;  // assistant messages only: stop, length, cancelled, interrupted, error
};

/// One page of messages, oldest first.
struct MessagePage {
  std::vector<ChatMessage> messages;
  bool has_more = false;
};

/// Which messages to list: the user's own, of one application or one session,
/// optionally one chat, after a message id, at most `limit`.
struct MessageQuery {
  std::string user_id;
  std::optional<std::string> application_id;
  std::optional<std::string> session_id;
  std::optional<std::string> chat_id;
  std::optional<std::string> after_message_id;
  int limit = 50;
};

struct KnowledgeDocument {
  std::string knowledge_base_id;
  std::string document_id;
  std::string filename;
  std::string content;  // text or Markdown
  /// The workspace told of its changes (`document_updated`); nullopt: none.
  std::optional<std::string> workspace_id = std::nullopt;
};

/// A piece of a document, as indexed and retrieved.
struct KnowledgeChunk {
  std::string chunk_id;
  std::string knowledge_base_id;
  std::string document_id;
  std::string filename;
  std::string heading;  // nearest heading above the chunk, "" when none
  std::optional<int> page_number;
  std::string content;
};

struct ScoredChunk {
  KnowledgeChunk chunk;
  double score = 0;  // higher is more relevant (negated BM25)
};

}  // namespace nadoo::store
