#include "config/command_line.hpp"

#include <CLI/CLI.hpp>

#include "config/limit_consistency.hpp"
#include "config/option_registry.hpp"
#include "config/serve_options.hpp"

namespace nadoo::config {
namespace {

constexpr const char* version_text = "nadoo-realtime " NADOO_VERSION;

/// `--config FILE` of one subcommand (env NADOO_CONFIG); both read the same file.
void add_config_file_option(CLI::App& app, std::string& path) {
  app.add_option("--config", path,
                 "TOML/INI file of options: `name = value`, names as the flags, at the top or under "
                 "[serve] (env NADOO_CONFIG)")
      ->check(CLI::ExistingFile);
}

/// The environment, then the config file, fill what the command line left unset.
void apply_lower_precedence_sources(OptionRegistry& registry, std::string& config_file) {
  if (config_file.empty()) {
    if (const char* from_environment = std::getenv("NADOO_CONFIG")) config_file = from_environment;
    if (!config_file.empty() && !CLI::ExistingFile(config_file).empty())
      throw CLI::ValidationError("environment variable NADOO_CONFIG: no such file " + config_file);
  }
  registry.apply_environment();
  if (!config_file.empty()) registry.apply_config_file(config_file);
}

}  // namespace

Command parse_command_line(int argc, const char* const* argv) {
  CLI::App app{"Nadoo Realtime: the Nadoo AI WebSocket server", "nadoo-realtime"};
  app.set_version_flag("--version", version_text);
  app.require_subcommand(1);

  ServeCommand serve;
  auto* serve_app = app.add_subcommand("serve", "run the server");
  serve_app->set_version_flag("--version", version_text);
  std::string serve_config_file;
  add_config_file_option(*serve_app, serve_config_file);
  bool print_config = false;
  serve_app->add_flag("--print-config", print_config,
                      "print the effective configuration (secrets masked) and where each value came from, "
                      "then exit");
  bool print_options = false;
  serve_app->add_flag("--print-options", print_options,
                      "print every option (flag, variable, default, range, meaning, why this default) as "
                      "the README's Markdown reference, then exit");
  OptionRegistry serve_options(*serve_app);
  declare_serve_options(serve_options, serve.config);

  TokenCommand token;
  auto* token_app =
      app.add_subcommand("token", "print a development access token signed with the JWT secret");
  std::string token_config_file;
  add_config_file_option(*token_app, token_config_file);
  OptionRegistry token_options(*token_app);
  declare_serve_options(token_options, token.config, OptionRegistry::Visibility::hidden);
  token_app->add_option("--sub", token.request.subject, "user id (`sub` claim)")->required();
  std::int64_t ttl_seconds = 3600;
  token_app->add_option("--ttl", ttl_seconds, "lifetime in seconds")
      ->capture_default_str()
      ->check(CLI::Range(std::int64_t{1}, std::int64_t{366} * 24 * 3600));

  try {
    app.parse(argc, argv);
    // The declared options as written, whatever the environment or a config file say.
    if (print_options) return ExitCommand{0, serve_options.markdown_reference()};
    if (serve_app->parsed()) {
      apply_lower_precedence_sources(serve_options, serve_config_file);
      reconcile_limits(serve.config, serve_options);
    } else {
      apply_lower_precedence_sources(token_options, token_config_file);
    }
  } catch (const CLI::ParseError& error) {
    std::ostringstream out, err;
    const int exit_code = app.exit(error, out, err);
    return ExitCommand{exit_code, out.str() + err.str()};
  }

  if (token_app->parsed()) {
    token.request.time_to_live = std::chrono::seconds(ttl_seconds);
    token.request.issuer = token.config.jwt_issuer;
    token.request.audience = token.config.jwt_audience;
    return token;
  }
  if (print_config) {
    const auto source =
        serve_config_file.empty() ? std::string("no config file") : "config file " + serve_config_file;
    return ExitCommand{0, "# nadoo-realtime serve: the effective configuration (" + source + ")\n" +
                              serve_options.effective_configuration()};
  }
  return serve;
}

}  // namespace nadoo::config
