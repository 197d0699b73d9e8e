#include "cpu_span.hpp"

#include <unistd.h>

#include <cmath>

namespace nadoo::bench {
namespace {

double tenths(double percent) { return std::round(percent * 10) / 10; }

}  // namespace

boost::json::value percent_of(std::optional<double> before, std::optional<double> after, double seconds) {
  if (!before || !after || seconds <= 0) return nullptr;
  return tenths((*after - *before) / seconds * 100);
}

CpuSpan::CpuSpan(int server_pid, std::vector<int> generator_workers, std::vector<int> other_server_nodes)
    : server_pids_(std::move(other_server_nodes)),
      generator_pids_(std::move(generator_workers)),
      started_(std::chrono::steady_clock::now()) {
  server_pids_.insert(server_pids_.begin(), server_pid);
  server_cpu_seconds_ = server_seconds(process_cpu_seconds);
  server_waited_seconds_ = server_seconds(process_runqueue_wait_seconds);
  generator_pids_.insert(generator_pids_.begin(), getpid());
  generator_seconds_ = generator_scheduled_seconds();
}

std::optional<double> CpuSpan::server_seconds(std::optional<double> (*reading)(int pid)) const {
  double total = 0;
  for (const int pid : server_pids_) {
    const auto seconds = reading(pid);
    if (!seconds) return std::nullopt;
    total += *seconds;
  }
  return total;
}

std::optional<ScheduledSeconds> CpuSpan::generator_scheduled_seconds() const {
  ScheduledSeconds total;
  for (const int pid : generator_pids_) {
    const auto seconds = process_scheduled_seconds(pid);
    if (!seconds) return std::nullopt;
    total.on_core += seconds->on_core;
    total.waiting += seconds->waiting;
  }
  return total;
}

void CpuSpan::add_figures(boost::json::object& figures, std::optional<double> seconds) const {
  const double span_seconds =
      seconds.value_or(std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count());
  figures["server_cpu_percent"] =
      percent_of(server_cpu_seconds_, server_seconds(process_cpu_seconds), span_seconds);
  figures["server_runqueue_wait_percent"] =
      percent_of(server_waited_seconds_, server_seconds(process_runqueue_wait_seconds), span_seconds);

  const auto generator_now = generator_scheduled_seconds();
  const unsigned cores = allowed_cores(generator_pids_);
  figures["generator_cores"] = cores;
  for (const char* name : {"generator_cpu_percent", "generator_runqueue_wait_percent",
                           "generator_cpu_percent_of_its_cores", "generator_bound"}) {
    figures[name] = nullptr;  // unless read below
  }
  if (!generator_seconds_ || !generator_now || span_seconds <= 0) return;
  const double on_core_percent = (generator_now->on_core - generator_seconds_->on_core) / span_seconds * 100;
  figures["generator_cpu_percent"] = tenths(on_core_percent);
  figures["generator_runqueue_wait_percent"] =
      tenths((generator_now->waiting - generator_seconds_->waiting) / span_seconds * 100);
  if (cores == 0) return;
  // Decided on the figure as reported, so that a reader sees the two agree.
  const double percent_of_cores = tenths(on_core_percent / cores);
  figures["generator_cpu_percent_of_its_cores"] = percent_of_cores;
  figures["generator_bound"] = percent_of_cores > generator_bound_percent;
}

std::optional<double> CpuSpan::server_cpu_seconds_used() const {
  const auto now = server_seconds(process_cpu_seconds);
  if (!server_cpu_seconds_ || !now) return std::nullopt;
  return *now - *server_cpu_seconds_;
}

}  // namespace nadoo::bench
