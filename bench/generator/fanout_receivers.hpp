#pragma once
// fanout's receiving members: the phases every set of receivers goes through
// (connect, warm up, receive every event, close), what they measured, and the
// receivers of this process (ReceiverShard). receiver_processes.hpp spreads
// them over worker processes instead.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "workload_run.hpp"

namespace nadoo::bench {

/// What a set of receivers measured; sums and ascending samples, so that the
/// outcomes of several sets merge into one.
struct ReceiverOutcome {
  ConnectTally connects;
  std::uint64_t delivered = 0;
  /// Bytes of the delivered frames, header included (what the server wrote).
  std::uint64_t frame_bytes = 0;
  /// Monotonic microseconds (one clock for every process of the machine).
  std::uint64_t last_delivery_us = 0;
  std::uint64_t clean_closes = 0;
  std::uint64_t unclean_closes = 0;
  std::vector<std::uint32_t> latencies_us;  // ascending
  /// What went wrong inside a worker process (the parent's own run notes its own).
  std::vector<std::string> problems;
  bool timed_out = false;

  void merge(ReceiverOutcome&& other);
};

/// Receivers, driven by the main thread one phase after another; each phase
/// returns false when it failed or its deadline came (the run says why).
class FanoutReceivers {
 public:
  virtual ~FanoutReceivers() = default;
  /// Dials every member; true once all are connected.
  virtual bool connect() = 0;
  /// True once every member has the warm-up event.
  virtual bool await_warmed_up() = 0;
  /// True once every member has every event.
  virtual bool await_delivered() = 0;
  /// The last call: with `orderly`, closes every member with 1000 by the
  /// deadline; without (a run that already failed), abandons them.
  virtual ReceiverOutcome close(bool orderly) = 0;
  /// Processes besides this one whose CPU is the generator's too.
  virtual std::vector<int> worker_pids() const = 0;
};

/// The receivers of `paths`, on `threads` I/O threads of this process.
/// `events` is how many each member is to receive.
std::unique_ptr<FanoutReceivers> make_receiver_shard(WorkloadRun& run, unsigned threads,
                                                     std::vector<std::string> paths, std::size_t events);

}  // namespace nadoo::bench
