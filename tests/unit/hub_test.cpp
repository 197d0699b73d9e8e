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

}  // namespace
}  // namespace nadoo::hub
