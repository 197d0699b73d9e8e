#pragma once

#include <atomic>
#include <cstdint>

#include "hub/striped_counter.hpp"

namespace nadoo::hub {

/// Process-wide counters for /metrics, updated with relaxed ordering from
/// any thread; a scrape reads each one independently. The ones that move
/// with every message are striped (StripedCounter: a slot per thread); the
/// open connections stay one atomic, read back against their limit.
struct ServerMetrics {
  std::atomic<std::int64_t> connections_open{0};
  std::atomic<std::uint64_t> connections_accepted_total{0};
  StripedCounter<std::uint64_t> messages_received_total;
  StripedCounter<std::uint64_t> messages_sent_total;
  StripedCounter<std::uint64_t> bytes_received_total;
  StripedCounter<std::uint64_t> bytes_sent_total;
  std::atomic<std::uint64_t> auth_failures_total{0};
  std::atomic<std::uint64_t> slow_consumer_closes_total{0};
  std::atomic<std::uint64_t> connection_limit_closes_total{0};
  std::atomic<std::uint64_t> oversized_message_closes_total{0};
  std::atomic<std::uint64_t> client_errors_total{0};
  std::atomic<std::uint64_t> http_requests_total{0};
  /// Room messages sent to Redis for the other nodes, received from them,
  /// and not carried (Redis unreachable or not answering).
  std::atomic<std::uint64_t> broker_messages_published_total{0};
  std::atomic<std::uint64_t> broker_messages_received_total{0};
  std::atomic<std::uint64_t> broker_messages_dropped_total{0};
  /// Messages queued for sending and not yet written, over all connections.
  StripedCounter<std::int64_t> outbound_queue_messages;
  StripedCounter<std::int64_t> outbound_queue_bytes;
};

}  // namespace nadoo::hub
