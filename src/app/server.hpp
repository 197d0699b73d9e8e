// app/ assembles the parts (config → auth → broker → hub → endpoints →
// transport) and runs them until a stop signal.
#pragma once

#include "config/server_config.hpp"

namespace nadoo::app {

/// Runs the server with `config` until SIGTERM or SIGINT, then closes every
/// WebSocket with 1001 and returns the process exit code (0 on a clean stop).
/// Throws std::exception when it cannot start (bad key file, port in use).
int run_server(const config::ServerConfig& config);

}  // namespace nadoo::app
