#pragma once
// nadoo-bench's command line and environment: which workload, against which
// server, and how much load, every amount bounded.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "bench_target.hpp"

namespace nadoo::bench {

enum class Workload { idle, connect, fanout, chat };

/// This machine allows 20,000 open files per process and that cannot be
/// raised; the rest is headroom for the membership connections and stdio.
constexpr std::size_t max_sockets_per_process = 19'900;
/// fanout's worker processes: more than a generator machine's cores are
/// likely to make worth it.
constexpr unsigned max_receiver_processes = 16;

struct BenchOptions {
  Workload workload = Workload::idle;
  BenchTarget target;
  unsigned threads = 1;            // one io_context each; 1 so that taskset can pin it to a core
  std::size_t connections = 1000;  // idle: held open; connect: handshakes in all
  std::size_t handshakes_in_flight = 100;
  std::size_t workspaces = 300;  // idle, connect: connections spread over this many workspaces
  std::string fanout_workspace = "ws-fanout";
  std::size_t members = 1000;         // fanout: receivers
  unsigned receiver_processes = 1;    // fanout: worker processes the receivers are spread over; 1 = this one
  std::size_t events = 1000;          // fanout: events published
  double rate_events_per_second = 0;  // fanout: 0 = as fast as the publisher's socket drains
  std::size_t sessions = 1000;        // chat: concurrent chat sessions, one chat each
  std::size_t tokens = 50;            // chat: tokens per answer
  double token_interval_ms = 20;      // chat: the upstream's beat, 50 tokens/s as a fast model streams
  double ramp_ms = 1000;              // chat: the chats start evenly over this span, not in one burst
  std::uint16_t upstream_port = 0;    // chat: the fake upstream's port; 0 = any free port
  std::string chat_application = "bench-chat";  // chat: the application (provider openai) it PUTs
  bool chat_direct = false;       // chat: stream straight from the upstream, no server (the rig's own floor)
  double hold_seconds = 2;        // idle: how long the connections stay idle before the reading
  double deadline_seconds = 120;  // the whole run, membership and closing included
  int server_pid = 0;             // 0: no server figures
  /// fanout: the cluster's other nodes: their CPU adds to the server's.
  std::vector<int> other_server_pids;
  /// fanout: the members connect to these ports in turn (other nodes of a
  /// cluster); empty: all to --port, where the publisher always connects.
  std::vector<std::uint16_t> member_ports;
  /// fanout: the cluster's Redis (loopback), whose PUBLISHes are counted over the deliveries; 0: none.
  std::uint16_t redis_port = 0;
  bool count_server_syscalls = false;  // fanout: perf stat the server's write calls over the deliveries
  bool membership = false;             // make every user a member through the REST API first
  std::size_t membership_in_flight = 64;
  std::string out_path;
  std::string jwt_secret;  // BENCH_JWT_SECRET; never printed
  std::string api_key;     // BENCH_API_KEY; never printed
};

/// Parses the command line and the environment; nullopt with `exit_status`
/// set after --help or an error (already explained on stderr).
std::optional<BenchOptions> parse_bench_options(int argc, char** argv, int& exit_status);

const char* workload_name(Workload workload);

}  // namespace nadoo::bench
