#include "endpoints/workspaces/workspace_memberships.hpp"

namespace nadoo::endpoints {
namespace {

/// Runs `write` on the store; a write that failed may or may not have
/// reached storage, so its answer is forgotten rather than guessed.
template <typename Write>
auto write_or_forget(MembershipCache& cache, const std::string& workspace_id, const std::string& user_id,
                     Write write) {
  try {
    return write();
  } catch (...) {
    cache.forget(workspace_id, user_id);
    throw;
  }
}

}  // namespace

void WorkspaceMemberships::is_member(const std::string& workspace_id, const std::string& user_id,
                                     std::function<void(std::optional<bool>)> done) {
  if (const auto cached = cache_->find(workspace_id, user_id)) return done(*cached);
  storage_.run(
      executor_,
      [cache = cache_, workspace_id, user_id](store::Store& store) {
        const bool answer = store.workspaces().is_member(workspace_id, user_id);
        cache->record(workspace_id, user_id, answer);
        return answer;
      },
      [done = std::move(done)](store::StoreResult<bool> answer) { done(answer.value); });
}

void WorkspaceMemberships::put(const store::WorkspaceMember& member,
                               std::function<void(store::StoreResult<bool>)> done) {
  storage_.run(
      executor_,
      [cache = cache_, member](store::Store& store) {
        const bool added = write_or_forget(*cache, member.workspace_id, member.user_id,
                                           [&] { return store.workspaces().put_member(member); });
        cache->record(member.workspace_id, member.user_id, true);
        return added;
      },
      std::move(done));
}

void WorkspaceMemberships::remove(const std::string& workspace_id, const std::string& user_id,
                                  std::function<void(store::StoreResult<bool>)> done) {
  storage_.run(
      executor_,
      [cache = cache_, workspace_id, user_id](store::Store& store) {
        const bool removed = write_or_forget(*cache, workspace_id, user_id, [&] {
          return store.workspaces().delete_member(workspace_id, user_id);
        });
        cache->record(workspace_id, user_id, false);
        return removed;
      },
      std::move(done));
}

}  // namespace nadoo::endpoints
