#include "hub/hub.hpp"

#include <algorithm>

namespace nadoo::hub {
namespace {

void increment(std::map<std::string, std::size_t>& counts, const std::string& key) {
  if (!key.empty()) ++counts[key];
}

void decrement(std::map<std::string, std::size_t>& counts, const std::string& key) {
  if (key.empty()) return;
  auto found = counts.find(key);
  if (found != counts.end() && --found->second == 0) counts.erase(found);
}

}  // namespace

Hub::Hub(Broker& broker) : broker_(broker) {
  broker_.set_delivery([this](const RoomMessage& message) { deliver(message); });
  broker_.set_gap_closed([this](std::chrono::system_clock::time_point since) { fill_gaps(since); });
}

Hub::RoomShard& Hub::shard_of(const RoomId& room) const {
  return shards_[std::hash<RoomId>{}(room) % room_shards];
}

void Hub::add(const ConnectionPtr& connection, StatsPlacement placement) {
  std::lock_guard lock(registry_mutex_);
  increment(session_counts_, placement.session_key);
  increment(user_counts_, placement.user_id);
  registrations_.emplace(connection->id(), Registration{connection, std::move(placement), {}});
  registry_version_.fetch_add(1, std::memory_order_relaxed);
}

void Hub::remove(ConnectionId id) {
  std::lock_guard lock(registry_mutex_);
  auto found = registrations_.find(id);
  if (found == registrations_.end()) return;
  for (const auto& room : found->second.rooms) leave_room(id, room);
  decrement(session_counts_, found->second.placement.session_key);
  decrement(user_counts_, found->second.placement.user_id);
  registrations_.erase(found);
  registry_version_.fetch_add(1, std::memory_order_relaxed);
}

void Hub::join(const ConnectionPtr& connection, const RoomId& room, Broker::Subscribed subscribed) {
  add_member(connection, room);
  if (subscribed) broker_.when_subscribed(room, std::move(subscribed));
}

void Hub::add_member(const ConnectionPtr& connection, const RoomId& room) {
  std::lock_guard lock(registry_mutex_);
  auto registration = registrations_.find(connection->id());
  if (registration == registrations_.end()) return;  // closed meanwhile
  auto& rooms = registration->second.rooms;
  if (std::find(rooms.begin(), rooms.end(), room) != rooms.end()) return;
  rooms.push_back(room);
  add_to_room(connection, room);
}

void Hub::listen(const ConnectionPtr& listener, const RoomId& room) { add_to_room(listener, room); }

void Hub::stop_listening(ConnectionId listener, const RoomId& room) { leave_room(listener, room); }

void Hub::add_to_room(const ConnectionPtr& member, const RoomId& room) {
  auto& shard = shard_of(room);
  std::lock_guard shard_lock(shard.mutex);
  auto& state = shard.rooms[room];
  const bool first_local_member = state.members.empty();
  state.members.emplace(member->id(), member);
  state.snapshot.reset();
  // Under the room's lock, as unsubscribe is, so that the broker sees a
  // room's subscribe and unsubscribe in the order of its first join and last
  // leave. The broker never calls back into the hub from either.
  if (first_local_member) broker_.subscribe(room);
}

void Hub::leave(ConnectionId id, const RoomId& room) {
  std::lock_guard lock(registry_mutex_);
  auto registration = registrations_.find(id);
  if (registration == registrations_.end()) return;
  auto& rooms = registration->second.rooms;
  const auto joined = std::find(rooms.begin(), rooms.end(), room);
  if (joined == rooms.end()) return;
  rooms.erase(joined);
  leave_room(id, room);
}

void Hub::leave_room(ConnectionId id, const RoomId& room) {
  auto& shard = shard_of(room);
  std::lock_guard shard_lock(shard.mutex);
  auto found = shard.rooms.find(room);
  if (found == shard.rooms.end() || found->second.members.erase(id) == 0) return;
  if (found->second.members.empty()) {
    shard.rooms.erase(found);
    broker_.unsubscribe(room);
  } else {
    found->second.snapshot.reset();
  }
}

void Hub::publish(const RoomId& room, SharedText payload, ConnectionId excluded) {
  broker_.publish(RoomMessage{room, std::move(payload), excluded});
}

void Hub::publish_local(const RoomId& room, SharedText payload, ConnectionId excluded) const {
  deliver(RoomMessage{room, std::move(payload), excluded});
}

void Hub::fill_gaps(std::chrono::system_clock::time_point since) const {
  std::vector<ConnectionPtr> members;
  for (auto& shard : shards_) {
    std::lock_guard lock(shard.mutex);
    for (const auto& [room, state] : shard.rooms) {
      for (const auto& [id, member] : state.members) members.push_back(member);
    }
  }
  // Outside the locks: a member reads storage and sends, as after a delivery.
  for (const auto& member : members) member->fill_gap(since);
}

void Hub::deliver(const RoomMessage& message) const {
  Members members;
  {
    auto& shard = shard_of(message.room);
    std::lock_guard lock(shard.mutex);
    auto found = shard.rooms.find(message.room);
    if (found == shard.rooms.end()) return;
    auto& room = found->second;
    if (!room.snapshot) {
      auto snapshot = std::make_shared<std::vector<ConnectionPtr>>();
      snapshot->reserve(room.members.size());
      for (const auto& [id, member] : room.members) snapshot->push_back(member);
      room.snapshot = std::move(snapshot);
    }
    members = room.snapshot;
  }
  for (const auto& member : *members) {
    if (member->id() != message.excluded_connection) member->send_room_message(message.payload);
  }
}

std::size_t Hub::local_members(const RoomId& room) const {
  auto& shard = shard_of(room);
  std::lock_guard lock(shard.mutex);
  const auto found = shard.rooms.find(room);
  return found == shard.rooms.end() ? 0 : found->second.members.size();
}

std::size_t Hub::user_connections_in_room(const RoomId& room, const std::string& user_id) const {
  auto& shard = shard_of(room);
  std::lock_guard lock(shard.mutex);
  auto found = shard.rooms.find(room);
  if (found == shard.rooms.end()) return 0;
  return std::count_if(found->second.members.begin(), found->second.members.end(),
                       [&](const auto& member) { return member.second->user_id() == user_id; });
}

StatsSnapshot Hub::stats() const {
  std::lock_guard lock(registry_mutex_);
  return StatsSnapshot{registrations_.size(), session_counts_, user_counts_};
}

std::vector<ConnectionPtr> Hub::connections() const {
  std::lock_guard lock(registry_mutex_);
  std::vector<ConnectionPtr> all;
  all.reserve(registrations_.size());
  for (const auto& [id, registration] : registrations_) all.push_back(registration.connection);
  return all;
}

}  // namespace nadoo::hub
