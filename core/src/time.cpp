#include "ncss/time.hpp"

#include <fmt/core.h>

#include <cctype>

namespace ncss {

namespace {

// Howard Hinnant's civil-from-days, the inverse of days_from_civil.
void civil_from_days(std::int64_t z, int& y, unsigned& m, unsigned& d) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y = static_cast<int>(yoe + era * 400 + (m <= 2));
}

bool read_digits(std::string_view s, std::size_t& pos, std::size_t count, int& out) {
  if (pos + count > s.size()) return false;
  int v = 0;
  for (std::size_t i = 0; i < count; ++i) {
    char c = s[pos + i];
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
    v = v * 10 + (c - '0');
  }
  pos += count;
  out = v;
  return true;
}

bool expect(std::string_view s, std::size_t& pos, char c) {
  if (pos < s.size() && s[pos] == c) {
    ++pos;
    return true;
  }
  return false;
}

std::string format_at(Timestamp t, int offset_seconds, bool with_time) {
  std::int64_t local = t.seconds + offset_seconds;
  std::int64_t days = local >= 0 ? local / 86400 : (local - 86399) / 86400;
  std::int64_t secs = local - days * 86400;
  int y;
  unsigned m, d;
  civil_from_days(days, y, m, d);
  if (!with_time) return fmt::format("{:04}-{:02}-{:02}", y, m, d);
  return fmt::format("{:04}-{:02}-{:02} {:02}:{:02}:{:02}", y, m, d, secs / 3600, secs / 60 % 60,
                     secs % 60);
}

}  // namespace

std::int64_t days_from_civil(int year, unsigned month, unsigned day) {
  year -= month <= 2;
  const std::int64_t era = (year >= 0 ? year : year - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(year - era * 400);
  const unsigned doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

bool is_valid_date(int year, int month, int day) {
  if (year < 1 || month < 1 || month > 12 || day < 1) return false;
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  int max = kDays[month - 1];
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  if (month == 2 && leap) max = 29;
  return day <= max;
}

std::optional<Timestamp> parse_time(std::string_view s) {
  std::size_t pos = 0;
  int y, mo, d, h = 0, mi = 0, sec = 0;
  if (!read_digits(s, pos, 4, y) || !expect(s, pos, '-') || !read_digits(s, pos, 2, mo) ||
      !expect(s, pos, '-') || !read_digits(s, pos, 2, d)) {
    return std::nullopt;
  }
  if (!is_valid_date(y, mo, d)) return std::nullopt;
  int offset = kChinaOffsetSeconds;
  if (pos < s.size()) {
    if (!expect(s, pos, 'T') && !expect(s, pos, ' ')) return std::nullopt;
    if (!read_digits(s, pos, 2, h) || !expect(s, pos, ':') || !read_digits(s, pos, 2, mi)) {
      return std::nullopt;
    }
    if (expect(s, pos, ':') && !read_digits(s, pos, 2, sec)) return std::nullopt;
    if (h > 23 || mi > 59 || sec > 59) return std::nullopt;
    if (expect(s, pos, 'Z')) {
      offset = 0;
    } else if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
      int sign = s[pos] == '-' ? -1 : 1;
      ++pos;
      int oh, om;
      if (!read_digits(s, pos, 2, oh) || !expect(s, pos, ':') || !read_digits(s, pos, 2, om) ||
          oh > 14 || om > 59) {
        return std::nullopt;
      }
      offset = sign * (oh * 3600 + om * 60);
    }
  }
  if (pos != s.size()) return std::nullopt;
  std::int64_t days = days_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d));
  return Timestamp{days * 86400 + h * 3600 + mi * 60 + sec - offset};
}

std::string format_utc(Timestamp t) {
  std::string s = format_at(t, 0, true);
  s[10] = 'T';
  return s + "Z";
}

std::string format_cst(Timestamp t) { return format_at(t, kChinaOffsetSeconds, true) + " +08:00"; }

std::string format_cst_date(Timestamp t) { return format_at(t, kChinaOffsetSeconds, false); }

}  // namespace ncss
