#include "server_syscall_count.hpp"

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

extern char** environ;

namespace nadoo::bench {
namespace {

// The calls a server writes to a socket with: write (libuv's single
// buffer, uWS's fallback), writev (libuv's and asyncio's gather), sendmsg
// (Asio's async_write_some), sendto (uWS's send()).
constexpr std::array<std::string_view, 4> write_calls = {"write", "writev", "sendmsg", "sendto"};

/// perf needs well under a second to attach; this bounds a broken start.
constexpr auto perf_start_timeout = std::chrono::seconds(5);
/// Each enable/disable is acknowledged within milliseconds on an idle core.
constexpr int perf_ack_timeout_ms = 5000;

std::string perf_events() {
  std::string events;
  for (const auto call : write_calls) {
    if (!events.empty()) events += ',';
    events.append("syscalls:sys_enter_").append(call);
  }
  return events;
}

bool exited(pid_t pid) {
  int status = 0;
  return waitpid(pid, &status, WNOHANG) == pid;
}

}  // namespace

ServerSyscallCount::ServerSyscallCount(int server_pid) {
  std::string directory_template =
      (std::filesystem::temp_directory_path() / "nadoo-bench-perf-XXXXXX").string();
  if (!mkdtemp(directory_template.data())) {
    failure_ = std::string("cannot make a directory for perf: ") + std::strerror(errno);
    return;
  }
  directory_ = directory_template;
  const std::string control = (directory_ / "control").string(), ack = (directory_ / "ack").string();
  if (mkfifo(control.c_str(), 0600) != 0 || mkfifo(ack.c_str(), 0600) != 0) {
    failure_ = std::string("cannot make perf's control FIFOs: ") + std::strerror(errno);
    return;
  }
  const std::string log = (directory_ / "perf.log").string();
  std::vector<std::string> arguments = {"perf",      "stat",
                                        "-x",        ",",
                                        "-D",        "-1",
                                        "--control", "fifo:" + control + "," + ack,
                                        "-e",        perf_events(),
                                        "-p",        std::to_string(server_pid),
                                        "-o",        (directory_ / "counts.csv").string()};
  std::vector<char*> argv;
  for (auto& argument : arguments) argv.push_back(argument.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
  const int spawned = posix_spawnp(&perf_pid_, "perf", &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (spawned != 0) {
    perf_pid_ = -1;
    failure_ = std::string("cannot start perf: ") + std::strerror(spawned);
    return;
  }
  // Opening the write end fails (ENXIO) until perf has opened the read end.
  const auto give_up = std::chrono::steady_clock::now() + perf_start_timeout;
  while ((control_fd_ = open(control.c_str(), O_WRONLY | O_NONBLOCK | O_CLOEXEC)) < 0) {
    if (exited(perf_pid_)) {
      perf_pid_ = -1;
      failure_ =
          "perf exited at start (see `perf stat -e syscalls:sys_enter_write`: root or perf_event_paranoid)";
      return;
    }
    if (std::chrono::steady_clock::now() > give_up) {
      failure_ = "perf did not open its control FIFO within 5 s";
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ack_fd_ = open(ack.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (ack_fd_ < 0) failure_ = std::string("cannot open perf's ack FIFO: ") + std::strerror(errno);
}

ServerSyscallCount::~ServerSyscallCount() {
  finish();
  std::error_code ignored;
  if (!directory_.empty()) std::filesystem::remove_all(directory_, ignored);
}

bool ServerSyscallCount::command(const char* word) {
  if (!failure_.empty()) return false;
  const std::string line = std::string(word) + "\n";
  if (write(control_fd_, line.data(), line.size()) != static_cast<ssize_t>(line.size())) {
    failure_ = std::string("cannot write to perf's control FIFO: ") + std::strerror(errno);
    return false;
  }
  // perf answers "ack\n" once the events are switched.
  std::string answer;
  while (answer.find('\n') == std::string::npos) {
    pollfd readable{ack_fd_, POLLIN, 0};
    if (poll(&readable, 1, perf_ack_timeout_ms) <= 0) {
      failure_ = std::string("perf did not acknowledge '") + word + "'";
      return false;
    }
    std::array<char, 64> chunk{};
    const ssize_t got = read(ack_fd_, chunk.data(), chunk.size());
    if (got <= 0 && errno != EAGAIN) {
      failure_ = std::string("perf closed its ack FIFO at '") + word + "'";
      return false;
    }
    if (got > 0) answer.append(chunk.data(), static_cast<std::size_t>(got));
  }
  return true;
}

void ServerSyscallCount::start() { command("enable"); }

void ServerSyscallCount::stop() {
  if (command("disable")) finish();
}

void ServerSyscallCount::finish() {
  if (perf_pid_ > 0) {
    // perf stat prints its counts on SIGINT; SIGKILL only if it hangs.
    kill(perf_pid_, SIGINT);
    const auto give_up = std::chrono::steady_clock::now() + perf_start_timeout;
    int status = 0;
    while (waitpid(perf_pid_, &status, WNOHANG) == 0) {
      if (std::chrono::steady_clock::now() > give_up) {
        kill(perf_pid_, SIGKILL);
        waitpid(perf_pid_, &status, 0);
        if (failure_.empty()) failure_ = "perf did not exit within 5 s of SIGINT";
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    perf_pid_ = -1;
  }
  for (int* fd : {&control_fd_, &ack_fd_}) {
    if (*fd >= 0) close(*fd);
    *fd = -1;
  }
  if (!failure_.empty() || counts_ || directory_.empty()) return;
  // `perf stat -x,`: "COUNT,UNIT,EVENT,…" per event; '#' lines are comments.
  std::ifstream csv(directory_ / "counts.csv");
  boost::json::object counts;
  for (std::string line; std::getline(csv, line);) {
    if (line.empty() || line.front() == '#') continue;
    std::vector<std::string> fields;
    std::istringstream split(line);
    for (std::string field; std::getline(split, field, ',');) fields.push_back(field);
    if (fields.size() < 3) continue;
    const std::string prefix = "syscalls:sys_enter_";
    if (fields[2].rfind(prefix, 0) != 0) continue;
    const std::string call = fields[2].substr(prefix.size());
    try {
      counts[call] = std::stoull(fields[0]);
    } catch (const std::exception&) {
      failure_ = "perf could not count " + fields[2] + ": " + fields[0];
      return;
    }
  }
  if (counts.size() != write_calls.size()) {
    failure_ = "perf wrote no counts for the server's write calls";
    return;
  }
  counts_ = std::move(counts);
}

void ServerSyscallCount::add_figures(boost::json::object& figures, std::uint64_t deliveries,
                                     std::uint64_t frame_bytes) {
  if (!counts_) {
    for (const char* name :
         {"server_write_syscalls", "server_write_syscalls_per_delivery", "server_bytes_per_write_syscall"}) {
      figures[name] = nullptr;
    }
    return;
  }
  std::uint64_t total = 0;
  boost::json::object by_call;
  for (const auto call : write_calls) {
    const std::uint64_t count = counts_->at(call).as_uint64();
    by_call[call] = count;
    total += count;
  }
  figures["server_write_syscalls"] = total;
  figures["server_write_syscalls_by_call"] = std::move(by_call);
  figures["server_write_syscalls_per_delivery"] =
      deliveries ? boost::json::value(static_cast<double>(total) / deliveries) : boost::json::value(nullptr);
  figures["server_bytes_per_write_syscall"] =
      total ? boost::json::value(static_cast<double>(frame_bytes) / total) : boost::json::value(nullptr);
}

}  // namespace nadoo::bench
