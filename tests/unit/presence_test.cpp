#include "endpoints/presence/presence.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace nadoo::endpoints {
namespace {

class FakeConnection final : public hub::Connection {
 public:
  FakeConnection(std::string workspace_id, std::string user_id)
      : id_(next_id_.fetch_add(1)), workspace_id_(std::move(workspace_id)), user_id_(std::move(user_id)) {}

  hub::ConnectionId id() const override { return id_; }
  const std::string& user_id() const override { return user_id_; }
  const std::string& resource_id() const override { return workspace_id_; }
  void send(hub::SharedText, hub::MessageKind) override {}
  void close(hub::CloseCode, std::string_view) override {}
  hub::EndpointState* endpoint_state() const override { return nullptr; }
  void set_endpoint_state(std::unique_ptr<hub::EndpointState>) override {}

 private:
  static inline std::atomic<hub::ConnectionId> next_id_{1};
  hub::ConnectionId id_;
  std::string workspace_id_;
  std::string user_id_;
};

hub::ConnectionPtr connection(const std::string& workspace_id, const std::string& user_id) {
  return std::make_shared<FakeConnection>(workspace_id, user_id);
}

Presence::Arrival arrive(Presence& presence, const hub::ConnectionPtr& connection) {
  Presence::Arrival seen;
  presence.arrive(connection, [&](const Presence::Arrival& arrival) { seen = arrival; });
  return seen;
}

bool depart(Presence& presence, const hub::ConnectionPtr& connection) {
  bool last = false;
  presence.depart(*connection,
                  [&](const Presence::Departure& departure) { last = departure.last_connection; });
  return last;
}

TEST(Presence, only_the_first_tab_of_a_user_is_announced) {
  Presence presence;
  EXPECT_TRUE(arrive(presence, connection("ws-1", "alice")).first_connection);
  EXPECT_FALSE(arrive(presence, connection("ws-1", "alice")).first_connection);
  EXPECT_TRUE(arrive(presence, connection("ws-2", "alice")).first_connection);
  EXPECT_TRUE(arrive(presence, connection("ws-1", "bob")).first_connection);
}

TEST(Presence, online_users_include_the_arriving_user_once_by_id) {
  Presence presence;
  arrive(presence, connection("ws-1", "carol"));
  arrive(presence, connection("ws-1", "alice"));
  arrive(presence, connection("ws-2", "dave"));
  const auto arrival = arrive(presence, connection("ws-1", "alice"));
  EXPECT_EQ(arrival.online_users, (std::vector<std::string>{"alice", "carol"}));
  EXPECT_EQ(presence.online_users("ws-2"), std::vector<std::string>{"dave"});
  EXPECT_TRUE(presence.online_users("ws-none").empty());
}

/// Alice has two tabs open in ws-1.
class PresenceWithTwoTabs : public ::testing::Test {
 protected:
  PresenceWithTwoTabs() {
    arrive(presence_, first_tab_);
    arrive(presence_, second_tab_);
  }

  Presence presence_;
  const hub::ConnectionPtr first_tab_ = connection("ws-1", "alice");
  const hub::ConnectionPtr second_tab_ = connection("ws-1", "alice");
};

TEST_F(PresenceWithTwoTabs, only_the_last_tab_leaving_is_the_user_leaving) {
  EXPECT_FALSE(depart(presence_, first_tab_));
  EXPECT_EQ(presence_.online_users("ws-1"), std::vector<std::string>{"alice"});
  EXPECT_TRUE(depart(presence_, second_tab_));
  EXPECT_TRUE(presence_.online_users("ws-1").empty());
}

TEST(Presence, a_connection_that_never_arrived_departs_without_an_action) {
  Presence presence;
  arrive(presence, connection("ws-1", "alice"));
  bool called = false;
  presence.depart(*connection("ws-1", "alice"), [&](const Presence::Departure&) { called = true; });
  EXPECT_FALSE(called);
  EXPECT_EQ(presence.online_users("ws-1"), std::vector<std::string>{"alice"});
}

TEST_F(PresenceWithTwoTabs, removing_a_member_returns_their_connections_to_that_workspace_only) {
  arrive(presence_, connection("ws-2", "alice"));
  arrive(presence_, connection("ws-1", "bob"));
  const auto removed = presence_.remove_member("ws-1", "alice");
  ASSERT_EQ(removed.size(), 2u);
  EXPECT_EQ(removed[0]->id(), first_tab_->id());
  EXPECT_EQ(removed[1]->id(), second_tab_->id());
  EXPECT_TRUE(presence_.remove_member("ws-1", "nobody").empty());
}

TEST(Presence, an_arrival_after_a_removal_of_its_user_is_flagged_for_a_second_check) {
  Presence presence;
  presence.remove_member("ws-1", "alice");
  EXPECT_TRUE(arrive(presence, connection("ws-1", "alice")).removal_may_have_raced);
  EXPECT_FALSE(arrive(presence, connection("ws-2", "alice")).removal_may_have_raced);
  EXPECT_FALSE(arrive(presence, connection("ws-1", "bob")).removal_may_have_raced);
}

TEST(Presence, only_recent_removals_are_remembered) {
  Presence presence;
  presence.remove_member("ws-1", "oldest");
  for (int i = 0; i < 5000; ++i) presence.remove_member("ws-1", "user-" + std::to_string(i));
  EXPECT_FALSE(arrive(presence, connection("ws-1", "oldest")).removal_may_have_raced);
  EXPECT_TRUE(arrive(presence, connection("ws-1", "user-4999")).removal_may_have_raced);
}

// Two tabs of one user open and close over and over on two threads. The
// announcements, recorded where they would be published (under the presence
// lock), must alternate joined, left, joined, … and end with left: others
// never see the user joined twice in a row, or left while a tab is open.
TEST(Presence, two_tabs_on_two_threads_announce_joined_and_left_alternately) {
  Presence presence;
  std::vector<std::string> announcements;  // written under the presence lock only
  constexpr int cycles = 20000;
  auto run_tab = [&] {
    for (int i = 0; i < cycles; ++i) {
      const auto tab = connection("ws-1", "alice");
      presence.arrive(tab, [&](const Presence::Arrival& arrival) {
        if (arrival.first_connection) announcements.push_back("user_joined");
      });
      presence.depart(*tab, [&](const Presence::Departure& departure) {
        if (departure.last_connection) announcements.push_back("user_left");
      });
    }
  };
  std::thread first(run_tab);
  std::thread second(run_tab);
  first.join();
  second.join();

  ASSERT_FALSE(announcements.empty());
  ASSERT_EQ(announcements.size() % 2, 0u);
  for (std::size_t i = 0; i < announcements.size(); ++i) {
    ASSERT_EQ(announcements[i], i % 2 == 0 ? "user_joined" : "user_left") << "at " << i;
  }
  EXPECT_TRUE(presence.online_users("ws-1").empty());
}

TEST(Presence, a_user_on_another_node_is_online_here_and_announced_once_across_nodes) {
  Presence presence;
  std::vector<bool> announced;
  const auto announce = [&](bool online) { announced.push_back(online); };
  presence.remote_change("ws-1", "dana", "node-b", true, announce);
  presence.remote_change("ws-1", "dana", "node-c", true, announce);  // a second node: nothing new
  EXPECT_EQ(announced, std::vector<bool>{true});
  const auto arrival = arrive(presence, connection("ws-1", "dana"));
  EXPECT_FALSE(arrival.first_connection);   // already online elsewhere: not announced again
  EXPECT_TRUE(arrival.first_on_this_node);  // but the other nodes are told
  EXPECT_EQ(arrival.online_users, std::vector<std::string>{"dana"});
  presence.remote_change("ws-1", "dana", "node-b", false, announce);
  presence.remote_change("ws-1", "dana", "node-c", false, announce);
  EXPECT_EQ(announced, std::vector<bool>{true});  // still here on this node
  EXPECT_EQ(presence.local_users(), (std::map<std::string, std::vector<std::string>>{{"ws-1", {"dana"}}}));
}

TEST(Presence, the_last_tab_here_leaves_only_when_no_other_node_has_one) {
  Presence presence;
  const auto tab = connection("ws-1", "eli");
  arrive(presence, tab);
  presence.remote_change("ws-1", "eli", "node-b", true, [](bool) { FAIL() << "already online here"; });
  Presence::Departure departure;
  presence.depart(*tab, [&](const Presence::Departure& seen) { departure = seen; });
  EXPECT_TRUE(departure.last_on_this_node);
  EXPECT_FALSE(departure.last_connection);
  std::vector<bool> announced;
  presence.remote_change("ws-1", "eli", "node-b", false, [&](bool online) { announced.push_back(online); });
  EXPECT_EQ(announced, std::vector<bool>{false});
  EXPECT_TRUE(presence.online_users("ws-1").empty());
}

}  // namespace
}  // namespace nadoo::endpoints
