#pragma once
// fanout's receivers spread over worker processes: one process's open-file
// limit no longer caps the members, and the receivers of one process no
// longer wait for those of another on one event loop. The parent keeps the
// publisher and drives each worker's ReceiverShard through a pipe, phase by
// phase; each worker sends its measurements back once it has closed.

#include <memory>
#include <string>
#include <vector>

#include "fanout_receivers.hpp"

namespace nadoo::bench {

/// Forks `processes` workers at once, the members' `paths` split evenly
/// between them, each on --threads I/O threads. Call it before this process
/// starts any thread: a fork copies only the calling thread, so a worker
/// forked later could inherit a lock that no thread of it will ever release.
std::unique_ptr<FanoutReceivers> fork_receiver_processes(WorkloadRun& run, unsigned processes,
                                                         std::vector<std::string> paths, std::size_t events);

}  // namespace nadoo::bench
