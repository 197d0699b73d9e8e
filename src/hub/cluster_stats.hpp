#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <atomic>
#include <chrono>
#include <mutex>
#include <string>
#include <unordered_map>

#include "hub/hub.hpp"

namespace nadoo::hub {

/// The stats document's figures over every node of a cluster: this node's
/// own as they are now, each other node's as it last reported them. Every
/// node reports its figures to the others (the room `cluster:stats`) when
/// they change, at most every 250 ms, and at least every third of the node
/// TTL; a node that has not reported for a TTL (crashed, partitioned) no
/// longer counts. Nothing is reported while the broker cannot carry it, and
/// the figures go out at once when it can again.
///
/// Thread-safety: every member function may be called from any thread.
class ClusterStats {
 public:
  ClusterStats(boost::asio::any_io_executor executor, Hub& hub, const Broker& broker, std::string node_id,
               std::chrono::milliseconds node_ttl);

  /// Starts reporting to the other nodes and hearing their reports; a
  /// single node never does, and its figures are only its own.
  void start();
  /// At shutdown: tells the others that this node serves nobody now.
  void stop();
  StatsSnapshot snapshot() const;
  const std::string& node_id() const { return node_id_; }
  /// Whether `node` is gone as far as this node can tell: Redis has carried
  /// messages here for a whole TTL, and `node` reported nothing in it.
  bool has_lost(const std::string& node) const;

 private:
  struct NodeReport {
    StatsSnapshot stats;
    std::chrono::steady_clock::time_point received;
  };

  void tick();
  void report(const StatsSnapshot& stats);
  void on_report(const std::string& payload);

  Hub& hub_;
  const Broker& broker_;
  const std::string node_id_;
  const std::chrono::milliseconds node_ttl_;
  /// On a strand of its own: tick, stop and the first tick never overlap.
  boost::asio::steady_timer timer_;
  // Touched by tick() only.
  std::uint64_t reported_version_ = 0;
  std::chrono::steady_clock::time_point reported_at_;
  bool broker_was_ready_ = false;
  /// Since when the broker has been ready (steady clock ticks), 0 while it is not.
  std::atomic<std::chrono::steady_clock::rep> broker_ready_since_{0};

  mutable std::mutex mutex_;
  std::unordered_map<std::string, NodeReport> other_nodes_;
};

}  // namespace nadoo::hub
