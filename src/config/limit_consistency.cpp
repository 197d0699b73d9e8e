#include "config/limit_consistency.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace nadoo::config {
namespace {

/// Keeps `limit` (the option `flag`) at most `cap`, which is `cap_reason`.
void fit_under(std::size_t& limit, std::string_view flag, std::size_t cap, std::string_view cap_reason,
               const OptionRegistry& registry) {
  if (limit <= cap) return;
  if (registry.is_set(flag)) {
    throw CLI::ValidationError(
        fmt::format("{} is {}, more than {} ({}): a replay that large would close "
                    "its own connection as a slow consumer; lower it",
                    flag, limit, cap_reason, cap));
  }
  limit = cap;
}

}  // namespace

void reconcile_limits(ServerConfig& config, const OptionRegistry& registry) {
  fit_under(config.notification_backlog_limit_bytes, "--notification-backlog-limit-bytes",
            config.outbound_queue_limit_bytes, "--outbound-queue-limit-bytes", registry);
  // The console's history goes in behind execution_info, and live events
  // behind it while it is sent: half the queue leaves them room.
  fit_under(config.plugin_debug_history_limit_bytes, "--plugin-debug-history-limit-bytes",
            config.outbound_queue_limit_bytes / 2, "half of --outbound-queue-limit-bytes", registry);
}

}  // namespace nadoo::config
