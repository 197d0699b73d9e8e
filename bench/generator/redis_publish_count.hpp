#pragma once
// How many PUBLISH commands a cluster's Redis served over one measured span
// (`INFO commandstats`): a broker that publishes once per recipient or per
// node, not once per room message, shows here.

#include <cstdint>
#include <optional>
#include <string>

namespace nadoo::bench {

/// Redis's PUBLISH count so far (loopback `port`), or nullopt with `failure`
/// set. Main thread only: a blocking round trip, never on an I/O thread.
std::optional<std::uint64_t> redis_publish_calls(std::uint16_t port, std::string& failure);

}  // namespace nadoo::bench
