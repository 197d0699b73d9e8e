#include "util/utc_timestamp.hpp"

#include <gtest/gtest.h>

namespace nadoo::util {
namespace {

std::string normalised(std::string_view text) {
  const auto parsed = parse_utc_timestamp(text);
  return parsed ? parsed->text : "<invalid>";
}

TEST(UtcTimestamp, zulu_time_is_kept_as_is) {
  EXPECT_EQ(normalised("2025-01-15T10:30:00Z"), "2025-01-15T10:30:00Z");
  EXPECT_EQ(normalised("2025-01-15T10:30:00.123Z"), "2025-01-15T10:30:00.123Z");
}

TEST(UtcTimestamp, time_without_zone_is_read_as_utc_with_its_fraction) {
  // What the SDK writes: datetime.utcnow().isoformat().
  EXPECT_EQ(normalised("2025-01-15T10:30:00.123456"), "2025-01-15T10:30:00.123456Z");
  EXPECT_EQ(normalised("2025-01-15T10:30:00"), "2025-01-15T10:30:00Z");
  EXPECT_EQ(normalised("2025-01-15 10:30:00"), "2025-01-15T10:30:00Z");
}

TEST(UtcTimestamp, offsets_are_converted_to_utc) {
  EXPECT_EQ(normalised("2025-01-15T19:30:00+09:00"), "2025-01-15T10:30:00Z");
  EXPECT_EQ(normalised("2025-01-15T05:30:00.5-0500"), "2025-01-15T10:30:00.5Z");
  EXPECT_EQ(normalised("2025-01-01T01:00:00+02:00"), "2024-12-31T23:00:00Z");
  EXPECT_EQ(normalised("2024-02-28T23:00:00-01:00"), "2024-02-29T00:00:00Z");
}

TEST(UtcTimestamp, times_compare_across_zones) {
  const auto utc = parse_utc_timestamp("2025-01-15T10:30:00Z");
  const auto seoul = parse_utc_timestamp("2025-01-15T19:30:00.000001+09:00");
  ASSERT_TRUE(utc && seoul);
  EXPECT_EQ(seoul->time - utc->time, std::chrono::microseconds(1));
}

TEST(UtcTimestamp, malformed_or_impossible_times_are_refused) {
  for (const auto* bad :
       {"", "yesterday", "2025-01-15", "2025-1-15T10:30:00Z", "2025-01-15T10:30Z", "2025-02-30T10:00:00Z",
        "2025-13-01T10:00:00Z", "2025-01-15T24:00:00Z", "2025-01-15T10:60:00Z", "2025-01-15T10:30:00.Z",
        "2025-01-15T10:30:00.1234567890Z", "2025-01-15T10:30:00+24:00", "2025-01-15T10:30:00+09",
        "2025-01-15T10:30:00Zjunk", "0001-01-01T00:00:00+01:00", "1742683200"}) {
    EXPECT_FALSE(parse_utc_timestamp(bad).has_value()) << bad;
  }
}

TEST(UtcTimestamp, formats_to_the_millisecond_in_utc) {
  const auto parsed = parse_utc_timestamp("2025-01-15T10:30:00.123999Z");
  ASSERT_TRUE(parsed);
  const auto time = std::chrono::time_point_cast<std::chrono::system_clock::duration>(parsed->time);
  EXPECT_EQ(format_utc_timestamp(time), "2025-01-15T10:30:00.123Z");
}

TEST(UtcTimestamp, formats_each_millisecond_of_one_second_and_the_next) {
  using std::chrono::milliseconds;
  const auto second = std::chrono::time_point_cast<std::chrono::system_clock::duration>(
      parse_utc_timestamp("2025-12-31T23:59:59Z")->time);
  EXPECT_EQ(format_utc_timestamp(second), "2025-12-31T23:59:59.000Z");
  EXPECT_EQ(format_utc_timestamp(second + milliseconds(7)), "2025-12-31T23:59:59.007Z");
  EXPECT_EQ(format_utc_timestamp(second + milliseconds(45)), "2025-12-31T23:59:59.045Z");
  EXPECT_EQ(format_utc_timestamp(second + milliseconds(999)), "2025-12-31T23:59:59.999Z");
  EXPECT_EQ(format_utc_timestamp(second + milliseconds(1000)), "2026-01-01T00:00:00.000Z");
  EXPECT_EQ(format_utc_timestamp(second - milliseconds(1)), "2025-12-31T23:59:58.999Z");
}

}  // namespace
}  // namespace nadoo::util
