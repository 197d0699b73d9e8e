#pragma once
// What /proc says about the server under load and about the generator itself.

#include <boost/json/object.hpp>
#include <cstdint>
#include <optional>

namespace nadoo::bench {

/// VmRSS of `pid` in KiB; nullopt when `pid` is 0 (not given) or gone.
std::optional<std::int64_t> resident_kib(int pid);

/// CPU time (user + system) of `pid` in seconds; nullopt when `pid` is 0 or gone.
std::optional<double> process_cpu_seconds(int pid);

/// This process's own CPU time (user + system, every thread) in seconds.
double own_cpu_seconds();

/// /proc/net/sockstat's TCP line (inuse, orphan, tw, alloc, mem in pages),
/// system-wide: both ends of every loopback connection, everyone's.
boost::json::object tcp_socket_statistics();

/// Busy share of one core over `seconds`, rounded to 0.1 %; null if unknown.
boost::json::value cpu_percent(std::optional<double> cpu_seconds_before,
                               std::optional<double> cpu_seconds_after, double seconds);

}  // namespace nadoo::bench
