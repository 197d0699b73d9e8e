#pragma once

#include "config/option_registry.hpp"
#include "config/server_config.hpp"

namespace nadoo::config {

/// Declares every option of `serve` (flag, environment variable, help,
/// range), bound to `config`. `others` is the visibility of the options
/// other than the JWT ones: `token` accepts them all, so that one config file
/// and one set of flags serve both commands, but shows only what it uses.
void declare_serve_options(OptionRegistry& registry, ServerConfig& config,
                           OptionRegistry::Visibility others = OptionRegistry::Visibility::shown);

}  // namespace nadoo::config
