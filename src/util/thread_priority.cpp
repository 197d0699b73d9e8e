#include "util/thread_priority.hpp"

#include <spdlog/spdlog.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace nadoo::util {
namespace {

/// Nice 10 above the process's: a weight of 110 against 1024 under the
/// kernel's fair scheduler. 19 is the lowest priority there is.
constexpr int background_nice_increment = 10;
constexpr int lowest_priority_nice = 19;

}  // namespace

void run_this_thread_in_background() {
  // On Linux a thread id names one thread for setpriority (POSIX would
  // change the whole process); lowering one's own priority needs no privilege.
  const auto thread = static_cast<id_t>(gettid());
  errno = 0;
  const int nice = getpriority(PRIO_PROCESS, thread);  // -1 is a valid answer: errno tells
  if (errno != 0) return spdlog::warn("cannot read a background thread's priority: {}", std::strerror(errno));
  if (setpriority(PRIO_PROCESS, thread, std::min(nice + background_nice_increment, lowest_priority_nice)) !=
      0) {
    spdlog::warn("cannot lower a background thread's priority: {}", std::strerror(errno));
  }
}

}  // namespace nadoo::util
