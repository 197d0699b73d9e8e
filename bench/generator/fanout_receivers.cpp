#include "fanout_receivers.hpp"

#include <algorithm>
#include <iterator>

#include "fanout_event.hpp"
#include "latency_samples.hpp"
#include "monotonic_clock.hpp"
#include "per_thread_latest.hpp"

namespace nadoo::bench {
namespace {

/// What the receivers record; each I/O thread writes only its own slots.
struct Deliveries {
  explicit Deliveries(unsigned threads)
      : latencies(threads), last_delivery_us(threads), frame_bytes(threads) {}

  /// The receive path: no JSON parse, no allocation once the buffers are grown.
  void observe(std::string_view message, unsigned thread_index) {
    if (const auto sent_us = find_sent_us(message)) {
      const std::uint64_t now_us = monotonic_microseconds();
      latencies.record(thread_index, now_us - *sent_us);
      last_delivery_us.note(thread_index, now_us);
      frame_bytes[thread_index].bytes += unmasked_frame_bytes(message.size());
      delivered.add();
    } else if (is_fanout_warmup(message)) {
      warmed_up.add();
    }
  }

  /// What the server wrote for a text message of `payload` bytes.
  static std::uint64_t unmasked_frame_bytes(std::size_t payload) {
    return payload + (payload < 126 ? 2 : payload < 65536 ? 4 : 10);
  }

  std::uint64_t frame_bytes_total() const {
    std::uint64_t total = 0;
    for (const auto& slot : frame_bytes) total += slot.bytes;
    return total;
  }

  LatencySamples latencies;
  PerThreadLatest last_delivery_us;
  /// Bytes of the delivered frames, header included; read once the threads stopped.
  struct alignas(64) FrameBytes {
    std::uint64_t bytes = 0;
  };
  std::vector<FrameBytes> frame_bytes;
  CompletionCounter delivered;
  CompletionCounter warmed_up;
};

class ReceiverShard final : public FanoutReceivers {
 public:
  ReceiverShard(WorkloadRun& run, unsigned threads, std::vector<std::string> paths, std::size_t events)
      : run_(run),
        members_(paths.size()),
        deliveries_expected_(paths.size() * events),
        threads_(threads),
        deliveries_(threads),
        held_(threads),
        dialer_(threads_,
                {run.options.target, std::move(paths), run.options.handshakes_in_flight,
                 run.options.member_ports},
                [this](std::shared_ptr<BenchConnection> connection,
                       unsigned thread_index) -> boost::asio::awaitable<void> {
                  held_.hold(thread_index, std::move(connection), observer_);
                  co_return;
                }) {
    deliveries_.latencies.reserve_for_total(deliveries_expected_);
  }

  // Before any member goes: the threads' handlers use all of them.
  ~ReceiverShard() override { threads_.stop(); }

  bool connect() override {
    dialer_.start();
    return run_.await(dialer_.attempts(), dialer_.planned(), "connecting the members") &&
           dialer_.failed() == 0;  // the connect figures say why
  }

  bool await_warmed_up() override { return run_.await(deliveries_.warmed_up, members_, "warming up"); }

  bool await_delivered() override {
    return run_.await(deliveries_.delivered, deliveries_expected_, "delivering");
  }

  ReceiverOutcome close(bool orderly) override {
    if (orderly) run_.close_held(held_, threads_);
    threads_.stop();
    ReceiverOutcome outcome;
    outcome.connects = dialer_.tally();
    outcome.delivered = deliveries_.delivered.count();
    outcome.frame_bytes = deliveries_.frame_bytes_total();
    outcome.last_delivery_us = deliveries_.last_delivery_us.latest();
    outcome.clean_closes = held_.closes().clean.load();
    outcome.unclean_closes = held_.closes().unclean.load();
    outcome.latencies_us = deliveries_.latencies.sorted();
    return outcome;
  }

  std::vector<int> worker_pids() const override { return {}; }

 private:
  WorkloadRun& run_;
  const std::size_t members_;
  const std::size_t deliveries_expected_;
  IoThreads threads_;
  Deliveries deliveries_;
  const MessageObserver observer_ = [this](std::string_view message, unsigned thread_index) {
    deliveries_.observe(message, thread_index);
  };
  HeldConnections held_;
  ConnectionDialer dialer_;
};

}  // namespace

void ReceiverOutcome::merge(ReceiverOutcome&& other) {
  connects.merge(std::move(other.connects));
  delivered += other.delivered;
  frame_bytes += other.frame_bytes;
  last_delivery_us = std::max(last_delivery_us, other.last_delivery_us);
  clean_closes += other.clean_closes;
  unclean_closes += other.unclean_closes;
  merge_ascending(latencies_us, std::move(other.latencies_us));
  std::move(other.problems.begin(), other.problems.end(), std::back_inserter(problems));
  timed_out = timed_out || other.timed_out;
}

std::unique_ptr<FanoutReceivers> make_receiver_shard(WorkloadRun& run, unsigned threads,
                                                     std::vector<std::string> paths, std::size_t events) {
  return std::make_unique<ReceiverShard>(run, threads, std::move(paths), events);
}

}  // namespace nadoo::bench
