#include "hub/hub.hpp"

#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

#include "broker/in_process_broker.hpp"

namespace nadoo::hub {
namespace {

/// Records what it is sent; `on_send` lets a test act in the middle of a broadcast.
class RecordingConnection final : public Connection {
 public:
  explicit RecordingConnection(ConnectionId id) : id_(id) {}

  ConnectionId id() const override { return id_; }
  const std::string& user_id() const override { return user_id_; }
  const std::string& resource_id() const override { return user_id_; }
  void send(SharedText message, MessageKind) override {
    received.push_back(*message);
    if (on_send) on_send();
  }
  void close(CloseCode, std::string_view) override {}
  EndpointState* endpoint_state() const override { return nullptr; }
  void set_endpoint_state(std::unique_ptr<EndpointState>) override {}

  std::vector<std::string> received;
  std::function<void()> on_send;

 private:
  const ConnectionId id_;
  const std::string user_id_ = "user";
};

class HubTest : public ::testing::Test {
 protected:
  std::shared_ptr<RecordingConnection> connect(ConnectionId id, const RoomId& room) {
    auto connection = std::make_shared<RecordingConnection>(id);
    hub_.add(connection, {"user-" + std::to_string(id), ""});
    hub_.join(connection, room);
    return connection;
  }

  broker::InProcessBroker broker_;
  Hub hub_{broker_};
  const RoomId room_ = workspace_room("ws-1");
};

TEST_F(HubTest, publish_reaches_every_member_but_the_excluded_one) {
  auto first = connect(1, room_);
  auto second = connect(2, room_);
  auto elsewhere = connect(3, workspace_room("ws-2"));
  hub_.publish(room_, make_shared_text("hello"), first->id());
  EXPECT_TRUE(first->received.empty());
  EXPECT_EQ(second->received, std::vector<std::string>{"hello"});
  EXPECT_TRUE(elsewhere->received.empty());
}

TEST_F(HubTest, members_that_left_or_were_removed_receive_nothing_more) {
  auto first = connect(1, room_);
  auto second = connect(2, room_);
  auto third = connect(3, room_);
  hub_.leave(first->id(), room_);
  hub_.remove(second->id());
  hub_.publish(room_, make_shared_text("after"));
  EXPECT_TRUE(first->received.empty());
  EXPECT_TRUE(second->received.empty());
  EXPECT_EQ(third->received, std::vector<std::string>{"after"});
  EXPECT_EQ(hub_.stats().total_connections, 2U);
}

TEST_F(HubTest, a_broadcast_sends_to_the_members_it_found_while_members_join_and_leave) {
  auto first = connect(1, room_);
  auto second = connect(2, room_);
  std::shared_ptr<RecordingConnection> joiner;
  // During the broadcast, the first member's send makes another join and the second leave.
  first->on_send = [&] {
    if (joiner) return;
    joiner = connect(3, room_);
    hub_.leave(second->id(), room_);
  };
  hub_.publish(room_, make_shared_text("during"));
  EXPECT_EQ(first->received, std::vector<std::string>{"during"});
  EXPECT_EQ(second->received, std::vector<std::string>{"during"});
  ASSERT_TRUE(joiner);
  EXPECT_TRUE(joiner->received.empty());

  hub_.publish(room_, make_shared_text("next"));
  EXPECT_EQ(first->received, (std::vector<std::string>{"during", "next"}));
  EXPECT_EQ(second->received, std::vector<std::string>{"during"});
  EXPECT_EQ(joiner->received, std::vector<std::string>{"next"});
}

TEST_F(HubTest, counts_connections_of_a_user_in_a_room) {
  connect(1, room_);
  connect(2, room_);
  EXPECT_EQ(hub_.user_connections_in_room(room_, "user"), 2U);
  EXPECT_EQ(hub_.user_connections_in_room(workspace_room("ws-2"), "user"), 0U);
}

/// Records the subscriptions the hub asks for, and delivers in process.
class SubscriptionRecordingBroker final : public Broker {
 public:
  void set_delivery(Delivery deliver) override { in_process_.set_delivery(std::move(deliver)); }
  void publish(RoomMessage message) override { in_process_.publish(std::move(message)); }
  void subscribe(const RoomId& room) override { calls.push_back("subscribe " + room); }
  void unsubscribe(const RoomId& room) override { calls.push_back("unsubscribe " + room); }
  void when_subscribed(const RoomId& room, Subscribed subscribed) override {
    calls.push_back("wait " + room);
    subscribed();
  }
  bool is_ready() const override { return true; }

  std::vector<std::string> calls;

 private:
  broker::InProcessBroker in_process_;
};

TEST(HubSubscriptions, a_room_is_subscribed_with_its_first_member_and_unsubscribed_with_its_last) {
  SubscriptionRecordingBroker broker;
  Hub hub(broker);
  const auto room = chat_room("s-1");
  std::vector<std::shared_ptr<RecordingConnection>> members;
  for (ConnectionId id = 1; id <= 3; ++id) {
    members.push_back(std::make_shared<RecordingConnection>(id));
    hub.add(members.back(), {});
    hub.join(members.back(), room);
  }
  hub.join(members.front(), room);  // already a member: nothing changes
  hub.leave(1, room);
  hub.leave(1, room);  // not a member any more
  hub.publish(room, make_shared_text("after the first left"));
  hub.remove(2);
  EXPECT_EQ(broker.calls, std::vector<std::string>{"subscribe " + room});
  hub.remove(3);
  EXPECT_EQ(broker.calls, (std::vector<std::string>{"subscribe " + room, "unsubscribe " + room}));
  EXPECT_TRUE(members[0]->received.empty());
  EXPECT_EQ(members[1]->received, std::vector<std::string>{"after the first left"});
  EXPECT_EQ(members[2]->received, std::vector<std::string>{"after the first left"});
}

TEST(HubSubscriptions, a_join_that_waits_for_the_subscription_asks_the_broker_after_subscribing) {
  SubscriptionRecordingBroker broker;
  Hub hub(broker);
  const auto room = user_room("u-1");
  const auto member = std::make_shared<RecordingConnection>(1);
  hub.add(member, {});
  bool subscribed = false;
  hub.join(member, room, [&] { subscribed = true; });
  EXPECT_TRUE(subscribed);
  EXPECT_EQ(broker.calls, (std::vector<std::string>{"subscribe " + room, "wait " + room}));
}

}  // namespace
}  // namespace nadoo::hub
