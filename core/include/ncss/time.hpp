// Time as the core sees it: whole seconds since the Unix epoch, UTC. Stored as
// 'YYYY-MM-DDTHH:MM:SSZ'; shown in China Standard Time (+08:00). Only the CLI reads the clock.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ncss {

struct Timestamp {
  std::int64_t seconds = 0;  // since 1970-01-01T00:00:00Z
  auto operator<=>(const Timestamp&) const = default;
};

constexpr int kChinaOffsetSeconds = 8 * 3600;

// Accepts 'YYYY-MM-DD', 'YYYY-MM-DDTHH:MM[:SS]' (a space may replace T) with an optional 'Z' or
// '+HH:MM'/'-HH:MM' offset. Without an offset the time is China Standard Time, as an office means
// it. Returns nullopt when the text is not such a time or names a day that does not exist.
std::optional<Timestamp> parse_time(std::string_view text);

std::string format_utc(Timestamp t);       // 2026-11-26T07:00:00Z, the stored form
std::string format_cst(Timestamp t);       // 2026-11-26 15:00:00 +08:00, the shown form
std::string format_cst_date(Timestamp t);  // 2026-11-26

// Days since 1970-01-01 for a proleptic Gregorian date, and whether a date exists.
std::int64_t days_from_civil(int year, unsigned month, unsigned day);
bool is_valid_date(int year, int month, int day);

}  // namespace ncss
