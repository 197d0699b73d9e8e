#include "hub/cluster_stats.hpp"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>

#include "broker/in_process_broker.hpp"
#include "hub/room_listener.hpp"

namespace nadoo::hub {
namespace {

using namespace std::chrono_literals;

/// A connection the hub can count; it sends nowhere.
class SilentConnection final : public Connection {
 public:
  explicit SilentConnection(ConnectionId id) : id_(id) {}
  ConnectionId id() const override { return id_; }
  const std::string& user_id() const override { return nobody_; }
  const std::string& resource_id() const override { return nobody_; }
  void send(SharedText, MessageKind) override {}
  void close(CloseCode, std::string_view) override {}
  EndpointState* endpoint_state() const override { return nullptr; }
  void set_endpoint_state(std::unique_ptr<EndpointState>) override {}

 private:
  const ConnectionId id_;
  const std::string nobody_;
};

class ClusterStatsTest : public ::testing::Test {
 protected:
  void hear(const std::string& report) { hub_.publish(cluster_room("stats"), make_shared_text(report)); }

  boost::asio::io_context io_context_;
  broker::InProcessBroker broker_;
  Hub hub_{broker_};
  ClusterStats stats_{io_context_.get_executor(), hub_, broker_, "node-a", 10s};
};

TEST_F(ClusterStatsTest, the_other_nodes_reports_add_to_this_nodes_own_figures) {
  hub_.add(std::make_shared<SilentConnection>(1), {"ann", "session-1"});
  stats_.start();
  hear(R"({"node":"node-b","total_connections":2,"sessions":{"session-1":1,"session-2":1},"users":{"bob":2}})");
  hear(R"({"node":"node-c","total_connections":1,"sessions":{"session-2":1},"users":{"ann":1}})");
  const auto sum = stats_.snapshot();
  EXPECT_EQ(sum.total_connections, 4U);
  EXPECT_EQ(sum.sessions, (std::map<std::string, std::size_t>{{"session-1", 2}, {"session-2", 2}}));
  EXPECT_EQ(sum.users, (std::map<std::string, std::size_t>{{"ann", 2}, {"bob", 2}}));
}

TEST_F(ClusterStatsTest, a_later_report_replaces_the_nodes_earlier_one_and_its_own_are_ignored) {
  stats_.start();
  hear(R"({"node":"node-b","total_connections":5,"sessions":{},"users":{"bob":5}})");
  hear(R"({"node":"node-b","total_connections":1,"sessions":{},"users":{"bob":1}})");
  hear(R"({"node":"node-a","total_connections":7,"sessions":{},"users":{"ann":7}})");
  hear(R"({"node":"node-d","total_connections":"many"})");  // malformed: logged, ignored
  const auto sum = stats_.snapshot();
  EXPECT_EQ(sum.total_connections, 1U);
  EXPECT_EQ(sum.users, (std::map<std::string, std::size_t>{{"bob", 1}}));
}

TEST_F(ClusterStatsTest, a_single_node_that_never_starts_reports_its_own_figures_only) {
  hub_.add(std::make_shared<SilentConnection>(1), {"ann", ""});
  hear(R"({"node":"node-b","total_connections":2,"sessions":{},"users":{"bob":2}})");
  EXPECT_EQ(stats_.snapshot().total_connections, 1U);
}

}  // namespace
}  // namespace nadoo::hub
