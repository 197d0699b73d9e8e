#pragma once

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <CLI/CLI.hpp>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace nadoo::config {

/// Where an option's effective value came from, in precedence order.
enum class OptionSource { command_line, environment, config_file, default_value };

/// An option as an operator reads it, in `--help` and in the README's
/// reference (`serve --print-options`), written once where it is declared.
struct OptionDescription {
  std::string flag;                  // `--port`
  std::string environment_variable;  // `NADOO_PORT`
  std::string meaning;               // what it sets (Markdown; the help shows it as written)
  std::string reason;                // why the default is what it is, in a line
};

/// The least and the most an option accepts.
template <typename Number>
struct OptionBounds {
  Number minimum;
  Number maximum;
};

/// The options of one subcommand, each declared once with its flag, its
/// environment variable, what it means, why its default, its range and
/// whether its value is a secret. The command line is CLI11's; the
/// environment and the config file are applied here, after CLI11 has parsed,
/// so that an error names where the bad value came from (`NADOO_PORT=abc`,
/// `port = abc in f.toml`) and the effective configuration can say the
/// source of every value.
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

  /// A declared option, to give its range (which the reference shows) or
  /// CLI11 settings such as a delimiter.
  class Declaration {
   public:
    Declaration(OptionRegistry& registry, std::size_t index) : registry_(registry), index_(index) {}

    template <typename Number>
    Declaration& within(OptionBounds<Number> bounds) {
      return bounded(bounds, readable_number(bounds.minimum), readable_number(bounds.maximum));
    }
    /// The same for a size in bytes, its range shown in binary units.
    Declaration& within_bytes(OptionBounds<std::size_t> bounds) {
      return bounded(bounds, binary_size(bounds.minimum), binary_size(bounds.maximum));
    }
    Declaration& one_of(const std::vector<std::string>& values);
    /// `range`: what the validator accepts, in words, for the reference.
    Declaration& check(const CLI::Validator& validator, std::string range);
    CLI::Option* operator->() const;

   private:
    template <typename Number>
    Declaration& bounded(OptionBounds<Number> bounds, const std::string& minimum,
                         const std::string& maximum) {
      return check(CLI::Range(bounds.minimum, bounds.maximum), fmt::format("{}–{}", minimum, maximum));
    }

    OptionRegistry& registry_;
    std::size_t index_;
  };

  explicit OptionRegistry(CLI::App& app) : app_(app) {}

  template <typename T>
  Declaration add(OptionDescription description, T& value, Secrecy secrecy = Secrecy::plain) {
    auto* option = app_.add_option(description.flag, value, help_text(description))->capture_default_str();
    return record(option, std::move(description), secrecy, [&value] { return toml_value(value); });
  }
  /// A string option shown in the effective configuration as `masked` makes
  /// it, and never quoted in an error message.
  Declaration add_masked(OptionDescription description, std::string& value,
                         std::function<std::string(std::string_view)> masked);
  Declaration add_flag(OptionDescription description, bool& value);

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
  /// Every option as a Markdown table (flag, variable, default, range,
  /// meaning, reason): the README's reference is this text.
  std::string markdown_reference() const;

 private:
  struct Declared {
    CLI::Option* option;
    OptionDescription description;
    Secrecy secrecy;
    /// The option's variable as TOML, read when asked: the value in effect.
    std::function<std::string()> effective_value;
    std::string range;
    /// A flag's default, `on` or `off`; none for an option with a value.
    std::optional<std::string> flag_default;
    OptionSource source = OptionSource::default_value;
  };

  static std::string toml_string(std::string_view text);
  static std::string toml_value(const std::string& text) { return toml_string(text); }
  static std::string toml_value(const std::vector<std::string>& items);
  template <typename T>
  static std::string toml_value(const T& number_or_bool) {
    return fmt::format("{}", number_or_bool);
  }
  /// 65536 as `65,536`: ranges are read, not parsed.
  template <typename Number>
  static std::string readable_number(Number number) {
    if constexpr (std::is_integral_v<Number>) return with_thousands_separators(fmt::format("{}", number));
    return fmt::format("{}", number);
  }
  /// 1024 as `1 KiB`, 1536 as `1,536 B`: whole units only.
  static std::string binary_size(std::uint64_t bytes);
  static std::string with_thousands_separators(std::string digits);

  static std::string help_text(const OptionDescription& description);
  Declaration record(CLI::Option* option, OptionDescription description, Secrecy secrecy,
                     std::function<std::string()> effective_value);
  Declared* find(std::string_view config_name);

  CLI::App& app_;
  Visibility visibility_ = Visibility::shown;
  std::vector<Declared> declared_;
};

}  // namespace nadoo::config
