#pragma once

#include <atomic>
#include <boost/asio/steady_timer.hpp>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "broker/redis/redis_address.hpp"
#include "broker/redis/redis_connection.hpp"
#include "hub/broker.hpp"
#include "hub/server_metrics.hpp"

namespace nadoo::broker::redis {

/// Carries room messages between nodes over Redis PUB/SUB: one channel per
/// room (`nadoo:room:` and the room's name), subscribed while the room has a
/// member on this node; one PUBLISH per room message, whatever the number of
/// members and nodes. A message reaches this node's members at once, on the
/// publishing thread (so they keep getting messages while Redis is down), and
/// the other nodes' through Redis; a node skips its own messages coming back.
///
/// Two connections, both driven from one strand: commands (PUBLISH) on one,
/// the subscriptions on the other (a subscribed connection takes nothing
/// else). Messages published on this node leave in the order published, on
/// the one publishing connection, so every node gets one publisher's
/// messages in that order.
///
/// A node that drops messages (its publishing connection failed, or Redis
/// refused them) tells the others in `nadoo:gaps` once it can publish
/// again; they fill the gap as after losing their own subscriptions.
///
/// Liveness: every second each connection must answer a heartbeat (a PING;
/// a SUBSCRIBE to the node's own channel on the subscribing one); one that
/// stops answering (a wedged connection, centrifugo#1189) is reconnected.
/// /readyz says 503 until both are connected and every room is subscribed
/// again: the node's channel is subscribed after the rooms, and Redis
/// confirms in order. Then the hub is told that a gap closed, so that the
/// members of stored streams fill it from storage.
///
/// Thread-safety: every member function may be called from any thread.
class RedisBroker final : public hub::Broker {
 public:
  RedisBroker(boost::asio::io_context& io_context, RedisAddress address, std::string node_id,
              hub::ServerMetrics& metrics);
  ~RedisBroker() override;

  void set_delivery(Delivery deliver) override { deliver_ = std::move(deliver); }
  void set_gap_closed(GapClosed gap_closed) override { gap_closed_ = std::move(gap_closed); }
  void publish(hub::RoomMessage message) override;
  void subscribe(const hub::RoomId& room) override;
  void unsubscribe(const hub::RoomId& room) override;
  void when_subscribed(const hub::RoomId& room, Subscribed subscribed) override;
  bool is_ready() const override { return ready_.load(std::memory_order_relaxed); }
  void start() override;

 private:
  /// A room's subscription on the current subscribing connection.
  struct Subscription {
    /// Whether the room has local members.
    bool wanted = false;
    /// SUBSCRIBEs sent and not yet confirmed.
    unsigned unconfirmed = 0;
    /// Joins waiting for the confirmation.
    std::vector<Subscribed> waiting;
  };

  // All below run on the strand.
  void send_outgoing();
  void send_subscribe(const std::vector<std::string>& channels);
  void on_subscriber_ready();
  void on_subscriber_lost();
  void on_subscription_reply(const void* reply);
  void on_room_confirmed(const hub::RoomId& room);
  void on_room_message(std::string_view channel, std::string_view envelope);
  void run_waiting(Subscription& subscription);
  /// Another node dropped messages (`node id\nsince`): the other nodes'
  /// subscriptions never lost them, so only it can tell.
  void on_gap_notice(std::string_view notice);
  /// Counts `messages` dropped (0: an unknown number, lost with the
  /// connection) and remembers since when this node has dropped messages.
  void count_dropped(std::size_t messages);
  /// While this node has dropped messages that it has not told of: tells
  /// every node, in `nadoo:gaps`, so that they fill them from storage.
  void send_gap_notice();
  void send_heartbeat();
  void update_readiness();

  Strand strand_;
  const std::string node_id_;
  const std::string node_channel_;
  hub::ServerMetrics& metrics_;
  Delivery deliver_;
  GapClosed gap_closed_;
  RedisConnection publisher_;
  RedisConnection subscriber_;
  boost::asio::steady_timer heartbeat_timer_;

  std::mutex outgoing_mutex_;
  std::vector<hub::RoomMessage> outgoing_;

  std::unordered_map<hub::RoomId, Subscription> subscriptions_;
  /// Subscribed last after every (re)connection: it says every room is.
  bool node_channel_confirmed_ = false;
  /// When the oldest heartbeat that a connection has not answered was sent;
  /// empty when it answered every one.
  using Unheard = std::optional<std::chrono::steady_clock::time_point>;
  Unheard publisher_unheard_since_;
  Unheard subscriber_unheard_since_;
  /// Bytes of PUBLISHes that Redis has not answered yet: past the limit a
  /// message is dropped (and counted) rather than queued without bound.
  std::size_t unanswered_publish_bytes_ = 0;
  /// The sizes of those PUBLISHes, in the order their answers come.
  std::deque<std::size_t> unanswered_publish_sizes_;
  std::atomic<bool> ready_{false};
  /// When the subscribing connection last proved that it carried every
  /// room's messages (its heartbeat was confirmed).
  std::chrono::system_clock::time_point subscriptions_confirmed_at_;
  /// Since when messages from other nodes may have been lost, while they
  /// may be: from the start until the first subscription, and from the last
  /// confirmation before a lost subscribing connection until every room is
  /// subscribed again.
  std::optional<std::chrono::system_clock::time_point> gap_since_ = std::chrono::system_clock::now();
  /// Since when messages this node published may not have reached the
  /// other nodes, until a gap notice says so; and drops counted (all of
  /// them, and up to the last notice sent).
  std::optional<std::chrono::system_clock::time_point> publish_gap_since_;
  std::uint64_t drops_ = 0;
  std::uint64_t drops_told_ = 0;
};

}  // namespace nadoo::broker::redis
