// broker/ carries room messages between nodes: in-process for one node, Redis
// for a cluster. Both implement hub::Broker.
#pragma once

#include "hub/broker.hpp"

namespace nadoo::broker {

/// The single-node broker: a published message is delivered at once, on the
/// publishing thread, to this node's hub, which knows its own rooms, so no
/// subscription bookkeeping is needed.
class InProcessBroker final : public hub::Broker {
 public:
  void set_delivery(Delivery deliver) override { deliver_ = std::move(deliver); }
  void publish(hub::RoomMessage message) override { deliver_(message); }
  void subscribe(const hub::RoomId&) override {}
  void unsubscribe(const hub::RoomId&) override {}
  void when_subscribed(const hub::RoomId&, Subscribed subscribed) override { subscribed(); }
  bool is_ready() const override { return true; }

 private:
  Delivery deliver_;
};

}  // namespace nadoo::broker
