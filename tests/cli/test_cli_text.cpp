// End-to-end: free text typed on the command line or read from a file (names, addresses, notes,
// reasons, the 补充条款, templates) is refused with exit 3, naming the field, the character as
// U+XXXX and its position, when it holds a control, line-break or invisible character; nothing
// is written. Multi-line fields (notes, reasons, 补充条款) keep their line breaks.
#include <SQLiteCpp/SQLiteCpp.h>

#include <catch2/catch.hpp>
#include <map>
#include <string>
#include <vector>

#include "testkit.hpp"

using testkit::contains;
using testkit::run_ncssctl;
using testkit::TempDir;

namespace {

const auto id = testkit::resident_id;
const std::string kV = "91110108749352307A";  // verified
const std::string kU = "91370214MA3D2M2T5C";  // unverified
const std::string kA = id("11010520030115001");
const std::string kB = id("44030420021230002");
const std::string kC = id("11010520030115003");
const std::string kNow = "2026-05-20T09:00:00+08:00";
// Ordinary Chinese text: full-width punctuation, a middle dot, a dash, the ideographic space.
const std::string kChinese = "北京市海淀区（中关村）《协议》「补充」，甲·乙—丙。、　一号";

std::string sample(const std::string& name) {
  return (testkit::source_dir() / "samples/files" / name).string();
}

// Two employers (kV verified), three graduates on the 2026 roster, 张三 and 李四 in kV's
// favourites.
struct Desk {
  TempDir dir;
  std::string db = (dir / "ncss.db").string();
  Desk() {
    REQUIRE(run_ncssctl({"--db", db, "init"}).exit_code == 0);
    auto roster = dir / "r.csv";
    testkit::write_file(roster, "学生姓名,身份证号,毕业院校,届别,学历层次\n张三," + kA +
                                    ",北京大学,2026,本科\n李四," + kB +
                                    ",清华大学,2026,本科\n王五," + kC + ",北京大学,2026,本科\n");
    REQUIRE(run({"student", "import", roster.string()}).exit_code == 0);
    {
      SQLite::Database raw(db, SQLite::OPEN_READWRITE);
      raw.exec(testkit::employers_sql({{kV, "甲公司"}, {kU, "乙公司", false}}));
    }
    REQUIRE(run({"favorite", "add", "--employer", kV, "--name", "张三", "--id", kA, "--school",
                 "北京大学"})
                .exit_code == 0);
    REQUIRE(run({"favorite", "add", "--employer", kV, "--name", "李四", "--id", kB, "--school",
                 "清华大学"})
                .exit_code == 0);
  }
  testkit::RunResult run(std::vector<std::string> args,
                         const std::map<std::string, std::string>& env = {}) {
    args.insert(args.begin(), {"--db", db, "--now", kNow});
    return run_ncssctl(args, env);
  }
  int count(const std::string& sql) {
    SQLite::Database raw(db, SQLite::OPEN_READONLY);
    return raw.execAndGet(sql).getInt();
  }
  std::string text(const std::string& sql) {
    SQLite::Database raw(db, SQLite::OPEN_READONLY);
    return raw.execAndGet(sql).getString();
  }
  int events() { return count("SELECT count(*) FROM events"); }
  // The command is refused for its text: exit 3, the message on stderr, no event written (every
  // write records one, in the same transaction).
  void refused(const std::vector<std::string>& args, const std::string& message,
               const std::map<std::string, std::string>& env = {}) {
    const int before = events();
    auto r = run(args, env);
    INFO(r.err);
    CHECK(r.exit_code == 3);
    CHECK(contains(r.err, message));
    CHECK(events() == before);
  }
  testkit::RunResult issue(const std::string& to, std::vector<std::string> more = {}) {
    std::vector<std::string> args = {"invite",    "issue",  "--employer",     kV,
                                     "--to",      to,       "--job-category", "13",
                                     "--contact", "张经理", "--position",     "研发工程师"};
    args.insert(args.end(), more.begin(), more.end());
    return run(args);
  }
};

std::vector<std::string> registration(const std::string& name, const std::string& street) {
  return {"employer",     "register", "--name",        name,
          "--short-name", "示例科技", "--credit-code", "91310115MA1K3BTP2B",
          "--nature",     "39",       "--industry",    "I",
          "--size",       "3",        "--province",    "北京市",
          "--city",       "北京市",   "--street",      street};
}

}  // namespace

TEST_CASE("cli text: employer fields refuse control, line-break and invisible characters",
          "[cli][text]") {
  Desk d;
  d.refused(registration("示例\x07科技有限公司", "中关村1号"),
            "单位名称 (--name) holds the control character U+0007 at character 3; delete it");
  d.refused(registration("示例科技有限公司", "海淀区\n中关村1号"),
            "详细地址 (--street) holds a line break (U+000A) at character 4; it is one line");
  CHECK(d.count("SELECT count(*) FROM employers") == 2);
  // Ordinary Chinese text with its punctuation and the ideographic space is stored as typed.
  auto r = d.run(registration("示例（北京）科技有限公司", kChinese));
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(d.text("SELECT street FROM employers WHERE credit_code = '91310115MA1K3BTP2B'") ==
        kChinese);

  d.refused({"employer", "edit", kV, "--street", "中关村\u200B大街"},
            "详细地址 (--street) holds the invisible character U+200B at character 4; delete it (a "
            "zero-width, direction or format character, often pasted in with the text)");
  d.refused({"employer", "correct", kV, "--name", "甲\u202E公司", "--reason", "录入错误"},
            "单位名称 (--name) holds the invisible character U+202E at character 2");
  // A reason may take several lines: stored with its line break.
  r = d.run({"employer", "correct", kV, "--short-name", "甲", "--reason", "录入错误\n经核实"});
  INFO(r.err);
  CHECK(r.exit_code == 0);
  CHECK(d.text("SELECT reason FROM events WHERE action = 'employer.correct'") ==
        "录入错误\n经核实");

  d.refused({"employer", "user", "add", kV, "--real-name", "王芳", "--gender", "女", "--department",
             "人力\t资源部", "--position", "招聘主管", "--email", "hr@example.com", "--work-phone",
             "010-62751234"},
            "所在部门 (--department) holds a tab (U+0009) at character 3; type a space instead");
  CHECK(d.count("SELECT count(*) FROM employer_users") == 0);
  d.refused({"employer", "verify", "remittance", kU, "--account", "6222020200112233", "--bank",
             "中国银行\x1B[2J", "--authorisation", sample("authorisation.png")},
            "the bank (开户银行, --bank) holds the control character U+001B at character 5");
  d.refused({"employer", "verify", "reject", kU, "--reason", "材料\x08不全"},
            "--reason holds the control character U+0008 at character 3");
}

TEST_CASE("cli text: school, student and favourite fields", "[cli][text]") {
  Desk d;
  d.refused({"school", "add", "--code", "99001", "--name", "示例\u200D职业学院", "--level", "专科"},
            "学校名称 (--name) holds the invisible character U+200D at character 3");
  d.refused({"student", "correct", kA, "--major", "计算机\n科学", "--reason", "录入错误"},
            "--major (专业) holds a line break (U+000A) at character 4");
  d.refused({"student", "remove", kC, "--reason", "\x07"},
            "--reason holds the control character U+0007 at character 1");
  auto r = d.run(
      {"student", "correct", kA, "--department", "信息学院", "--reason", "院系调整\n见教务处通知"});
  INFO(r.err);
  CHECK(r.exit_code == 0);
  // Refused as the text it is (exit 3), not looked up and not found (exit 2).
  d.refused({"favorite", "add", "--employer", kV, "--name", "王\u200B五", "--id", kC, "--school",
             "北京大学"},
            "--name (学生姓名) holds the invisible character U+200B at character 2");
}

TEST_CASE("cli text: invitation templates and invitations", "[cli][text]") {
  Desk d;
  d.refused({"template", "add", "job", "--employer", kV, "--name", "校招\u2066", "--job-category",
             "13", "--contact", "张经理", "--position", "工程师"},
            "the template name (--name) holds the invisible character U+2066 at character 3");
  d.refused(
      {"template", "add", "job", "--employer", kV, "--name", "校招", "--job-category", "13",
       "--contact", "张经理", "--position", "研发\r\n工程师"},
      "拟录用岗位名称 (--position) holds a line break (U+000D) at character 3; it is one line");
  CHECK(d.count("SELECT count(*) FROM invite_templates") == 0);

  d.refused({"invite", "issue", "--employer", kV, "--to", kA, "--job-category", "13", "--contact",
             "张经理", "--position", "研发\x07工程师"},
            "拟录用岗位名称 (--position) holds the control character U+0007 at character 3");
  d.refused({"invite", "issue", "--employer", kV, "--to", kA, "--job-category", "13", "--contact",
             "张经理", "--position", "研发工程师", "--hukou-address", "北京市\u200F海淀区"},
            "户口迁移地址 (--hukou-address) holds the invisible character U+200F at character 4");
  // Archive fields by their invite issue options, not template add's.
  d.refused({"invite", "issue", "--employer", kV, "--to", kA, "--job-category", "13", "--position",
             "研发工程师", "--contact", "张经理", "--archive-receipt-type", "2",
             "--archive-forward-unit", "人才\n中心"},
            "转寄单位名称 (--archive-forward-unit) holds a line break (U+000A) at character 3");
  d.refused({"invite", "issue", "--employer", kV, "--to", kA, "--job-category", "13", "--position",
             "研发工程师", "--contact", "张经理", "--archive-receipt-type", "2"},
            "requires 转寄单位名称 (--archive-forward-unit) and 地址 (--archive-address)");
  d.refused({"invite", "issue", "--employer", kV, "--to", kA, "--job-category", "13", "--contact",
             "张经理", "--position", "研发工程师", "--terms", "一、试用期三个月\x0B"},
            "the 补充条款 (--terms) holds the control character U+000B at character 9");
  // A terms file: named with the line and column.
  auto terms = d.dir / "terms.txt";
  testkit::write_file(terms, "第一条\r\n第二条\x07\r\n");
  d.refused({"invite", "issue", "--employer", kV, "--to", kA, "--job-category", "13", "--contact",
             "张经理", "--position", "研发工程师", "--terms", "@" + terms.string()},
            "the terms file '" + terms.string() +
                "' (补充条款) holds the control character U+0007 at character 9 (line 2, column "
                "4); delete it");
  CHECK(d.count("SELECT count(*) FROM invitations") == 0);

  // The 补充条款 keep their line breaks (CR LF stored as LF), and Chinese punctuation.
  const std::string kept = "一、试用期三个月。\n二、月薪一万元（税前），含「五险一金」。";
  // Saved by Notepad: a byte-order mark first, which is not text.
  testkit::write_file(terms,
                      "\xEF\xBB\xBF一、试用期三个月。\r\n二、月薪一万元（税前），含「五险一金」。");
  auto r = d.issue(kA, {"--terms", "@" + terms.string()});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(d.text("SELECT terms FROM invitations WHERE id = 1") == kept);

  d.refused({"invite", "withdraw", "1", "--reason", "岗位调整", "--note", "另行\x1B通知"},
            "--note holds the control character U+001B at character 3");
  r = d.run({"invite", "withdraw", "1", "--reason", "岗位调整", "--note", "岗位调整\n另行通知"});
  INFO(r.err);
  CHECK(r.exit_code == 0);
  CHECK(d.text("SELECT json_extract(details, '$.note') FROM events WHERE action LIKE "
               "'%withdraw%' ORDER BY id DESC") == "岗位调整\n另行通知");
}

TEST_CASE("cli text: a --from-file cell with a line break is refused with its row", "[cli][text]") {
  Desk d;
  auto list = d.dir / "list.csv";
  testkit::write_file(list, "身份证号,学生姓名\n" + kA + ",\"张\n三\"\n");
  auto r = d.run({"invite", "issue", "--employer", kV, "--from-file", list.string(),
                  "--job-category", "13", "--contact", "张经理", "--position", "研发工程师"});
  INFO(r.err);
  CHECK(r.exit_code == 4);
  CHECK(contains(r.err, "hidden_character"));
  CHECK(contains(r.err, "U+000A at character 2"));
  CHECK(contains(r.err, "row 2"));
  CHECK(d.count("SELECT count(*) FROM invitations") == 0);
}

TEST_CASE("cli text: review, termination and void reasons and notes", "[cli][text]") {
  Desk d;
  REQUIRE(d.issue(kA).exit_code == 0);  // 1
  REQUIRE(d.issue(kB).exit_code == 0);  // 2
  REQUIRE(d.run({"invite", "respond", "1", "--accept"}).exit_code == 0);
  REQUIRE(d.run({"invite", "respond", "2", "--accept"}).exit_code == 0);
  d.refused({"review", "reject", "1", "--reason", "材料不全\x07"},
            "--reason holds the control character U+0007 at character 5");
  auto r = d.run({"review", "reject", "1", "--reason", "材料不全。\n请补充就业推荐表。"});
  INFO(r.err);
  CHECK(r.exit_code == 0);
  CHECK(d.text("SELECT review_reason FROM invitations WHERE id = 1") ==
        "材料不全。\n请补充就业推荐表。");

  REQUIRE(d.run({"review", "approve", "2"}).exit_code == 0);
  d.refused({"void", "2", "--reason", "与单位\u200E核实"},
            "--reason holds the invisible character U+200E at character 4");
  d.refused({"terminate", "request", "2", "--by", "employer", "--reason", "协商一致", "--note",
             "协商\u200B一致"},
            "--note holds the invisible character U+200B at character 3");
  CHECK(d.count("SELECT count(*) FROM terminations") == 0);
  r = d.run({"terminate", "request", "2", "--by", "employer", "--reason", "协商一致", "--note",
             "双方协商一致。\r\n另付补偿。"});
  INFO(r.err);
  CHECK(r.exit_code == 0);
  CHECK(d.text("SELECT note FROM terminations") == "双方协商一致。\n另付补偿。");
  d.refused({"terminate", "reject", "1", "--reason", "\x7F"},
            "--reason holds the control character U+007F at character 1");
}

TEST_CASE("cli text: registration fields, notes and reasons", "[cli][text]") {
  Desk d;
  d.refused({"register", "destination", "--graduate", kC, "--code", "70", "--note", "准备\x07考研"},
            "说明 (--note) holds the control character U+0007 at character 3");
  d.refused({"register", "destination", "--graduate", kC, "--code", "80", "--study-school",
             "武汉\n大学", "--proof", sample("licence.png")},
            "升学院校 (--study-school) holds a line break (U+000A) at character 3");
  CHECK(d.count("SELECT count(*) FROM registrations") == 0);
  auto r = d.run({"register", "destination", "--graduate", kC, "--code", "70", "--note",
                  "暂不就业。\n准备考研。"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(d.text("SELECT json_extract(fields, '$.note') FROM registrations") ==
        "暂不就业。\n准备考研。");
  d.refused({"register", "return", "1", "--reason", "请\x1B补充"},
            "--reason holds the control character U+001B at character 2");
}

TEST_CASE("cli text: --actor and NCSSCTL_ACTOR are one line", "[cli][text]") {
  Desk d;
  d.refused({"--actor", "admin\n", "favorite", "remove", "--employer", kV, kA},
            "--actor (NCSSCTL_ACTOR) holds a line break (U+000A) at character 6");
  d.refused({"favorite", "remove", "--employer", kV, kA},
            "--actor (NCSSCTL_ACTOR) holds the control character U+001B at character 3",
            {{"NCSSCTL_ACTOR", "ad\x1B[31mmin"}});
  CHECK(d.count("SELECT count(*) FROM favorites") == 2);
  auto r = d.run({"--actor", "张老师（就业指导中心）", "favorite", "remove", "--employer", kV, kA});
  INFO(r.err);
  CHECK(r.exit_code == 0);
}

TEST_CASE("cli text: an agreement template's texts", "[cli][text]") {
  Desk d;
  REQUIRE(d.issue(kA).exit_code == 0);
  REQUIRE(d.run({"invite", "respond", "1", "--accept"}).exit_code == 0);
  REQUIRE(d.run({"review", "approve", "1"}).exit_code == 0);
  auto t = d.dir / "t.json";
  testkit::write_file(t,
                      "{\n  \"title\": \"就业协议书\",\n  \"sections\": [\n"
                      "    { \"section\": \"clauses\", \"clauses\": [\"第一条\\n第二条\", "
                      "\"第三条\\u0007\"] }\n  ]\n}\n");
  auto out = d.dir / "pdf";
  auto r = d.run({"agreement", "pdf", "1", "-o", out.string(), "--template", t.string()});
  INFO(r.err);
  CHECK(r.exit_code == 3);
  CHECK(contains(r.err, "agreement template " + t.string() +
                            ": section 1 (clauses, line 4): clause 2 of \"clauses\" holds the "
                            "control character U+0007 at character 4"));
  // A clause's line break is a paragraph's: accepted.
  testkit::write_file(t,
                      "{\n  \"title\": \"就业协议书\",\n  \"sections\": [\n"
                      "    { \"section\": \"clauses\", \"clauses\": [\"第一条\\r\\n第二条\"] }\n"
                      "  ]\n}\n");
  r = d.run({"agreement", "pdf", "1", "-o", out.string(), "--template", t.string()});
  INFO(r.err);
  CHECK(r.exit_code == 0);
}
