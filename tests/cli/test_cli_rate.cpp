// End-to-end: ncssctl stats rate (去向落实率) as a table, CSV, JSON, .xlsx and a PNG bar chart.
#include <SQLiteCpp/SQLiteCpp.h>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <sstream>

#include "ncss/chart.hpp"
#include "ncss/sheet.hpp"
#include "testkit.hpp"

using testkit::contains;
using testkit::run_ncssctl;
using testkit::TempDir;

namespace {

const auto id = testkit::resident_id;
const std::string kNow = "2026-06-30T09:00:00+08:00";

// 2026: 北京大学 法学院 three (one signed online, one approved 考研, one pending 自主创业),
// 计算机学院 one (自由职业), 清华大学 one (nothing).
struct World {
  TempDir dir;
  std::string db = (dir / "ncss.db").string();
  std::string png = (dir / "proof.png").string();
  World() {
    REQUIRE(run_ncssctl({"--db", db, "init"}).exit_code == 0);
    auto p = dir / "r.csv";
    testkit::write_file(p,
                        "学生姓名,身份证号,毕业院校,院系,学历层次,届别\n"
                        "张三," +
                            id("11010520030115001") +
                            ",北京大学,法学院,本科,2026\n"
                            "李四," +
                            id("11010520030115002") +
                            ",北京大学,法学院,本科,2026\n"
                            "王五," +
                            id("11010520030115003") +
                            ",北京大学,法学院,本科,2026\n"
                            "赵六," +
                            id("11010520030115004") +
                            ",北京大学,计算机学院,硕士,2026\n"
                            "钱七," +
                            id("11010520030115005") + ",清华大学,计算机系,硕士,2026\n");
    REQUIRE(run({"student", "import", p.string()}).exit_code == 0);
    testkit::write_file(png, std::string("\x89PNG\r\n\x1A\n", 8) + "IHDR admission");
    SQLite::Database raw(db, SQLite::OPEN_READWRITE);
    raw.exec(testkit::employers_sql({{"91110108749352307A", "甲公司"}}));
    raw.exec(
        "INSERT INTO invitations (employer_code, graduate_id, state, job_category, position, "
        "valid_days, issued_at, deadline, updated_at) SELECT '91110108749352307A', id, 'signed', "
        "'13', '研发工程师', 7, 't', 't', 't' FROM graduates WHERE name = '张三'");
    REQUIRE(run({"register", "destination", "--graduate", id("11010520030115002"), "--code", "考研",
                 "--study-school", "武汉大学", "--proof", png})
                .exit_code == 0);
    REQUIRE(run({"register", "approve", "1"}).exit_code == 0);
    REQUIRE(run({"register", "destination", "--graduate", id("11010520030115003"), "--code", "75",
                 "--company", "某某工作室", "--proof", png})
                .exit_code == 0);
    REQUIRE(run({"register", "destination", "--graduate", id("11010520030115004"), "--code", "76"})
                .exit_code == 0);
    REQUIRE(run({"register", "approve", "3"}).exit_code == 0);
  }
  testkit::RunResult run(std::vector<std::string> args) {
    args.insert(args.begin(), {"--db", db, "--now", kNow});
    return run_ncssctl(args);
  }
};

std::vector<std::vector<std::string>> csv_rows(const std::string& text) {
  std::vector<std::vector<std::string>> rows;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    std::vector<std::string> cells;
    std::stringstream ss(line);
    for (std::string cell; std::getline(ss, cell, ',');) cells.push_back(cell);
    rows.push_back(cells);
  }
  return rows;
}

const std::vector<std::string> kKeys = {"school_code",
                                        "group",
                                        "group_name",
                                        "graduates",
                                        "employed",
                                        "entrepreneurship",
                                        "freelance",
                                        "further_study",
                                        "unemployed",
                                        "no_destination",
                                        "placed",
                                        "rate_employed",
                                        "rate_entrepreneurship",
                                        "rate_freelance",
                                        "rate_further_study",
                                        "rate"};

std::uint32_t big_endian(const std::string& s, std::size_t at) {
  std::uint32_t v = 0;
  for (std::size_t i = 0; i < 4; ++i) v = (v << 8) | static_cast<unsigned char>(s[at + i]);
  return v;
}

}  // namespace

TEST_CASE("cli: stats rate as CSV: stable keys, counts, rates as fractions, a total",
          "[cli][rate]") {
  World w;
  auto r = w.run({"--format", "csv", "stats", "rate", "--cohort", "2026"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  auto rows = csv_rows(r.out);
  REQUIRE(rows.size() == 4);  // header, 北京大学, 清华大学, total
  CHECK(rows[0] == kKeys);
  CHECK(rows[1] == std::vector<std::string>{"10001", "10001", "北京大学", "4", "1", "0", "1", "1",
                                            "0", "1", "3", "0.2500", "0.0000", "0.2500", "0.2500",
                                            "0.7500"});
  CHECK(rows[2][1] == "10003");
  CHECK(rows[2][3] == "1");
  CHECK(rows[2][15] == "0.0000");
  CHECK(rows[3][1] == "total");
  CHECK(rows[3][2] == "合计");
  CHECK(rows[3][3] == "5");
  CHECK(rows[3][10] == "3");
  CHECK(rows[3][15] == "0.6000");

  r = w.run({"--format", "csv", "stats", "rate", "--school", "北京大学", "--by", "department"});
  rows = csv_rows(r.out);
  REQUIRE(rows.size() == 4);
  CHECK(rows[1][1] == "法学院");
  CHECK(rows[1][3] == "3");
  CHECK(rows[1][15] == "0.6667");
  CHECK(rows[2][1] == "计算机学院");
  CHECK(rows[2][6] == "1");  // 自由职业
  CHECK(rows[3][0] == "10001");
  CHECK(rows[3][3] == "4");
}

TEST_CASE("cli: stats rate as JSON parses; rates are numbers and add up to 落实率", "[cli][rate]") {
  World w;
  auto r = w.run({"--format", "json", "stats", "rate", "--by", "level"});
  REQUIRE(r.exit_code == 0);
  auto j = nlohmann::json::parse(r.out);
  REQUIRE(j.size() == 3);  // 硕士生, 本科生, total
  CHECK(j[0]["group"] == "11");
  CHECK(j[0]["group_name"] == "硕士生");
  CHECK(j[0]["graduates"] == 2);
  CHECK(j[1]["group_name"] == "本科生");
  CHECK(j[1]["employed"] == 1);
  CHECK(j[1]["further_study"] == 1);
  CHECK(j[1]["no_destination"] == 1);  // the pending 自主创业 does not count
  auto total = j[2];
  CHECK(total["group"] == "total");
  for (const auto& k : kKeys) CHECK(total.contains(k));
  REQUIRE(total["rate"].is_number());
  double sum = total["rate_employed"].get<double>() + total["rate_entrepreneurship"].get<double>() +
               total["rate_freelance"].get<double>() + total["rate_further_study"].get<double>();
  CHECK(total["rate"].get<double>() == Approx(sum).margin(0.0002));
  CHECK(total["rate"].get<double>() == Approx(0.6));

  r = w.run({"--format", "jsonl", "stats", "rate"});
  std::istringstream lines(r.out);
  int n = 0;
  for (std::string line; std::getline(lines, line); ++n)
    CHECK(nlohmann::json::parse(line).is_object());
  CHECK(n == 3);
}

TEST_CASE("cli: stats rate as a table shows Chinese labels and percentages", "[cli][rate]") {
  World w;
  auto r = w.run({"--format", "table", "stats", "rate"});
  REQUIRE(r.exit_code == 0);
  CHECK(contains(r.out, "落实率 rate"));
  CHECK(contains(r.out, "毕业生数 graduates"));
  CHECK(contains(r.out, "单位就业 employed"));
  CHECK(contains(r.out, "75.0%"));
  CHECK(contains(r.out, "60.0%"));
  CHECK(contains(r.out, "合计"));
  // The dashboard itself is unchanged.
  r = w.run({"--format", "csv", "stats"});
  REQUIRE(r.exit_code == 0);
  CHECK(contains(r.out, "state,state_name,list,count\ngraduates,毕业生,,5\n"));
}

TEST_CASE("cli: stats rate -o FILE.xlsx: numbers as numbers, read back", "[cli][rate]") {
  World w;
  std::string file = (w.dir / "落实率.xlsx").string();
  auto r = w.run({"stats", "rate", "--cohort", "2026", "-o", file});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.empty());
  CHECK(contains(r.err, "落实率 60.0%"));
  auto sheet = ncss::open_sheet(file);
  ncss::SheetRow row;
  REQUIRE(sheet->next(row));
  CHECK(row.cells[3].text == "毕业生数");
  CHECK(row.cells[15].text == "落实率");
  REQUIRE(sheet->next(row));
  CHECK(row.cells[0].kind == ncss::CellKind::Text);
  CHECK(row.cells[0].text == "10001");
  CHECK(row.cells[2].text == "北京大学");
  CHECK(row.cells[3].kind == ncss::CellKind::Number);
  CHECK(row.cells[3].text == "4");
  CHECK(row.cells[15].kind == ncss::CellKind::Number);
  CHECK(std::stod(row.cells[15].text) == Approx(0.75));
  REQUIRE(sheet->next(row));
  REQUIRE(sheet->next(row));
  CHECK(row.cells[2].text == "合计");
  CHECK(std::stod(row.cells[15].text) == Approx(0.6));
  CHECK_FALSE(sheet->next(row));
  // The percent format is in the workbook's styles.
  auto styles = testkit::run_shell("unzip -p '" + file + "' xl/styles.xml");
  if (styles.status == 0) CHECK(contains(styles.text, "0.0%"));
}

TEST_CASE("cli: stats rate -o FILE.png: a PNG of the expected size", "[cli][rate]") {
  World w;
  std::string file = (w.dir / "落实率.png").string();
  auto r = w.run({"stats", "rate", "--by", "department", "-o", file});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.empty());
  std::string bytes = testkit::read_file(file);
  REQUIRE(bytes.size() > 24);
  CHECK(bytes.substr(0, 8) == std::string("\x89PNG\r\n\x1A\n", 8));
  CHECK(bytes.substr(12, 4) == "IHDR");
  auto size = ncss::bar_chart_png_size(4);  // three departments and the total
  CHECK(size.width == 1600);
  CHECK(size.height == 2 * (88 + 24 * 4 + 42));
  CHECK(big_endian(bytes, 16) == static_cast<std::uint32_t>(size.width));
  CHECK(big_endian(bytes, 20) == static_cast<std::uint32_t>(size.height));
  auto f = testkit::run_shell("file -b '" + file + "'");
  if (f.status == 0) CHECK(contains(f.text, "PNG image data, 1600 x 452"));
  // Nothing half-written is left beside it.
  int entries = 0;
  for (const auto& e : std::filesystem::directory_iterator(w.dir.path())) {
    entries += e.path().filename().string().rfind(".", 0) == 0;
  }
  CHECK(entries == 0);
}

TEST_CASE("cli: stats rate refusals", "[cli][rate]") {
  World w;
  auto r = w.run({"stats", "rate", "-o", (w.dir / "x.pdf").string()});
  CHECK(r.exit_code == 2);
  CHECK(contains(r.err, "must end in .xlsx or .png"));
  CHECK_FALSE(std::filesystem::exists(w.dir / "x.pdf"));
  r = w.run({"stats", "rate", "--by", "province"});
  CHECK(r.exit_code == 2);
  r = w.run({"stats", "rate", "--school", "幽灵学院"});
  CHECK(r.exit_code == 2);
  CHECK(contains(r.err, "unknown school"));
  r = w.run({"stats", "rate", "-o", (w.dir / "no/such/dir/x.png").string()});
  CHECK(r.exit_code == 8);
  CHECK(contains(r.err, "no/such/dir does not exist"));
  r = w.run({"stats", "rate", "-o", (w.dir / "no/such/dir/x.xlsx").string()});
  CHECK(r.exit_code == 8);
}
