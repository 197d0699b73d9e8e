// Scheduling priority of the calling thread.
#pragma once

namespace nadoo::util {

/// Makes the calling thread yield to the others of the process whenever they
/// compete for a core (Linux: a nice value of its own, 10 above the
/// process's), and run as
/// before when they do not. For work that may wait while requests are
/// answered: it still gets about a tenth of a contended core, so it is never
/// starved.
void run_this_thread_in_background();

}  // namespace nadoo::util
