#pragma once

#include "config/option_registry.hpp"
#include "config/server_config.hpp"

namespace nadoo::config {

/// Limits that bound one another. A replay sent on connect goes into the
/// connection's outbound queue, so it must fit there: one an operator set
/// that does not fit is refused (CLI::ValidationError naming both options);
/// one left at its default is lowered to fit, so that shrinking the queue
/// alone still starts.
void reconcile_limits(ServerConfig& config, const OptionRegistry& registry);

}  // namespace nadoo::config
