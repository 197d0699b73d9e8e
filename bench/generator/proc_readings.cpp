#include "proc_readings.hpp"

#include <sched.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace nadoo::bench {

std::optional<std::int64_t> resident_kib(int pid) {
  if (pid <= 0) return std::nullopt;
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(status, line);) {
    if (line.starts_with("VmRSS:")) return std::stoll(line.substr(6));
  }
  return std::nullopt;
}

std::optional<double> process_cpu_seconds(int pid) {
  if (pid <= 0) return std::nullopt;
  std::ifstream stat_file("/proc/" + std::to_string(pid) + "/stat");
  std::string stat;
  if (!std::getline(stat_file, stat)) return std::nullopt;
  // The command name in parentheses may hold spaces: count fields after it.
  std::istringstream fields(stat.substr(stat.rfind(')') + 2));
  std::string field;
  long long user_ticks = 0;
  long long system_ticks = 0;
  // After ")": state is field 3 of proc(5); utime is 14, stime 15.
  for (int number = 3; number <= 15 && fields >> field; ++number) {
    if (number == 14) user_ticks = std::stoll(field);
    if (number == 15) system_ticks = std::stoll(field);
  }
  return static_cast<double>(user_ticks + system_ticks) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

std::optional<ScheduledSeconds> process_scheduled_seconds(int pid) {
  if (pid <= 0) return std::nullopt;
  std::error_code error;
  std::filesystem::directory_iterator tasks("/proc/" + std::to_string(pid) + "/task", error);
  if (error) return std::nullopt;
  ScheduledSeconds seconds;
  for (const auto& task : tasks) {
    // schedstat: time on a core, time waiting on a run queue (both ns), timeslices.
    std::ifstream schedstat(task.path() / "schedstat");
    long long running_ns = 0;
    long long waiting_ns = 0;
    if (schedstat >> running_ns >> waiting_ns) {
      seconds.on_core += running_ns / 1e9;
      seconds.waiting += waiting_ns / 1e9;
    }
  }
  return seconds;
}

std::optional<double> process_runqueue_wait_seconds(int pid) {
  const auto seconds = process_scheduled_seconds(pid);
  if (!seconds) return std::nullopt;
  return seconds->waiting;
}

unsigned allowed_cores(const std::vector<int>& pids) {
  cpu_set_t allowed;
  CPU_ZERO(&allowed);
  for (const int pid : pids) {
    cpu_set_t mask;
    CPU_ZERO(&mask);
    if (sched_getaffinity(pid, sizeof mask, &mask) == 0) CPU_OR(&allowed, &allowed, &mask);
  }
  return static_cast<unsigned>(CPU_COUNT(&allowed));
}

boost::json::object tcp_socket_statistics() {
  boost::json::object statistics;
  std::ifstream sockstat("/proc/net/sockstat");
  for (std::string line; std::getline(sockstat, line);) {
    if (!line.starts_with("TCP:")) continue;
    std::istringstream fields(line.substr(4));
    std::string name;
    long long value = 0;
    while (fields >> name >> value) statistics[name == "mem" ? "mem_pages" : name] = value;
  }
  return statistics;
}

}  // namespace nadoo::bench
