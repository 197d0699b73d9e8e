#include "hub/cluster_stats.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/strand.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/value_to.hpp>

#include "hub/room_listener.hpp"
#include "util/json_serialize.hpp"

namespace nadoo::hub {
namespace {

using namespace std::chrono_literals;

const RoomId stats_room = cluster_room("stats");
/// How soon a change reaches the other nodes' documents, at most; one
/// report per node per tick however many connections came and went.
constexpr std::chrono::milliseconds report_tick = 250ms;

boost::json::object counts_json(const std::map<std::string, std::size_t>& counts) {
  boost::json::object json;
  for (const auto& [key, count] : counts) json[key] = count;
  return json;
}

std::map<std::string, std::size_t> counts_of(const boost::json::object& json) {
  std::map<std::string, std::size_t> counts;
  for (const auto& [key, count] : json) counts[key] = boost::json::value_to<std::size_t>(count);
  return counts;
}

void add_counts(std::map<std::string, std::size_t>& sum, const std::map<std::string, std::size_t>& counts) {
  for (const auto& [key, count] : counts) sum[key] += count;
}

}  // namespace

ClusterStats::ClusterStats(boost::asio::any_io_executor executor, Hub& hub, const Broker& broker,
                           std::string node_id, std::chrono::milliseconds node_ttl)
    : hub_(hub),
      broker_(broker),
      node_id_(std::move(node_id)),
      node_ttl_(node_ttl),
      timer_(boost::asio::make_strand(std::move(executor))) {}

void ClusterStats::start() {
  hub_.listen(std::make_shared<RoomListener>([this](const std::string& payload) { on_report(payload); }),
              stats_room);
  boost::asio::dispatch(timer_.get_executor(), [this] { tick(); });
}

void ClusterStats::stop() {
  boost::asio::dispatch(timer_.get_executor(), [this] {
    timer_.cancel();
    report(StatsSnapshot{});
  });
}

void ClusterStats::tick() {
  const auto now = std::chrono::steady_clock::now();
  const auto version = hub_.registry_version();
  const bool broker_ready = broker_.is_ready();
  const bool broker_came_back = broker_ready && !broker_was_ready_;
  broker_was_ready_ = broker_ready;
  if (broker_came_back) broker_ready_since_ = now.time_since_epoch().count();
  if (!broker_ready) broker_ready_since_ = 0;
  // A third of the TTL: a node missing two reports in a row still counts.
  if (broker_came_back ||
      (broker_ready && (version != reported_version_ || now - reported_at_ >= node_ttl_ / 3))) {
    reported_version_ = version;
    reported_at_ = now;
    report(hub_.stats());
  }
  timer_.expires_after(report_tick);
  timer_.async_wait([this](boost::system::error_code error) {
    if (!error) tick();
  });
}

void ClusterStats::report(const StatsSnapshot& stats) {
  hub_.publish(stats_room, make_shared_text(util::serialize_json(
                               boost::json::object{{"node", node_id_},
                                                   {"total_connections", stats.total_connections},
                                                   {"sessions", counts_json(stats.sessions)},
                                                   {"users", counts_json(stats.users)}})));
}

void ClusterStats::on_report(const std::string& payload) {
  try {
    const auto report = boost::json::parse(payload).as_object();
    auto node = boost::json::value_to<std::string>(report.at("node"));
    if (node == node_id_) return;
    NodeReport heard{
        {boost::json::value_to<std::size_t>(report.at("total_connections")),
         counts_of(report.at("sessions").as_object()), counts_of(report.at("users").as_object())},
        std::chrono::steady_clock::now()};
    std::lock_guard lock(mutex_);
    other_nodes_.insert_or_assign(std::move(node), std::move(heard));
  } catch (const std::exception& error) {
    spdlog::error("stats room: a report that does not parse ({}): {}", error.what(), payload);
  }
}

bool ClusterStats::has_lost(const std::string& node) const {
  const auto ready_since = broker_ready_since_.load();
  const auto now = std::chrono::steady_clock::now();
  if (ready_since == 0 ||
      now - std::chrono::steady_clock::time_point(std::chrono::steady_clock::duration(ready_since)) < node_ttl_)
    return false;
  std::lock_guard lock(mutex_);
  const auto found = other_nodes_.find(node);
  return found == other_nodes_.end() || found->second.received < now - node_ttl_;
}

StatsSnapshot ClusterStats::snapshot() const {
  auto sum = hub_.stats();
  const auto oldest_counted = std::chrono::steady_clock::now() - node_ttl_;
  std::lock_guard lock(mutex_);
  for (const auto& [node, report] : other_nodes_) {
    if (report.received < oldest_counted) continue;
    sum.total_connections += report.stats.total_connections;
    add_counts(sum.sessions, report.stats.sessions);
    add_counts(sum.users, report.stats.users);
  }
  return sum;
}

}  // namespace nadoo::hub
