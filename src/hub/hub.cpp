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
}

void Hub::add(const ConnectionPtr& connection, StatsPlacement placement) {
  std::lock_guard lock(mutex_);
  increment(session_counts_, placement.session_key);
  increment(user_counts_, placement.user_id);
  registrations_.emplace(connection->id(), Registration{connection, std::move(placement), {}});
}

void Hub::remove(ConnectionId id) {
  std::lock_guard lock(mutex_);
  auto found = registrations_.find(id);
  if (found == registrations_.end()) return;
  // Copy: leave_locked edits the registration's room list.
  const auto rooms = found->second.rooms;
  for (const auto& room : rooms) leave_locked(id, room);
  decrement(session_counts_, found->second.placement.session_key);
  decrement(user_counts_, found->second.placement.user_id);
  registrations_.erase(found);
}

void Hub::join(const ConnectionPtr& connection, const RoomId& room) {
  bool first_local_member = false;
  {
    std::lock_guard lock(mutex_);
    auto registration = registrations_.find(connection->id());
    if (registration == registrations_.end()) return;  // closed meanwhile
    auto& rooms = registration->second.rooms;
    if (std::find(rooms.begin(), rooms.end(), room) != rooms.end()) return;
    rooms.push_back(room);

    auto& members = rooms_[room];
    first_local_member = !members;
    // Copy-on-write: broadcasts in flight keep the snapshot they took.
    auto updated = members ? std::make_shared<std::vector<ConnectionPtr>>(*members)
                           : std::make_shared<std::vector<ConnectionPtr>>();
    updated->push_back(connection);
    members = std::move(updated);
  }
  if (first_local_member) broker_.subscribe(room);
}

void Hub::leave(ConnectionId id, const RoomId& room) {
  std::lock_guard lock(mutex_);
  leave_locked(id, room);
}

void Hub::leave_locked(ConnectionId id, const RoomId& room) {
  auto registration = registrations_.find(id);
  if (registration != registrations_.end()) std::erase(registration->second.rooms, room);

  auto found = rooms_.find(room);
  if (found == rooms_.end()) return;
  auto updated = std::make_shared<std::vector<ConnectionPtr>>(*found->second);
  std::erase_if(*updated, [id](const ConnectionPtr& member) { return member->id() == id; });
  if (updated->empty()) {
    rooms_.erase(found);
    // The broker never calls back into the hub from unsubscribe, so this is
    // safe under the lock; it keeps subscribe/unsubscribe ordered per room.
    broker_.unsubscribe(room);
  } else {
    found->second = std::move(updated);
  }
}

void Hub::publish(const RoomId& room, SharedText payload, ConnectionId excluded) {
  broker_.publish(RoomMessage{room, std::move(payload), excluded});
}

void Hub::deliver(const RoomMessage& message) const {
  Members members;
  {
    std::lock_guard lock(mutex_);
    auto found = rooms_.find(message.room);
    if (found == rooms_.end()) return;
    members = found->second;
  }
  for (const auto& member : *members) {
    if (member->id() != message.excluded_connection) member->send_room_message(message.payload);
  }
}

std::size_t Hub::user_connections_in_room(const RoomId& room, const std::string& user_id) const {
  std::lock_guard lock(mutex_);
  auto found = rooms_.find(room);
  if (found == rooms_.end()) return 0;
  return std::count_if(found->second->begin(), found->second->end(),
                       [&](const ConnectionPtr& member) { return member->user_id() == user_id; });
}

StatsSnapshot Hub::stats() const {
  std::lock_guard lock(mutex_);
  return StatsSnapshot{registrations_.size(), session_counts_, user_counts_};
}

std::vector<ConnectionPtr> Hub::connections() const {
  std::lock_guard lock(mutex_);
  std::vector<ConnectionPtr> all;
  all.reserve(registrations_.size());
  for (const auto& [id, registration] : registrations_) all.push_back(registration.connection);
  return all;
}

}  // namespace nadoo::hub
