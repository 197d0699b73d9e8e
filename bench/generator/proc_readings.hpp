#pragma once
// What /proc says about the server under load and about the generator itself.

#include <boost/json/object.hpp>
#include <cstdint>
#include <optional>
#include <vector>

namespace nadoo::bench {

/// VmRSS of `pid` in KiB; nullopt when `pid` is 0 (not given) or gone.
std::optional<std::int64_t> resident_kib(int pid);

/// CPU time (user + system) of `pid` in seconds; nullopt when `pid` is 0 or gone.
std::optional<double> process_cpu_seconds(int pid);

/// What the scheduler says of a process, summed over its threads
/// (/proc/PID/task/*/schedstat, nanoseconds: finer than /proc/PID/stat's
/// clock ticks, which a burst of tens of milliseconds needs).
struct ScheduledSeconds {
  /// On a core, user and system time alike.
  double on_core = 0;
  /// Runnable but waiting for a core: on a shared machine, CPU % plus this
  /// share near 100 % means the process always had work, i.e. it was the limit.
  double waiting = 0;
};

/// nullopt when `pid` is 0 or gone; `pid` may be getpid().
std::optional<ScheduledSeconds> process_scheduled_seconds(int pid);

/// process_scheduled_seconds(pid)->waiting.
std::optional<double> process_runqueue_wait_seconds(int pid);

/// The CPUs that the processes `pids` may run on: the union of their affinity
/// masks (sched_getaffinity, what `taskset` set). 0 when none could be read.
unsigned allowed_cores(const std::vector<int>& pids);

/// /proc/net/sockstat's TCP line (inuse, orphan, tw, alloc, mem in pages),
/// system-wide: both ends of every loopback connection, everyone's.
boost::json::object tcp_socket_statistics();

}  // namespace nadoo::bench
