#include "receiver_processes.hpp"

#include <poll.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <stdexcept>

namespace nadoo::bench {
namespace {

// The parent's commands, one byte each; a worker answers each phase with
// phase_passed or phase_failed, and `close` with its encoded outcome.
constexpr char command_connect = 'c';
constexpr char command_warm_up = 'w';
constexpr char command_deliver = 'd';
constexpr char command_close = 'x';
constexpr char command_abandon = 'a';
constexpr char phase_passed = '1';
constexpr char phase_failed = '0';

/// A worker that gives up at its deadline answers a moment after the parent's
/// own deadline; past this much more, it is taken to be stuck.
constexpr int answer_grace_ms = 10'000;

bool write_all(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t written = ::write(fd, bytes.data(), bytes.size());
    if (written < 0 && errno == EINTR) continue;
    if (written <= 0) return false;
    bytes.remove_prefix(static_cast<std::size_t>(written));
  }
  return true;
}

/// Fixed-width host-order fields: both ends are this binary on this machine.
class OutcomeWriter {
 public:
  void number(std::uint64_t value) { bytes_.append(reinterpret_cast<const char*>(&value), sizeof value); }
  void text(std::string_view value) {
    number(value.size());
    bytes_.append(value);
  }
  void samples(const std::vector<std::uint32_t>& values) {
    number(values.size());
    bytes_.append(reinterpret_cast<const char*>(values.data()), values.size() * sizeof(std::uint32_t));
  }
  const std::string& bytes() const { return bytes_; }

 private:
  std::string bytes_;
};

class OutcomeReader {
 public:
  explicit OutcomeReader(std::string_view bytes) : rest_(bytes) {}
  std::uint64_t number() {
    std::uint64_t value = 0;
    std::memcpy(&value, take(sizeof value).data(), sizeof value);
    return value;
  }
  std::string text() { return std::string(take(number())); }
  std::vector<std::uint32_t> samples() {
    const std::uint64_t count = number();
    const std::string_view raw = take(count * sizeof(std::uint32_t));
    std::vector<std::uint32_t> values(count);
    std::memcpy(values.data(), raw.data(), raw.size());
    return values;
  }
  bool finished() const { return rest_.empty(); }

 private:
  std::string_view take(std::uint64_t size) {
    if (size > rest_.size()) throw std::runtime_error("a receiver process's figures were cut short");
    const std::string_view taken = rest_.substr(0, size);
    rest_.remove_prefix(size);
    return taken;
  }
  std::string_view rest_;
};

std::string encode(const ReceiverOutcome& outcome) {
  OutcomeWriter out;
  out.number(outcome.connects.planned);
  out.number(outcome.connects.connected);
  out.number(outcome.connects.failed);
  out.text(outcome.connects.first_failure);
  out.samples(outcome.connects.times_us);
  out.number(outcome.delivered);
  out.number(outcome.frame_bytes);
  out.number(outcome.last_delivery_us);
  out.number(outcome.clean_closes);
  out.number(outcome.unclean_closes);
  out.samples(outcome.latencies_us);
  out.number(outcome.problems.size());
  for (const auto& problem : outcome.problems) out.text(problem);
  out.number(outcome.timed_out ? 1 : 0);
  return out.bytes();
}

ReceiverOutcome decode(std::string_view bytes) {
  OutcomeReader in(bytes);
  ReceiverOutcome outcome;
  outcome.connects.planned = in.number();
  outcome.connects.connected = in.number();
  outcome.connects.failed = in.number();
  outcome.connects.first_failure = in.text();
  outcome.connects.times_us = in.samples();
  outcome.delivered = in.number();
  outcome.frame_bytes = in.number();
  outcome.last_delivery_us = in.number();
  outcome.clean_closes = in.number();
  outcome.unclean_closes = in.number();
  outcome.latencies_us = in.samples();
  for (std::uint64_t n = in.number(); n > 0; --n) outcome.problems.push_back(in.text());
  outcome.timed_out = in.number() != 0;
  if (!in.finished()) throw std::runtime_error("a receiver process sent more than its figures");
  return outcome;
}

/// The worker's whole life: each command read runs one phase of its shard.
[[noreturn]] void serve_as_worker(const BenchOptions& options, std::vector<std::string> paths,
                                  std::size_t events, int commands, int answers) {
  WorkloadRun run(options);
  const auto shard = make_receiver_shard(run, options.threads, std::move(paths), events);
  for (;;) {
    char command = command_abandon;  // the parent is gone: nothing waits for the figures
    while (::read(commands, &command, 1) < 0 && errno == EINTR) {
    }
    bool passed = false;
    switch (command) {
      case command_connect:
        passed = shard->connect();
        break;
      case command_warm_up:
        passed = shard->await_warmed_up();
        break;
      case command_deliver:
        passed = shard->await_delivered();
        break;
      default: {
        ReceiverOutcome outcome = shard->close(command == command_close);
        outcome.problems = std::move(run.report.problems);
        outcome.timed_out = run.report.timed_out;
        write_all(answers, encode(outcome));
        // Not exit(): the parent's atexit handlers and stdio buffers are not this process's to run.
        ::_exit(0);
      }
    }
    if (!write_all(answers, std::string_view(passed ? &phase_passed : &phase_failed, 1))) ::_exit(1);
  }
}

struct Worker {
  pid_t pid = -1;
  int commands = -1;      // the parent writes
  int answers = -1;       // the parent reads
  bool answering = true;  // false once it failed to answer: it is not asked again
};

class ReceiverProcesses final : public FanoutReceivers {
 public:
  ReceiverProcesses(WorkloadRun& run, unsigned processes, std::vector<std::string> paths, std::size_t events)
      : run_(run) {
    // A worker that died must not kill the parent when it writes the next command.
    std::signal(SIGPIPE, SIG_IGN);
    for (unsigned index = 0; index < processes; ++index) {
      // Even split: the first `paths.size() % processes` workers take one more.
      const std::size_t begin = paths.size() * index / processes;
      const std::size_t end = paths.size() * (index + 1) / processes;
      fork_worker(std::vector<std::string>(paths.begin() + begin, paths.begin() + end), events);
    }
  }

  ~ReceiverProcesses() override {
    for (Worker& worker : workers_) {
      if (worker.pid > 0) {
        ::kill(worker.pid, SIGKILL);
        ::waitpid(worker.pid, nullptr, 0);
      }
      ::close(worker.commands);
      ::close(worker.answers);
    }
  }

  bool connect() override { return run_phase(command_connect, "connecting the members"); }
  bool await_warmed_up() override { return run_phase(command_warm_up, "warming up"); }
  bool await_delivered() override { return run_phase(command_deliver, "delivering"); }

  ReceiverOutcome close(bool orderly) override {
    command_all(orderly ? command_close : command_abandon);
    ReceiverOutcome merged;
    for (Worker& worker : workers_) {
      std::string bytes;
      if (worker.answering && read_until_end(worker, bytes) &&
          ::waitpid(worker.pid, nullptr, 0) == worker.pid) {
        worker.pid = -1;
        try {
          merged.merge(decode(bytes));
          continue;
        } catch (const std::exception& error) {
          run_.report.problems.push_back(error.what());
        }
      }
      run_.report.problems.push_back("receiver process " + std::to_string(index_of(worker)) +
                                     " ended without its figures");
    }
    return merged;
  }

  std::vector<int> worker_pids() const override {
    std::vector<int> pids;
    for (const Worker& worker : workers_) pids.push_back(worker.pid);
    return pids;
  }

 private:
  void fork_worker(std::vector<std::string> paths, std::size_t events) {
    int commands[2];
    int answers[2];
    if (::pipe(commands) != 0 || ::pipe(answers) != 0) {
      throw std::runtime_error(std::string("pipe: ") + std::strerror(errno));
    }
    const pid_t pid = ::fork();
    if (pid < 0) throw std::runtime_error(std::string("fork: ") + std::strerror(errno));
    if (pid == 0) {
      // The other workers' pipes are theirs: holding them would hide a worker's end from the parent.
      for (const Worker& sibling : workers_) {
        ::close(sibling.commands);
        ::close(sibling.answers);
      }
      ::close(commands[1]);
      ::close(answers[0]);
      serve_as_worker(run_.options, std::move(paths), events, commands[0], answers[1]);
    }
    ::close(commands[0]);
    ::close(answers[1]);
    workers_.push_back({pid, commands[1], answers[0]});
  }

  std::size_t index_of(const Worker& worker) const {
    return static_cast<std::size_t>(&worker - workers_.data());
  }

  void command_all(char command) {
    for (Worker& worker : workers_) {
      if (worker.answering && !write_all(worker.commands, std::string_view(&command, 1)))
        worker.answering = false;
    }
  }

  /// Every worker runs the phase at once; true when each passed it.
  bool run_phase(char command, std::string_view phase) {
    command_all(command);
    bool all_passed = true;
    for (Worker& worker : workers_) {
      char answer = phase_failed;
      if (!worker.answering || !read_answer(worker, &answer, 1)) {
        worker.answering = false;
        run_.report.problems.push_back("receiver process " + std::to_string(index_of(worker)) +
                                       " did not answer while " + std::string(phase));
      }
      all_passed = all_passed && answer == phase_passed;
    }
    return all_passed;
  }

  /// Milliseconds left until the deadline and its grace; 0 once past.
  int milliseconds_left() const {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(run_.deadline -
                                                                            std::chrono::steady_clock::now());
    return static_cast<int>(std::max<std::int64_t>(0, left.count() + answer_grace_ms));
  }

  /// Waits for the worker's answer; false when it closed its end or the grace ran out.
  bool wait_readable(const Worker& worker) const {
    pollfd readable{worker.answers, POLLIN, 0};
    for (;;) {
      const int ready = ::poll(&readable, 1, milliseconds_left());
      if (ready < 0 && errno == EINTR) continue;
      return ready > 0;
    }
  }

  bool read_answer(const Worker& worker, char* answer, std::size_t size) const {
    while (size > 0) {
      if (!wait_readable(worker)) return false;
      const ssize_t got = ::read(worker.answers, answer, size);
      if (got < 0 && errno == EINTR) continue;
      if (got <= 0) return false;
      answer += got;
      size -= static_cast<std::size_t>(got);
    }
    return true;
  }

  /// The encoded outcome: everything up to the worker's exit.
  bool read_until_end(const Worker& worker, std::string& bytes) const {
    char chunk[1 << 16];
    for (;;) {
      if (!wait_readable(worker)) return false;
      const ssize_t got = ::read(worker.answers, chunk, sizeof chunk);
      if (got < 0 && errno == EINTR) continue;
      if (got < 0) return false;
      if (got == 0) return true;
      bytes.append(chunk, static_cast<std::size_t>(got));
    }
  }

  WorkloadRun& run_;
  std::vector<Worker> workers_;
};

}  // namespace

std::unique_ptr<FanoutReceivers> fork_receiver_processes(WorkloadRun& run, unsigned processes,
                                                         std::vector<std::string> paths, std::size_t events) {
  return std::make_unique<ReceiverProcesses>(run, processes, std::move(paths), events);
}

}  // namespace nadoo::bench
