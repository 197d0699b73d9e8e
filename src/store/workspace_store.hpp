#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace nadoo::store {

/// One user's membership of one workspace.
struct WorkspaceMember {
  std::string workspace_id;
  std::string user_id;
  std::optional<std::string> role;  // free text set by the platform ("editor", …)
  std::string added_at;             // ISO-8601 UTC; kept when the membership is replaced
};

/// One page of a workspace's members, by user id.
struct WorkspaceMemberPage {
  std::vector<WorkspaceMember> members;
  bool has_more = false;
};

/// Which workspace a knowledge document belongs to, for its change events.
struct DocumentOwnership {
  std::optional<std::string> workspace_id;  // nullopt: the document belongs to none
};

/// Durable storage of workspace membership. Calls block and run on the
/// storage executor, like every Store call; each call is one transaction.
class WorkspaceStore {
 public:
  virtual ~WorkspaceStore() = default;

  /// Adds the member, or replaces the role of one who already is (keeping
  /// `added_at`). Returns true when the user was not a member before.
  virtual bool put_member(const WorkspaceMember& member) = 0;
  /// Returns false when the user was not a member.
  virtual bool delete_member(const std::string& workspace_id, const std::string& user_id) = 0;
  virtual bool is_member(const std::string& workspace_id, const std::string& user_id) = 0;
  /// Members ordered by user id, those after `after_user_id` when given, at most `limit`.
  virtual WorkspaceMemberPage list_members(const std::string& workspace_id,
                                           const std::optional<std::string>& after_user_id,
                                           std::size_t limit) = 0;

  /// The owner of a knowledge document; nullopt when there is no such document.
  virtual std::optional<DocumentOwnership> find_document_ownership(const std::string& knowledge_base_id,
                                                                   const std::string& document_id) = 0;
};

}  // namespace nadoo::store
