#include "endpoints/workspaces/workspace_presence.hpp"

namespace nadoo::endpoints {
namespace {

/// Removals remembered for admissions in flight: far more than can happen
/// during the milliseconds an admission's membership check takes.
constexpr std::size_t remembered_removals = 1024;

}  // namespace

void WorkspacePresence::arrive(const hub::ConnectionPtr& connection,
                               const std::function<void(const Arrival&)>& while_locked) {
  const auto& workspace_id = connection->resource_id();
  const auto& user_id = connection->user_id();
  std::lock_guard lock(mutex_);
  auto& connections = workspaces_[workspace_id][user_id];
  connections.push_back(connection);
  Arrival arrival;
  arrival.first_connection = connections.size() == 1;
  arrival.online_users = online_users_locked(workspace_id);
  arrival.removal_may_have_raced = recent_removal_keys_.contains(MemberKey{workspace_id, user_id});
  while_locked(arrival);
}

void WorkspacePresence::depart(const hub::Connection& connection,
                               const std::function<void(bool last_connection)>& while_locked) {
  std::lock_guard lock(mutex_);
  const auto workspace = workspaces_.find(connection.resource_id());
  if (workspace == workspaces_.end()) return;
  const auto user = workspace->second.find(connection.user_id());
  if (user == workspace->second.end()) return;
  auto& connections = user->second;
  const auto erased = std::erase_if(
      connections, [&](const hub::ConnectionPtr& candidate) { return candidate->id() == connection.id(); });
  if (erased == 0) return;
  const bool last_connection = connections.empty();
  if (last_connection) workspace->second.erase(user);
  if (workspace->second.empty()) workspaces_.erase(workspace);
  while_locked(last_connection);
}

std::vector<hub::ConnectionPtr> WorkspacePresence::remove_member(const std::string& workspace_id,
                                                                 const std::string& user_id) {
  std::lock_guard lock(mutex_);
  MemberKey key{workspace_id, user_id};
  recent_removal_keys_.insert(key);
  recent_removals_.push_back(std::move(key));
  if (recent_removals_.size() > remembered_removals) {
    recent_removal_keys_.erase(recent_removal_keys_.find(recent_removals_.front()));
    recent_removals_.pop_front();
  }
  const auto workspace = workspaces_.find(workspace_id);
  if (workspace == workspaces_.end()) return {};
  const auto user = workspace->second.find(user_id);
  if (user == workspace->second.end()) return {};
  // The connections leave the presence when they close (depart), which
  // announces user_left like any other departure.
  return user->second;
}

std::vector<std::string> WorkspacePresence::online_users(const std::string& workspace_id) const {
  std::lock_guard lock(mutex_);
  return online_users_locked(workspace_id);
}

std::vector<std::string> WorkspacePresence::online_users_locked(const std::string& workspace_id) const {
  std::vector<std::string> users;
  const auto workspace = workspaces_.find(workspace_id);
  if (workspace == workspaces_.end()) return users;
  users.reserve(workspace->second.size());
  for (const auto& [user_id, connections] : workspace->second) users.push_back(user_id);
  return users;
}

}  // namespace nadoo::endpoints
