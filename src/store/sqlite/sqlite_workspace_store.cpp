#include "store/sqlite/sqlite_workspace_store.hpp"

#include "store/sqlite/page_rows.hpp"

namespace nadoo::store::sqlite {

bool SqliteWorkspaceStore::put_member(const WorkspaceMember& member) {
  Transaction transaction(connection_, Transaction::Kind::write);
  auto insert = connection_.query(
      "INSERT INTO workspace_members (workspace_id, user_id, role, added_at) VALUES (?1, ?2, ?3, ?4) "
      "ON CONFLICT (workspace_id, user_id) DO NOTHING");
  insert.bind_text(1, member.workspace_id)
      .bind_text(2, member.user_id)
      .bind_optional_text(3, member.role)
      .bind_text(4, member.added_at)
      .execute();
  const bool added = connection_.changed_rows() > 0;
  if (!added) {
    connection_.query("UPDATE workspace_members SET role = ?3 WHERE workspace_id = ?1 AND user_id = ?2")
        .bind_text(1, member.workspace_id)
        .bind_text(2, member.user_id)
        .bind_optional_text(3, member.role)
        .execute();
  }
  transaction.commit();
  return added;
}

bool SqliteWorkspaceStore::delete_member(const std::string& workspace_id, const std::string& user_id) {
  Transaction transaction(connection_, Transaction::Kind::write);
  connection_.query("DELETE FROM workspace_members WHERE workspace_id = ?1 AND user_id = ?2")
      .bind_text(1, workspace_id)
      .bind_text(2, user_id)
      .execute();
  const bool deleted = connection_.changed_rows() > 0;
  transaction.commit();
  return deleted;
}

bool SqliteWorkspaceStore::is_member(const std::string& workspace_id, const std::string& user_id) {
  Transaction transaction(connection_, Transaction::Kind::read);
  auto row = connection_.query("SELECT 1 FROM workspace_members WHERE workspace_id = ?1 AND user_id = ?2");
  row.bind_text(1, workspace_id).bind_text(2, user_id);
  return row.next_row();
}

WorkspaceMemberPage SqliteWorkspaceStore::list_members(const std::string& workspace_id,
                                                       const std::optional<std::string>& after_user_id,
                                                       std::size_t limit) {
  Transaction transaction(connection_, Transaction::Kind::read);
  // Every user id is non-empty, so "after the empty string" is "from the first".
  auto rows = connection_.query(
      "SELECT user_id, role, added_at FROM workspace_members WHERE workspace_id = ?1 AND user_id > ?2 "
      "ORDER BY user_id LIMIT ?3");
  rows.bind_text(1, workspace_id).bind_text(2, after_user_id.value_or(""));
  const auto page_limit = bind_page_limit(rows, 3, limit);
  WorkspaceMemberPage page;
  page.has_more = read_page_rows(rows, page_limit, page.members, [&](const Query& row) {
    return WorkspaceMember{workspace_id, row.text(0), row.optional_text(1), row.text(2)};
  });
  return page;
}

std::optional<DocumentOwnership> SqliteWorkspaceStore::find_document_ownership(
    const std::string& knowledge_base_id, const std::string& document_id) {
  Transaction transaction(connection_, Transaction::Kind::read);
  auto row = connection_.query(
      "SELECT workspace_id FROM knowledge_documents WHERE knowledge_base_id = ?1 AND document_id = ?2");
  row.bind_text(1, knowledge_base_id).bind_text(2, document_id);
  if (!row.next_row()) return std::nullopt;
  return DocumentOwnership{row.optional_text(0)};
}

}  // namespace nadoo::store::sqlite
