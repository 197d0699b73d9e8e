#include "endpoints/presence/presence_exchange.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/json/parse.hpp>

#include "hub/room_listener.hpp"
#include "util/json_serialize.hpp"

namespace nadoo::endpoints {
namespace {

using namespace std::chrono_literals;

/// How often the node checks for silent nodes and for Redis coming back.
constexpr std::chrono::milliseconds check_interval = 250ms;

const boost::json::string* string_field(const boost::json::object& object, std::string_view name) {
  const auto* value = object.if_contains(name);
  return value ? value->if_string() : nullptr;
}

}  // namespace

PresenceExchange::PresenceExchange(std::string_view topic, boost::asio::any_io_executor executor,
                                   hub::Hub& hub, const hub::Broker& broker, Presence& presence,
                                   Announce announce, std::string node_id, std::chrono::milliseconds node_ttl)
    : room_(hub::cluster_room(topic)),
      hub_(hub),
      broker_(broker),
      presence_(presence),
      announce_(std::move(announce)),
      node_id_(std::move(node_id)),
      node_ttl_(node_ttl),
      timer_(boost::asio::make_strand(std::move(executor))) {}

void PresenceExchange::start() {
  started_ = true;
  hub_.listen(std::make_shared<hub::RoomListener>([this](const std::string& payload) {
                boost::asio::post(timer_.get_executor(), [this, payload] { on_message(payload); });
              }),
              room_);
  boost::asio::dispatch(timer_.get_executor(), [this] { tick(); });
}

void PresenceExchange::stop() {
  boost::asio::dispatch(timer_.get_executor(), [this] { timer_.cancel(); });
}

void PresenceExchange::local_change(const std::string& scope, const std::string& user_id, bool online) {
  if (!started_) return;
  if (online) others_may_see_users_here_ = true;
  hub_.publish(room_, hub::make_shared_text(util::serialize_json(boost::json::object{
                          {"node", node_id_}, {"scope", scope}, {"user", user_id}, {"online", online}})));
}

void PresenceExchange::tick() {
  const auto now = std::chrono::steady_clock::now();
  const bool broker_ready = broker_.is_ready();
  const bool broker_came_back = broker_ready && !broker_was_ready_;
  broker_was_ready_ = broker_ready;
  // A third of the TTL, as the stats: a node missing two in a row still counts.
  if (broker_came_back || (broker_ready && now - state_sent_at_ >= node_ttl_ / 3)) {
    state_sent_at_ = now;
    send_state();
  }
  for (auto node = nodes_.begin(); node != nodes_.end();) {
    const auto silent = node++;  // forget erases it
    if (now - silent->second.heard > node_ttl_) {
      spdlog::warn("presence: node {} silent for {} s; its users leave", silent->first,
                   node_ttl_.count() / 1000.0);
      forget(silent->first);
    }
  }
  timer_.expires_after(check_interval);
  timer_.async_wait([this](boost::system::error_code error) {
    if (!error) tick();
  });
}

void PresenceExchange::send_state() {
  boost::json::object state;
  for (const auto& [scope, users] : presence_.local_users()) {
    boost::json::array names;
    for (const auto& user : users) names.emplace_back(user);
    state[scope] = std::move(names);
  }
  // An empty state tells nothing new to nodes that never heard of anyone
  // here, and every idle node would otherwise PUBLISH it forever.
  if (state.empty() && !others_may_see_users_here_.exchange(false)) return;
  if (!state.empty()) others_may_see_users_here_ = true;
  hub_.publish(room_, hub::make_shared_text(util::serialize_json(
                          boost::json::object{{"node", node_id_}, {"state", std::move(state)}})));
}

void PresenceExchange::on_message(const std::string& payload) {
  boost::system::error_code error;
  const auto parsed = boost::json::parse(payload, error);
  const auto* message = parsed.if_object();
  const auto* node = message ? string_field(*message, "node") : nullptr;
  if (error || !node) return spdlog::error("presence room: a message that is not one: {}", payload);
  if (*node == node_id_) return;
  const std::string node_name(*node);
  if (const auto* state = message->if_contains("state"); state && state->is_object()) {
    std::set<Entry> online;
    for (const auto& [scope, users] : state->get_object()) {
      if (!users.is_array()) continue;
      for (const auto& user : users.get_array()) {
        if (user.is_string()) online.emplace(std::string(scope), std::string(user.get_string()));
      }
    }
    return replace(node_name, std::move(online));
  }
  const auto* scope = string_field(*message, "scope");
  const auto* user_id = string_field(*message, "user");
  const auto* online = message->if_contains("online");
  if (!scope || !user_id || !online || !online->is_bool())
    return spdlog::error("presence room: a change that is not one: {}", payload);
  apply(node_name, Entry{std::string(*scope), std::string(*user_id)}, online->get_bool());
}

void PresenceExchange::apply(const std::string& node, const Entry& entry, bool online) {
  auto& known = nodes_[node];
  known.heard = std::chrono::steady_clock::now();
  const bool changed = online ? known.online.insert(entry).second : known.online.erase(entry) > 0;
  if (!changed) return;
  presence_.remote_change(entry.first, entry.second, node, online,
                          [&](bool now_online) { announce(entry, now_online); });
}

void PresenceExchange::replace(const std::string& node, std::set<Entry> online) {
  auto& known = nodes_[node];
  known.heard = std::chrono::steady_clock::now();
  const auto previous = std::exchange(known.online, {});
  for (const auto& entry : previous) {
    if (!online.contains(entry)) {
      presence_.remote_change(entry.first, entry.second, node, false,
                              [&](bool now_online) { announce(entry, now_online); });
    }
  }
  for (const auto& entry : online) {
    if (!previous.contains(entry)) {
      presence_.remote_change(entry.first, entry.second, node, true,
                              [&](bool now_online) { announce(entry, now_online); });
    }
  }
  known.online = std::move(online);
}

void PresenceExchange::forget(const std::string& node) {
  const auto found = nodes_.find(node);
  if (found == nodes_.end()) return;
  for (const auto& entry : found->second.online) {
    presence_.remote_change(entry.first, entry.second, node, false,
                            [&](bool now_online) { announce(entry, now_online); });
  }
  nodes_.erase(found);
}

}  // namespace nadoo::endpoints
