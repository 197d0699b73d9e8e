#include "config/option_registry.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>

namespace nadoo::config {
namespace {

/// A config file's section that holds serve's options; the top level does too.
constexpr std::string_view serve_section = "serve";

std::string_view source_name(OptionSource source) {
  switch (source) {
    case OptionSource::command_line:
      return "command line";
    case OptionSource::environment:
      return "environment";
    case OptionSource::config_file:
      return "config file";
    case OptionSource::default_value:
      break;
  }
  return "default";
}

}  // namespace

OptionRegistry::Declaration& OptionRegistry::Declaration::one_of(const std::vector<std::string>& values) {
  std::vector<std::string> quoted;
  for (const auto& value : values) quoted.push_back(fmt::format("`{}`", value));
  return check(CLI::IsMember(values), fmt::format("{}", fmt::join(quoted, ", ")));
}

OptionRegistry::Declaration& OptionRegistry::Declaration::check(const CLI::Validator& validator,
                                                                std::string range) {
  auto& declared = registry_.declared_[index_];
  declared.option->check(validator);
  declared.range = std::move(range);
  return *this;
}

CLI::Option* OptionRegistry::Declaration::operator->() const { return registry_.declared_[index_].option; }

OptionRegistry::Declaration OptionRegistry::add_masked(OptionDescription description, std::string& value,
                                                       std::function<std::string(std::string_view)> masked) {
  auto* option = app_.add_option(description.flag, value, help_text(description))->capture_default_str();
  return record(option, std::move(description), Secrecy::masked,
                [&value, masked = std::move(masked)] { return toml_string(masked(value)); });
}

OptionRegistry::Declaration OptionRegistry::add_flag(OptionDescription description, bool& value) {
  auto* option = app_.add_flag(description.flag, value, help_text(description));
  auto declaration =
      record(option, std::move(description), Secrecy::plain, [&value] { return toml_value(value); });
  declared_.back().flag_default = value ? "on" : "off";
  return declaration;
}

/// A TOML basic string: quotes and backslashes escaped, control characters as \uXXXX.
std::string OptionRegistry::toml_string(std::string_view text) {
  std::string quoted = "\"";
  for (const char c : text) {
    if (c == '"' || c == '\\') {
      quoted += '\\';
      quoted += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      quoted += fmt::format("\\u{:04x}", static_cast<unsigned>(c));
    } else {
      quoted += c;
    }
  }
  return quoted + '"';
}

std::string OptionRegistry::toml_value(const std::vector<std::string>& items) {
  std::vector<std::string> quoted;
  for (const auto& item : items) quoted.push_back(toml_string(item));
  return fmt::format("[{}]", fmt::join(quoted, ", "));
}

std::string OptionRegistry::with_thousands_separators(std::string digits) {
  const std::size_t first_digit = !digits.empty() && digits.front() == '-' ? 1 : 0;
  for (auto position = digits.size(); position > first_digit + 3; position -= 3) {
    digits.insert(position - 3, ",");
  }
  return digits;
}

std::string OptionRegistry::binary_size(std::uint64_t bytes) {
  constexpr std::string_view units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  std::size_t unit = 0;
  while (unit + 1 < std::size(units) && bytes % 1024 == 0) {
    bytes /= 1024;
    ++unit;
  }
  return fmt::format("{} {}", with_thousands_separators(fmt::format("{}", bytes)), units[unit]);
}

std::string OptionRegistry::help_text(const OptionDescription& description) {
  return fmt::format("{} (env {})", description.meaning, description.environment_variable);
}

OptionRegistry::Declaration OptionRegistry::record(CLI::Option* option, OptionDescription description,
                                                   Secrecy secrecy,
                                                   std::function<std::string()> effective_value) {
  if (visibility_ == Visibility::hidden) option->group("");
  declared_.push_back(
      {option, std::move(description), secrecy, std::move(effective_value), {}, std::nullopt});
  return Declaration(*this, declared_.size() - 1);
}

OptionRegistry::Declared* OptionRegistry::find(std::string_view config_name) {
  std::string name(config_name);
  std::replace(name.begin(), name.end(), '_', '-');
  const auto found = std::find_if(declared_.begin(), declared_.end(), [&](const Declared& declared) {
    return declared.option->check_lname(name);
  });
  return found == declared_.end() ? nullptr : &*found;
}

namespace {

/// Gives `option` its value from `origin`; an invalid one is an error that
/// says where it came from (never the value of a secret).
void apply_value(CLI::Option& option, std::vector<std::string> inputs, bool secret,
                 const std::string& origin) {
  try {
    option.add_result(std::move(inputs));
    option.run_callback();
  } catch (const CLI::ParseError& error) {
    throw CLI::ValidationError(fmt::format("{} (for {}): {}", origin, option.get_name(),
                                           secret ? "not a valid value" : error.what()));
  }
}

}  // namespace

void OptionRegistry::apply_environment() {
  for (auto& declared : declared_) {
    if (declared.option->count() > 0) {
      declared.source = OptionSource::command_line;
      continue;
    }
    const char* value = std::getenv(declared.description.environment_variable.c_str());
    if (!value || !*value) continue;
    apply_value(*declared.option, {value}, declared.secrecy != Secrecy::plain,
                "environment variable " + declared.description.environment_variable);
    declared.source = OptionSource::environment;
  }
}

void OptionRegistry::apply_config_file(const std::string& path) {
  for (const auto& item : CLI::ConfigTOML().from_file(path)) {
    // CLI11 marks where a section opens and closes with these names.
    if (item.name == "++" || item.name == "--") continue;
    if (!item.parents.empty() && item.parents != std::vector<std::string>{std::string(serve_section)}) {
      throw CLI::ConversionError(
          fmt::format("unknown section [{}] in {}: options go at the top or under [{}]",
                      fmt::join(item.parents, "."), path, serve_section));
    }
    auto* declared = find(item.name);
    // `config` itself is not declared here: a file cannot name another file.
    if (!declared) throw CLI::ConversionError("unknown option `" + item.name + "` in " + path);
    if (declared->option->count() > 0) continue;
    apply_value(*declared->option, item.inputs, declared->secrecy != Secrecy::plain,
                fmt::format("`{}` in {}", item.name, path));
    declared->source = OptionSource::config_file;
  }
}

bool OptionRegistry::is_set(std::string_view flag) const {
  return std::any_of(declared_.begin(), declared_.end(), [&](const Declared& declared) {
    return declared.option->get_name() == flag && declared.source != OptionSource::default_value;
  });
}

std::string OptionRegistry::effective_configuration() const {
  std::string text;
  for (const auto& declared : declared_) {
    auto value = declared.effective_value();
    // Whether a secret is set is what an operator needs to see; never its value.
    if (declared.secrecy == Secrecy::secret && value != "\"\"" && value != "[]") value = "\"********\"";
    text += fmt::format("{} = {}  # {}\n", declared.option->get_lnames().front(), value,
                        source_name(declared.source));
  }
  return text;
}

namespace {

/// A table cell: a `|` in the text would end it.
std::string markdown_cell(std::string_view text) {
  std::string cell;
  for (const char c : text) {
    if (c == '|') cell += '\\';
    cell += c;
  }
  return cell;
}

std::string markdown_code(std::string_view text) {
  return text.empty() ? std::string() : fmt::format("`{}`", markdown_cell(text));
}

}  // namespace

std::string OptionRegistry::markdown_reference() const {
  std::string table =
      "| flag | environment | default | range | meaning | why this default |\n"
      "|---|---|---|---|---|---|\n";
  for (const auto& declared : declared_) {
    const auto& description = declared.description;
    // An empty list's default reads `[]`: nothing, as an empty string's does.
    // A secret's default is never shown (an empty one looks the same).
    auto default_text = declared.option->get_default_str();
    if (default_text == "[]" || declared.secrecy == Secrecy::secret) default_text.clear();
    const auto default_value = declared.flag_default ? *declared.flag_default : markdown_code(default_text);
    table += fmt::format("| {} | {} | {} | {} | {} | {} |\n", markdown_code(description.flag),
                         markdown_code(description.environment_variable), default_value,
                         markdown_cell(declared.range), markdown_cell(description.meaning),
                         markdown_cell(description.reason));
  }
  return table;
}

}  // namespace nadoo::config
