#pragma once

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <CLI/CLI.hpp>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace nadoo::config {

/// Where an option's effective value came from, in precedence order.
enum class OptionSource { command_line, environment, config_file, default_value };

/// The options of one subcommand, each declared once with its flag, its
/// environment variable and whether its value is a secret. The command line
/// is CLI11's; the environment and the config file are applied here, after
/// CLI11 has parsed, so that an error names where the bad value came from
/// (`NADOO_PORT=abc`, `port = abc in f.toml`) and the effective configuration
/// can say the source of every value.
///
/// Not thread-safe: used while the command line is parsed, before anything runs.
class OptionRegistry {
 public:
  /// `secret`: never shown, only whether it is set. `masked`: holds a secret
  /// part (a URI's password) that its masking function hides when shown.
  enum class Secrecy { plain, secret, masked };
  /// Options that another subcommand owns: accepted (so that one config file
  /// or set of flags serves both), left out of this subcommand's help.
  enum class Visibility { shown, hidden };

  explicit OptionRegistry(CLI::App& app) : app_(app) {}

  template <typename T>
  CLI::Option* add(const std::string& flag, T& value, const std::string& environment_variable,
                   const std::string& help, Secrecy secrecy = Secrecy::plain) {
    return record(
        app_.add_option(flag, value, with_environment(help, environment_variable))->capture_default_str(),
        environment_variable, secrecy, [&value] { return toml_value(value); });
  }
  /// A string option shown in the effective configuration as `masked` makes
  /// it, and never quoted in an error message.
  CLI::Option* add_masked(const std::string& flag, std::string& value,
                          const std::string& environment_variable, const std::string& help,
                          std::function<std::string(std::string_view)> masked) {
    return record(
        app_.add_option(flag, value, with_environment(help, environment_variable))->capture_default_str(),
        environment_variable, Secrecy::masked,
        [&value, masked = std::move(masked)] { return toml_string(masked(value)); });
  }
  CLI::Option* add_flag(const std::string& flag, bool& value, const std::string& environment_variable,
                        const std::string& help);

  /// Options declared from here on are accepted but not shown in the help.
  void set_visibility(Visibility visibility) { visibility_ = visibility; }

  /// Fills the options the command line left unset from their environment
  /// variables. Throws CLI::ValidationError naming the variable.
  void apply_environment();
  /// Fills the options still unset from a TOML/INI file of `name = value`
  /// lines (names as the flags without `--`; `_` and `-` alike), at the top
  /// level or in a `[serve]` section. Throws CLI::ParseError naming the file.
  void apply_config_file(const std::string& path);

  /// Whether an operator gave the option (command line, environment or file).
  bool is_set(std::string_view flag) const;

  /// The effective configuration as a config file would hold it, one
  /// `name = value  # source` line per option; secrets are masked.
  std::string effective_configuration() const;

 private:
  struct Declared {
    CLI::Option* option;
    std::string environment_variable;
    Secrecy secrecy;
    /// The option's variable as TOML, read when asked: the value in effect.
    std::function<std::string()> effective_value;
    OptionSource source = OptionSource::default_value;
  };

  static std::string toml_string(std::string_view text);
  static std::string toml_value(const std::string& text) { return toml_string(text); }
  static std::string toml_value(const std::vector<std::string>& items);
  template <typename T>
  static std::string toml_value(const T& number_or_bool) {
    return fmt::format("{}", number_or_bool);
  }

  static std::string with_environment(const std::string& help, const std::string& environment_variable);
  CLI::Option* record(CLI::Option* option, const std::string& environment_variable, Secrecy secrecy,
                      std::function<std::string()> effective_value);
  Declared* find(std::string_view config_name);

  CLI::App& app_;
  Visibility visibility_ = Visibility::shown;
  std::vector<Declared> declared_;
};

}  // namespace nadoo::config
