#include "cpu_span.hpp"

#include <unistd.h>

#include <cmath>

#include "proc_readings.hpp"

namespace nadoo::bench {
boost::json::value percent_of(std::optional<double> before, std::optional<double> after, double seconds) {
  if (!before || !after || seconds <= 0) return nullptr;
  return std::round((*after - *before) / seconds * 1000) / 10;
}

CpuSpan::CpuSpan(int server_pid)
    : server_pid_(server_pid),
      started_(std::chrono::steady_clock::now()),
      server_cpu_seconds_(process_cpu_seconds(server_pid)),
      server_waited_seconds_(process_runqueue_wait_seconds(server_pid)),
      own_cpu_seconds_(own_cpu_seconds()),
      own_waited_seconds_(process_runqueue_wait_seconds(getpid())) {}

void CpuSpan::add_figures(boost::json::object& figures, std::optional<double> seconds) const {
  const double span_seconds =
      seconds.value_or(std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count());
  figures["server_cpu_percent"] =
      percent_of(server_cpu_seconds_, process_cpu_seconds(server_pid_), span_seconds);
  figures["server_runqueue_wait_percent"] =
      percent_of(server_waited_seconds_, process_runqueue_wait_seconds(server_pid_), span_seconds);
  figures["generator_cpu_percent"] = percent_of(own_cpu_seconds_, own_cpu_seconds(), span_seconds);
  figures["generator_runqueue_wait_percent"] =
      percent_of(own_waited_seconds_, process_runqueue_wait_seconds(getpid()), span_seconds);
}

std::optional<double> CpuSpan::server_cpu_seconds_used() const {
  const auto now = process_cpu_seconds(server_pid_);
  if (!server_cpu_seconds_ || !now) return std::nullopt;
  return *now - *server_cpu_seconds_;
}

}  // namespace nadoo::bench
