#include "api/prometheus_metrics.hpp"

#include <fmt/format.h>

namespace nadoo::api {
namespace {

template <typename Atomic>
void append(std::string& out, std::string_view name, std::string_view kind, std::string_view help,
            const Atomic& value) {
  fmt::format_to(std::back_inserter(out), "# HELP {0} {1}\n# TYPE {0} {2}\n{0} {3}\n", name, help, kind,
                 value.load(std::memory_order_relaxed));
}

}  // namespace

std::string render_prometheus_metrics(const hub::ServerMetrics& m) {
  std::string out;
  // The Prometheus convention for a build's labels: a gauge that is always 1,
  // joined onto other series by `version`.
  fmt::format_to(std::back_inserter(out),
                 "# HELP nadoo_build_info The running build: its version as a label.\n"
                 "# TYPE nadoo_build_info gauge\n"
                 "nadoo_build_info{{version=\"{}\"}} 1\n",
                 NADOO_VERSION);
  append(out, "nadoo_connections_open", "gauge", "Open WebSocket connections.", m.connections_open);
  append(out, "nadoo_connections_accepted_total", "counter", "WebSocket handshakes completed.",
         m.connections_accepted_total);
  append(out, "nadoo_messages_received_total", "counter", "WebSocket messages received.",
         m.messages_received_total);
  append(out, "nadoo_messages_sent_total", "counter", "WebSocket messages written.", m.messages_sent_total);
  append(out, "nadoo_bytes_received_total", "counter", "WebSocket payload bytes received.",
         m.bytes_received_total);
  append(out, "nadoo_bytes_sent_total", "counter", "WebSocket payload bytes written.", m.bytes_sent_total);
  append(out, "nadoo_auth_failures_total", "counter",
         "Connections closed with 1008 for a bad or missing token.", m.auth_failures_total);
  append(out, "nadoo_slow_consumer_closes_total", "counter",
         "Connections closed with 1013 because their outbound queue overflowed.",
         m.slow_consumer_closes_total);
  append(out, "nadoo_connection_limit_closes_total", "counter",
         "Connections closed with 1013 because the server was at its connection limit.",
         m.connection_limit_closes_total);
  append(out, "nadoo_oversized_message_closes_total", "counter",
         "Connections closed with 1009 for a message over the size limit.", m.oversized_message_closes_total);
  append(out, "nadoo_client_errors_total", "counter", "Error messages sent for bad client input.",
         m.client_errors_total);
  append(out, "nadoo_http_requests_total", "counter", "Plain HTTP requests served.", m.http_requests_total);
  append(out, "nadoo_broker_messages_published_total", "counter",
         "Room messages published to Redis for the other nodes.", m.broker_messages_published_total);
  append(out, "nadoo_broker_messages_received_total", "counter",
         "Room messages received from other nodes through Redis.", m.broker_messages_received_total);
  append(out, "nadoo_broker_messages_dropped_total", "counter",
         "Room messages the other nodes did not get: Redis was unreachable or did not answer.",
         m.broker_messages_dropped_total);
  append(out, "nadoo_outbound_queue_messages", "gauge",
         "Messages queued and not yet written, all connections.", m.outbound_queue_messages);
  append(out, "nadoo_outbound_queue_bytes", "gauge", "Bytes queued and not yet written, all connections.",
         m.outbound_queue_bytes);
  return out;
}

}  // namespace nadoo::api
