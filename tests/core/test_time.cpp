#include <catch2/catch.hpp>

#include "ncss/time.hpp"

using ncss::parse_time;

TEST_CASE("time: ISO-8601 forms are parsed, China Standard Time when no offset", "[time]") {
  auto utc = parse_time("2026-06-30T01:00:00Z");
  REQUIRE(utc);
  CHECK(ncss::format_utc(*utc) == "2026-06-30T01:00:00Z");
  CHECK(parse_time("2026-06-30T09:00:00+08:00") == utc);
  CHECK(parse_time("2026-06-30T09:00:00") == utc);
  CHECK(parse_time("2026-06-30 09:00") == utc);
  CHECK(ncss::format_cst(*utc) == "2026-06-30 09:00:00 +08:00");
  CHECK(ncss::format_utc(*parse_time("2026-06-30")) == "2026-06-29T16:00:00Z");
  CHECK(ncss::format_utc(*parse_time("2026-06-30T09:00-05:30")) == "2026-06-30T14:30:00Z");
}

TEST_CASE("time: malformed or impossible times are refused", "[time]") {
  for (const char* bad : {"", "2026", "2026-13-01", "2026-02-29", "2026-06-31", "2026-06-30T24:00",
                          "2026-06-30T09:60", "2026-06-30T09:00:00+8", "2026-06-30X", "tomorrow",
                          "2026-06-30T09:00:00Zjunk"}) {
    INFO(bad);
    CHECK_FALSE(parse_time(bad));
  }
  CHECK(parse_time("2024-02-29"));
  CHECK_FALSE(ncss::is_valid_date(1900, 2, 29));
  CHECK(ncss::is_valid_date(2000, 2, 29));
}
