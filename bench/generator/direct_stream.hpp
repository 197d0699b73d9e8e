#pragma once
// The chat workload's baseline (--direct): the same answers streamed straight
// from the fake upstream to this process, no server between. Its latency is
// what the upstream, the loopback and these clients add on their own: the
// floor under the figures measured through the server.

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstdint>

#include "chat_deliveries.hpp"

namespace nadoo::bench {

/// At `start_at`, one streaming `POST /v1/chat/completions` on a connection
/// of its own to 127.0.0.1:`upstream_port`, each token recorded in
/// `deliveries` until `[DONE]`. Runs on I/O thread `thread_index`.
boost::asio::awaitable<void> stream_from_upstream(std::uint16_t upstream_port,
                                                  std::chrono::steady_clock::time_point start_at,
                                                  ChatDeliveries& deliveries, unsigned thread_index);

}  // namespace nadoo::bench
