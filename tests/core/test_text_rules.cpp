// The per-cell text rules every import runs: trimming and the search for hidden characters.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "text_rules.hpp"

namespace {

const std::string kIdeographicSpace = "\u3000";  // E3 80 80
const std::string kNoBreakSpace = "\u00A0";      // C2 A0

}  // namespace

TEST_CASE("trim_view: spaces of every kind at both ends, nothing inside", "[text_rules]") {
  CHECK(ncss::trim_view("") == "");
  CHECK(ncss::trim_view("张三") == "张三");
  CHECK(ncss::trim_view(" \t张三\r\n") == "张三");
  CHECK(ncss::trim_view(kIdeographicSpace + "张 三" + kIdeographicSpace) == "张 三");
  CHECK(ncss::trim_view(kNoBreakSpace + "张三" + kNoBreakSpace) == "张三");
  CHECK(ncss::trim_view(kIdeographicSpace + " " + kNoBreakSpace + "a" + kNoBreakSpace + " " +
                        kIdeographicSpace) == "a");
  CHECK(ncss::trim_view(" " + kIdeographicSpace + "\t") == "");
  // Only the leading side has a space, or only the trailing one.
  CHECK(ncss::trim_view("  a") == "a");
  CHECK(ncss::trim_view("a" + kIdeographicSpace) == "a");
  // Characters whose last byte is that of U+3000 (80) or U+00A0 (A0) are text, not spaces:
  // 岀 is E5 B2 80, 丠 is E4 B8 A0.
  CHECK(ncss::trim_view("岀") == "岀");
  CHECK(ncss::trim_view("丠") == "丠");
  CHECK(ncss::trim_view("岀 ") == "岀");
  // Bytes that only look like the start of a space: E3 not followed by 80 80 (す is E3 81 99).
  CHECK(ncss::trim_view("す") == "す");
  CHECK(ncss::trim(" 法律（非法学） ") == "法律（非法学）");
}

TEST_CASE("find_hidden_character: the first one, counted in characters", "[text_rules]") {
  CHECK_FALSE(ncss::find_hidden_character("张三 Zhang-San (2026)"));
  CHECK_FALSE(ncss::find_hidden_character("\u3000\u00A0全角ＡＢ"));  // spaces are not hidden
  struct Case {
    std::string text;
    char32_t code_point;
    std::size_t position;
  };
  for (const auto& c : std::vector<Case>{{"ab\tc", U'\t', 3},
                                         {"张三\x7F", 0x7F, 3},
                                         {"张a\u200B三", 0x200B, 3},
                                         {"x\u0085", 0x85, 2},
                                         {"a\uFEFF", 0xFEFF, 2},
                                         {"\u202E甲\u200B", 0x202E, 1}}) {
    INFO(c.text);
    auto found = ncss::find_hidden_character(c.text);
    REQUIRE(found);
    CHECK(found->code_point == c.code_point);
    CHECK(found->position == c.position);
  }
}

TEST_CASE("is_scientific: a spreadsheet's or a script's exponent form, not any text with an E",
          "[text_rules]") {
  using ncss::is_scientific;
  for (const char* s :
       {"1.10105E+17", "1.38123E+10", "1E+17", "2.5e-3", "1.10105e+17", "9.9E+307"}) {
    INFO(s);
    CHECK(is_scientific(s));
  }
  // A 学号 or other text with an E in it; the exponent needs its sign, one digit leads.
  for (const char* s : {"19E0101", "2E10", "E+17", "1.E+17", "12.5E+3", "0.5E+3", "1.1E+",
                        "1.1E+1a", "1.10105", "13812345678", ""}) {
    INFO(s);
    CHECK_FALSE(is_scientific(s));
  }
}
