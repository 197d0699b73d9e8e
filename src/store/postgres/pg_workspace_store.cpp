#include "store/postgres/pg_workspace_store.hpp"

#include "store/postgres/pg_page_rows.hpp"

namespace nadoo::store::postgres {

bool PostgresWorkspaceStore::put_member(const WorkspaceMember& member) {
  return connection_.run([&](Connection& connection) {
    // One statement, so two nodes adding the same member at once cannot
    // both report a new member. xmax is 0 for a row this statement inserted,
    // and the lock holder's id for one it updated.
    const Rows rows = connection.query(
        "INSERT INTO workspace_members (workspace_id, user_id, role, added_at) VALUES ($1, $2, $3, $4) "
        "ON CONFLICT (workspace_id, user_id) DO UPDATE SET role = excluded.role RETURNING xmax = 0",
        {member.workspace_id, member.user_id,
         member.role ? Connection::Parameter(*member.role) : std::nullopt, member.added_at});
    return rows.boolean(0, 0);
  });
}

bool PostgresWorkspaceStore::delete_member(const std::string& workspace_id, const std::string& user_id) {
  return connection_.run([&](Connection& connection) {
    return connection
               .query("DELETE FROM workspace_members WHERE workspace_id = $1 AND user_id = $2",
                      {workspace_id, user_id})
               .affected() > 0;
  });
}

bool PostgresWorkspaceStore::is_member(const std::string& workspace_id, const std::string& user_id) {
  return connection_.run([&](Connection& connection) {
    return connection
               .query("SELECT 1 FROM workspace_members WHERE workspace_id = $1 AND user_id = $2",
                      {workspace_id, user_id})
               .size() > 0;
  });
}

WorkspaceMemberPage PostgresWorkspaceStore::list_members(const std::string& workspace_id,
                                                         const std::optional<std::string>& after_user_id,
                                                         std::size_t limit) {
  return connection_.run([&](Connection& connection) {
    // Every user id is non-empty, so "after the empty string" is "from the first".
    const Rows rows = connection.query(
        "SELECT user_id, role, added_at FROM workspace_members WHERE workspace_id = $1 AND user_id > $2 "
        "ORDER BY user_id LIMIT $3",
        {workspace_id, after_user_id.value_or(""), page_limit_parameter(limit)});
    WorkspaceMemberPage page;
    page.has_more = read_page_rows(rows, limit, page.members, [&](const Rows& rows, int row) {
      return WorkspaceMember{workspace_id, rows.text(row, 0), rows.optional_text(row, 1), rows.text(row, 2)};
    });
    return page;
  });
}

std::optional<DocumentOwnership> PostgresWorkspaceStore::find_document_ownership(
    const std::string& knowledge_base_id, const std::string& document_id) {
  return connection_.run([&](Connection& connection) -> std::optional<DocumentOwnership> {
    const Rows rows = connection.query(
        "SELECT workspace_id FROM knowledge_documents WHERE knowledge_base_id = $1 AND document_id = $2",
        {knowledge_base_id, document_id});
    if (rows.size() == 0) return std::nullopt;
    return DocumentOwnership{rows.optional_text(0, 0)};
  });
}

}  // namespace nadoo::store::postgres
