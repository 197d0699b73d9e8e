#include "endpoints/workspaces/membership_cache.hpp"

#include <algorithm>

namespace nadoo::endpoints {

MembershipCache::MembershipCache(std::size_t capacity) : capacity_(capacity) {}

std::string MembershipCache::key(std::string_view workspace_id, std::string_view user_id) {
  // Workspace ids never contain NUL (util::is_valid_resource_id): the first NUL ends it.
  std::string joined;
  joined.reserve(workspace_id.size() + 1 + user_id.size());
  joined.append(workspace_id).push_back('\0');
  joined.append(user_id);
  return joined;
}

std::optional<bool> MembershipCache::find(std::string_view workspace_id, std::string_view user_id) const {
  const auto wanted = key(workspace_id, user_id);
  std::lock_guard lock(mutex_);
  const auto found = answers_.find(wanted);
  if (found == answers_.end()) return std::nullopt;
  return found->second;
}

void MembershipCache::record(std::string_view workspace_id, std::string_view user_id, bool is_member) {
  if (capacity_ == 0) return;
  auto recorded = key(workspace_id, user_id);
  std::lock_guard lock(mutex_);
  const auto [entry, inserted] = answers_.try_emplace(std::move(recorded), is_member);
  if (!inserted) {
    entry->second = is_member;
    return;
  }
  recorded_order_.push_back(&entry->first);
  if (answers_.size() <= capacity_) return;
  // By iterator: the key to erase lives in the node being erased.
  answers_.erase(answers_.find(*recorded_order_.front()));
  recorded_order_.pop_front();
}

void MembershipCache::forget(std::string_view workspace_id, std::string_view user_id) {
  std::lock_guard lock(mutex_);
  const auto found = answers_.find(key(workspace_id, user_id));
  if (found == answers_.end()) return;
  // Rare (failed writes only): a linear search of the order is fine.
  recorded_order_.erase(std::find(recorded_order_.begin(), recorded_order_.end(), &found->first));
  answers_.erase(found);
}

std::size_t MembershipCache::size() const {
  std::lock_guard lock(mutex_);
  return answers_.size();
}

}  // namespace nadoo::endpoints
