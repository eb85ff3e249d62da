#include <algorithm>
#include <catch2/catch.hpp>
#include <set>
#include <sstream>

#include "exit_codes.hpp"
#include "format.hpp"
#include "ncss/signing_state.hpp"
#include "report_file.hpp"
#include "testkit.hpp"
#include "xlsxkit.hpp"

using ncss::ErrorCode;

TEST_CASE("exit codes: each error code maps to its documented status", "[exit]") {
  CHECK(cli::exit_status_for(ErrorCode::Internal) == 1);
  CHECK(cli::exit_status_for(ErrorCode::Usage) == 2);
  CHECK(cli::exit_status_for(ErrorCode::NotFound) == 2);
  CHECK(cli::exit_status_for(ErrorCode::InvalidInput) == 3);
  CHECK(cli::exit_status_for(ErrorCode::Partial) == 4);
  CHECK(cli::exit_status_for(ErrorCode::InvalidTransition) == 5);
  CHECK(cli::exit_status_for(ErrorCode::Conflict) == 6);
  CHECK(cli::exit_status_for(ErrorCode::Storage) == 7);
  CHECK(cli::exit_status_for(ErrorCode::Io) == 8);
  CHECK(cli::exit_status_for(ErrorCode::CheckFailed) == 9);
}

TEST_CASE("exit codes: the listed statuses are unique and cover every mapped one", "[exit]") {
  std::set<int> listed;
  for (const auto& s : cli::exit_statuses()) CHECK(listed.insert(s.status).second);
  for (auto code :
       {ErrorCode::Internal, ErrorCode::Usage, ErrorCode::NotFound, ErrorCode::InvalidInput,
        ErrorCode::Partial, ErrorCode::InvalidTransition, ErrorCode::Conflict, ErrorCode::Storage,
        ErrorCode::Io, ErrorCode::CheckFailed}) {
    CHECK(listed.count(cli::exit_status_for(code)) == 1);
  }
}

TEST_CASE("format: CSV quoting and display width", "[format]") {
  CHECK(cli::csv_field("plain") == "plain");
  CHECK(cli::csv_field("a,b") == "\"a,b\"");
  CHECK(cli::csv_field("say \"hi\"") == "\"say \"\"hi\"\"\"");
  CHECK(cli::csv_field("two\nlines") == "\"two\nlines\"");
  CHECK(cli::display_width("abc") == 3);
  CHECK(cli::display_width("北京大学") == 8);
  CHECK(cli::display_width("法律（非法学）") == 14);
  CHECK(cli::display_width("示例😀科技") == 10);  // an emoji takes two columns, as a CJK one
  CHECK(cli::display_width("✅⭐⌚") == 6);         // so do the emoji below U+FFFF
  CHECK(cli::display_width("👍🏽") == 2);    // a skin tone is drawn on its emoji
  CHECK(cli::display_width("❤️") == 1);      // U+2764 text-wide, its selector nothing
  CHECK(cli::display_width("é") == 1);           // e and a combining accent
  CHECK(cli::display_width("·—…✓") == 4);        // other symbols stay one column
  CHECK_THROWS(cli::parse_format("xml"));
}

TEST_CASE("format: a table is drawn from its first rows and streams the rest", "[format]") {
  const std::vector<cli::Column> columns = {{"name", "姓名", false}, {"n", "", true}};
  std::ostringstream out;
  {
    cli::RowWriter w(out, cli::Format::Table, columns, 2);
    w.row({"王芳", "1"});
    w.row({"李四", "22"});
    CHECK(out.str().empty() == false);  // the window is full: drawn already
    w.row({"欧阳娜娜娜", "3"});         // wider than the window's widths: its own line widens
    w.row({"张三", "4"});
  }
  CHECK(out.str() ==
        "姓名 name  n\n"
        "---------  --\n"
        "王芳       1\n"
        "李四       22\n"
        "欧阳娜娜娜  3\n"
        "张三       4\n");

  // Fewer rows than the window: widths from every row, drawn at the end.
  std::ostringstream small;
  {
    cli::RowWriter w(small, cli::Format::Table, columns, 10);
    w.row({"欧阳娜娜娜", "3"});
    CHECK(small.str().empty());
  }
  CHECK(small.str() ==
        "姓名 name   n\n"
        "----------  -\n"
        "欧阳娜娜娜  3\n");
}

TEST_CASE("format: a table cell stays on one line and sends no control character", "[format]") {
  const std::vector<cli::Column> columns = {{"street", "", false}, {"n", "", true}};
  const std::string hostile = "海淀区\r\n第二行\x1b]0;pwned\x07\x1b[31mRED";
  std::ostringstream table;
  {
    cli::RowWriter w(table, cli::Format::Table, columns);
    w.row({hostile, "1"});
  }
  CHECK(table.str() ==
        "street                                                n\n"
        "----------------------------------------------------  -\n"
        "海淀区↵第二行<U+001B>]0;pwned<U+0007><U+001B>[31mRED  1\n");
  // Scripts get the value as it is.
  std::ostringstream csv;
  {
    cli::RowWriter w(csv, cli::Format::Csv, columns);
    w.row({hostile, "1"});
  }
  CHECK(csv.str() == "street,n\n\"" + hostile + "\",1\n");
}

TEST_CASE("format: phones, mobiles and faxes in event details are masked for tables", "[format]") {
  const std::string masked = cli::masked_json_text(
      R"({"changes":{"fax":{"old":"","new":"010-99998888"},"mobile":{"old":"13812345678"}},)"
      R"("work_phone":"010-62751234","home_fax":"010-55554444","note":"010-12345678"})");
  CHECK_FALSE(testkit::contains(masked, "99998888"));
  CHECK_FALSE(testkit::contains(masked, "13812345678"));
  CHECK_FALSE(testkit::contains(masked, "62751234"));
  CHECK_FALSE(testkit::contains(masked, "55554444"));
  CHECK(testkit::contains(masked, "010-12345678"));  // not a phone key: left as it is
}

TEST_CASE("format: a number column is a JSON number, null when empty, text when not a number",
          "[format]") {
  const std::vector<cli::Column> columns = {{"id", "", true}, {"name", "", false}};
  std::ostringstream out;
  {
    cli::RowWriter w(out, cli::Format::Jsonl, columns);
    w.row({"12", "a"});
    w.row({"", ""});        // a refused row: no id yet
    w.row({"-3.50", "7"});  // a name column keeps digits as text
    w.row({"012", "b"});    // not a JSON number: kept as a string, the JSON stays valid
    w.row({"1e5", "c"});
    w.row({"-", "d"});
  }
  CHECK(out.str() ==
        "{\"id\": 12, \"name\": \"a\"}\n"
        "{\"id\": null, \"name\": \"\"}\n"
        "{\"id\": -3.50, \"name\": \"7\"}\n"
        "{\"id\": \"012\", \"name\": \"b\"}\n"
        "{\"id\": \"1e5\", \"name\": \"c\"}\n"
        "{\"id\": \"-\", \"name\": \"d\"}\n");
}

TEST_CASE("exit codes: a withdrawal refused while awaiting review has its own status", "[exit]") {
  try {
    ncss::require_transition(ncss::SigningState::AwaitingReview, ncss::SigningEvent::Withdraw);
    FAIL("withdrawal while awaiting review was allowed");
  } catch (const ncss::Error& e) {
    CHECK(cli::exit_status_for(e) == 10);
  }
  try {
    ncss::require_transition(ncss::SigningState::Signed, ncss::SigningEvent::Accept);
    FAIL("accepting a signed agreement was allowed");
  } catch (const ncss::Error& e) {
    CHECK(cli::exit_status_for(e) == 5);
  }
}

TEST_CASE("format: text for the terminal shows control characters as code points", "[format]") {
  CHECK(cli::printable("plain 中文\nnext") == "plain 中文\nnext");
  CHECK(cli::printable("a\x1b[2Jb") == "a<U+001B>[2Jb");
  CHECK(cli::printable("x\ry\x7f") == "x<U+000D>y<U+007F>");
  CHECK(cli::printable("\u202Eevil\u2066") == "<U+202E>evil<U+2066>");
  CHECK(cli::printable("\xC2\x9B") == "<U+009B>");
  CHECK(cli::printable("a\u200Fb\u2028c\u061Cd\u200E") == "a<U+200F>b<U+2028>c<U+061C>d<U+200E>");
  CHECK(cli::printable("عربي") == "عربي");  // Arabic letters themselves stay
  CHECK(cli::printable("·—…") == "·—…");    // other U+00xx and U+20xx text stays
}

TEST_CASE("report file: an .xlsx report full of problems keeps its summaries", "[format]") {
  testkit::TempDir dir;
  auto path = (dir / "r.xlsx").string();
  cli::ImportReportFile report(path, {}, 3);
  for (int i = 0; i < 5; ++i) {
    report.problem({"a.csv", "", std::to_string(i + 2), "B", "身份证号", "id_length", "x"});
  }
  report.summary({"a.csv", "", "", "", "", "summary", "0 new"});
  report.close();
  CHECK(report.omitted() == 2);
  std::string xml = xlsxkit::read_zip_entry(path, "xl/worksheets/sheet1.xml");
  std::string strings;
  try {
    strings = xlsxkit::read_zip_entry(path, "xl/sharedStrings.xml");
  } catch (const std::exception&) {  // inline strings: all text is in the sheet
  }
  std::size_t rows = 0;
  for (auto at = xml.find("<row"); at != std::string::npos; at = xml.find("<row", at + 1)) ++rows;
  CHECK(rows == 6);  // header, 3 problems, the summary, the truncation note
  CHECK((xml + strings).find("report_truncated") != std::string::npos);
  CHECK((xml + strings).find("2 more problems") != std::string::npos);

  // A CSV report lists every problem.
  auto csv = (dir / "r.csv").string();
  cli::ImportReportFile all(csv, {}, 3);
  for (int i = 0; i < 5; ++i) all.problem({"a.csv", "", std::to_string(i + 2), "", "", "c", "m"});
  all.close();
  CHECK(all.omitted() == 0);
  std::string text = testkit::read_file(csv);
  CHECK(std::count(text.begin(), text.end(), '\n') == 6);
}

TEST_CASE("report file: a CSV report appears whole at close, formulas kept as text", "[format]") {
  testkit::TempDir dir;
  auto csv = (dir / "r.csv").string();
  {
    cli::ImportReportFile abandoned(csv, {}, 3);
    abandoned.problem({"a.csv", "", "2", "A", "学生姓名", "name_missing", "学生姓名 is empty"});
    CHECK_FALSE(std::filesystem::exists(csv));  // written beside it until close()
  }
  CHECK_FALSE(std::filesystem::exists(csv));  // an import that fails leaves no half report
  auto dir_entries = std::distance(std::filesystem::directory_iterator(dir.path()),
                                   std::filesystem::directory_iterator());
  CHECK(dir_entries == 0);  // nor its temporary file

  cli::ImportReportFile report(csv, {}, 3);
  report.problem({"=1+1.csv", "", "2", "A", "学生姓名", "name_missing", "学生姓名 is empty"});
  report.close();
  std::string text = testkit::read_file(csv);
  CHECK(text.rfind("\xEF\xBB\xBF"
                   "file,sheet,row,column,header,code,message\r\n",
                   0) == 0);
  CHECK(text.find("'=1+1.csv,,2,A,学生姓名,name_missing,学生姓名 is empty\r\n") !=
        std::string::npos);
}
