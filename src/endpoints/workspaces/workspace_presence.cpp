#include "endpoints/workspaces/workspace_presence.hpp"

namespace nadoo::endpoints {
namespace {

/// Removals remembered for admissions in flight: far more than can happen
/// during the milliseconds an admission's membership check takes.
constexpr std::size_t remembered_removals = 1024;

}  // namespace

WorkspacePresence::WorkspacePtr WorkspacePresence::find_workspace(const std::string& workspace_id) const {
  std::lock_guard lock(mutex_);
  const auto found = workspaces_.find(workspace_id);
  return found == workspaces_.end() ? nullptr : found->second;
}

WorkspacePresence::WorkspacePtr WorkspacePresence::find_or_add_workspace(const std::string& workspace_id) {
  std::lock_guard lock(mutex_);
  auto& workspace = workspaces_[workspace_id];
  if (!workspace) workspace = std::make_shared<Workspace>();
  return workspace;
}

void WorkspacePresence::retire(const std::string& workspace_id, Workspace& workspace) {
  workspace.retired = true;
  std::lock_guard lock(mutex_);
  const auto found = workspaces_.find(workspace_id);
  if (found != workspaces_.end() && found->second.get() == &workspace) workspaces_.erase(found);
}

bool WorkspacePresence::removed_recently(const std::string& workspace_id, const std::string& user_id) const {
  std::lock_guard lock(mutex_);
  return recent_removal_keys_.contains(MemberKey{workspace_id, user_id});
}

void WorkspacePresence::arrive(const hub::ConnectionPtr& connection,
                               const std::function<void(const Arrival&)>& while_locked) {
  const auto& workspace_id = connection->resource_id();
  const auto& user_id = connection->user_id();
  for (;;) {
    const auto workspace = find_or_add_workspace(workspace_id);
    std::lock_guard lock(workspace->mutex);
    if (workspace->retired) continue;  // its last user left meanwhile: take the new one
    auto& connections = workspace->connections_by_user[user_id];
    connections.push_back(connection);
    Arrival arrival;
    arrival.first_connection = connections.size() == 1;
    arrival.online_users = online_users_locked(*workspace);
    // Read after the connection is in: a removal recorded later lists it.
    arrival.removal_may_have_raced = removed_recently(workspace_id, user_id);
    return while_locked(arrival);
  }
}

void WorkspacePresence::depart(const hub::Connection& connection,
                               const std::function<void(bool last_connection)>& while_locked) {
  const auto workspace = find_workspace(connection.resource_id());
  if (!workspace) return;
  std::lock_guard lock(workspace->mutex);
  auto& users = workspace->connections_by_user;
  const auto user = users.find(connection.user_id());
  if (user == users.end()) return;
  auto& connections = user->second;
  const auto erased = std::erase_if(
      connections, [&](const hub::ConnectionPtr& candidate) { return candidate->id() == connection.id(); });
  if (erased == 0) return;
  const bool last_connection = connections.empty();
  if (last_connection) users.erase(user);
  while_locked(last_connection);
  // Retired only after the announcement: an arrival waiting for this lock
  // then takes a new entry, and announces after this one.
  if (users.empty()) retire(connection.resource_id(), *workspace);
}

std::vector<hub::ConnectionPtr> WorkspacePresence::remove_member(const std::string& workspace_id,
                                                                 const std::string& user_id) {
  {
    std::lock_guard lock(mutex_);
    MemberKey key{workspace_id, user_id};
    recent_removal_keys_.insert(key);
    recent_removals_.push_back(std::move(key));
    if (recent_removals_.size() > remembered_removals) {
      recent_removal_keys_.erase(recent_removal_keys_.find(recent_removals_.front()));
      recent_removals_.pop_front();
    }
  }
  const auto workspace = find_workspace(workspace_id);
  if (!workspace) return {};
  std::lock_guard lock(workspace->mutex);
  const auto user = workspace->connections_by_user.find(user_id);
  if (user == workspace->connections_by_user.end()) return {};
  // The connections leave the presence when they close (depart), which
  // announces user_left like any other departure.
  return user->second;
}

std::vector<std::string> WorkspacePresence::online_users(const std::string& workspace_id) const {
  const auto workspace = find_workspace(workspace_id);
  if (!workspace) return {};
  std::lock_guard lock(workspace->mutex);
  return online_users_locked(*workspace);
}

std::vector<std::string> WorkspacePresence::online_users_locked(const Workspace& workspace) {
  std::vector<std::string> users;
  users.reserve(workspace.connections_by_user.size());
  for (const auto& [user_id, connections] : workspace.connections_by_user) users.push_back(user_id);
  return users;
}

}  // namespace nadoo::endpoints
