#include <catch2/catch.hpp>
#include <filesystem>
#include <string>
#include <vector>

#include "ncss/csv_writer.hpp"
#include "ncss/error.hpp"
#include "testkit.hpp"

namespace {

namespace fs = std::filesystem;

std::vector<std::string> entries(const fs::path& dir) {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename().string());
  return names;
}

}  // namespace

TEST_CASE("csv_writer: cells a spreadsheet would run as formulas get an apostrophe", "[csv]") {
  CHECK(ncss::csv_cell("=1+1") == "'=1+1");
  CHECK(ncss::csv_cell("+8613812345678") == "'+8613812345678");
  CHECK(ncss::csv_cell("-12") == "'-12");
  CHECK(ncss::csv_cell("@SUM(A1:A9)") == "'@SUM(A1:A9)");
  CHECK(ncss::csv_cell("\t=1") == "'\t=1");
  CHECK(ncss::csv_cell("\r=1") == "\"'\r=1\"");
  // Only the first character counts.
  CHECK(ncss::csv_cell("a=1") == "a=1");
  CHECK(ncss::csv_cell(" =1") == " =1");
  CHECK(ncss::csv_cell("110105********002X") == "110105********002X");
  CHECK(ncss::csv_cell("") == "");
}

TEST_CASE("csv_writer: RFC 4180 quoting", "[csv]") {
  CHECK(ncss::csv_cell("北京大学") == "北京大学");
  CHECK(ncss::csv_cell("a,b") == "\"a,b\"");
  CHECK(ncss::csv_cell("说\"好\"") == "\"说\"\"好\"\"\"");
  CHECK(ncss::csv_cell("two\nlines") == "\"two\nlines\"");
  CHECK(ncss::csv_cell("=HYPERLINK(\"x\",\"y\")") == "\"'=HYPERLINK(\"\"x\"\",\"\"y\"\")\"");
}

TEST_CASE("csv_writer: BOM, CRLF, and the file appears only when closed", "[csv]") {
  testkit::TempDir dir;
  auto file = dir / "out.csv";
  {
    ncss::CsvTableWriter w(file, {"学生姓名", "专业"});
    w.row({"张三", "=1+1"});
    w.row({"李四"});
    CHECK(w.rows_written() == 2);
    CHECK_FALSE(fs::exists(file));  // only the temporary file so far
    CHECK(entries(dir.path()).size() == 1);
    w.close();
    w.close();  // a second close does nothing
  }
  CHECK(testkit::read_file(file) == "\xEF\xBB\xBF学生姓名,专业\r\n张三,'=1+1\r\n李四\r\n");
  CHECK(entries(dir.path()) == std::vector<std::string>{"out.csv"});

  SECTION("abandoned: the old file stays and the temporary one is removed") {
    {
      ncss::CsvTableWriter w(file, {"a"});
      for (int i = 0; i < 100000; ++i) w.row({std::to_string(i)});  // past the flush size
    }
    CHECK(testkit::read_file(file).size() < 100);
    CHECK(entries(dir.path()) == std::vector<std::string>{"out.csv"});
  }
  SECTION("an unwritable place throws Io naming the file") {
    try {
      ncss::CsvTableWriter w(dir / "missing" / "x.csv", {"a"});
      FAIL("no throw");
    } catch (const ncss::Error& e) {
      CHECK(e.code() == ncss::ErrorCode::Io);
      CHECK(testkit::contains(e.what(), "x.csv"));
    }
    CHECK_THROWS_AS(ncss::CsvTableWriter(dir.path(), {"a"}), ncss::Error);
  }
}
