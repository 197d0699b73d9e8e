#include "config/option_registry.hpp"

#include <gtest/gtest.h>

namespace nadoo::config {
namespace {

TEST(OptionRegistry, reference_row_holds_flag_variable_default_range_meaning_and_reason) {
  CLI::App app;
  OptionRegistry registry(app);
  std::size_t queue_bytes = 1024 * 1024;
  registry
      .add({"--queue-bytes", "NADOO_QUEUE_BYTES", "unsent bytes | per connection",
            "a healthy client lags less"},
           queue_bytes)
      .within_bytes(OptionBounds<std::size_t>{1024, std::size_t{1} << 30});
  EXPECT_EQ(registry.markdown_reference(),
            "| flag | environment | default | range | meaning | why this default |\n"
            "|---|---|---|---|---|---|\n"
            "| `--queue-bytes` | `NADOO_QUEUE_BYTES` | `1048576` | 1 KiB–1 GiB | unsent bytes \\| per "
            "connection | a healthy client lags less |\n");
}

TEST(OptionRegistry, reference_reads_numbers_flags_choices_and_empty_defaults) {
  CLI::App app;
  OptionRegistry registry(app);
  unsigned retention_seconds = 86400;
  bool echo = false;
  std::string level = "info";
  std::string secret;
  registry.add({"--retention-seconds", "R", "m", "r"}, retention_seconds)
      .within(OptionBounds<unsigned>{1, 366 * 86400});
  registry.add_flag({"--echo", "E", "m", "r"}, echo);
  registry.add({"--level", "L", "m", "r"}, level).one_of({"info", "off"});
  registry.add({"--secret", "S", "m", "r"}, secret, OptionRegistry::Secrecy::secret);
  const auto reference = registry.markdown_reference();
  EXPECT_NE(reference.find("| `--retention-seconds` | `R` | `86400` | 1–31,622,400 |"), std::string::npos);
  EXPECT_NE(reference.find("| `--echo` | `E` | off |  |"), std::string::npos);
  EXPECT_NE(reference.find("| `--level` | `L` | `info` | `info`, `off` |"), std::string::npos);
  EXPECT_NE(reference.find("| `--secret` | `S` |  |  |"), std::string::npos);
}

TEST(OptionRegistry, a_range_is_enforced_as_well_as_shown) {
  CLI::App app;
  OptionRegistry registry(app);
  unsigned lanes = 4;
  registry.add({"--lanes", "NADOO_LANES", "m", "r"}, lanes).within(OptionBounds<unsigned>{1, 64});
  const char* arguments[] = {"app", "--lanes", "65"};
  EXPECT_THROW(app.parse(3, arguments), CLI::ValidationError);
}

}  // namespace
}  // namespace nadoo::config
