#pragma once
// The workloads, one file each. Each is bounded in count and by
// --deadline-seconds, and returns its report instead of printing it.

#include "bench_options.hpp"
#include "workload_report.hpp"

namespace nadoo::bench {

/// N authenticated connections held idle; the server's RSS per connection.
WorkloadReport run_idle(const BenchOptions& options);

/// Handshakes (TCP + upgrade + token, up to `connected`) per second, K in flight.
WorkloadReport run_connect(const BenchOptions& options);

/// One publisher, M members of one workspace: deliveries per second and latency.
WorkloadReport run_fanout(const BenchOptions& options);

/// K chat sessions streaming from nadoo-bench's fake upstream: the time the
/// server adds to each token.
WorkloadReport run_chat(const BenchOptions& options);

}  // namespace nadoo::bench
