// End-to-end: ncssctl student import|template|list|show on temporary databases.
#include <SQLiteCpp/SQLiteCpp.h>
#include <zip.h>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "ncss/identity.hpp"
#include "testkit.hpp"
#include "xlsxkit.hpp"

using testkit::run_ncssctl;
using testkit::TempDir;

namespace {

const auto id = testkit::resident_id;

using testkit::contains;

struct Office {
  TempDir dir;
  std::string db = (dir / "ncss.db").string();
  Office() { REQUIRE(run_ncssctl({"--db", db, "init"}).exit_code == 0); }
  std::string file(const std::string& name, const std::string& bytes) {
    auto p = dir / name;
    testkit::write_file(p, bytes);
    return p.string();
  }
  testkit::RunResult run(std::vector<std::string> args) {
    args.insert(args.begin(), {"--db", db, "--now", "2026-05-20T09:00:00+08:00"});
    return run_ncssctl(args);
  }
  int count(const std::string& sql) {
    SQLite::Database raw(db, SQLite::OPEN_READONLY);
    return raw.execAndGet(sql).getInt();
  }
};

const std::string kA = id("11010520030115001");
const std::string kB = id("44030420021230002");

std::string good_roster() {
  return "学生姓名,身份证号,毕业院校,届别,手机号码\n张三," + kA +
         ",北京大学,2026,13812345678\n李四," + kB + ",清华大学,2026,\n";
}

}  // namespace

TEST_CASE("cli student: a valid roster imports with exit 0 and a summary", "[cli][student]") {
  Office o;
  auto r = o.run({"student", "import", o.file("r.csv", good_roster()), "--format", "json"});
  CHECK(r.exit_code == 0);
  auto j = nlohmann::json::parse(r.out);
  CHECK(j[0]["status"] == "ok");
  CHECK(j[0]["added"] == 2);
  CHECK(contains(r.err, "2 new, 0 updated, 0 unchanged, 0 rejected, 0 blank"));
  // Again: nothing changes.
  r = o.run({"student", "import", o.file("r.csv", good_roster())});
  CHECK(r.exit_code == 0);
  CHECK(contains(r.err, "2 unchanged"));
  CHECK(o.count("SELECT count(*) FROM graduates") == 2);
}

TEST_CASE("cli student: rejected rows give exit 4, name file, row and column", "[cli][student]") {
  Office o;
  auto path = o.file("bad.csv", good_roster() + "王五,110105200301150011,北京大学,2026,\n");
  auto report = (o.dir / "report.csv").string();
  auto r = o.run({"student", "import", path, "--report", report});
  CHECK(r.exit_code == 4);
  CHECK(contains(r.err, path + ":4: B 身份证号: id_checksum:"));
  CHECK(o.count("SELECT count(*) FROM graduates") == 2);
  auto text = testkit::read_file(report);
  CHECK(contains(text, "file,sheet,row,column,header,code,message"));
  CHECK(contains(text, ",4,B,身份证号,id_checksum,"));
  CHECK(contains(text, "summary"));
}

TEST_CASE("cli student: a 届别 the database cannot hold is a rejected row; later files still run",
          "[cli][student]") {
  Office o;
  auto first = o.file("a.csv", "学生姓名,身份证号,毕业院校,届别\n张三," + kA + ",北京大学,2026\n");
  auto second = o.file("b.csv", "学生姓名,身份证号,毕业院校,届别\n李四," + kB + ",北京大学,1899\n");
  auto third = o.file("c.csv", "学生姓名,身份证号,毕业院校,届别\n王五," + id("11010520030115011") +
                                   ",北京大学,2026\n");
  auto r = o.run({"student", "import", first, second, third});
  CHECK(r.exit_code == 4);
  CHECK(contains(r.err, second + ":2: D 届别: cohort_invalid: 届别 '1899' must be a four-digit "
                                 "year from 1900 to 2999"));
  CHECK(o.count("SELECT count(*) FROM graduates") == 2);
}

TEST_CASE("cli student: a file refused part way counts the rows it had already listed",
          "[cli][student]") {
  Office o;
  // Row 2 is rejected, rows 3..3002 are fine, and a field past the length limit near the end
  // refuses the whole file: the listed row stays listed, and the summary counts it.
  std::string text = "学生姓名,身份证号,毕业院校,届别\n甲,110105200301150011,北京大学,2026\n";
  for (int i = 0; i < 3000; ++i) text += "乙," + kA + ",北京大学,2026\n";
  text += "丙," + std::string(200000, 'x') + ",北京大学,2026\n";
  auto path = o.file("late.csv", text);
  auto report = (o.dir / "report.csv").string();
  auto r = o.run({"student", "import", path, "--report", report, "--format", "json"});
  CHECK(r.exit_code == 3);
  CHECK(contains(r.err, path + ":2: B 身份证号: id_checksum:"));
  CHECK(contains(r.err,
                 "nothing from the file was written (the 3000 rejected rows listed for it "
                 "were read before this)"));
  auto j = nlohmann::json::parse(r.out);
  CHECK(j[0]["status"] == "refused");
  CHECK(j[0]["rejected"] == 3000);  // row 2, and rows 4.. repeat row 3's ID
  CHECK(j[0]["added"] == 0);
  CHECK(contains(testkit::read_file(report), "were read before this)"));
  CHECK(o.count("SELECT count(*) FROM graduates") == 0);
}

TEST_CASE("cli student: --report .xlsx is a real workbook with the problems", "[cli][student]") {
  Office o;
  auto path = o.file("bad.csv", "学生姓名,身份证号,毕业院校,届别\n王五,123,北京大学,2026\n");
  auto report = (o.dir / "report.xlsx").string();
  auto r = o.run({"student", "import", path, "--report", report});
  CHECK(r.exit_code == 4);
  int err = 0;
  zip_t* z = zip_open(report.c_str(), ZIP_RDONLY, &err);
  REQUIRE(z);
  std::string all;
  for (const char* part : {"xl/sharedStrings.xml", "xl/worksheets/sheet1.xml"}) {
    zip_file_t* f = zip_fopen(z, part, 0);
    if (!f) continue;
    char buf[4096];
    zip_int64_t n;
    while ((n = zip_fread(f, buf, sizeof buf)) > 0) all.append(buf, static_cast<size_t>(n));
    zip_fclose(f);
  }
  zip_close(z);
  CHECK(contains(all, "id_length"));
  CHECK(contains(all, "身份证号"));
  // The row number is a number cell (C2: row 2 of bad.csv), so the report sorts by it.
  CHECK(contains(all, "<c r=\"C2\"><v>2</v></c>"));
}

TEST_CASE("cli student: --sheet picks the sheet, and the report names it on every row",
          "[cli][student]") {
  Office o;
  auto text = [](const std::string& ref, const std::string& v) {
    return "<c r=\"" + ref + "\" t=\"inlineStr\"><is><t>" + v + "</t></is></c>";
  };
  std::string notes = "<row r=\"1\">" + text("A1", "填写说明：身份证号请设为文本格式") + "</row>";
  std::string roster =
      "<row r=\"1\">" + text("A1", "学生姓名") + text("B1", "身份证号") + text("C1", "毕业院校") +
      text("D1", "届别") + "</row><row r=\"2\">" + text("A2", "张三") + text("B2", kA) +
      text("C2", "北京大学") + text("D2", "2026") + "</row><row r=\"3\">" + text("A3", "王五") +
      text("B3", "110105200301150011") + text("C3", "北京大学") + text("D3", "2026") + "</row>";
  auto path = (o.dir / "book.xlsx").string();
  xlsxkit::write_zip(path, xlsxkit::workbook_parts({{"说明", xlsxkit::worksheet(notes)},
                                                    {"名单", xlsxkit::worksheet(roster)}}));
  // The first sheet holds no roster: refused whole, naming it.
  auto r = o.run({"student", "import", path});
  CHECK(r.exit_code == 3);
  CHECK(contains(r.err, "book.xlsx: sheet \"说明\" has no header row in the first 20 rows"));
  CHECK(contains(r.err, "(--sheet NAME reads another sheet of the workbook.)"));
  CHECK(o.count("SELECT count(*) FROM graduates") == 0);
  r = o.run({"student", "import", path, "--sheet", "没有这张表"});
  CHECK(r.exit_code == 3);
  CHECK(contains(r.err, "没有这张表"));

  auto report = (o.dir / "report.csv").string();
  r = o.run({"student", "import", path, "--sheet", "名单", "--report", report});
  CHECK(r.exit_code == 4);
  CHECK(o.count("SELECT count(*) FROM graduates") == 1);
  auto rows = testkit::read_file(report);
  CHECK(contains(rows, path + ",名单,3,B,身份证号,id_checksum,"));
  CHECK(contains(rows, path + ",名单,,,,summary,"));
}

TEST_CASE("cli student: a school added by hand is accepted by the import", "[cli][student]") {
  Office o;
  auto path =
      o.file("r.csv", "学生姓名,身份证号,毕业院校,届别\n张三," + kA + ",北京新设学院,2026\n");
  auto r = o.run({"student", "import", path});
  CHECK(r.exit_code == 4);
  CHECK(contains(r.err, "school_unknown"));
  REQUIRE(o.run({"school", "add", "--code", "99001", "--name", "北京新设学院", "--level", "本科"})
              .exit_code == 0);
  r = o.run({"student", "import", path});
  CHECK(r.exit_code == 0);
  CHECK(o.count("SELECT count(*) FROM graduates WHERE school_code = '99001'") == 1);
}

TEST_CASE("cli student: --all-or-nothing refuses the file with exit 3, --dry-run writes nothing",
          "[cli][student]") {
  Office o;
  auto path = o.file("bad.csv", good_roster() + "王五,123,北京大学,2026,\n");
  auto r = o.run({"student", "import", path, "--all-or-nothing"});
  CHECK(r.exit_code == 3);
  CHECK(contains(r.err, "nothing written"));
  CHECK(o.count("SELECT count(*) FROM graduates") == 0);
  r = o.run({"student", "import", path, "--dry-run"});
  CHECK(r.exit_code == 4);
  CHECK(contains(r.err, "dry run"));
  // A dry run answers as the real run would: with --all-or-nothing, refused (exit 3).
  r = o.run({"student", "import", path, "--dry-run", "--all-or-nothing", "--format", "csv"});
  CHECK(r.exit_code == 3);
  CHECK(contains(r.out, ",dry_run_refused,"));
  CHECK(contains(r.err, "the real run would write nothing"));
  CHECK(o.count("SELECT count(*) FROM graduates") == 0);
  CHECK(o.count("SELECT count(*) FROM events") == 0);
}

TEST_CASE("cli student: --quiet keeps rejected rows and warnings on stderr", "[cli][student]") {
  Office o;
  auto path = o.file("quiet.csv", "学生姓名,身份证号,毕业院校,届别,备注\n张三," + kA +
                                      ",北京大学,2026,\n王五,123,北京大学,2026,\n");
  auto r = o.run({"--quiet", "student", "import", path});
  CHECK(r.exit_code == 4);
  CHECK(contains(r.err, path + ":3: B 身份证号: id_length:"));
  CHECK(contains(r.err, "warning: " + path + ": unknown column E 备注"));
  CHECK_FALSE(contains(r.err, "1 new"));  // the counts are a note: silenced
  auto loud = o.run({"student", "import", path});
  CHECK(contains(loud.err, "0 new"));  // the same file again: 张三 unchanged
}

TEST_CASE("cli student: a dry run of several files reports what the real run does",
          "[cli][student]") {
  Office o;
  auto f1 = o.file("f1.csv", good_roster());
  auto f2 = o.file("f2.csv", "学生姓名,身份证号,毕业院校,届别,手机号码\n张三," + kA +
                                 ",北京大学,2026,13900000000\n王五,110105200301150011,北京大学,"
                                 "2026,\n");
  auto counts = [](const testkit::RunResult& r) {
    std::vector<std::string> out;
    for (const auto& file : nlohmann::json::parse(r.out)) {
      out.push_back(std::to_string(file["added"].get<int>()) + "/" +
                    std::to_string(file["updated"].get<int>()) + "/" +
                    std::to_string(file["rejected"].get<int>()));
    }
    return out;
  };
  // The problem rows of a report, without its summary rows (which say "dry run").
  auto problems = [](const std::string& path) {
    std::string rows;
    std::istringstream in(testkit::read_file(path));
    for (std::string line; std::getline(in, line);) {
      if (!contains(line, ",summary,")) rows += line + "\n";
    }
    return rows;
  };
  auto dry_report = (o.dir / "dry.csv").string(), real_report = (o.dir / "real.csv").string();
  auto dry =
      o.run({"student", "import", f1, f2, "--dry-run", "--format", "json", "--report", dry_report});
  CHECK(dry.exit_code == 4);
  // The second file sees the first: 张三 is an update, as in the real run below.
  CHECK(counts(dry) == std::vector<std::string>{"2/0/0", "0/1/1"});
  CHECK(o.count("SELECT count(*) FROM graduates") == 0);
  CHECK(o.count("SELECT count(*) FROM imports") == 0);
  CHECK(o.count("SELECT count(*) FROM events") == 0);

  // With --all-or-nothing the second file would be refused, so a third file does not see it.
  auto f3 = o.file("f3.csv", "学生姓名,身份证号,毕业院校,届别,手机号码\n张三," + kA +
                                 ",北京大学,2026,13900000000\n");
  auto aon =
      o.run({"student", "import", f1, f2, f3, "--dry-run", "--all-or-nothing", "--format", "json"});
  CHECK(counts(aon) == std::vector<std::string>{"2/0/0", "0/1/1", "0/1/0"});
  CHECK(o.count("SELECT count(*) FROM graduates") == 0);

  auto real = o.run({"student", "import", f1, f2, "--format", "json", "--report", real_report});
  CHECK(real.exit_code == 4);
  CHECK(counts(real) == counts(dry));
  CHECK(problems(real_report) == problems(dry_report));
  CHECK(contains(problems(real_report), "id_checksum"));
  CHECK(o.count("SELECT count(*) FROM graduates") == 2);
}

TEST_CASE("cli student: hostile and broken files are refused whole with exit 3", "[cli][student]") {
  Office o;
  std::vector<std::pair<std::string, std::string>> cases = {
      {"empty.csv", ""},
      {"binary.csv", std::string("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16)},
      {"truncated.xlsx", std::string("PK\x03\x04\x14\x00\x00\x00\x08\x00", 10)},
      {"noheader.csv", "姓名,电话\n张三,1\n"},
      {"longline.csv", "学生姓名,身份证号,毕业院校\n" + std::string(3 << 20, 'a') + "\n"},
  };
  for (const auto& [name, bytes] : cases) {
    INFO(name);
    auto path = o.file(name, bytes);
    auto r = o.run({"student", "import", path});
    CHECK(r.exit_code == 3);
    CHECK(contains(r.err, name));
  }
  CHECK(o.count("SELECT count(*) FROM imports") == 0);
  // One bad file does not stop the others.
  auto r = o.run({"student", "import", o.file("empty.csv", ""), o.file("ok.csv", good_roster())});
  CHECK(r.exit_code == 3);
  CHECK(o.count("SELECT count(*) FROM graduates") == 2);
}

TEST_CASE("cli student: progress on a terminal only, its line cleared before each note",
          "[cli][student]") {
  Office o;
  // 6,000 rows (progress is drawn every 4,096) with a bad row after the first drawing.
  std::string text = "学生姓名,身份证号,毕业院校,届别\n";
  for (int i = 0; i < 6000; ++i) {
    std::string digits = std::to_string(10000 + i);
    std::string number = i == 4999 ? "110105200301150011" : id("110105200301" + digits);
    text += "某," + number + ",北京大学,2026\n";
  }
  auto path = o.file("big.csv", text);
  // On a pipe (as every other test runs it): no progress at all.
  auto piped = o.run({"student", "import", path, "--dry-run"});
  CHECK(piped.exit_code == 4);
  CHECK_FALSE(contains(piped.err, " rows"));
  // On a terminal (script(1) gives it a pseudo-terminal): rows done and the rate, and the note
  // about row 5001 starts on a cleared line rather than after "4096 rows".
  auto tty = testkit::run_shell("TERM=xterm script -qec \"" + std::string(NCSSCTL_BINARY) +
                                " --db " + o.db + " student import " + path + "\" /dev/null");
  CHECK(contains(tty.text, path + ": 4096 rows"));
  CHECK(contains(tty.text, "\r\033[K" + path + ":5001: B 身份证号: id_checksum"));
  CHECK(o.count("SELECT count(*) FROM graduates") == 5999);
}

TEST_CASE("cli student: a missing file or unknown --school is a usage error", "[cli][student]") {
  Office o;
  auto r = o.run({"student", "import", (o.dir / "nope.csv").string()});
  CHECK(r.exit_code == 2);
  r = o.run({"student", "import", o.file("r.csv", good_roster()), "--school", "火星大学"});
  CHECK(r.exit_code == 2);
  CHECK(contains(r.err, "火星大学"));
  r = o.run({"student", "import", o.file("r.csv", good_roster()), "--report", "x.txt"});
  CHECK(r.exit_code == 2);
  CHECK(o.count("SELECT count(*) FROM graduates") == 0);
  // A report over one of the inputs would destroy it before it is read: refused, file intact.
  auto input = o.file("keep.csv", good_roster());
  auto other = o.file("other.csv", good_roster());
  for (const auto& target : {input, (o.dir / "." / "keep.csv").string()}) {
    for (bool dry : {false, true}) {
      std::vector<std::string> args = {"student", "import", other, input, "--report", target};
      if (dry) args.push_back("--dry-run");
      r = o.run(args);
      CHECK(r.exit_code == 2);
      CHECK(contains(r.err, "would destroy it"));
      CHECK(testkit::read_file(input) == good_roster());
    }
  }
  CHECK(o.count("SELECT count(*) FROM graduates") == 0);
  // A report in a directory that does not exist: exit 8 with the reason.
  r = o.run({"student", "import", input, "--report", (o.dir / "nodir" / "r.csv").string()});
  CHECK(r.exit_code == 8);
  CHECK(contains(r.err, "No such file or directory"));
  // Bad options refuse the command before any file is read: no per-file error, no report.
  auto report = (o.dir / "rep.csv").string();
  for (auto option : {std::vector<std::string>{"--cohort", "26"},
                      std::vector<std::string>{"--school", "火星大学"}}) {
    std::vector<std::string> args = {
        "student",  "import", o.file("empty.csv", ""), o.file("r.csv", good_roster()),
        "--report", report};
    args.insert(args.end(), option.begin(), option.end());
    r = o.run(args);
    CHECK(r.exit_code == 2);
    CHECK(contains(r.err, option[1]));
    CHECK_FALSE(contains(r.err, "empty"));
    CHECK_FALSE(std::filesystem::exists(report));
  }
  CHECK(o.count("SELECT count(*) FROM imports") == 0);
}

TEST_CASE("cli student: list filters by department, cohort, level and training mode",
          "[cli][student]") {
  Office o;
  const std::string c = id("11010520030115011"), d = id("11010520030115021");
  std::string roster = "学生姓名,身份证号,毕业院校,院系,学历层次,届别,培养方式\n";
  roster += "张三," + kA + ",北京大学,法学院,本科,2026,非定向\n";
  roster += "李四," + kB + ",北京大学,法学院,硕士,2026,定向\n";
  roster += "王五," + c + ",北京大学,数学科学学院,本科,2025,委培\n";
  roster += "赵六," + d + ",清华大学,法学院,博士,2026,\n";
  REQUIRE(o.run({"student", "import", o.file("r.csv", roster)}).exit_code == 0);
  auto names = [&](std::vector<std::string> filter) {
    filter.insert(filter.begin(), {"student", "list", "--format", "json"});
    auto r = o.run(filter);
    CHECK(r.exit_code == 0);
    std::set<std::string> out;
    for (const auto& g : nlohmann::json::parse(r.out)) out.insert(g["name"].get<std::string>());
    return out;
  };
  using Names = std::set<std::string>;
  CHECK(names({}) == Names{"张三", "李四", "王五", "赵六"});
  CHECK(names({"--department", "法学院"}) == Names{"张三", "李四", "赵六"});
  CHECK(names({"--cohort", "2025"}) == Names{"王五"});
  CHECK(names({"--level", "本科"}) == Names{"张三", "王五"});
  CHECK(names({"--training-mode", "定向"}) == Names{"李四"});
  CHECK(names({"--training-mode", "非定向"}) == Names{"张三", "赵六"});  // empty means 非定向
  CHECK(names({"--department", "法学院", "--school", "北京大学", "--level", "硕士"}) ==
        Names{"李四"});
  CHECK(names({"--department", "外国语学院"}).empty());
  CHECK(o.run({"student", "list", "--training-mode", "自费"}).exit_code == 2);
  // A level by its code, and a code that is none: a usage error, not an empty listing.
  CHECK(names({"--level", "31"}) == Names{"张三", "王五"});
  auto unknown = o.run({"student", "list", "--level", "99"});
  CHECK(unknown.exit_code == 2);
  CHECK(contains(unknown.err, "--level '99' must be 博士, 硕士, 本科, 专科 or a code"));
  // A cohort that is not a year is a usage error, not an empty listing.
  for (const char* bad : {"26", "20266", "二〇二六"}) {
    auto r = o.run({"student", "list", "--cohort", bad});
    CHECK(r.exit_code == 2);
    CHECK(r.out.empty());
  }
}

TEST_CASE("cli student: list and show mask ID numbers and phones unless --unmask",
          "[cli][student]") {
  Office o;
  REQUIRE(o.run({"student", "import", o.file("r.csv", good_roster())}).exit_code == 0);
  auto r = o.run({"student", "list", "--format", "table"});
  CHECK(r.exit_code == 0);
  CHECK(contains(r.out, ncss::mask_resident_id(kA)));
  CHECK_FALSE(contains(r.out, kA));
  CHECK(contains(r.out, "138****5678"));
  r = o.run({"student", "show", kA, "--format", "table"});
  CHECK(contains(r.out, "110105********"));
  CHECK_FALSE(contains(r.out, "13812345678"));
  CHECK(o.count("SELECT count(*) FROM events WHERE action = 'pii.unmask'") == 0);
  r = o.run({"student", "show", kA, "--format", "table", "--unmask"});
  CHECK(contains(r.out, kA));
  CHECK(contains(r.out, "13812345678"));
  CHECK(o.count("SELECT count(*) FROM events WHERE action = 'pii.unmask'") == 1);
  // Scripts get the full values and stable keys.
  r = o.run({"student", "list", "--school", "清华大学", "--format", "json"});
  auto j = nlohmann::json::parse(r.out);
  REQUIRE(j.size() == 1);
  CHECK(j[0]["id_number"] == kB);
  CHECK(j[0]["gender"] == "女");
  r = o.run({"student", "show", "110105200001010000"});
  CHECK(r.exit_code == 2);
}

TEST_CASE("cli student: template writes an .xlsx the importer reads back", "[cli][student]") {
  Office o;
  auto path = (o.dir / "template.xlsx").string();
  auto r = o.run({"student", "template", "-o", path});
  CHECK(r.exit_code == 0);
  // An empty template is a roster with a header and no rows.
  r = o.run({"student", "import", path, "--format", "json"});
  CHECK(r.exit_code == 0);
  CHECK(nlohmann::json::parse(r.out)[0]["added"] == 0);
  // Any other name is refused rather than given a workbook under a misleading extension.
  auto csv = (o.dir / "template.csv").string();
  r = o.run({"student", "template", "-o", csv});
  CHECK(r.exit_code == 2);
  CHECK(contains(r.err, "must end in .xlsx"));
  CHECK_FALSE(std::filesystem::exists(csv));
  CHECK(o.run({"student", "template", "-o", (o.dir / "T.XLSX").string()}).exit_code == 0);
}

TEST_CASE("cli student: template and export write through a temporary name of their own",
          "[cli][student][partial]") {
  Office o;
  namespace fs = std::filesystem;
  // A symlink planted where the workbook used to be written first is neither followed nor
  // touched.
  testkit::write_file(o.dir / "victim", "precious");
  fs::create_symlink(o.dir / "victim", o.dir / ".t.xlsx.part");
  auto r = o.run({"student", "template", "-o", (o.dir / "t.xlsx").string()});
  CHECK(r.exit_code == 0);
  CHECK(testkit::read_file(o.dir / "victim") == "precious");
  CHECK(fs::is_symlink(o.dir / ".t.xlsx.part"));
  // Concurrent writers of one file: each writes its own temporary file and renames it, so all
  // succeed, the file is whole and no temporary file is left.
  const std::string ncssctl = std::string(NCSSCTL_BINARY) + " --db '" + o.db + "' ";
  const std::string out = (o.dir / "g.xlsx").string();
  std::string line;
  for (int i = 0; i < 6; ++i) {
    line += "{ " + ncssctl + "export graduates -o '" + out + "' --quiet; echo $?; } & ";
    line += "{ " + ncssctl + "student template -o '" + out + "' 2>/dev/null; echo $?; } & ";
  }
  auto all = testkit::run_shell(line + "wait");
  std::size_t zeros = 0;
  for (char c : all.text) zeros += c == '0';
  CHECK(zeros == 12);
  CHECK(all.text.size() == 24);  // twelve "0\n"
  for (const auto& e : fs::directory_iterator(o.dir.path())) {
    CHECK_FALSE(contains(e.path().filename().string(), ".partial-"));
  }
  int error = 0;
  zip_t* zip = zip_open(out.c_str(), ZIP_CHECKCONS | ZIP_RDONLY, &error);
  CHECK(zip != nullptr);  // a whole workbook
  if (zip != nullptr) zip_discard(zip);
}

// A roster of `rows` valid graduates of 北京大学, 2026, as CSV text.
std::string valid_roster(int rows) {
  std::string text = "学生姓名,身份证号,毕业院校,届别\n";
  for (int i = 0; i < rows; ++i) {
    char first17[18];
    std::snprintf(first17, sizeof first17, "1101052003%02d%02d%03d", 1 + i / 28 % 12, 1 + i % 28,
                  i / 336 % 1000);  // distinct up to 336,000 rows
    text += "学生" + std::to_string(i) + "," + id(first17) + ",北京大学,2026\n";
  }
  return text;
}

// A roster of 1,000 valid graduates, imported: listings of more than a pipe's 64 KiB.
void import_thousand(Office& o) {
  REQUIRE(o.run({"student", "import", o.file("r.csv", valid_roster(1000)), "--quiet"}).exit_code ==
          0);
  std::filesystem::remove(o.dir / "r.csv");
}

TEST_CASE("cli: --unmask cut short by | head is still recorded", "[cli][student]") {
  Office o;
  import_thousand(o);
  const std::string dir = o.dir.path().string();
  auto piped = [&](const std::string& extra) {
    // The listing's exit status and stderr, its output read 10 bytes into head.
    testkit::run_shell("cd '" + dir + "' && { '" + std::string(NCSSCTL_BINARY) + "' --db '" + o.db +
                       "' --format csv student list" + extra +
                       " 2>err.txt; echo $? >status.txt; } | head -c 10 >/dev/null");
    return testkit::read_file(o.dir / "status.txt");
  };
  // Without --unmask a closed pipe ends the listing quietly, as usual.
  CHECK(piped("") == "141\n");
  CHECK(testkit::read_file(o.dir / "err.txt").empty());
  // With it, the command runs to its end and records what it showed; the closed pipe is exit 8.
  CHECK(piped(" --unmask") == "8\n");
  CHECK(contains(testkit::read_file(o.dir / "err.txt"), "cannot write standard output"));
  CHECK(o.count("SELECT count(*) FROM events WHERE action = 'pii.unmask'") == 1);
}

TEST_CASE("cli: a file-size limit is a write error (exit 8), not a silent kill",
          "[cli][student][xfsz]") {
  Office o;
  namespace fs = std::filesystem;
  import_thousand(o);
  // SIGXFSZ at its default (no trap): 64 KiB hold the database's -shm, not the 1,000 rows.
  const std::string ncssctl =
      "ulimit -f 64; " + std::string(NCSSCTL_BINARY) + " --db '" + o.db + "' ";
  auto r = testkit::run_shell("cd '" + o.dir.path().string() + "' && " + ncssctl +
                              "export graduates -o g.csv --quiet 2>&1; echo $?");
  INFO(r.text);
  CHECK(contains(r.text, "cannot write g.csv: File too large"));
  CHECK(r.text.ends_with("\n8\n"));
  // A workbook (written by libxlsxwriter) too.
  r = testkit::run_shell("cd '" + o.dir.path().string() + "' && ulimit -f 1; " +
                         std::string(NCSSCTL_BINARY) + " student template -o t.xlsx 2>&1; " +
                         "echo $?");
  INFO(r.text);
  CHECK(r.text.ends_with("\n8\n"));
  // No output and no temporary file is left.
  for (const auto& e : fs::directory_iterator(o.dir.path())) {
    CHECK(e.path().filename().string().starts_with("ncss.db"));
  }
}

TEST_CASE("cli student import: running out of room leaves the database as it was (exit 7)",
          "[cli][student]") {
  Office o;
  // 20,000 rows need some 5 MB of WAL; the import may write files of 2 MB at most (ulimit -f,
  // with SIGXFSZ ignored, so a write past it fails as on a full disk instead of killing).
  auto path = o.file("big.csv", valid_roster(20000));
  auto full = testkit::run_shell("trap '' XFSZ; ulimit -f 2000; " + std::string(NCSSCTL_BINARY) +
                                 " --db " + o.db + " student import " + path + " --quiet 2>&1");
  CHECK(full.status == 7);
  CHECK(contains(full.text, "cannot be read or written"));
  CHECK(o.count("SELECT count(*) FROM graduates") == 0);
  CHECK(o.count("SELECT count(*) FROM imports") == 0);
  // The database is whole, and the same import with room succeeds.
  CHECK(run_ncssctl({"--db", o.db, "db", "check"}).exit_code == 0);
  CHECK(o.run({"student", "import", path, "--quiet"}).exit_code == 0);
  CHECK(o.count("SELECT count(*) FROM graduates") == 20000);
}

TEST_CASE(
    "cli student import: a report that cannot be written stops the run and says what was "
    "imported",
    "[cli][student][xfsz]") {
  Office o;
  o.file("good.csv",
         "学生姓名,身份证号,毕业院校,届别\n张三," + id("11010520030115001") + ",北京大学,2026\n");
  // One good row and 20,000 rejected ones: the database grows by a few pages, the report by some
  // 3 MB, past the 1 MiB a file may have.
  std::string big =
      "学生姓名,身份证号,毕业院校,届别\n李四," + id("11010520030115002") + ",北京大学,2026\n";
  std::string bad = id("11010520030115003");
  bad.back() = bad.back() == '0' ? '1' : '0';
  for (int i = 0; i < 20000; ++i) big += "王五," + bad + ",北京大学,2026\n";
  o.file("big.csv", big);
  auto r = testkit::run_shell("cd '" + o.dir.path().string() + "' && ulimit -f 1024; { " +
                              std::string(NCSSCTL_BINARY) + " --db '" + o.db +
                              "' student import good.csv big.csv --report r.csv 2>&1 "
                              ">/dev/null; echo \"status $?\"; } | tail -n 2");
  INFO(r.text);
  CHECK(contains(r.text,
                 "cannot write r.csv: File too large; big.csv was not imported, the "
                 "files before it were"));
  CHECK(contains(r.text, "status 8"));
  CHECK(o.count("SELECT count(*) FROM graduates") == 1);  // good.csv's 张三 alone
  namespace fs = std::filesystem;
  for (const auto& e : fs::directory_iterator(o.dir.path())) {
    CHECK_FALSE(contains(e.path().filename().string(), ".partial-"));
    CHECK(e.path().filename() != "r.csv");
  }
}
