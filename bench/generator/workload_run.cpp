#include "workload_run.hpp"

#include "access_tokens.hpp"

namespace nadoo::bench {

WorkloadRun::WorkloadRun(const BenchOptions& options)
    : options(options),
      deadline(std::chrono::steady_clock::now() +
               std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                   std::chrono::duration<double>(options.deadline_seconds))) {
  report.workload = workload_name(options.workload);
  report.settings = {{"host", options.target.host},
                     {"port", options.target.port},
                     {"path", options.target.path_template},
                     {"threads", options.threads},
                     {"deadline_seconds", options.deadline_seconds},
                     {"membership", options.membership}};
}

bool WorkloadRun::await(CompletionCounter& counter, std::size_t target, std::string_view phase) {
  if (counter.wait_for(target, deadline)) return true;
  report.timed_out = true;
  report.problems.push_back("deadline of " + std::to_string(options.deadline_seconds) + " s reached while " +
                            std::string(phase) + " (" + std::to_string(counter.count()) + " of " +
                            std::to_string(target) + ")");
  return false;
}

bool WorkloadRun::add_memberships(IoThreads& threads, const std::vector<Membership>& memberships) {
  if (!options.membership) return true;
  const MembershipOutcome outcome = add_workspace_members(
      threads, options.target, options.api_key, memberships, options.membership_in_flight, deadline);
  report.figures["membership_requests"] = outcome.added + outcome.failed;
  report.figures["membership_seconds"] = outcome.seconds;
  if (!outcome.finished_in_time) {
    report.timed_out = true;
    report.problems.push_back("deadline reached while adding members");
  }
  if (outcome.failed > 0) {
    report.problems.push_back(std::to_string(outcome.failed) +
                              " membership requests failed, first: " + outcome.first_failure);
  }
  return outcome.finished_in_time && outcome.failed == 0;
}

void WorkloadRun::add_spread_settings() {
  report.settings["connections"] = options.connections;
  report.settings["in_flight"] = options.handshakes_in_flight;
  report.settings["workspaces"] = options.workspaces;
}

void WorkloadRun::close_held(HeldConnections& held, IoThreads& threads) {
  if (held.dropped() > 0) {
    report.problems.push_back(std::to_string(held.dropped()) + " connections closed by the server");
  }
  if (!held.close_all(threads, deadline)) {
    report.timed_out = true;
    report.problems.push_back("deadline reached while closing");
  }
}

void WorkloadRun::add_close_figures(std::initializer_list<const CloseTally*> tallies) {
  std::size_t clean = 0;
  std::size_t unclean = 0;
  for (const CloseTally* tally : tallies) {
    clean += tally->clean.load();
    unclean += tally->unclean.load();
  }
  add_close_figures(clean, unclean);
}

void WorkloadRun::add_close_figures(std::size_t clean, std::size_t unclean) {
  report.figures["clean_closes"] = clean;
  report.figures["unclean_closes"] = unclean;
  if (unclean > 0) report.problems.push_back(std::to_string(unclean) + " closes were not clean");
}

boost::json::value figure_or_null(const std::optional<std::int64_t>& reading) {
  return reading ? boost::json::value(*reading) : boost::json::value(nullptr);
}

std::vector<Membership> spread_users(std::size_t count, std::size_t workspaces) {
  std::vector<Membership> users;
  users.reserve(count);
  for (std::size_t n = 0; n < count; ++n) {
    users.push_back({"bench-ws-" + std::to_string(n % workspaces), "bench-user-" + std::to_string(n)});
  }
  return users;
}

std::vector<std::string> connection_paths(const BenchOptions& options,
                                          const std::vector<Membership>& memberships) {
  std::vector<std::string> paths;
  paths.reserve(memberships.size());
  for (const auto& membership : memberships) {
    paths.push_back(options.target.path_for(membership.workspace_id, membership.user_id,
                                            mint_access_token(options.jwt_secret, membership.user_id)));
  }
  return paths;
}

void add_connect_figures(const ConnectTally& connects, WorkloadReport& report) {
  auto& figures = report.figures;
  figures["connections_attempted"] = connects.planned;
  figures["connected"] = connects.connected;
  figures["connect_failed"] = connects.failed;
  add_percentiles_ms(figures, "connect_ms", connects.times_us, {0.5, 0.9, 0.99});
  if (connects.failed > 0) {
    report.problems.push_back(std::to_string(connects.failed) +
                              " connections failed, first: " + connects.first_failure);
  }
}

}  // namespace nadoo::bench
