#include "config/command_line.hpp"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <vector>

namespace nadoo::config {
namespace {

Command parse(std::vector<const char*> arguments) {
  arguments.insert(arguments.begin(), "nadoo-realtime");
  return parse_command_line(static_cast<int>(arguments.size()), arguments.data());
}

ServerConfig serve_config(std::vector<const char*> arguments) {
  arguments.insert(arguments.begin(), "serve");
  const auto command = parse(arguments);
  if (const auto* exit = std::get_if<ExitCommand>(&command)) ADD_FAILURE() << exit->output;
  return std::get<ServeCommand>(command).config;
}

/// Sets an environment variable for one test.
class ScopedEnvironment {
 public:
  ScopedEnvironment(const char* name, const char* value) : name_(name) { setenv(name, value, 1); }
  ~ScopedEnvironment() { unsetenv(name_); }

 private:
  const char* name_;
};

std::string write_config_file(const std::string& content) {
  static int files_written = 0;
  const auto path = std::filesystem::temp_directory_path() /
                    ("nadoo-config-test-" + std::to_string(getpid()) + "-" + std::to_string(++files_written));
  std::ofstream(path) << content;
  return path.string();
}

TEST(CommandLine, serve_defaults_match_the_documented_ones) {
  const auto config = serve_config({});
  EXPECT_EQ(config.host, "127.0.0.1");
  EXPECT_EQ(config.port, 8000);
  EXPECT_EQ(config.jwt_algorithm, "HS256");
  EXPECT_EQ(config.max_message_bytes, 64u * 1024);
  EXPECT_FALSE(config.chat_require_token);
  EXPECT_FALSE(config.enable_echo);
}

TEST(CommandLine, flags_set_options) {
  const auto config =
      serve_config({"--host", "0.0.0.0", "--port", "9000", "--data-dir", "/tmp/d", "--enable-echo",
                    "--max-message-bytes", "1000", "--api-keys", "nai-a,nai-b"});
  EXPECT_EQ(config.host, "0.0.0.0");
  EXPECT_EQ(config.port, 9000);
  EXPECT_EQ(config.data_dir, "/tmp/d");
  EXPECT_TRUE(config.enable_echo);
  EXPECT_EQ(config.max_message_bytes, 1000u);
  EXPECT_EQ(config.api_keys, (std::vector<std::string>{"nai-a", "nai-b"}));
}

TEST(CommandLine, platform_environment_variables_are_honoured) {
  ScopedEnvironment secret("JWT_SECRET", "from-env");
  ScopedEnvironment algorithm("JWT_ALGORITHM", "HS512");
  ScopedEnvironment keys("NADOO_API_KEYS", "nai-1,nai-2,nai-3");
  ScopedEnvironment port("NADOO_PORT", "8123");
  const auto config = serve_config({});
  EXPECT_EQ(config.jwt_secret, "from-env");
  EXPECT_EQ(config.jwt_algorithm, "HS512");
  EXPECT_EQ(config.api_keys.size(), 3u);
  EXPECT_EQ(config.port, 8123);
}

TEST(CommandLine, command_line_beats_environment_beats_config_file) {
  const auto file = write_config_file("port = 7001\nhost = \"10.0.0.1\"\nmax_message_bytes = 5\n");
  ScopedEnvironment port("NADOO_PORT", "7002");
  ScopedEnvironment host("NADOO_HOST", "10.0.0.2");
  const auto config = serve_config({"--config", file.c_str(), "--port", "7003"});
  EXPECT_EQ(config.port, 7003);
  EXPECT_EQ(config.host, "10.0.0.2");
  EXPECT_EQ(config.max_message_bytes, 5u);
  std::filesystem::remove(file);
}

TEST(CommandLine, unknown_config_file_key_is_an_error) {
  const auto file = write_config_file("no_such_option = 1\n");
  const auto command = parse({"serve", "--config", file.c_str()});
  ASSERT_TRUE(std::holds_alternative<ExitCommand>(command));
  EXPECT_NE(std::get<ExitCommand>(command).exit_code, 0);
  EXPECT_NE(std::get<ExitCommand>(command).output.find("no_such_option"), std::string::npos);
  std::filesystem::remove(file);
}

TEST(CommandLine, invalid_values_are_usage_errors) {
  for (auto arguments : std::vector<std::vector<const char*>>{{"serve", "--port", "70000"},
                                                              {"serve", "--jwt-algorithm", "none"},
                                                              {"serve", "--idle-timeout-seconds", "1"},
                                                              {"serve", "--log-level", "loud"},
                                                              {"bogus"},
                                                              {}}) {
    const auto command = parse(arguments);
    ASSERT_TRUE(std::holds_alternative<ExitCommand>(command));
    EXPECT_NE(std::get<ExitCommand>(command).exit_code, 0);
  }
}

TEST(CommandLine, notification_options_come_from_flags_and_environment) {
  ScopedEnvironment retention("NADOO_NOTIFICATION_RETENTION_DAYS", "7");
  const auto config =
      serve_config({"--notification-backlog-limit", "25", "--notification-bulk-max-users", "10"});
  EXPECT_EQ(config.notification_backlog_limit, 25u);
  EXPECT_EQ(config.notification_bulk_max_users, 10u);
  EXPECT_EQ(config.notification_retention_days, 7u);
  EXPECT_EQ(config.notification_unread_retention_days, 90u);
  EXPECT_EQ(config.notification_title_max_bytes, 256u);
  for (const char* zero : {"--notification-backlog-limit", "--notification-bulk-max-users",
                           "--notification-purge-interval-seconds"}) {
    EXPECT_TRUE(std::holds_alternative<ExitCommand>(parse({"serve", zero, "0"}))) << zero;
  }
}

TEST(CommandLine, token_command_takes_subject_and_lifetime) {
  const auto command = parse({"token", "--sub", "user-1", "--ttl", "60", "--jwt-secret", "s"});
  ASSERT_TRUE(std::holds_alternative<TokenCommand>(command));
  const auto& token = std::get<TokenCommand>(command);
  EXPECT_EQ(token.request.subject, "user-1");
  EXPECT_EQ(token.request.time_to_live, std::chrono::seconds(60));
  EXPECT_EQ(token.config.jwt_secret, "s");
}

TEST(CommandLine, version_prints_and_exits_zero) {
  const auto command = parse({"--version"});
  ASSERT_TRUE(std::holds_alternative<ExitCommand>(command));
  EXPECT_EQ(std::get<ExitCommand>(command).exit_code, 0);
  EXPECT_NE(std::get<ExitCommand>(command).output.find("nadoo-realtime"), std::string::npos);
}

TEST(CommandLine, serve_version_prints_and_exits_zero) {
  const auto command = parse({"serve", "--version"});
  ASSERT_TRUE(std::holds_alternative<ExitCommand>(command));
  EXPECT_EQ(std::get<ExitCommand>(command).exit_code, 0);
  EXPECT_NE(std::get<ExitCommand>(command).output.find("nadoo-realtime " NADOO_VERSION), std::string::npos);
}

/// The exit text of a command that must be refused.
std::string refusal(std::vector<const char*> arguments) {
  const auto command = parse(arguments);
  if (!std::holds_alternative<ExitCommand>(command)) {
    ADD_FAILURE() << "accepted";
    return {};
  }
  EXPECT_NE(std::get<ExitCommand>(command).exit_code, 0);
  return std::get<ExitCommand>(command).output;
}

TEST(CommandLine, config_file_of_serve_options_through_NADOO_CONFIG_serves_both_commands) {
  const auto file = write_config_file("port = 18112\nlog-level = \"warn\"\njwt_secret = \"from-file\"\n");
  ScopedEnvironment config("NADOO_CONFIG", file.c_str());
  const auto served = serve_config({});
  EXPECT_EQ(served.port, 18112);
  EXPECT_EQ(served.log_level, "warn");
  const auto command = parse({"token", "--sub", "user-1"});
  ASSERT_TRUE(std::holds_alternative<TokenCommand>(command)) << std::get<ExitCommand>(command).output;
  EXPECT_EQ(std::get<TokenCommand>(command).config.jwt_secret, "from-file");
  std::filesystem::remove(file);
}

TEST(CommandLine, ini_serve_section_holds_options_and_other_sections_are_refused) {
  const auto file = write_config_file("; an INI file\n[serve]\nport = 18113\nenable-echo = true\n");
  const auto config = serve_config({"--config", file.c_str()});
  EXPECT_EQ(config.port, 18113);
  EXPECT_TRUE(config.enable_echo);
  const auto other = write_config_file("[server]\nport = 1\n");
  EXPECT_NE(refusal({"serve", "--config", other.c_str()}).find("[server]"), std::string::npos);
  std::filesystem::remove(file);
  std::filesystem::remove(other);
}

TEST(CommandLine, bad_environment_value_names_the_variable) {
  ScopedEnvironment port("NADOO_PORT", "abc");
  const auto text = refusal({"serve"});
  EXPECT_NE(text.find("NADOO_PORT"), std::string::npos) << text;
  EXPECT_NE(text.find("--port"), std::string::npos) << text;
}

TEST(CommandLine, bad_secret_is_refused_without_echoing_it) {
  ScopedEnvironment keys("NADOO_API_KEYS", "nai-secret-one, ,nai-secret-two");
  const auto text = refusal({"serve"});
  EXPECT_NE(text.find("NADOO_API_KEYS"), std::string::npos) << text;
  EXPECT_EQ(text.find("nai-secret"), std::string::npos) << text;
}

TEST(CommandLine, api_keys_are_trimmed) {
  ScopedEnvironment keys("NADOO_API_KEYS", "k1, k2 ,k3");
  EXPECT_EQ(serve_config({}).api_keys, (std::vector<std::string>{"k1", "k2", "k3"}));
  EXPECT_EQ(serve_config({"--api-keys", " a , b"}).api_keys, (std::vector<std::string>{"a", "b"}));
}

TEST(CommandLine, zero_limits_are_refused_naming_the_option) {
  for (const char* option :
       {"--max-connections", "--max-message-bytes", "--outbound-queue-limit-bytes", "--max-http-body-bytes",
        "--max-http-header-bytes", "--workspace-event-max-bytes", "--notification-title-max-bytes",
        "--openai-idle-timeout-seconds"}) {
    EXPECT_NE(refusal({"serve", option, "0"}).find(option), std::string::npos) << option;
  }
}

TEST(CommandLine, replay_limit_larger_than_the_outbound_queue_is_refused_when_set) {
  const auto text = refusal(
      {"serve", "--outbound-queue-limit-bytes", "262144", "--notification-backlog-limit-bytes", "524288"});
  EXPECT_NE(text.find("--notification-backlog-limit-bytes"), std::string::npos) << text;
  EXPECT_NE(text.find("--outbound-queue-limit-bytes"), std::string::npos) << text;
  EXPECT_NE(refusal({"serve", "--outbound-queue-limit-bytes", "262144", "--plugin-debug-history-limit-bytes",
                     "200000"})
                .find("--plugin-debug-history-limit-bytes"),
            std::string::npos);
}

TEST(CommandLine, replay_limits_left_at_their_default_fit_a_smaller_outbound_queue) {
  const auto config = serve_config({"--outbound-queue-limit-bytes", "262144"});
  EXPECT_EQ(config.notification_backlog_limit_bytes, 262144u);
  EXPECT_EQ(config.plugin_debug_history_limit_bytes, 131072u);
  EXPECT_EQ(serve_config({}).notification_backlog_limit_bytes, 512u * 1024);
}

TEST(CommandLine, print_config_shows_effective_values_and_sources_with_secrets_masked) {
  const auto file = write_config_file("max-connections = 77\n");
  ScopedEnvironment secret("JWT_SECRET", "do-not-print-me");
  ScopedEnvironment port("NADOO_PORT", "8123");
  const auto command = parse({"serve", "--config", file.c_str(), "--host", "0.0.0.0", "--print-config"});
  ASSERT_TRUE(std::holds_alternative<ExitCommand>(command));
  const auto& printed = std::get<ExitCommand>(command);
  EXPECT_EQ(printed.exit_code, 0);
  EXPECT_NE(printed.output.find("host = \"0.0.0.0\"  # command line\n"), std::string::npos) << printed.output;
  EXPECT_NE(printed.output.find("port = 8123  # environment\n"), std::string::npos);
  EXPECT_NE(printed.output.find("max-connections = 77  # config file\n"), std::string::npos);
  EXPECT_NE(printed.output.find("idle-timeout-seconds = 60  # default\n"), std::string::npos);
  EXPECT_NE(printed.output.find("jwt-secret = \"********\"  # environment\n"), std::string::npos);
  EXPECT_NE(printed.output.find("api-keys = []  # default\n"), std::string::npos);
  EXPECT_EQ(printed.output.find("do-not-print-me"), std::string::npos);
  std::filesystem::remove(file);
}

}  // namespace
}  // namespace nadoo::config
