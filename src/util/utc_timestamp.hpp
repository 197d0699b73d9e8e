#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace nadoo::util {

/// A point in time read from a client, to the microsecond (64-bit
/// nanoseconds would not reach years 1-9999).
using UtcTime = std::chrono::sys_time<std::chrono::microseconds>;

/// An ISO-8601 timestamp read from a client, converted to UTC.
struct UtcTimestamp {
  UtcTime time;
  /// `YYYY-MM-DDTHH:MM:SS[.fraction]Z`: the fraction keeps the digits the
  /// client sent, so that nothing it measured is rounded away.
  std::string text;
};

/// Reads `YYYY-MM-DDTHH:MM:SS[.fraction]` followed by `Z`, by an offset
/// (`+09:00`, `-0500`) or by nothing, which the contract reads as UTC (what
/// Python's `datetime.utcnow().isoformat()` writes). A space may stand for the
/// `T` (RFC 3339). Nullopt for anything else, or for a date that does not
/// exist, or one outside years 1-9999 once in UTC.
std::optional<UtcTimestamp> parse_utc_timestamp(std::string_view text);

/// `2025-01-15T10:30:00.123Z`: the contract's form, to the millisecond.
std::string format_utc_timestamp(std::chrono::system_clock::time_point time);

}  // namespace nadoo::util
