#pragma once

#include "store/sqlite/sqlite_connection.hpp"
#include "store/workspace_store.hpp"

namespace nadoo::store::sqlite {

/// WorkspaceStore on the SQLite connection that SqliteStore owns.
class SqliteWorkspaceStore final : public WorkspaceStore {
 public:
  explicit SqliteWorkspaceStore(Connection& connection) : connection_(connection) {}

  bool put_member(const WorkspaceMember& member) override;
  bool delete_member(const std::string& workspace_id, const std::string& user_id) override;
  bool is_member(const std::string& workspace_id, const std::string& user_id) override;
  WorkspaceMemberPage list_members(const std::string& workspace_id,
                                   const std::optional<std::string>& after_user_id,
                                   std::size_t limit) override;
  std::optional<DocumentOwnership> find_document_ownership(const std::string& knowledge_base_id,
                                                           const std::string& document_id) override;

 private:
  Connection& connection_;
};

}  // namespace nadoo::store::sqlite
