#include "endpoints/presence/presence.hpp"

namespace nadoo::endpoints {
namespace {

/// Removals remembered for admissions in flight: far more than can happen
/// during the milliseconds an admission's membership check takes.
constexpr std::size_t remembered_removals = 1024;

}  // namespace

Presence::WorkspacePtr Presence::find_workspace(const std::string& workspace_id) const {
  std::lock_guard lock(mutex_);
  const auto found = workspaces_.find(workspace_id);
  return found == workspaces_.end() ? nullptr : found->second;
}

Presence::WorkspacePtr Presence::find_or_add_workspace(const std::string& workspace_id) {
  std::lock_guard lock(mutex_);
  auto& workspace = workspaces_[workspace_id];
  if (!workspace) workspace = std::make_shared<Workspace>();
  return workspace;
}

void Presence::retire(const std::string& workspace_id, Workspace& workspace) {
  workspace.retired = true;
  std::lock_guard lock(mutex_);
  const auto found = workspaces_.find(workspace_id);
  if (found != workspaces_.end() && found->second.get() == &workspace) workspaces_.erase(found);
}

bool Presence::removed_recently(const std::string& workspace_id, const std::string& user_id) const {
  std::lock_guard lock(mutex_);
  return recent_removal_keys_.contains(MemberKey{workspace_id, user_id});
}

void Presence::with_workspace(const std::string& workspace_id,
                              const std::function<void(Workspace&)>& with_locked) {
  for (;;) {
    const auto workspace = find_or_add_workspace(workspace_id);
    std::lock_guard lock(workspace->mutex);
    if (workspace->retired) continue;  // its last user left meanwhile: take the new one
    return with_locked(*workspace);
  }
}

void Presence::retire_if_empty(const std::string& workspace_id, Workspace& workspace) {
  if (workspace.connections_by_user.empty() && workspace.nodes_by_user.empty())
    retire(workspace_id, workspace);
}

void Presence::arrive(const hub::ConnectionPtr& connection,
                      const std::function<void(const Arrival&)>& while_locked) {
  const auto& workspace_id = connection->resource_id();
  const auto& user_id = connection->user_id();
  with_workspace(workspace_id, [&](Workspace& workspace) {
    auto& connections = workspace.connections_by_user[user_id];
    connections.push_back(connection);
    Arrival arrival;
    arrival.first_on_this_node = connections.size() == 1;
    arrival.first_connection = arrival.first_on_this_node && !workspace.nodes_by_user.contains(user_id);
    if (listing_ == Listing::online_users) arrival.online_users = online_users_locked(workspace);
    // Read after the connection is in: a removal recorded later lists it.
    arrival.removal_may_have_raced = removed_recently(workspace_id, user_id);
    while_locked(arrival);
  });
}

void Presence::depart(const hub::Connection& connection,
                      const std::function<void(const Departure&)>& while_locked) {
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
  Departure departure;
  departure.last_on_this_node = connections.empty();
  departure.last_connection =
      departure.last_on_this_node && !workspace->nodes_by_user.contains(connection.user_id());
  if (departure.last_on_this_node) users.erase(user);
  while_locked(departure);
  // Retired only after the announcement: an arrival waiting for this lock
  // then takes a new entry, and announces after this one.
  retire_if_empty(connection.resource_id(), *workspace);
}

void Presence::remote_change(const std::string& workspace_id, const std::string& user_id,
                             const std::string& node, bool online,
                             const std::function<void(bool online)>& announce) {
  with_workspace(workspace_id, [&](Workspace& workspace) {
    const auto is_online = [&] {
      return workspace.connections_by_user.contains(user_id) || workspace.nodes_by_user.contains(user_id);
    };
    const bool was_online = is_online();
    if (online) {
      workspace.nodes_by_user[user_id].insert(node);
    } else if (const auto nodes = workspace.nodes_by_user.find(user_id);
               nodes != workspace.nodes_by_user.end()) {
      nodes->second.erase(node);
      if (nodes->second.empty()) workspace.nodes_by_user.erase(nodes);
    }
    if (is_online() != was_online) announce(online);
    retire_if_empty(workspace_id, workspace);
  });
}

std::map<std::string, std::vector<std::string>> Presence::local_users() const {
  std::vector<std::pair<std::string, WorkspacePtr>> workspaces;
  {
    std::lock_guard lock(mutex_);
    workspaces.assign(workspaces_.begin(), workspaces_.end());
  }
  std::map<std::string, std::vector<std::string>> users;
  for (const auto& [workspace_id, workspace] : workspaces) {
    std::lock_guard lock(workspace->mutex);
    for (const auto& [user_id, connections] : workspace->connections_by_user)
      users[workspace_id].push_back(user_id);
  }
  return users;
}

std::vector<hub::ConnectionPtr> Presence::remove_member(const std::string& workspace_id,
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

std::vector<std::string> Presence::online_users(const std::string& workspace_id) const {
  const auto workspace = find_workspace(workspace_id);
  if (!workspace) return {};
  std::lock_guard lock(workspace->mutex);
  return online_users_locked(*workspace);
}

std::vector<std::string> Presence::online_users_locked(const Workspace& workspace) {
  std::set<std::string> users;
  for (const auto& [user_id, connections] : workspace.connections_by_user) users.insert(user_id);
  for (const auto& [user_id, nodes] : workspace.nodes_by_user) users.insert(user_id);
  return {users.begin(), users.end()};
}

}  // namespace nadoo::endpoints
