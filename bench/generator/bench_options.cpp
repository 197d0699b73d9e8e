#include "bench_options.hpp"

#include <sys/resource.h>

#include <CLI/CLI.hpp>
#include <cstdlib>
#include <iostream>
#include <map>

namespace nadoo::bench {
namespace {

/// A chat session per connection, the token in the query as the spec shows.
constexpr std::string_view chat_path_template = "/ws/chat/{session}?token={token}";

/// Latency samples take 4 bytes each: 100 million deliveries is 400 MB.
constexpr std::size_t max_recorded_deliveries = 100'000'000;

std::string environment(const char* name) {
  const char* value = std::getenv(name);
  return value ? value : "";
}

/// Sockets the workload holds open at once.
std::size_t sockets_needed(const BenchOptions& options) {
  switch (options.workload) {
    case Workload::idle:
      return options.connections;
    case Workload::connect:
      return options.handshakes_in_flight;
    case Workload::fanout:  // the busiest process: the first worker (or this one) and the publisher
      return (options.members + options.receiver_processes - 1) / options.receiver_processes + 1;
    case Workload::chat:
      return 2 * options.sessions + 1;  // each session's WebSocket and its upstream connection, the listener
  }
  return 0;
}

/// Why these options cannot run; "" when they can.
std::string refusal(const BenchOptions& options) {
  const std::size_t sockets = sockets_needed(options);
  if (sockets > max_sockets_per_process) {
    return "this workload would hold " + std::to_string(sockets) + " sockets open; at most " +
           std::to_string(max_sockets_per_process) +
           " per process (the open-file limit is 20,000 here): spread them over several processes" +
           (options.workload == Workload::fanout ? " (--receiver-processes)" : "");
  }
  rlimit open_files{};
  getrlimit(RLIMIT_NOFILE, &open_files);
  if (sockets + options.membership_in_flight + 16 > open_files.rlim_cur) {
    return "this workload needs " + std::to_string(sockets) + " sockets but `ulimit -n` is " +
           std::to_string(open_files.rlim_cur);
  }
  if (options.workload == Workload::fanout && options.members * options.events > max_recorded_deliveries) {
    return "members × events is past " + std::to_string(max_recorded_deliveries) +
           " deliveries, whose latency samples would not fit in memory";
  }
  if (options.workload == Workload::chat && options.sessions * options.tokens > max_recorded_deliveries) {
    return "sessions × tokens is past " + std::to_string(max_recorded_deliveries) +
           " deliveries, whose latency samples would not fit in memory";
  }
  if (options.workload == Workload::chat && !options.chat_direct && options.api_key.empty()) {
    return "chat needs BENCH_API_KEY (it creates its application through the REST API)";
  }
  if (options.jwt_secret.empty()) return "BENCH_JWT_SECRET must be set (the tokens' HS256 secret)";
  if (options.membership && options.api_key.empty()) return "--membership needs BENCH_API_KEY";
  if (options.count_server_syscalls && (options.workload != Workload::fanout || options.server_pid == 0))
    return "--count-server-syscalls is for fanout, with --server-pid";
  return "";
}

}  // namespace

const char* workload_name(Workload workload) {
  switch (workload) {
    case Workload::idle:
      return "idle";
    case Workload::connect:
      return "connect";
    case Workload::fanout:
      return "fanout";
    case Workload::chat:
      return "chat";
  }
  return "?";
}

std::optional<BenchOptions> parse_bench_options(int argc, char** argv, int& exit_status) {
  BenchOptions options;
  CLI::App app{
      "nadoo-bench: WebSocket load generator for nadoo-realtime and its peers. Prints one JSON "
      "document of figures. Secrets come from BENCH_JWT_SECRET and BENCH_API_KEY."};
  const std::map<std::string, Workload> workloads{{"idle", Workload::idle},
                                                  {"connect", Workload::connect},
                                                  {"fanout", Workload::fanout},
                                                  {"chat", Workload::chat}};
  app.add_option("workload", options.workload, "idle | connect | fanout | chat")
      ->required()
      ->transform(CLI::CheckedTransformer(workloads));
  app.add_option("--host", options.target.host, "server address (loopback only)")
      ->check(CLI::IsMember({"127.0.0.1"}));
  app.add_option("--port", options.target.port, "server port")->required();
  const auto* path = app.add_option("--path", options.target.path_template,
                                    "request path; {workspace}, {session}, {user}, {token} are replaced "
                                    "(chat: " +
                                        std::string(chat_path_template) + ")")
                         ->capture_default_str();
  app.add_option("--threads", options.threads, "I/O threads, one io_context each")
      ->check(CLI::Range(1u, 64u))
      ->capture_default_str();
  app.add_option("--connections", options.connections, "idle: connections held; connect: handshakes in all")
      ->check(CLI::Range(std::size_t{1}, std::size_t{10'000'000}))
      ->capture_default_str();
  app.add_option("--in-flight", options.handshakes_in_flight, "handshakes in flight")
      ->check(CLI::Range(std::size_t{1}, max_sockets_per_process))
      ->capture_default_str();
  app.add_option("--workspaces", options.workspaces,
                 "idle, connect: workspaces the connections are spread over")
      ->check(CLI::Range(std::size_t{1}, std::size_t{1'000'000}))
      ->capture_default_str();
  app.add_option("--workspace", options.fanout_workspace, "fanout: the workspace")->capture_default_str();
  app.add_option("--members", options.members,
                 "fanout: receiving members (at most " + std::to_string(max_sockets_per_process) +
                     " per receiver process)")
      ->check(CLI::Range(std::size_t{1}, max_sockets_per_process * max_receiver_processes))
      ->capture_default_str();
  app.add_option("--receiver-processes", options.receiver_processes,
                 "fanout: worker processes the members are spread over (1: this process, on --threads; "
                 "more: each worker on --threads, the publisher apart in this one)")
      ->check(CLI::Range(1u, max_receiver_processes))
      ->capture_default_str();
  app.add_option("--events", options.events, "fanout: events published")
      ->check(CLI::Range(std::size_t{1}, std::size_t{100'000'000}))
      ->capture_default_str();
  app.add_option("--rate", options.rate_events_per_second, "fanout: events per second (0: full speed)")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  app.add_option("--sessions", options.sessions, "chat: concurrent chat sessions")
      ->check(CLI::Range(std::size_t{1}, max_sockets_per_process / 2))
      ->capture_default_str();
  app.add_option("--tokens", options.tokens, "chat: tokens per answer")
      ->check(CLI::Range(std::size_t{1}, std::size_t{100'000}))
      ->capture_default_str();
  app.add_option("--token-interval-ms", options.token_interval_ms, "chat: the upstream's time between tokens")
      ->check(CLI::Range(0.0, 60'000.0))
      ->capture_default_str();
  app.add_option("--ramp-ms", options.ramp_ms, "chat: the chats start evenly over this span")
      ->check(CLI::Range(0.0, 600'000.0))
      ->capture_default_str();
  app.add_option("--upstream-port", options.upstream_port, "chat: the fake upstream's port (0: any free one)")
      ->capture_default_str();
  app.add_option("--application", options.chat_application, "chat: the application id it creates")
      ->capture_default_str();
  app.add_flag("--direct", options.chat_direct,
               "chat: the same streams straight from the upstream, no server: the rig's own latency");
  app.add_option("--hold-seconds", options.hold_seconds, "idle: seconds held idle before the memory reading")
      ->check(CLI::Range(0.0, 3600.0))
      ->capture_default_str();
  app.add_option("--deadline-seconds", options.deadline_seconds, "the whole run's time bound")
      ->check(CLI::Range(1.0, 3600.0))
      ->capture_default_str();
  app.add_option("--server-pid", options.server_pid, "server process for RSS and CPU figures")
      ->check(CLI::PositiveNumber);
  app.add_option("--other-server-pids", options.other_server_pids,
                 "fanout: the other nodes of a cluster, whose CPU adds to --server-pid's")
      ->delimiter(',');
  app.add_option(
         "--member-ports", options.member_ports,
         "fanout: ports the members connect to in turn (a cluster's nodes); the publisher uses --port")
      ->delimiter(',');
  app.add_option("--redis-port", options.redis_port,
                 "fanout: a cluster's Redis on loopback; its PUBLISHes over the deliveries are counted");
  app.add_flag(
      "--count-server-syscalls", options.count_server_syscalls,
      "fanout: count the server's write/writev/sendmsg/sendto calls over the deliveries (perf, root)");
  app.add_flag("--membership", options.membership,
               "make every user a member first (PUT /api/v1/workspaces/{id}/members/{user}); ours only");
  app.add_option("--membership-in-flight", options.membership_in_flight, "membership requests in flight")
      ->check(CLI::Range(std::size_t{1}, std::size_t{256}))
      ->capture_default_str();
  app.add_option("--out", options.out_path, "also write the JSON document to this file");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    exit_status = app.exit(error);
    return std::nullopt;
  }
  if (options.workload == Workload::chat && path->count() == 0)
    options.target.path_template = chat_path_template;
  options.jwt_secret = environment("BENCH_JWT_SECRET");
  options.api_key = environment("BENCH_API_KEY");
  if (const std::string reason = refusal(options); !reason.empty()) {
    std::cerr << "nadoo-bench: " << reason << "\n";
    exit_status = 64;  // EX_USAGE
    return std::nullopt;
  }
  return options;
}

}  // namespace nadoo::bench
