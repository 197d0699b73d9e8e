#pragma once

#include <atomic>
#include <cstdint>

namespace nadoo::hub {

/// Process-wide counters for /metrics: plain atomics, updated with relaxed
/// ordering from any thread; a scrape reads each one independently.
struct ServerMetrics {
  std::atomic<std::int64_t> connections_open{0};
  std::atomic<std::uint64_t> connections_accepted_total{0};
  std::atomic<std::uint64_t> messages_received_total{0};
  std::atomic<std::uint64_t> messages_sent_total{0};
  std::atomic<std::uint64_t> bytes_received_total{0};
  std::atomic<std::uint64_t> bytes_sent_total{0};
  std::atomic<std::uint64_t> auth_failures_total{0};
  std::atomic<std::uint64_t> slow_consumer_closes_total{0};
  std::atomic<std::uint64_t> connection_limit_closes_total{0};
  std::atomic<std::uint64_t> oversized_message_closes_total{0};
  std::atomic<std::uint64_t> client_errors_total{0};
  std::atomic<std::uint64_t> http_requests_total{0};
  /// Messages queued for sending and not yet written, over all connections.
  std::atomic<std::int64_t> outbound_queue_messages{0};
  std::atomic<std::int64_t> outbound_queue_bytes{0};
};

}  // namespace nadoo::hub
