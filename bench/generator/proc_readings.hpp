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

/// Time the threads of `pid` were runnable but waited for a core, in seconds
/// (/proc/PID/task/*/schedstat): on a shared machine, CPU % plus this share
/// near 100 % means the process always had work, i.e. it was the limit.
/// nullopt when `pid` is 0 or gone; `pid` may be getpid().
std::optional<double> process_runqueue_wait_seconds(int pid);

/// This process's own CPU time (user + system, every thread) in seconds.
double own_cpu_seconds();

/// /proc/net/sockstat's TCP line (inuse, orphan, tw, alloc, mem in pages),
/// system-wide: both ends of every loopback connection, everyone's.
boost::json::object tcp_socket_statistics();

}  // namespace nadoo::bench
