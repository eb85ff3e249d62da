// End-to-end: ncssctl export graduates|signings|registrations|terminations to .csv and .xlsx:
// Chinese headers, masking and --unmask (recorded), formula injection neutralised, filters,
// refusals, and files written whole or not at all.
#include <SQLiteCpp/SQLiteCpp.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <utility>

#include "ncss/identity.hpp"
#include "ncss/sheet.hpp"
#include "testkit.hpp"
#include "xlsxkit.hpp"

using testkit::run_ncssctl;
using testkit::TempDir;

namespace {

namespace fs = std::filesystem;
const auto id = testkit::resident_id;
using testkit::contains;
using Table = std::vector<std::vector<std::string>>;

const std::string kV = "91110108749352307A";
const std::string kW = "91370214MA3D2M2T5C";
const std::string kA = id("11010520030115001");
const std::string kB = id("44030420021230002");
const std::string kC = id("11010520030215003");
const std::string kNow = "2026-05-20T09:00:00+08:00";
const std::string kBom = "\xEF\xBB\xBF";

// 张三 (北京大学 计算机学院, 专业 "=1+1", 学号 "-12") signed with 甲公司 (invitation 1); 李四
// (清华大学 经管学院) invited by 丙公司 (invitation 2, awaiting); 王五 (北京大学) filed a paper
// agreement (registration 1).
struct World {
  TempDir dir;
  std::string db = (dir / "ncss.db").string();
  World() {
    REQUIRE(run_ncssctl({"--db", db, "init"}).exit_code == 0);
    auto roster = dir / "r.csv";
    testkit::write_file(
        roster,
        "学生姓名,身份证号,毕业院校,院系,届别,学历层次,专业,学号,手机号码,电子邮箱\n"
        "张三," +
            kA +
            ",北京大学,计算机学院,2026,本科,=1+1,-12,13812345678,zs@example.com\n"
            "李四," +
            kB +
            ",清华大学,经管学院,2026,硕士,\"会计,\"\"审计\"\"\",2,13900001111,\n"
            "王五," +
            kC + ",北京大学,物理学院,2026,本科,物理学,3,,\n");
    auto imported = run({"student", "import", roster.string()});
    INFO(imported.err);
    REQUIRE(imported.exit_code == 0);
    {
      SQLite::Database raw(db, SQLite::OPEN_READWRITE);
      raw.exec(
          testkit::employers_sql({{kV, "甲公司"}, {kW, "丙公司", true, "山东省", "青岛市", "z"}}));
    }
    REQUIRE(run({"favorite", "add", "--employer", kV, "--name", "张三", "--id", kA, "--school",
                 "北京大学"})
                .exit_code == 0);
    REQUIRE(run({"favorite", "add", "--employer", kW, "--name", "李四", "--id", kB, "--school",
                 "清华大学"})
                .exit_code == 0);
    REQUIRE(issue(kV, kA).exit_code == 0);  // 1
    REQUIRE(issue(kW, kB).exit_code == 0);  // 2
    REQUIRE(run({"invite", "respond", "1", "--accept"}).exit_code == 0);
    REQUIRE(run({"review", "approve", "1"}).exit_code == 0);
    auto scan = (dir / "scan.jpg").string();
    testkit::write_file(scan, std::string("\xFF\xD8\xFF\xE0", 4) + "stamped");
    auto paper =
        run({"register", "paper", "--graduate", kC, "--employer-name", "北京示例科技有限公司",
             "--credit-code", "91110108749352307A", "--nature", "39", "--job-category", "13",
             "--position", "软件工程师", "--work-location", "北京市海淀区", "--scan", scan});
    INFO(paper.err);
    REQUIRE(paper.exit_code == 0);
  }
  testkit::RunResult run(std::vector<std::string> args) {
    args.insert(args.begin(), {"--db", db, "--now", kNow});
    return run_ncssctl(args);
  }
  testkit::RunResult issue(const std::string& employer, const std::string& to) {
    return run({"invite", "issue", "--employer", employer, "--to", to, "--job-category", "13",
                "--contact", "张经理", "--position", "研发工程师"});
  }
  std::string out(const std::string& name) const { return (dir / name).string(); }
  int count(const std::string& sql) {
    SQLite::Database raw(db, SQLite::OPEN_READONLY);
    return raw.execAndGet(sql).getInt();
  }
  int unmask_events() { return count("SELECT count(*) FROM events WHERE action = 'pii.unmask'"); }
  // The directory's entries other than the database and the inputs: what an export left.
  std::vector<std::string> left_over() const {
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(dir.path())) {
      auto n = e.path().filename().string();
      if (n.rfind("ncss.db", 0) == 0 || n == "r.csv" || n == "scan.jpg") continue;
      names.push_back(n);
    }
    return names;
  }
};

// RFC 4180 records of a CSV file that starts with the UTF-8 BOM and ends records with CRLF.
Table read_csv(const std::string& path) {
  std::string text = testkit::read_file(path);
  REQUIRE(text.rfind(kBom, 0) == 0);
  text = text.substr(kBom.size());
  Table rows(1);
  std::string cell;
  bool quoted = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        cell += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        cell += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      rows.back().push_back(std::exchange(cell, {}));
    } else if (c == '\r') {
      REQUIRE(i + 1 < text.size());
      REQUIRE(text[i + 1] == '\n');
      ++i;
      rows.back().push_back(std::exchange(cell, {}));
      rows.emplace_back();
    } else {
      REQUIRE(c != '\n');  // a bare LF ends no record
      cell += c;
    }
  }
  REQUIRE(rows.back().empty());
  REQUIRE(cell.empty());
  rows.pop_back();
  return rows;
}

// The first sheet of an .xlsx as the project's own reader sees it; every non-empty cell must be
// text.
Table read_xlsx(const std::string& path) {
  auto reader = ncss::open_sheet(path);
  Table rows;
  ncss::SheetRow row;
  while (reader->next(row)) {
    std::vector<std::string> cells;
    for (const auto& c : row.cells) {
      INFO(c.text);
      CHECK((c.kind == ncss::CellKind::Text || c.kind == ncss::CellKind::Empty));
      cells.push_back(c.text);
    }
    rows.push_back(cells);
  }
  return rows;
}

std::string sheet_xml(const std::string& path) {
  return xlsxkit::read_zip_entry(path, "xl/worksheets/sheet1.xml");
}

Table read_any(const std::string& path) {
  return path.ends_with(".csv") ? read_csv(path) : read_xlsx(path);
}

// The cell under `header` in `row` (rows may end early: xlsx rows stop at their last cell).
std::string cell(const Table& t, std::size_t row, const std::string& header) {
  const auto& h = t.at(0);
  auto it = std::find(h.begin(), h.end(), header);
  REQUIRE(it != h.end());
  auto col = static_cast<std::size_t>(it - h.begin());
  return col < t.at(row).size() ? t.at(row)[col] : "";
}

}  // namespace

TEST_CASE("cli export graduates: Chinese headers, masked by default, csv and xlsx",
          "[cli][export]") {
  World w;
  for (const std::string name : {"graduates.csv", "graduates.xlsx"}) {
    INFO(name);
    auto path = w.out(name);
    auto r = w.run({"export", "graduates", "-o", path});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(r.out.empty());
    CHECK(contains(r.err, "3 rows → " + path));
    auto t = read_any(path);
    REQUIRE(t.size() == 4);
    CHECK(t[0] == std::vector<std::string>{"学生姓名", "身份证号", "性别", "毕业院校", "院系",
                                           "学历层次", "专业", "培养方式", "届别", "学号",
                                           "手机号码", "电子邮箱", "状态"});
    CHECK(cell(t, 1, "学生姓名") == "张三");
    CHECK(cell(t, 1, "身份证号") == ncss::mask_resident_id(kA));
    CHECK(cell(t, 1, "手机号码") == "138****5678");
    CHECK(cell(t, 1, "毕业院校") == "北京大学");
    CHECK(cell(t, 1, "院系") == "计算机学院");
    CHECK(cell(t, 1, "届别") == "2026");
    CHECK(cell(t, 1, "学历层次") == "本科");
    CHECK(cell(t, 1, "状态") == "有效");
    CHECK(cell(t, 1, "电子邮箱") == "zs@example.com");
    // Only masked values: no full ID number anywhere in the file.
    for (const auto& row : t) {
      for (const auto& c : row) CHECK_FALSE((c == kA || c == kB || c == kC));
    }
  }
  CHECK(w.unmask_events() == 0);
  CHECK(w.left_over().size() == 2);
}

TEST_CASE("cli export: --unmask writes ID numbers and phones in full and is recorded",
          "[cli][export]") {
  World w;
  auto path = w.out("全量.csv");
  auto r = w.run({"--actor", "就业中心", "export", "graduates", "--unmask", "-o", path});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  auto t = read_csv(path);
  CHECK(cell(t, 1, "身份证号") == kA);
  CHECK(cell(t, 1, "手机号码") == "13812345678");
  REQUIRE(w.unmask_events() == 1);
  SQLite::Database raw(w.db, SQLite::OPEN_READONLY);
  SQLite::Statement q(raw,
                      "SELECT actor, subject_type, subject_id, details FROM events WHERE action "
                      "= 'pii.unmask'");
  REQUIRE(q.executeStep());
  CHECK(q.getColumn(0).getString() == "就业中心");
  CHECK(q.getColumn(1).getString() == "export");
  CHECK(q.getColumn(2).getString() == "graduates");
  auto details = nlohmann::json::parse(q.getColumn(3).getString());
  CHECK(contains(details.at("command").get<std::string>(), "export graduates"));
  CHECK(contains(details.at("command").get<std::string>(), path));

  // Each kind records its own use; --format never unmasks an export.
  REQUIRE(w.run({"export", "signings", "--unmask", "-o", w.out("s.xlsx")}).exit_code == 0);
  CHECK(w.unmask_events() == 2);
  CHECK(cell(read_xlsx(w.out("s.xlsx")), 1, "身份证号") == kA);
  REQUIRE(w.run({"--format", "csv", "export", "signings", "-o", w.out("s.csv")}).exit_code == 0);
  CHECK(cell(read_csv(w.out("s.csv")), 1, "身份证号") == ncss::mask_resident_id(kA));
  CHECK(w.unmask_events() == 2);
}

TEST_CASE("cli export: formula injection neutralised in csv, plain strings in xlsx",
          "[cli][export]") {
  World w;
  // A termination note is free text: the most hostile cell an export carries.
  const std::string hostile = "=HYPERLINK(\"http://evil.example\",\"点此\")";
  REQUIRE(w.run({"terminate", "request", "1", "--by", "employer", "--reason", "协商一致", "--note",
                 hostile})
              .exit_code == 0);

  SECTION("csv: a leading = + - @ gets an apostrophe, and the cell is quoted as RFC 4180 says") {
    REQUIRE(w.run({"export", "graduates", "-o", w.out("g.csv")}).exit_code == 0);
    auto raw = testkit::read_file(w.out("g.csv"));
    CHECK(contains(raw, ",'=1+1,"));
    CHECK(contains(raw, ",'-12,"));
    CHECK(contains(raw, ",\"会计,\"\"审计\"\"\","));
    auto t = read_csv(w.out("g.csv"));
    CHECK(cell(t, 1, "专业") == "'=1+1");
    CHECK(cell(t, 1, "学号") == "'-12");
    CHECK(cell(t, 3, "专业") == "会计,\"审计\"");  // rows by school code: 李四 last
    CHECK(cell(t, 3, "学号") == "2");

    REQUIRE(w.run({"export", "terminations", "-o", w.out("t.csv")}).exit_code == 0);
    auto term = read_csv(w.out("t.csv"));
    REQUIRE(term.size() == 2);
    CHECK(cell(term, 1, "解约说明") == "'" + hostile);
    CHECK(contains(testkit::read_file(w.out("t.csv")),
                   ",\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"点此\"\")\","));
  }

  SECTION("xlsx: the same text as a string cell, never a formula") {
    for (const std::string kind : {"graduates", "signings", "terminations"}) {
      INFO(kind);
      auto path = w.out(kind + ".xlsx");
      REQUIRE(w.run({"export", kind, "-o", path}).exit_code == 0);
      auto xml = sheet_xml(path);
      CHECK_FALSE(contains(xml, "<f>"));
      CHECK_FALSE(contains(xml, "<f "));
      CHECK_FALSE(contains(xml, "<v>"));  // no numbers either: every cell is text
    }
    auto g = read_xlsx(w.out("graduates.xlsx"));
    CHECK(cell(g, 1, "专业") == "=1+1");
    CHECK(cell(g, 1, "学号") == "-12");
    CHECK(cell(g, 1, "届别") == "2026");
    auto xml = sheet_xml(w.out("graduates.xlsx"));
    // libxlsxwriter's constant-memory mode writes text as inline strings.
    CHECK(contains(xml, "t=\"inlineStr\"><is><t>=1+1</t></is>"));
    auto t = read_xlsx(w.out("terminations.xlsx"));
    CHECK(cell(t, 1, "解约说明") == hostile);
    CHECK(contains(sheet_xml(w.out("terminations.xlsx")), "<t>=HYPERLINK("));
  }
}

TEST_CASE("cli export signings: columns, states and filters", "[cli][export]") {
  World w;
  for (const std::string name : {"s.csv", "s.xlsx"}) {
    INFO(name);
    auto path = w.out(name);
    auto r = w.run({"export", "signings", "-o", path});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(contains(r.err, "2 rows → "));
    auto t = read_any(path);
    REQUIRE(t.size() == 3);
    CHECK(t[0] == std::vector<std::string>{
                      "协议编号",  "学生姓名",     "身份证号", "毕业院校", "院系",
                      "学历层次",  "专业",         "届别",     "单位名称", "统一社会信用代码",
                      "职位类别",  "岗位名称",     "工作地点", "状态",     "栏目",
                      "发起时间",  "应约截止时间", "应约时间", "审核时间", "最新操作时间",
                      "邀请函编号"});
    CHECK(cell(t, 1, "协议编号").rfind("202610001", 0) == 0);  // 届别, 院校代码, ...
    CHECK(cell(t, 1, "学生姓名") == "张三");
    CHECK(cell(t, 1, "身份证号") == ncss::mask_resident_id(kA));
    CHECK(cell(t, 1, "院系") == "计算机学院");
    CHECK(cell(t, 1, "单位名称") == "甲公司");
    CHECK(cell(t, 1, "统一社会信用代码") == kV);
    CHECK(cell(t, 1, "岗位名称") == "研发工程师");
    CHECK(cell(t, 1, "职位类别") == "工程技术人员");
    CHECK(cell(t, 1, "状态") == "已签约");
    CHECK(cell(t, 1, "栏目") == "已签约");
    CHECK(cell(t, 1, "审核时间") == "2026-05-20 09:00:00 +08:00");
    CHECK(cell(t, 1, "邀请函编号") == "1");
    CHECK(cell(t, 2, "协议编号").empty());
    CHECK(cell(t, 2, "状态") == "等待学生应约");
    CHECK(cell(t, 2, "应约截止时间") == "2026-05-27 09:00:00 +08:00");
  }
  auto rows = [&](std::vector<std::string> filter) {
    auto path = w.out("f.csv");
    std::vector<std::string> args = {"export", "signings", "-o", path};
    args.insert(args.end(), filter.begin(), filter.end());
    auto r = w.run(args);
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    std::vector<std::string> names;
    auto t = read_csv(path);
    for (std::size_t i = 1; i < t.size(); ++i) names.push_back(cell(t, i, "学生姓名"));
    return names;
  };
  using V = std::vector<std::string>;
  CHECK(rows({"--employer", kW}) == V{"李四"});
  CHECK(rows({"--state", "signed"}) == V{"张三"});
  CHECK(rows({"--list", "签约中"}) == V{"李四"});
  CHECK(rows({"--school", "清华大学"}) == V{"李四"});
  CHECK(rows({"--school", "10001"}) == V{"张三"});
  CHECK(rows({"--department", "计算机学院"}) == V{"张三"});
  CHECK(rows({"--cohort", "2025"}).empty());
  // A value outside a filter's set and an unknown school are both usage errors (2), as CLI11's
  // checks of other filters are; no file either way.
  auto bad = w.run({"export", "signings", "--state", "happy", "-o", w.out("bad.csv")});
  CHECK(bad.exit_code == 2);
  CHECK(bad.err.find("awaiting_graduate, awaiting_review") != std::string::npos);
  auto list = w.run({"export", "signings", "--list", "全部", "-o", w.out("bad.csv")});
  CHECK(list.exit_code == 2);
  CHECK(list.err.find("签约中, 已签约") != std::string::npos);
  auto unknown = w.run({"export", "signings", "--school", "火星大学", "-o", w.out("bad.csv")});
  CHECK(unknown.exit_code == 2);
  CHECK_FALSE(fs::exists(w.out("bad.csv")));
}

TEST_CASE("cli export registrations and terminations: columns and filters", "[cli][export]") {
  World w;
  REQUIRE(w.run({"terminate", "request", "1", "--by", "graduate", "--reason", "协商一致", "--note",
                 "个人原因"})
              .exit_code == 0);
  for (const std::string ext : {".csv", ".xlsx"}) {
    INFO(ext);
    auto reg_path = w.out("reg" + ext);
    REQUIRE(w.run({"export", "registrations", "-o", reg_path}).exit_code == 0);
    auto reg = read_any(reg_path);
    REQUIRE(reg.size() == 2);
    CHECK(reg[0].front() == "登记编号");
    CHECK(cell(reg, 1, "登记类型") == "已签纸质就业协议登记");
    CHECK(cell(reg, 1, "学生姓名") == "王五");
    CHECK(cell(reg, 1, "身份证号") == ncss::mask_resident_id(kC));
    CHECK(cell(reg, 1, "院系") == "物理学院");
    CHECK(cell(reg, 1, "毕业去向代码") == "10");
    CHECK(cell(reg, 1, "单位名称") == "北京示例科技有限公司");
    CHECK(cell(reg, 1, "统一社会信用代码") == "91110108749352307A");
    CHECK(cell(reg, 1, "单位性质") == "其他企业");
    CHECK(cell(reg, 1, "职位类别") == "工程技术人员");
    CHECK(cell(reg, 1, "岗位名称") == "软件工程师");
    CHECK(cell(reg, 1, "工作地点") == "北京市海淀区");
    CHECK(cell(reg, 1, "审核状态") == "待审核");

    auto term_path = w.out("term" + ext);
    REQUIRE(w.run({"export", "terminations", "-o", term_path}).exit_code == 0);
    auto term = read_any(term_path);
    REQUIRE(term.size() == 2);
    CHECK(term[0].front() == "解约编号");
    CHECK(cell(term, 1, "解约方式") == "线上解约");
    CHECK(cell(term, 1, "发起方") == "毕业生");
    CHECK(cell(term, 1, "学生姓名") == "张三");
    CHECK(cell(term, 1, "身份证号") == ncss::mask_resident_id(kA));
    CHECK(cell(term, 1, "毕业院校") == "北京大学");
    CHECK(cell(term, 1, "院系") == "计算机学院");
    CHECK(cell(term, 1, "单位名称") == "甲公司");
    CHECK(cell(term, 1, "解约原因") == "协商一致");
    CHECK(cell(term, 1, "解约说明") == "个人原因");
    CHECK(cell(term, 1, "栏目") == "解约中");
    CHECK(cell(term, 1, "协议编号").rfind("202610001", 0) == 0);
  }
  auto count = [&](const std::string& kind, std::vector<std::string> filter) {
    auto path = w.out("f.csv");
    std::vector<std::string> args = {"export", kind, "-o", path};
    args.insert(args.end(), filter.begin(), filter.end());
    auto r = w.run(args);
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    return read_csv(path).size() - 1;
  };
  CHECK(count("registrations", {"--kind", "paper"}) == 1);
  CHECK(count("registrations", {"--kind", "destination"}) == 0);
  CHECK(count("registrations", {"--state", "approved"}) == 0);
  CHECK(count("registrations", {"--school", "清华大学"}) == 0);
  CHECK(count("registrations", {"--department", "物理学院"}) == 1);
  CHECK(count("terminations", {"--list", "解约中"}) == 1);
  CHECK(count("terminations", {"--list", "已解约"}) == 0);
  CHECK(count("terminations", {"--employer", kW}) == 0);
  CHECK(count("terminations", {"--department", "计算机学院"}) == 1);
  CHECK(count("terminations", {"--department", "物理学院"}) == 0);
  CHECK(count("graduates", {"--school", "北京大学"}) == 2);
  CHECK(count("graduates", {"--level", "硕士"}) == 1);
  CHECK(count("graduates", {"--status", "invalid"}) == 0);
  CHECK(w.run({"export", "registrations", "--kind", "online", "-o", w.out("x.csv")}).exit_code ==
        2);
  CHECK(w.run({"export", "registrations", "--state", "done", "-o", w.out("x.csv")}).exit_code == 2);
  CHECK(w.run({"export", "terminations", "--list", "全部", "-o", w.out("x.csv")}).exit_code == 2);
  CHECK(w.run({"export", "terminations", "--phase", "done", "-o", w.out("x.csv")}).exit_code == 2);
}

TEST_CASE("cli export: refusals leave no file behind", "[cli][export]") {
  World w;
  SECTION("an extension other than .csv or .xlsx is a usage error") {
    for (const std::string name : {"out.txt", "out.xls", "out", "out.csv.gz"}) {
      INFO(name);
      auto r = w.run({"export", "graduates", "-o", w.out(name)});
      CHECK(r.exit_code == 2);
      CHECK(contains(r.err, "must end in .csv or .xlsx"));
    }
    CHECK(w.left_over().empty());
    // Upper case is the same extension.
    CHECK(w.run({"export", "graduates", "-o", w.out("OUT.XLSX")}).exit_code == 0);
  }
  SECTION("no -o, no kind, an unknown kind") {
    CHECK(w.run({"export", "graduates"}).exit_code == 2);
    CHECK(w.run({"export", "-o", w.out("x.csv")}).exit_code == 2);
    CHECK(w.run({"export", "employers", "-o", w.out("x.csv")}).exit_code == 2);
    CHECK(w.left_over().empty());
  }
  SECTION("--unmask when its event cannot be recorded: exit 7, nothing shown, no file") {
    SQLite::Database other(w.db, SQLite::OPEN_READWRITE);
    other.exec("BEGIN IMMEDIATE");  // another writer holds the lock past the busy timeout
    auto r =
        w.run({"--busy-timeout", "100", "export", "graduates", "--unmask", "-o", w.out("g.csv")});
    CHECK(r.exit_code == 7);
    CHECK_FALSE(fs::exists(w.out("g.csv")));
    auto list = w.run({"--busy-timeout", "100", "student", "list", "--unmask"});
    CHECK(list.exit_code == 7);
    CHECK(list.out.empty());
    CHECK(w.left_over().empty());
    other.exec("ROLLBACK");
    CHECK(w.unmask_events() == 0);
    // Masked, nothing needs recording: the lock does not matter to a listing.
    other.exec("BEGIN IMMEDIATE");
    CHECK(w.run({"--busy-timeout", "100", "student", "list"}).exit_code == 0);
    other.exec("ROLLBACK");
  }
  SECTION("a place that cannot be written: exit 8, and nothing recorded") {
    auto r = w.run({"export", "graduates", "--unmask", "-o", w.out("no/such/dir/g.csv")});
    CHECK(r.exit_code == 8);
    CHECK(w.run({"export", "graduates", "-o", w.out("no/such/dir/g.xlsx")}).exit_code == 8);
    CHECK(w.run({"export", "graduates", "-o", w.dir.path().string() + "/"}).exit_code == 2);
    fs::create_directory(w.out("d.csv"));
    CHECK(w.run({"export", "graduates", "-o", w.out("d.csv")}).exit_code == 8);
    CHECK(w.unmask_events() == 0);
  }
  SECTION("a bad filter with --unmask: refused, nothing shown, nothing recorded") {
    CHECK(w.run({"export", "signings", "--unmask", "--state", "happy", "-o", w.out("s.csv")})
              .exit_code == 2);
    CHECK(w.run({"export", "graduates", "--unmask", "--school", "火星大学", "-o", w.out("g.csv")})
              .exit_code == 2);
    CHECK(w.run({"student", "list", "--unmask", "--level", "大专"}).exit_code == 2);
    CHECK_FALSE(fs::exists(w.out("s.csv")));
    CHECK(w.unmask_events() == 0);
    // The same listing that succeeds is recorded.
    REQUIRE(w.run({"student", "list", "--unmask"}).exit_code == 0);
    CHECK(w.unmask_events() == 1);
  }
  SECTION("an existing file is replaced whole; --quiet prints nothing") {
    auto path = w.out("g.csv");
    testkit::write_file(path, "old");
    auto r = w.run({"--quiet", "export", "graduates", "-o", path});
    CHECK(r.exit_code == 0);
    CHECK(r.err.empty());
    CHECK(r.out.empty());
    CHECK(read_csv(path).size() == 4);
    CHECK(w.left_over() == std::vector<std::string>{"g.csv"});
  }
  SECTION("no database: exit 7, no file") {
    auto r = run_ncssctl({"--db", w.out("none.db"), "export", "graduates", "-o", w.out("g.csv")});
    CHECK(r.exit_code == 7);
    CHECK_FALSE(fs::exists(w.out("g.csv")));
  }
}

TEST_CASE("cli: no -o or --report writes over the database (exit 2)", "[cli][export][overwrite]") {
  World w;
  // A database named like an output, given as another spelling of the same path.
  const std::string db = (w.dir / "dbx.xlsx").string();
  fs::copy_file(w.db, db);
  const std::string other = (w.dir / "sub" / ".." / "dbx.xlsx").string();
  fs::create_directory(w.dir / "sub");
  auto roster = (w.dir / "r.csv").string();
  testkit::write_file(roster, "学生姓名,身份证号,毕业院校,届别\n");
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"export", "graduates", "-o", other},
        {"stats", "rate", "-o", other},
        {"student", "template", "-o", db},
        {"favorite", "template", "-o", db},
        {"student", "import", roster, "--report", other}}) {
    std::vector<std::string> all{"--db", db, "--now", kNow};
    all.insert(all.end(), args.begin(), args.end());
    auto r = run_ncssctl(all);
    INFO(args[0] + " " + args[1]);
    CHECK(r.exit_code == 2);
    CHECK(contains(r.err, "is the database file"));
  }
  CHECK(run_ncssctl({"--db", db, "db", "check"}).exit_code == 0);
  CHECK(run_ncssctl({"--db", db, "export", "graduates", "-o", (w.dir / "g.xlsx").string()})
            .exit_code == 0);
}
