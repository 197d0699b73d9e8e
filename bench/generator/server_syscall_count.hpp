#pragma once
// The server's write-side system calls over one measured span, counted by
// `perf stat` on its tracepoints: a server that writes one frame per syscall
// shows here, whatever its throughput ratio says.

#include <sys/types.h>

#include <boost/json/object.hpp>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

namespace nadoo::bench {

/// `perf stat -D -1 --control fifo:…` attached to the server from
/// construction, counting only between start() and stop() (its control FIFO
/// acknowledges each switch, so the window is exact to the call). Main
/// thread only. Needs perf and the syscalls tracepoints (root, or a
/// permissive perf_event_paranoid); otherwise `failure()` says why and the
/// figures are null.
class ServerSyscallCount {
 public:
  explicit ServerSyscallCount(int server_pid);
  ~ServerSyscallCount();
  ServerSyscallCount(const ServerSyscallCount&) = delete;
  ServerSyscallCount& operator=(const ServerSyscallCount&) = delete;

  void start();
  void stop();

  /// server_write_syscalls (write + writev + sendmsg + sendto, summed),
  /// one figure per call, server_write_syscalls_per_delivery and
  /// server_bytes_per_write_syscall (`frame_bytes` delivered in the span over
  /// the calls); null when counting failed.
  void add_figures(boost::json::object& figures, std::uint64_t deliveries, std::uint64_t frame_bytes);

  /// Empty while counting works.
  const std::string& failure() const { return failure_; }

 private:
  bool command(const char* word);
  void finish();

  std::filesystem::path directory_;
  pid_t perf_pid_ = -1;
  int control_fd_ = -1;
  int ack_fd_ = -1;
  std::string failure_;
  std::optional<boost::json::object> counts_;
};

}  // namespace nadoo::bench
