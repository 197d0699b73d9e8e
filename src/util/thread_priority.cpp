#include "util/thread_priority.hpp"

#include <spdlog/spdlog.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace nadoo::util {
namespace {

/// Nice 10 against 0: a weight of 110 against 1024 under the kernel's fair scheduler.
constexpr int background_nice = 10;

}  // namespace

void run_this_thread_in_background() {
  // On Linux a thread id names one thread for setpriority (POSIX would
  // change the whole process); lowering one's own priority needs no privilege.
  if (setpriority(PRIO_PROCESS, static_cast<id_t>(gettid()), background_nice) != 0) {
    spdlog::warn("cannot lower a background thread's priority: {}", std::strerror(errno));
  }
}

}  // namespace nadoo::util
