#include "util/utc_timestamp.hpp"

#include <fmt/format.h>

#include <cctype>

namespace nadoo::util {
namespace {

using namespace std::chrono;

/// Reads exactly `digits` decimal digits at `position`, advancing past them.
std::optional<int> read_number(std::string_view text, std::size_t& position, std::size_t digits) {
  if (position + digits > text.size()) return std::nullopt;
  int value = 0;
  for (std::size_t i = 0; i < digits; ++i) {
    const char digit = text[position + i];
    if (!std::isdigit(static_cast<unsigned char>(digit))) return std::nullopt;
    value = value * 10 + (digit - '0');
  }
  position += digits;
  return value;
}

bool read_char(std::string_view text, std::size_t& position, char expected) {
  if (position >= text.size() || text[position] != expected) return false;
  ++position;
  return true;
}

/// The zone designator at `position` as an offset east of UTC; nullopt when
/// malformed. No designator at all is UTC.
std::optional<minutes> read_offset(std::string_view text, std::size_t& position) {
  if (position == text.size()) return minutes(0);
  const char sign = text[position];
  if (sign == 'Z' || sign == 'z') {
    ++position;
    return minutes(0);
  }
  if (sign != '+' && sign != '-') return std::nullopt;
  ++position;
  const auto hours = read_number(text, position, 2);
  read_char(text, position, ':');  // `+09:00` and `+0900` alike
  const auto offset_minutes = read_number(text, position, 2);
  if (!hours || !offset_minutes || *hours > 23 || *offset_minutes > 59) return std::nullopt;
  const minutes offset(*hours * 60 + *offset_minutes);
  return sign == '-' ? -offset : offset;
}

/// `YYYY-MM-DDTHH:MM:SS` of a UTC time, without fraction or zone.
template <typename Duration>
std::string format_to_seconds(sys_time<Duration> time) {
  const auto day = floor<days>(time);
  const year_month_day date(day);
  const hh_mm_ss clock(floor<seconds>(time - day));
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}", static_cast<int>(date.year()),
                     static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()),
                     clock.hours().count(), clock.minutes().count(), clock.seconds().count());
}

}  // namespace

std::optional<UtcTimestamp> parse_utc_timestamp(std::string_view text) {
  std::size_t position = 0;
  const auto year_number = read_number(text, position, 4);
  if (!year_number || !read_char(text, position, '-')) return std::nullopt;
  const auto month_number = read_number(text, position, 2);
  if (!month_number || !read_char(text, position, '-')) return std::nullopt;
  const auto day_number = read_number(text, position, 2);
  if (!day_number ||
      !(read_char(text, position, 'T') || read_char(text, position, 't') || read_char(text, position, ' '))) {
    return std::nullopt;
  }
  const auto hour = read_number(text, position, 2);
  if (!hour || !read_char(text, position, ':')) return std::nullopt;
  const auto minute = read_number(text, position, 2);
  if (!minute || !read_char(text, position, ':')) return std::nullopt;
  const auto second = read_number(text, position, 2);
  if (!second || *hour > 23 || *minute > 59 || *second > 59) return std::nullopt;

  std::string_view fraction;
  if (read_char(text, position, '.')) {
    const auto start = position;
    while (position < text.size() && std::isdigit(static_cast<unsigned char>(text[position]))) ++position;
    fraction = text.substr(start, position - start);
    if (fraction.empty() || fraction.size() > 9) return std::nullopt;  // nanoseconds at most
  }
  const auto offset = read_offset(text, position);
  if (!offset || position != text.size()) return std::nullopt;

  const year_month_day date{year(*year_number), month(static_cast<unsigned>(*month_number)),
                            day(static_cast<unsigned>(*day_number))};
  if (!date.ok()) return std::nullopt;
  std::int64_t fraction_microseconds = 0;
  for (std::size_t i = 0; i < 6; ++i) {
    fraction_microseconds = fraction_microseconds * 10 + (i < fraction.size() ? fraction[i] - '0' : 0);
  }
  const UtcTime time = sys_days(date) + hours(*hour) + minutes(*minute) + seconds(*second) - *offset +
                       microseconds(fraction_microseconds);

  const year_month_day utc_date(floor<days>(time));
  if (utc_date.year() < year(1) || utc_date.year() > year(9999)) return std::nullopt;
  std::string normalised = format_to_seconds(time);
  if (!fraction.empty()) normalised += fmt::format(".{}", fraction);
  normalised += 'Z';
  return UtcTimestamp{time, std::move(normalised)};
}

std::string format_utc_timestamp(std::chrono::system_clock::time_point time) {
  const auto second = floor<seconds>(time);
  // Every server message is stamped, and the stamps of one second share
  // their first 19 characters: each thread formats them once per second.
  thread_local std::optional<sys_seconds> cached_second;
  thread_local std::string cached_text;
  if (second != cached_second) {
    cached_text = format_to_seconds(second);
    cached_second = second;
  }
  const auto milliseconds_of_second = static_cast<int>((floor<milliseconds>(time) - second).count());
  std::string text;
  text.reserve(cached_text.size() + std::string_view(".123Z").size());
  text.append(cached_text);
  text.push_back('.');
  text.push_back(static_cast<char>('0' + milliseconds_of_second / 100));
  text.push_back(static_cast<char>('0' + milliseconds_of_second / 10 % 10));
  text.push_back(static_cast<char>('0' + milliseconds_of_second % 10));
  text.push_back('Z');
  return text;
}

}  // namespace nadoo::util
