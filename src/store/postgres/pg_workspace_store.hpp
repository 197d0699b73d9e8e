#pragma once

#include "store/postgres/pg_reconnecting_connection.hpp"
#include "store/workspace_store.hpp"

namespace nadoo::store::postgres {

/// WorkspaceStore on the connection that PostgresStore owns.
class PostgresWorkspaceStore final : public WorkspaceStore {
 public:
  explicit PostgresWorkspaceStore(ReconnectingConnection& connection) : connection_(connection) {}

  bool put_member(const WorkspaceMember& member) override;
  bool delete_member(const std::string& workspace_id, const std::string& user_id) override;
  bool is_member(const std::string& workspace_id, const std::string& user_id) override;
  WorkspaceMemberPage list_members(const std::string& workspace_id,
                                   const std::optional<std::string>& after_user_id,
                                   std::size_t limit) override;
  std::optional<DocumentOwnership> find_document_ownership(const std::string& knowledge_base_id,
                                                           const std::string& document_id) override;

 private:
  ReconnectingConnection& connection_;
};

}  // namespace nadoo::store::postgres
