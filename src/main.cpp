// nadoo-realtime: the command line only. Parse it, then serve or mint a token.
#include <spdlog/spdlog.h>

#include <cstdio>
#include <iostream>

#include "app/server.hpp"
#include "auth/jwt_signer.hpp"
#include "config/command_line.hpp"

namespace {

using namespace nadoo;

int print_token(const config::TokenCommand& command) {
  auth::JwtSettings settings;
  settings.algorithm = *auth::parse_jwt_algorithm(command.config.jwt_algorithm);
  settings.secret = command.config.jwt_secret;
  std::cout << auth::sign_access_token(settings, command.request) << '\n';
  return 0;
}

int serve(const config::ServeCommand& command) {
  spdlog::set_level(spdlog::level::from_str(command.config.log_level));
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %^%l%$ %v", spdlog::pattern_time_type::utc);
  spdlog::flush_on(spdlog::level::info);
  return app::run_server(command.config);
}

}  // namespace

int main(int argc, char** argv) {
  const auto command = config::parse_command_line(argc, argv);
  try {
    if (const auto* exit = std::get_if<config::ExitCommand>(&command)) {
      std::fputs(exit->output.c_str(), exit->exit_code == 0 ? stdout : stderr);
      return exit->exit_code;
    }
    if (const auto* token = std::get_if<config::TokenCommand>(&command)) return print_token(*token);
    return serve(std::get<config::ServeCommand>(command));
  } catch (const std::exception& error) {
    std::fprintf(stderr, "nadoo-realtime: %s\n", error.what());
    return 1;
  }
}
