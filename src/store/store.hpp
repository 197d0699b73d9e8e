#pragma once

#include <string>
#include <vector>

#include "store/notification_store.hpp"
#include "store/plugin_execution_store.hpp"
#include "store/records.hpp"
#include "store/store_error.hpp"
#include "store/workspace_store.hpp"

namespace nadoo::store {

/// Durable storage. Calls block: they run on the storage executor
/// (store/storage_executor.hpp), never on an I/O thread. One Store is used by
/// one thread at a time; every call is atomic (one transaction, or its share
/// of a group's).
class Store {
 public:
  virtual ~Store() = default;

  // Applications
  virtual void put_application(const Application& application) = 0;  // insert or replace
  virtual std::optional<Application> find_application(const std::string& id) = 0;
  virtual bool delete_application(const std::string& id) = 0;  // false when absent

  // Chats and messages
  virtual std::optional<Chat> find_chat(const std::string& chat_id) = 0;
  virtual void create_chat(const Chat& chat) = 0;
  /// Stores a message once: one whose id is stored already changes nothing
  /// (the nodes that saw another node's answer lost may each store it).
  virtual void append_message(const ChatMessage& message) = 0;
  /// The chat's latest messages, oldest first, whose contents together stay
  /// within `max_characters` (the context window's share for history).
  virtual std::vector<ChatMessage> recent_messages(const std::string& chat_id,
                                                   std::size_t max_characters) = 0;
  virtual MessagePage list_messages(const MessageQuery& query) = 0;
  /// The session's assistant messages created at or after `created_since`
  /// (same form as created_at), oldest first, at most `limit`: the answers a
  /// node's participants may have missed while Redis was down.
  virtual std::vector<ChatMessage> session_answers_since(const std::string& session_id,
                                                         const std::string& created_since,
                                                         std::size_t limit) = 0;

  // Knowledge
  /// Stores the document and replaces its chunks (chunked by the caller).
  virtual void put_document(const KnowledgeDocument& document, const std::vector<KnowledgeChunk>& chunks) = 0;
  virtual bool delete_document(const std::string& knowledge_base_id, const std::string& document_id) = 0;
  /// Full-text search (BM25) over the chunks of the given knowledge bases.
  virtual std::vector<ScoredChunk> search_chunks(const std::vector<std::string>& knowledge_base_ids,
                                                 const std::string& query, std::size_t limit) = 0;

  // The other families' storage, on the same connection and thread.
  virtual NotificationStore& notifications() = 0;
  virtual WorkspaceStore& workspaces() = 0;
  virtual PluginExecutionStore& plugin_executions() = 0;

  /// Whether the storage answers (for /readyz).
  virtual bool is_healthy() = 0;

  // Group commit (see StorageExecutor): begin_group, then calls whose own
  // transactions nest in the group's, then commit_group or rollback_group.
  virtual void begin_group() = 0;
  /// Commits, or answers false without committing when a call of the group
  /// rolled back a transaction of its own (it returned without committing):
  /// the group must then be rolled back and its calls run alone.
  virtual bool commit_group() = 0;
  /// Rolls back whatever the group wrote; never throws.
  virtual void rollback_group() noexcept = 0;
};

}  // namespace nadoo::store
