// End-to-end: ncssctl favorite add|import|template|remove|list.
#include <SQLiteCpp/SQLiteCpp.h>

#include <catch2/catch.hpp>
#include <tuple>

#include "ncss/identity.hpp"
#include "testkit.hpp"

using testkit::run_ncssctl;
using testkit::TempDir;

namespace {

const auto id = testkit::resident_id;
using testkit::contains;

const std::string kV = "91110108749352307A";
const std::string kU = "91110108MA01ABCD2X";
const std::string kA = id("11010520030115001");
const std::string kB = id("44030420021230002");

struct Employer {
  TempDir dir;
  std::string db = (dir / "ncss.db").string();
  Employer() {
    REQUIRE(run_ncssctl({"--db", db, "init"}).exit_code == 0);
    REQUIRE(run({"student", "import",
                 file("r.csv", "学生姓名,身份证号,毕业院校,届别\n张三," + kA +
                                   ",北京大学,2026\n李四," + kB + ",清华大学,2026\n")})
                .exit_code == 0);
    SQLite::Database raw(db, SQLite::OPEN_READWRITE);
    raw.exec(
        testkit::employers_sql({{kV, "甲公司"}, {kU, "乙公司", false, "北京市", "北京市", "y"}}));
  }
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

}  // namespace

TEST_CASE("cli favorite: add, list masked, remove", "[cli][favorite]") {
  Employer e;
  auto r = e.run(
      {"favorite", "add", "--employer", kV, "--name", "张三", "--id", kA, "--school", "北京大学"});
  CHECK(r.exit_code == 0);
  CHECK(contains(r.err, "added"));
  r = e.run({"favorite", "list", "--employer", kV, "--format", "table"});
  CHECK(r.exit_code == 0);
  CHECK(contains(r.out, ncss::mask_resident_id(kA)));
  CHECK_FALSE(contains(r.out, kA));
  r = e.run({"favorite", "list", "--employer", kV, "--format", "table", "--unmask"});
  CHECK(contains(r.out, kA));
  CHECK(e.count("SELECT count(*) FROM events WHERE action = 'pii.unmask'") == 1);
  r = e.run({"favorite", "remove", "--employer", kV, kA});
  CHECK(r.exit_code == 0);
  r = e.run({"favorite", "remove", "--employer", kV, kA});
  CHECK(r.exit_code == 2);
  CHECK(e.count("SELECT count(*) FROM favorites") == 0);
}

TEST_CASE("cli favorite list --status: the 收藏夹 and its 失效 list", "[cli][favorite]") {
  Employer e;
  for (const auto& [name, id, school] :
       {std::tuple{"张三", kA, "北京大学"}, std::tuple{"李四", kB, "清华大学"}}) {
    REQUIRE(
        e.run({"favorite", "add", "--employer", kV, "--name", name, "--id", id, "--school", school})
            .exit_code == 0);
  }
  // The school corrects 张三's name: that favourite is 失效; 李四's stays.
  REQUIRE(
      e.run({"student", "correct", kA, "--name", "张叁", "--reason", "姓名录入错误"}).exit_code ==
      0);
  auto list = [&](const std::string& status) {
    std::vector<std::string> args = {"favorite", "list", "--employer", kV, "--format", "csv"};
    if (!status.empty()) args.insert(args.end(), {"--status", status});
    return e.run(args);
  };
  auto valid = list("valid");
  REQUIRE(valid.exit_code == 0);
  CHECK(contains(valid.out, kB));
  CHECK_FALSE(contains(valid.out, kA));
  auto invalid = list("invalid");
  REQUIRE(invalid.exit_code == 0);
  CHECK(contains(invalid.out, kA));
  CHECK_FALSE(contains(invalid.out, kB));
  auto both = list("");
  CHECK(contains(both.out, kA));
  CHECK(contains(both.out, kB));
  auto bad = list("expired");
  CHECK(bad.exit_code == 2);
  CHECK(contains(bad.err, "--status must be valid or invalid, not 'expired'"));
}

TEST_CASE("cli favorite: refusals of add", "[cli][favorite]") {
  Employer e;
  SECTION("an unverified employer: exit 5 naming 身份认证") {
    auto r = e.run({"favorite", "add", "--employer", kU, "--name", "张三", "--id", kA, "--school",
                    "北京大学"});
    CHECK(r.exit_code == 5);
    CHECK(contains(r.err, "身份认证"));
    CHECK(e.count("SELECT count(*) FROM favorites") == 0);
  }
  SECTION("a school that does not match: exit 2, the stored school not revealed") {
    auto r = e.run({"favorite", "add", "--employer", kV, "--name", "张三", "--id", kA, "--school",
                    "清华大学"});
    CHECK(r.exit_code == 2);
    CHECK(contains(r.err, "毕业院校 does not match"));
    CHECK_FALSE(contains(r.err, "北京大学"));
    CHECK(e.count("SELECT count(*) FROM favorites") == 0);
  }
  SECTION("a name that does not match") {
    auto r = e.run({"favorite", "add", "--employer", kV, "--name", "张四", "--id", kA, "--school",
                    "北京大学"});
    CHECK(r.exit_code == 2);
    CHECK(contains(r.err, "学生姓名"));
    CHECK_FALSE(contains(r.err, "张三"));
  }
  SECTION("an unknown ID") {
    auto r = e.run({"favorite", "add", "--employer", kV, "--name", "张三", "--id",
                    id("11010520030115011"), "--school", "北京大学"});
    CHECK(r.exit_code == 2);
    CHECK(contains(r.err, "no graduate"));
  }
  SECTION("a duplicate: exit 6, not duplicated") {
    std::vector<std::string> add = {"favorite", "add",  "--employer", kV,         "--name",
                                    "张三",     "--id", kA,           "--school", "10001"};
    CHECK(e.run(add).exit_code == 0);
    auto r = e.run(add);
    CHECK(r.exit_code == 6);
    CHECK(contains(r.err, "already in favourites"));
    CHECK(e.count("SELECT count(*) FROM favorites") == 1);
  }
}

TEST_CASE("cli favorite: import reports rows like the roster import", "[cli][favorite]") {
  Employer e;
  auto f = e.file(
      "f.csv", "学生姓名,身份证号,毕业院校\n张三," + kA + ",北京大学\n李四," + kB + ",北京大学\n");
  auto report = (e.dir / "report.csv").string();
  auto r = e.run({"favorite", "import", "--employer", kV, f, "--report", report});
  CHECK(r.exit_code == 4);
  CHECK(contains(r.err, f + ":3: C 毕业院校: school_mismatch:"));
  CHECK(contains(testkit::read_file(report), "school_mismatch"));
  CHECK(e.count("SELECT count(*) FROM favorites") == 1);
  // Again: the first row is now a favourite already.
  r = e.run({"favorite", "import", "--employer", kV, f, "--all-or-nothing"});
  CHECK(r.exit_code == 3);
  CHECK(contains(r.err, "already_favorite"));
  // The dry run says the same (exit 3), and --quiet keeps the rows on stderr.
  r = e.run(
      {"--quiet", "favorite", "import", "--employer", kV, f, "--all-or-nothing", "--dry-run"});
  CHECK(r.exit_code == 3);
  CHECK(contains(r.err, f + ":2: B 身份证号: already_favorite:"));
  r = e.run({"favorite", "import", "--employer", kU, f});
  CHECK(r.exit_code == 5);
  r = e.run({"favorite", "import", "--employer", kV, e.file("bad.csv", "x,y\n1,2\n")});
  CHECK(r.exit_code == 3);
  CHECK(e.count("SELECT count(*) FROM favorites") == 1);
}

TEST_CASE("cli favorite: template writes the three-column workbook", "[cli][favorite]") {
  Employer e;
  auto out = (e.dir / "t.xlsx").string();
  auto r = e.run({"favorite", "template", "-o", out});
  CHECK(r.exit_code == 0);
  auto imported = e.run({"favorite", "import", "--employer", kV, out});
  CHECK(imported.exit_code == 0);  // headers only: nothing to add, nothing wrong
  auto csv = (e.dir / "t.csv").string();
  r = e.run({"favorite", "template", "-o", csv});
  CHECK(r.exit_code == 2);
  CHECK(contains(r.err, "must end in .xlsx"));
  CHECK_FALSE(std::filesystem::exists(csv));
  // A directory that does not exist: our words only (no libxlsxwriter "[ERROR]"), exit 8.
  auto nowhere = (e.dir / "no-such-dir" / "t.xlsx").string();
  r = e.run({"favorite", "template", "-o", nowhere});
  CHECK(r.exit_code == 8);
  CHECK(contains(r.err, "cannot write " + nowhere + ": No such file or directory"));
  CHECK_FALSE(contains(r.err, "[ERROR]"));
}

TEST_CASE("cli favorite import: progress on a terminal only", "[cli][favorite]") {
  Employer e;
  // 5,000 rows (progress is drawn every 4,096): graduates no roster holds, each refused.
  std::string text = "学生姓名,身份证号,毕业院校\n";
  for (int i = 0; i < 5000; ++i)
    text += "某," + id("110105200301" + std::to_string(10000 + i)) + ",北京大学\n";
  auto path = e.file("big.csv", text);
  auto piped = e.run({"favorite", "import", "--employer", kV, path, "--dry-run"});
  CHECK(piped.exit_code == 4);
  CHECK_FALSE(contains(piped.err, " rows"));
  // script(1) gives it a pseudo-terminal.
  auto tty = testkit::run_shell("TERM=xterm script -qec \"" + std::string(NCSSCTL_BINARY) +
                                " --db " + e.db + " favorite import --employer " + kV + " " + path +
                                " --dry-run\" /dev/null");
  CHECK(contains(tty.text, path + ": 4096 rows"));
  auto quiet = testkit::run_shell("TERM=xterm script -qec \"" + std::string(NCSSCTL_BINARY) +
                                  " --db " + e.db + " --quiet favorite import --employer " + kV +
                                  " " + path + " --dry-run\" /dev/null");
  CHECK_FALSE(contains(quiet.text, " rows"));
}
