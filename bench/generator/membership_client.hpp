#pragma once
// Makes users members of workspaces through the server's REST API
// (PUT /api/v1/workspaces/{id}/members/{user} with X-API-Key): our server
// admits only members to a workspace socket. Peers have no such API.

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

#include "bench_target.hpp"
#include "io_threads.hpp"

namespace nadoo::bench {

struct Membership {
  std::string workspace_id;
  std::string user_id;
};

struct MembershipOutcome {
  std::size_t added = 0;
  std::size_t failed = 0;
  bool finished_in_time = true;
  double seconds = 0;
  std::string first_failure;
};

/// Sends every request over `in_flight` keep-alive connections spread over
/// the I/O threads, and waits for the answers until `deadline`. The API key
/// goes only into the request header.
MembershipOutcome add_workspace_members(IoThreads& threads, const BenchTarget& target,
                                        const std::string& api_key,
                                        const std::vector<Membership>& memberships, std::size_t in_flight,
                                        std::chrono::steady_clock::time_point deadline);

}  // namespace nadoo::bench
