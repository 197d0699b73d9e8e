#include "broker/redis/redis_broker.hpp"

#include <hiredis/async.h>
#include <spdlog/spdlog.h>

#include <boost/asio/bind_executor.hpp>
#include <boost/asio/post.hpp>
#include <charconv>
#include <utility>

namespace nadoo::broker::redis {
namespace {

namespace net = boost::asio;
using namespace std::chrono_literals;

constexpr std::string_view room_channel_prefix = "nadoo:room:";
/// Where a node says that it dropped messages: `node id\nsince` (Unix ms).
constexpr std::string_view gaps_channel = "nadoo:gaps";
constexpr std::chrono::milliseconds heartbeat_interval = 1000ms;
/// A connection that has not answered a heartbeat for this long is taken as
/// wedged: three heartbeats missed.
constexpr std::chrono::milliseconds heartbeat_deadline = 3500ms;
/// What may wait for Redis's answers before messages are dropped: several
/// seconds of a busy node's traffic, so that only an unresponsive Redis
/// drops anything, and memory stays bounded while it is.
constexpr std::size_t max_unanswered_publish_bytes = 64 * 1024 * 1024;
/// Channels per SUBSCRIBE when every room is subscribed again.
constexpr std::size_t channels_per_subscribe = 512;

std::string room_channel(std::string_view room) {
  return std::string(room_channel_prefix) + std::string(room);
}

/// A message on the wire: the publishing node's id, a newline, the payload.
std::string envelope(std::string_view node_id, std::string_view payload) {
  std::string framed;
  framed.reserve(node_id.size() + 1 + payload.size());
  framed.append(node_id).append(1, '\n').append(payload);
  return framed;
}

std::string_view text_of(const redisReply* reply) { return {reply->str, reply->len}; }

}  // namespace

RedisBroker::RedisBroker(net::io_context& io_context, RedisAddress address, std::string node_id,
                         hub::ServerMetrics& metrics)
    : strand_(net::make_strand(io_context)),
      node_id_(std::move(node_id)),
      node_channel_("nadoo:node:" + node_id_),
      metrics_(metrics),
      publisher_(strand_, address, "publish",
                 {[this] { update_readiness(); },
                  [this] {
                    // Its unanswered PUBLISHes may never have reached Redis.
                    if (!unanswered_publish_sizes_.empty()) count_dropped(0);
                    unanswered_publish_bytes_ = 0;
                    unanswered_publish_sizes_.clear();
                    publisher_unheard_since_.reset();
                    update_readiness();
                  }}),
      subscriber_(strand_, std::move(address), "subscribe",
                  {[this] { on_subscriber_ready(); }, [this] { on_subscriber_lost(); }}),
      heartbeat_timer_(strand_) {}

RedisBroker::~RedisBroker() {
  // Here, while every member lives: freeing a connection answers its
  // commands in flight (with null), and those answers touch this broker.
  publisher_.stop();
  subscriber_.stop();
}

void RedisBroker::start() {
  net::dispatch(strand_, [this] {
    publisher_.start();
    subscriber_.start();
    send_heartbeat();
  });
}

void RedisBroker::publish(hub::RoomMessage message) {
  deliver_(message);
  bool first = false;
  {
    std::lock_guard lock(outgoing_mutex_);
    first = outgoing_.empty();
    outgoing_.push_back(std::move(message));
  }
  // One hop to the strand for every burst, not for every message.
  if (first) net::post(strand_, [this] { send_outgoing(); });
}

void RedisBroker::send_outgoing() {
  std::vector<hub::RoomMessage> batch;
  {
    std::lock_guard lock(outgoing_mutex_);
    batch.swap(outgoing_);
  }
  const auto on_reply = [](redisAsyncContext*, void* reply, void* privdata) {
    auto& broker = *static_cast<RedisBroker*>(privdata);
    if (broker.unanswered_publish_sizes_.empty()) {
      // The connection was lost, and these messages with it: counted then.
      return;
    }
    broker.unanswered_publish_bytes_ -= broker.unanswered_publish_sizes_.front();
    broker.unanswered_publish_sizes_.pop_front();
    if (!reply || static_cast<redisReply*>(reply)->type == REDIS_REPLY_ERROR) broker.count_dropped(1);
  };
  for (const auto& message : batch) {
    const auto size = message.payload->size();
    if (unanswered_publish_bytes_ + size > max_unanswered_publish_bytes) {
      count_dropped(1);
      continue;
    }
    const auto channel = room_channel(message.room);
    const auto framed = envelope(node_id_, *message.payload);
    const std::string_view command[] = {"PUBLISH", channel, framed};
    if (!publisher_.command(command, on_reply, this)) {
      count_dropped(1);
      continue;
    }
    unanswered_publish_bytes_ += size;
    unanswered_publish_sizes_.push_back(size);
    metrics_.broker_messages_published_total.fetch_add(1, std::memory_order_relaxed);
  }
}

void RedisBroker::subscribe(const hub::RoomId& room) {
  net::post(strand_, [this, room] {
    auto& subscription = subscriptions_[room];
    if (subscription.wanted) return;
    subscription.wanted = true;
    if (!subscriber_.is_ready()) return;  // subscribed with every room once connected
    send_subscribe({room_channel(room)});
  });
}

void RedisBroker::unsubscribe(const hub::RoomId& room) {
  net::post(strand_, [this, room] {
    const auto found = subscriptions_.find(room);
    if (found == subscriptions_.end() || !found->second.wanted) return;
    auto& subscription = found->second;
    subscription.wanted = false;
    run_waiting(subscription);
    if (subscriber_.is_ready()) {
      const auto channel = room_channel(room);
      const std::string_view command[] = {"UNSUBSCRIBE", channel};
      subscriber_.command(
          command, [](redisAsyncContext*, void*, void*) {}, nullptr);
    }
    // Kept while a SUBSCRIBE is unconfirmed, so that its confirmation is not
    // taken for a later one's.
    if (subscription.unconfirmed == 0) subscriptions_.erase(found);
  });
}

void RedisBroker::when_subscribed(const hub::RoomId& room, Subscribed subscribed) {
  net::post(strand_, [this, room, subscribed = std::move(subscribed)]() mutable {
    const auto found = subscriptions_.find(room);
    // Without a subscribing connection nothing from other nodes can arrive,
    // so there is nothing to wait for; what they publish meanwhile is lost
    // to this member (docs/decisions.md, "Redis down").
    if (!subscriber_.is_ready() || found == subscriptions_.end() || !found->second.wanted ||
        found->second.unconfirmed == 0) {
      return subscribed();
    }
    found->second.waiting.push_back(std::move(subscribed));
  });
}

void RedisBroker::send_subscribe(const std::vector<std::string>& channels) {
  // One callback for every channel: hiredis calls it with each channel's
  // confirmation and each message, with this broker as its data.
  const auto on_reply = [](redisAsyncContext*, void* reply, void* privdata) {
    if (reply) static_cast<RedisBroker*>(privdata)->on_subscription_reply(reply);
  };
  std::vector<std::string_view> command{"SUBSCRIBE"};
  command.insert(command.end(), channels.begin(), channels.end());
  subscriber_.command(command, on_reply, this);
  for (const auto& channel : channels) {
    if (channel == node_channel_ || channel == gaps_channel) continue;
    ++subscriptions_[channel.substr(room_channel_prefix.size())].unconfirmed;
  }
}

void RedisBroker::on_subscriber_ready() {
  node_channel_confirmed_ = false;
  subscriber_unheard_since_.reset();
  std::vector<std::string> channels;
  std::size_t rooms = 0;
  for (const auto& [room, subscription] : subscriptions_) {
    if (!subscription.wanted) continue;
    channels.push_back(room_channel(room));
    ++rooms;
    if (channels.size() == channels_per_subscribe) {
      send_subscribe(channels);
      channels.clear();
    }
  }
  // Last: Redis confirms in order, so the node channel's confirmation says
  // that every room (and the other nodes' gap notices) before it is
  // subscribed again.
  channels.emplace_back(gaps_channel);
  channels.push_back(node_channel_);
  send_subscribe(channels);
  if (rooms > 0) spdlog::info("redis: subscribing to {} rooms again", rooms);
  update_readiness();
}

void RedisBroker::on_subscriber_lost() {
  if (!gap_since_) gap_since_ = subscriptions_confirmed_at_;
  node_channel_confirmed_ = false;
  subscriber_unheard_since_.reset();
  for (auto it = subscriptions_.begin(); it != subscriptions_.end();) {
    it->second.unconfirmed = 0;
    run_waiting(it->second);
    it = it->second.wanted ? std::next(it) : subscriptions_.erase(it);
  }
  update_readiness();
}

void RedisBroker::on_subscription_reply(const void* reply_pointer) {
  const auto* reply = static_cast<const redisReply*>(reply_pointer);
  if (reply->type != REDIS_REPLY_ARRAY || reply->elements < 3) return;
  const auto kind = text_of(reply->element[0]);
  const auto channel = text_of(reply->element[1]);
  if (kind == "message") {
    if (channel == gaps_channel) return on_gap_notice(text_of(reply->element[2]));
    return on_room_message(channel, text_of(reply->element[2]));
  }
  if (kind != "subscribe") return;  // an unsubscribe's confirmation: nothing waits for it
  if (channel == node_channel_) {
    node_channel_confirmed_ = true;
    subscriber_unheard_since_.reset();
    subscriptions_confirmed_at_ = std::chrono::system_clock::now();
    update_readiness();
    if (gap_since_) {
      const auto since = *std::exchange(gap_since_, std::nullopt);
      if (gap_closed_) gap_closed_(since);
    }
    return;
  }
  if (channel.substr(0, room_channel_prefix.size()) != room_channel_prefix) return;
  on_room_confirmed(hub::RoomId(channel.substr(room_channel_prefix.size())));
}

void RedisBroker::on_room_confirmed(const hub::RoomId& room) {
  const auto found = subscriptions_.find(room);
  if (found == subscriptions_.end() || found->second.unconfirmed == 0) return;
  auto& subscription = found->second;
  if (--subscription.unconfirmed > 0) return;
  if (subscription.wanted) {
    run_waiting(subscription);
  } else {
    subscriptions_.erase(found);
  }
}

void RedisBroker::on_room_message(std::string_view channel, std::string_view framed) {
  const auto newline = framed.find('\n');
  if (newline == std::string_view::npos ||
      channel.substr(0, room_channel_prefix.size()) != room_channel_prefix)
    return;
  if (framed.substr(0, newline) == node_id_) return;  // delivered here when published
  metrics_.broker_messages_received_total.fetch_add(1, std::memory_order_relaxed);
  deliver_(hub::RoomMessage{hub::RoomId(channel.substr(room_channel_prefix.size())),
                            hub::make_shared_text(std::string(framed.substr(newline + 1))), 0});
}

void RedisBroker::on_gap_notice(std::string_view notice) {
  const auto newline = notice.find('\n');
  if (newline == std::string_view::npos || notice.substr(0, newline) == node_id_) return;
  std::int64_t since_ms = 0;
  const auto digits = notice.substr(newline + 1);
  if (std::from_chars(digits.data(), digits.data() + digits.size(), since_ms).ec != std::errc()) return;
  spdlog::warn("redis: node {} dropped messages; filling what this node's clients missed",
               notice.substr(0, newline));
  if (gap_closed_) gap_closed_(std::chrono::system_clock::time_point(std::chrono::milliseconds(since_ms)));
}

void RedisBroker::count_dropped(std::size_t messages) {
  metrics_.broker_messages_dropped_total.fetch_add(messages, std::memory_order_relaxed);
  ++drops_;
  // A message dropped now may have been published up to a heartbeat
  // deadline ago (it waited for Redis's answer).
  if (!publish_gap_since_) publish_gap_since_ = std::chrono::system_clock::now() - heartbeat_deadline;
}

void RedisBroker::send_gap_notice() {
  if (!publish_gap_since_ || !publisher_.is_ready()) return;
  const auto since_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(publish_gap_since_->time_since_epoch()).count();
  const auto notice = node_id_ + "\n" + std::to_string(since_ms);
  const std::string_view command[] = {"PUBLISH", gaps_channel, notice};
  const auto on_reply = [](redisAsyncContext*, void* reply, void* privdata) {
    auto& broker = *static_cast<RedisBroker*>(privdata);
    const bool told = reply && static_cast<redisReply*>(reply)->type != REDIS_REPLY_ERROR;
    // Cleared only if nothing was dropped since it was sent: else the next
    // heartbeat tells again, from the same instant.
    if (told && broker.drops_ == broker.drops_told_) broker.publish_gap_since_.reset();
  };
  drops_told_ = drops_;
  publisher_.command(command, on_reply, this);
}

void RedisBroker::run_waiting(Subscription& subscription) {
  auto waiting = std::move(subscription.waiting);
  subscription.waiting.clear();
  for (auto& subscribed : waiting) subscribed();
}

void RedisBroker::send_heartbeat() {
  const auto now = std::chrono::steady_clock::now();
  const auto silent_too_long = [now](const Unheard& since) {
    return since && now - *since > heartbeat_deadline;
  };
  if (silent_too_long(publisher_unheard_since_)) {
    publisher_unheard_since_.reset();
    publisher_.reconnect("it did not answer a PING");
  }
  if (silent_too_long(subscriber_unheard_since_)) {
    subscriber_unheard_since_.reset();
    subscriber_.reconnect("it did not confirm a SUBSCRIBE");
  }
  const std::string_view ping[] = {"PING"};
  const auto on_pong = [](redisAsyncContext*, void* reply, void* privdata) {
    if (reply) static_cast<RedisBroker*>(privdata)->publisher_unheard_since_.reset();
  };
  if (publisher_.command(ping, on_pong, this) && !publisher_unheard_since_) publisher_unheard_since_ = now;
  send_gap_notice();
  // Subscribing to the node's channel again is answered on the subscribing
  // connection itself: no PUBLISH, so Redis's PUBLISH count stays the room
  // messages' count.
  if (subscriber_.is_ready() && node_channel_confirmed_) {
    send_subscribe({node_channel_});
    if (!subscriber_unheard_since_) subscriber_unheard_since_ = now;
  }
  heartbeat_timer_.expires_after(heartbeat_interval);
  heartbeat_timer_.async_wait(net::bind_executor(strand_, [this](boost::system::error_code error) {
    if (!error) send_heartbeat();
  }));
}

void RedisBroker::update_readiness() {
  const bool ready = publisher_.is_ready() && subscriber_.is_ready() && node_channel_confirmed_;
  if (ready != ready_.exchange(ready, std::memory_order_relaxed) && ready)
    spdlog::info("redis: every room subscribed; carrying messages between nodes");
}

}  // namespace nadoo::broker::redis
