#pragma once

#include <optional>
#include <string>
#include <variant>

#include "auth/jwt_signer.hpp"
#include "config/server_config.hpp"

namespace nadoo::config {

struct ServeCommand {
  ServerConfig config;
};

struct TokenCommand {
  ServerConfig config;  // only the JWT options matter
  auth::AccessTokenRequest request;
};

/// Help or version text, or a usage error, to print before exiting.
struct ExitCommand {
  int exit_code = 0;
  std::string output;
};

using Command = std::variant<ServeCommand, TokenCommand, ExitCommand>;

/// Parses `nadoo-realtime serve|token …`. Every option is also read from its
/// environment variable and from `--config FILE` (TOML/INI `name = value`);
/// precedence: command line, then environment, then config file, then default.
Command parse_command_line(int argc, const char* const* argv);

}  // namespace nadoo::config
