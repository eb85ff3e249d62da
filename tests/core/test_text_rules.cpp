// The per-cell text rules every import runs: trimming and the search for hidden characters.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "ncss/error.hpp"
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

TEST_CASE("checked_text: a single-line field refuses what a roster cell refuses, line breaks too",
          "[text_rules]") {
  using ncss::TextLines;
  // Chinese text with full-width punctuation and the ideographic space is text.
  const std::string chinese = "北京市海淀区（中关村）《协议》「补充」，甲方·乙方—丙方。、　完";
  CHECK(ncss::checked_text(chinese, "--street", TextLines::Single) == chinese);
  CHECK(ncss::checked_text("Zhang San\u00A0Jr.", "--name", TextLines::Single) ==
        "Zhang San\u00A0Jr.");
  CHECK(ncss::checked_text("", "--name", TextLines::Single).empty());
  struct Case {
    std::string text;
    std::string message;
  };
  for (const auto& c : std::vector<Case>{
           {"甲\n乙", "--x holds a line break (U+000A) at character 2; it is one line"},
           {"甲乙\r\n", "--x holds a line break (U+000D) at character 3; it is one line"},
           {"a\tb", "--x holds a tab (U+0009) at character 2; type a space instead"},
           {"红\x1B[31m", "--x holds the control character U+001B at character 2; delete it"},
           {"\x7F", "--x holds the control character U+007F at character 1"},
           {"x\u0085", "--x holds the control character U+0085 at character 2"},
           {"张\u200B三", "--x holds the invisible character U+200B at character 2; delete it (a"},
           {"abc\u202Egpj.exe", "--x holds the invisible character U+202E"},
           {"\uFEFF甲", "--x holds the invisible character U+FEFF"},
           {std::string("a\0b", 3), "--x holds the control character U+0000 at character 2"}}) {
    INFO(c.text);
    try {
      ncss::checked_text(c.text, "--x", TextLines::Single);
      FAIL("not refused");
    } catch (const ncss::Error& e) {
      CHECK(e.code() == ncss::ErrorCode::InvalidInput);
      CHECK_THAT(e.what(), Catch::Contains(c.message));
    }
  }
}

TEST_CASE("checked_text: a multi-line field keeps LF, stores CR LF as LF, refuses the rest",
          "[text_rules]") {
  using ncss::TextLines;
  CHECK(ncss::checked_text("一、试用期三个月。\n二、月薪一万元。", "--terms", TextLines::Multi) ==
        "一、试用期三个月。\n二、月薪一万元。");
  CHECK(ncss::checked_text("一\r\n二\r\n", "--terms", TextLines::Multi) == "一\n二\n");
  CHECK(ncss::checked_text("\n\n", "--terms", TextLines::Multi) == "\n\n");
  struct Case {
    std::string text;
    std::string message;
  };
  for (const auto& c : std::vector<Case>{
           // Positions count every character typed, the line breaks too (CR LF as two).
           {"一\r\n二\x07", "--note holds the control character U+0007 at character 5; delete it"},
           {"一\r二",
            "--note holds a carriage return (U+000D) that is not part of a CR LF line "
            "break at character 2; end lines with LF or CR LF"},
           {"一\n\t二", "--note holds a tab (U+0009) at character 3"},
           {"一\n二\u2066三", "--note holds the invisible character U+2066"},
           {"一\r\r\n", "--note holds a carriage return (U+000D)"}}) {
    INFO(c.text);
    try {
      ncss::checked_text(c.text, "--note", TextLines::Multi);
      FAIL("not refused");
    } catch (const ncss::Error& e) {
      CHECK(e.code() == ncss::ErrorCode::InvalidInput);
      CHECK_THAT(e.what(), Catch::Contains(c.message));
    }
  }
}

TEST_CASE("find_refused_character: the line and column of a file's text", "[text_rules]") {
  auto found =
      ncss::find_refused_character("第一行\r\n第二行\n第三\u200D行", ncss::TextLines::Multi);
  REQUIRE(found);
  CHECK(found->code_point == 0x200D);
  CHECK(found->position == 12);  // 3 + CR LF + 3 + LF + 2, then the character itself
  CHECK(found->line == 3);
  CHECK(found->column == 3);
  CHECK(ncss::refused_character_message("the terms file 't.txt'", *found, ncss::TextLines::Multi,
                                        true)
            .starts_with("the terms file 't.txt' holds the invisible character U+200D at "
                         "character 12 (line 3, column 3); delete it (a zero-width, direction or "
                         "format character, often pasted in with the text)"));
  CHECK_FALSE(ncss::find_refused_character("第一行\n第二行", ncss::TextLines::Multi));
  found = ncss::find_refused_character("第一行\n第二行", ncss::TextLines::Single);
  REQUIRE(found);
  CHECK(found->position == 4);
  CHECK(found->line == 1);
}
