// nadoo-realtime: the command line only. Parse it, then serve or mint a token.
#include <spdlog/async.h>
#include <spdlog/sinks/stdout_sinks.h>
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

/// Log lines are written by a thread of their own: an I/O thread only queues
/// them, and never waits on a slow terminal or a full pipe. Past the queue's
/// capacity the oldest lines are dropped rather than blocking.
void use_asynchronous_logging(const config::ServerConfig& config) {
  constexpr std::size_t queued_lines = 8192;  // a burst of connects is a few thousand lines
  spdlog::init_thread_pool(queued_lines, 1);
  auto logger = std::make_shared<spdlog::async_logger>(
      "nadoo", std::make_shared<spdlog::sinks::stdout_sink_mt>(), spdlog::thread_pool(),
      spdlog::async_overflow_policy::overrun_oldest);
  spdlog::set_default_logger(std::move(logger));
  spdlog::set_level(spdlog::level::from_str(config.log_level));
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %l %v", spdlog::pattern_time_type::utc);
  spdlog::flush_on(spdlog::level::info);
}

int serve(const config::ServeCommand& command) {
  use_asynchronous_logging(command.config);
  const int exit_code = app::run_server(command.config);
  spdlog::shutdown();  // writes out what is still queued
  return exit_code;
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
