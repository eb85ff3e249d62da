// End-to-end: ncssctl invite issue|withdraw|respond|abort|list|show and every refusal, and the
// school's corrections (student correct|remove|restore) that make invitations invalid (失效).
#include <SQLiteCpp/SQLiteCpp.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "ncss/identity.hpp"
#include "testkit.hpp"

using testkit::run_ncssctl;
using testkit::TempDir;

namespace {

const auto id = testkit::resident_id;
using testkit::contains;

const std::string kV = "91110108749352307A";  // verified
const std::string kW = "91370214MA3D2M2T5C";  // verified, a second employer
const std::string kU = "91110108MA01ABCD2X";  // unverified
const std::string kA = id("11010520030115001");
const std::string kB = id("44030420021230002");
const std::string kD = id("11010520030215003");  // 定向
const std::string kNow = "2026-05-20T09:00:00+08:00";

struct World {
  TempDir dir;
  std::string db = (dir / "ncss.db").string();
  World() {
    REQUIRE(run_ncssctl({"--db", db, "init"}).exit_code == 0);
    auto p = dir / "r.csv";
    testkit::write_file(p, "学生姓名,身份证号,毕业院校,届别,培养方式\n张三," + kA +
                               ",北京大学,2026,非定向\n李四," + kB +
                               ",清华大学,2026,非定向\n王五," + kD + ",北京大学,2026,定向\n");
    REQUIRE(run({"student", "import", p.string()}).exit_code == 0);
    SQLite::Database raw(db, SQLite::OPEN_READWRITE);
    raw.exec(testkit::employers_sql({{kV, "甲公司"},
                                     {kW, "丙公司", true, "山东省", "青岛市", "z"},
                                     {kU, "乙公司", false, "北京市", "北京市", "y"}}));
    for (const auto& e : {kV, kW}) {
      REQUIRE(run({"favorite", "add", "--employer", e, "--name", "张三", "--id", kA, "--school",
                   "北京大学"})
                  .exit_code == 0);
      REQUIRE(run({"favorite", "add", "--employer", e, "--name", "王五", "--id", kD, "--school",
                   "北京大学"})
                  .exit_code == 0);
    }
  }
  testkit::RunResult run(std::vector<std::string> args, const std::string& now = kNow) {
    args.insert(args.begin(), {"--db", db, "--now", now});
    return run_ncssctl(args);
  }
  testkit::RunResult issue(const std::string& employer, const std::string& to,
                           const std::string& now = kNow) {
    return run({"--format", "csv", "invite", "issue", "--employer", employer, "--to", to,
                "--job-category", "13", "--contact", "张经理", "--position", "研发工程师"},
               now);
  }
  int count(const std::string& sql) {
    SQLite::Database raw(db, SQLite::OPEN_READONLY);
    return raw.execAndGet(sql).getInt();
  }
  int invitations() { return count("SELECT count(*) FROM invitations"); }
  int events() { return count("SELECT count(*) FROM events WHERE action LIKE 'invitation.%'"); }
};

}  // namespace

TEST_CASE("cli invite: issue, list, show, respond", "[cli][invite]") {
  World w;
  auto r = w.issue(kV, kA);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(contains(r.out, "id_number,name,result,invitation_id,code,message"));
  CHECK(contains(r.out, kA + ",张三,issued,1,,"));
  CHECK(w.count("SELECT count(*) FROM outbox WHERE template = 'invitation_received' AND "
                "recipient_id = '" +
                kA + "'") == 1);

  auto list = w.run({"--format", "table", "invite", "list", "--employer", kV, "--list", "签约中"});
  REQUIRE(list.exit_code == 0);
  CHECK(contains(list.out, "等待学生应约"));
  CHECK_FALSE(contains(list.out, kA));  // masked in tables

  auto acc = w.run({"invite", "respond", "1", "--accept"});
  INFO(acc.err);
  REQUIRE(acc.exit_code == 0);
  auto show = w.run({"--format", "table", "invite", "show", "1"});
  REQUIRE(show.exit_code == 0);
  CHECK(contains(show.out, "step1 单位已发起邀请"));
  // Every row of the table carries its Chinese label, the graduate's details too.
  CHECK(contains(show.out, "invitation_id 邀请函编号"));
  CHECK(contains(show.out, "id_number 证件号码"));
  CHECK(contains(show.out, "state_name 最新状态"));
  CHECK(contains(show.out, "学生已应约提交审核中"));
  CHECK(contains(show.out, "2026-05-20 09:00:00 +08:00"));
  // Scripts get the stable keys alone.
  auto json = nlohmann::json::parse(w.run({"--format", "json", "invite", "show", "1"}).out);
  std::vector<std::string> fields;
  for (const auto& row : json) fields.push_back(row["field"].get<std::string>());
  CHECK(std::find(fields.begin(), fields.end(), "step1") != fields.end());
  CHECK(std::find(fields.begin(), fields.end(), "terms") != fields.end());
  for (const auto& f : fields) CHECK(f.find(' ') == std::string::npos);
}

TEST_CASE("cli invite show: the archive and hukou blocks in words, the archive phone masked",
          "[cli][invite]") {
  World w;
  REQUIRE(w.run({"invite",
                 "issue",
                 "--employer",
                 kV,
                 "--to",
                 kA,
                 "--job-category",
                 "13",
                 "--contact",
                 "张经理",
                 "--position",
                 "研发工程师",
                 "--archive-receipt-type",
                 "转寄其他单位",
                 "--archive-forward-unit",
                 "海淀人才中心",
                 "--archive-address",
                 "北京市海淀区",
                 "--archive-phone",
                 "13812345678",
                 "--hukou-address",
                 "北京市海淀区集体户"})
              .exit_code == 0);
  auto table = w.run({"--format", "table", "invite", "show", "1"});
  CHECK(contains(table.out,
                 "档案接收类型 2 转寄其他单位; 转寄单位名称 海淀人才中心; 地址 "
                 "北京市海淀区; 电话 138****5678"));
  CHECK(contains(table.out, "户口迁移地址 北京市海淀区集体户"));
  CHECK_FALSE(contains(table.out, "13812345678"));
  CHECK(contains(w.run({"--format", "table", "invite", "show", "1", "--unmask"}).out,
                 "电话 13812345678"));
  auto csv = w.run({"--format", "csv", "invite", "show", "1"}).out;
  CHECK(contains(csv, R"("{""address"":""北京市海淀区"",)"));
  CHECK(contains(csv, "13812345678"));
}

TEST_CASE("cli invite show: the contact's phone is masked in a table", "[cli][invite]") {
  World w;
  REQUIRE(
      w.run({"invite", "issue", "--employer", kV, "--to", kA, "--job-category", "13", "--contact",
             "张经理", "--position", "研发工程师", "--contact-phone", "13812345678"})
          .exit_code == 0);
  auto table = w.run({"--format", "table", "invite", "show", "1"});
  CHECK(contains(table.out, "138****5678"));
  CHECK_FALSE(contains(table.out, "13812345678"));
  CHECK(contains(w.run({"--format", "csv", "invite", "show", "1"}).out, "13812345678"));
  CHECK(
      contains(w.run({"--format", "table", "invite", "show", "1", "--unmask"}).out, "13812345678"));
}

TEST_CASE("cli invite: a re-import as 委培 ends the online signing begun as 非定向",
          "[cli][invite]") {
  World w;
  REQUIRE(w.issue(kV, kA).exit_code == 0);
  auto p = w.dir / "r2.csv";
  testkit::write_file(
      p, "学生姓名,身份证号,毕业院校,届别,培养方式\n张三," + kA + ",北京大学,2026,委培\n");
  auto r = w.run({"--format", "json", "student", "import", p.string()});
  REQUIRE(r.exit_code == 0);
  auto j = nlohmann::json::parse(r.out);
  CHECK(j[0]["updated"] == 1);
  CHECK(j[0]["invalidated_invitations"] == 1);
  CHECK(j[0]["invalidated_favorites"] == 2);  // 甲公司's and 丙公司's
  // The invitation is 失效: the graduate can no longer accept it.
  auto acc = w.run({"invite", "respond", "1", "--accept"});
  CHECK(acc.exit_code == 5);
  CHECK(w.count("SELECT count(*) FROM invitations WHERE state = 'invalid'") == 1);
  // And no employer can invite a 委培 graduate (adding them to favourites again is allowed).
  REQUIRE(w.run({"favorite", "add", "--employer", kW, "--name", "张三", "--id", kA, "--school",
                 "北京大学"})
              .exit_code == 0);
  r = w.issue(kW, kA);
  CHECK(r.exit_code == 4);
  CHECK(contains(r.err, "training_mode"));
  CHECK(contains(r.err, "委培"));
  CHECK(w.invitations() == 1);
}

TEST_CASE("cli student correct: --training-mode ends what the old mode allowed",
          "[cli][invite][invalid]") {
  World w;
  REQUIRE(w.issue(kV, kA).exit_code == 0);
  // A word outside the three is exit 3, nothing written.
  const int before = w.count("SELECT count(*) FROM events");
  auto bad = w.run({"student", "correct", kA, "--training-mode", "定向培养", "--reason", "x"});
  CHECK(bad.exit_code == 3);
  CHECK(contains(bad.err, "--training-mode: 培养方式 '定向培养' is not one of 非定向, 定向, 委培"));
  CHECK(w.count("SELECT count(*) FROM events") == before);
  // 非定向 → 委培: the favourites and the open invitation are 失效, and no one invites again.
  auto r = w.run({"--format", "csv", "student", "correct", kA, "--training-mode", "委培",
                  "--reason", "培养方式录入错误"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(contains(r.err, "2 favourites and 1 invitation made invalid"));
  CHECK(w.count("SELECT count(*) FROM graduates WHERE training_mode = '委培'") == 1);
  CHECK(w.count("SELECT count(*) FROM events WHERE action = 'graduate.correct' AND details LIKE "
                "'%\"training_mode\":{\"new\":\"委培\",\"old\":\"非定向\"}%'") == 1);
  CHECK(w.run({"invite", "respond", "1", "--accept"}).exit_code == 5);
  REQUIRE(w.run({"favorite", "add", "--employer", kW, "--name", "张三", "--id", kA, "--school",
                 "北京大学"})
              .exit_code == 0);
  auto again = w.issue(kW, kA);
  CHECK(again.exit_code == 4);
  CHECK(contains(again.err, "training_mode"));
  // A roster file made before the correction does not put 非定向 back.
  auto p = w.dir / "old.csv";
  testkit::write_file(
      p, "学生姓名,身份证号,毕业院校,届别,培养方式\n张三," + kA + ",北京大学,2026,非定向\n");
  auto old = w.run({"student", "import", p.string()});
  CHECK(old.exit_code == 4);
  CHECK(contains(old.err, "reverts_correction"));
  CHECK(w.count("SELECT count(*) FROM graduates WHERE training_mode = '委培'") == 1);
  // 委培 → 非定向: the graduate may be invited again.
  REQUIRE(w.run({"student", "correct", kA, "--training-mode", "非定向", "--reason", "核实为非定向"})
              .exit_code == 0);
  REQUIRE(w.run({"favorite", "add", "--employer", kV, "--name", "张三", "--id", kA, "--school",
                 "北京大学"})
              .exit_code == 0);
  CHECK(w.issue(kV, kA).exit_code == 0);
}

TEST_CASE("cli student import: a re-import that changes 专业 makes invitations invalid",
          "[cli][invite][invalid]") {
  World w;
  auto write = [&](const std::string& extra_header, const std::string& extra) {
    auto p = w.dir / "r3.csv";
    testkit::write_file(p, "学生姓名,身份证号,毕业院校,届别,培养方式" + extra_header + "\n张三," +
                               kA + ",北京大学,2026,非定向" + extra + "\n");
    auto r = w.run({"--format", "json", "student", "import", p.string()});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    return nlohmann::json::parse(r.out)[0];
  };
  REQUIRE(w.issue(kV, kA).exit_code == 0);
  // Filling in what the roster left empty, and a new phone: the record grows, nothing is void.
  auto filled = write(",专业,院系,手机号码", ",法学,法学院,13800138000");
  CHECK(filled["updated"] == 1);
  CHECK(filled["invalidated_invitations"] == 0);
  auto phone = write(",手机号码", ",13900139000");
  CHECK(phone["updated"] == 1);
  CHECK(phone["invalidated_invitations"] == 0);
  CHECK(w.count("SELECT count(*) FROM invitations WHERE state = 'awaiting_graduate'") == 1);
  // A different 专业: the employer saw 法学; the invitation and both favourites are 失效.
  auto changed = write(",专业", ",法律（非法学）");
  CHECK(changed["updated"] == 1);
  CHECK(changed["invalidated_invitations"] == 1);
  CHECK(changed["invalidated_favorites"] == 2);
  CHECK(w.count("SELECT count(*) FROM invitations WHERE state = 'invalid'") == 1);
}

TEST_CASE("cli invite: job info is required and checked", "[cli][invite]") {
  World w;
  const std::vector<std::vector<std::string>> missing = {
      {"--job-category", "13"},
      {"--position", "研发工程师"},
      {"--job-category", "77", "--position", "x"},
      // Typed info is checked as a job template's: the 联系电话 and the lengths.
      {"--job-category", "13", "--position", "x", "--contact-phone", "123"},
      {"--job-category", "13", "--position", "x", "--contact-phone", "1381234567"},
      {"--job-category", "13", "--position", std::string(201, 'x')}};
  for (const auto& job : missing) {
    std::vector<std::string> args = {"invite", "issue", "--employer", kV,
                                     "--to",   kA,      "--contact",  "张经理"};
    args.insert(args.end(), job.begin(), job.end());
    auto r = w.run(args);
    INFO(r.err);
    CHECK(r.exit_code == 3);
    CHECK_FALSE(contains(r.err, "1381234567"));  // phones masked in messages
  }
  CHECK(w.invitations() == 0);
  CHECK(w.events() == 0);
  REQUIRE(w.run({"invite", "issue", "--employer", kV, "--to", kA, "--job-category", "13",
                 "--contact", "张经理", "--position", "x", "--contact-phone", "010-62751234"})
              .exit_code == 0);
  CHECK(w.count("SELECT count(*) FROM invitations WHERE contact_phone = '010-62751234'") == 1);
}

TEST_CASE("cli invite: 签约联系人 is required, as the form stars it", "[cli][invite]") {
  World w;
  const int all_events = w.count("SELECT count(*) FROM events");
  const int outbox = w.count("SELECT count(*) FROM outbox");
  // Typed job info without --contact, or with a blank one: refused whole, nothing written (not
  // even the typed archive info as the employer's first default).
  for (const std::vector<std::string>& contact :
       std::vector<std::vector<std::string>>{{}, {"--contact", ""}, {"--contact", " \u3000"}}) {
    std::vector<std::string> args = {"invite",
                                     "issue",
                                     "--employer",
                                     kV,
                                     "--to",
                                     kA,
                                     "--to",
                                     kD,
                                     "--job-category",
                                     "13",
                                     "--position",
                                     "研发工程师",
                                     "--archive-receipt-type",
                                     "1"};
    args.insert(args.end(), contact.begin(), contact.end());
    for (const char* mode : {"", "--dry-run"}) {
      auto run_args = args;
      if (*mode) run_args.push_back(mode);
      auto r = w.run(run_args);
      INFO(r.err);
      CHECK(r.exit_code == 3);
      CHECK(contains(r.err, "job info is missing --contact"));
      CHECK(contains(r.err, "签约联系人"));
      CHECK(r.out.empty());
    }
  }
  // Several missing at once are named together.
  auto both = w.run({"invite", "issue", "--employer", kV, "--to", kA, "--job-category", "13"});
  CHECK(both.exit_code == 3);
  CHECK(contains(both.err, "job info is missing --position, --contact"));
  CHECK(w.invitations() == 0);
  CHECK(w.count("SELECT count(*) FROM events") == all_events);
  CHECK(w.count("SELECT count(*) FROM invite_templates") == 0);
  CHECK(w.count("SELECT count(*) FROM outbox") == outbox);
}

TEST_CASE("cli invite: a job template stored without 签约联系人 is refused until it is edited",
          "[cli][invite][template]") {
  World w;
  {
    // As `template add` stored it before the contact was required: a version in the history too.
    SQLite::Database raw(w.db, SQLite::OPEN_READWRITE);
    raw.exec(
        "INSERT INTO invite_templates (credit_code, kind, name, fields, is_default, created_at, "
        "updated_at) VALUES ('" +
        kV +
        "', 'job', '旧 模板', '{\"job_category\":\"13\",\"position\":\"研发工程师\"}', 0, "
        "'2025-06-01T00:00:00Z', '2025-06-01T00:00:00Z')");
    raw.exec(
        "INSERT INTO invite_template_history (template_id, version, fields, action, actor, at) "
        "VALUES (last_insert_rowid(), 1, "
        "'{\"job_category\":\"13\",\"position\":\"研发工程师\",\"is_default\":false}', "
        "'add', 'hr', '2025-06-01T00:00:00Z')");
  }
  const int all_events = w.count("SELECT count(*) FROM events");
  const int outbox = w.count("SELECT count(*) FROM outbox");
  auto from_old = [&](std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"invite", "issue", "--employer",     kV,       "--to", kA,
                                     "--to",   kD,      "--job-template", "旧 模板"};
    args.insert(args.end(), extra.begin(), extra.end());
    return w.run(args);
  };
  for (const auto& extra : std::vector<std::vector<std::string>>{{}, {"--dry-run"}}) {
    auto r = from_old(extra);
    INFO(r.err);
    CHECK(r.exit_code == 3);
    CHECK(contains(r.err, "has no 签约联系人"));
    // The message names the command that completes it, the name quoted for the shell.
    CHECK(contains(r.err,
                   "`ncssctl template edit job '旧 模板' --employer " + kV + " --contact NAME`"));
    CHECK(r.out.empty());
  }
  // Typing the contact beside the template is not a way round it: typed job info and a job
  // template are one or the other, as for the archive and hukou info (exit 2).
  auto both = from_old({"--contact", "张经理"});
  CHECK(both.exit_code == 2);
  CHECK(contains(both.err, "or as --job-template, not both"));
  CHECK(w.invitations() == 0);
  CHECK(w.count("SELECT count(*) FROM events") == all_events);
  CHECK(w.count("SELECT count(*) FROM outbox") == outbox);
  // The template is listed and shown as stored; the command the message names completes it.
  CHECK(w.run({"template", "show", "job", "旧 模板", "--employer", kV}).exit_code == 0);
  auto edit =
      w.run({"template", "edit", "job", "旧 模板", "--employer", kV, "--contact", "张经理"});
  INFO(edit.err);
  REQUIRE(edit.exit_code == 0);
  auto r = from_old();
  INFO(r.err);
  CHECK(r.exit_code == 4);  // 王五 is 定向; 张三 is invited
  CHECK(w.count("SELECT count(*) FROM invitations WHERE contact = '张经理'") == 1);
}

TEST_CASE("cli invite: an unverified employer is refused whole", "[cli][invite]") {
  World w;
  auto r = w.issue(kU, kA);
  CHECK(r.exit_code == 5);
  CHECK(w.invitations() == 0);
  CHECK(w.events() == 0);
}

TEST_CASE("cli invite: each refused graduate is reported with its rule", "[cli][invite]") {
  World w;
  SECTION("not a favourite") {
    auto r = w.issue(kV, kB);
    CHECK(r.exit_code == 4);
    CHECK(contains(r.err, "not_favorite"));
    CHECK(contains(r.out, "refused"));
  }
  SECTION("定向 cannot sign online") {
    auto r = w.issue(kV, kD);
    CHECK(r.exit_code == 4);
    CHECK(contains(r.err, "training_mode"));
  }
  SECTION("invalid graduate") {
    REQUIRE(w.run({"student", "remove", kA, "--reason", "重复录入"}).exit_code == 0);
    auto r = w.issue(kV, kA);
    CHECK(r.exit_code == 4);
    CHECK(contains(r.err, "graduate_invalid"));
  }
  SECTION("an ID number on no roster is not_favorite too: the employer learns nothing more") {
    auto r = w.issue(kV, id("11010519990101001"));
    CHECK(r.exit_code == 4);
    CHECK(contains(r.err, "not_favorite"));
  }
  SECTION("a malformed ID number is named as such, as in a --from-file row") {
    auto r = w.issue(kV, "11010520030115o010");  // a letter o for a zero
    CHECK(r.exit_code == 4);
    CHECK(contains(r.err, "id_chars"));
    CHECK(contains(r.err, "character 15 is 'o'"));
    r = w.issue(kV, kA.substr(0, 17) + (kA[17] == '1' ? "2" : "1"));
    CHECK(r.exit_code == 4);
    CHECK(contains(r.err, "id_checksum"));
  }
  SECTION("an open invitation from this employer") {
    REQUIRE(w.issue(kV, kA).exit_code == 0);
    auto r = w.issue(kV, kA);
    CHECK(r.exit_code == 4);
    CHECK(contains(r.err, "open_invitation"));
    CHECK(w.invitations() == 1);
    CHECK(w.events() == 1);
    // Still open on its deadline's last second (valid 7 days from kNow)...
    auto on_time = w.issue(kV, kA, "2026-05-27T09:00:00+08:00");
    CHECK(on_time.exit_code == 4);
    CHECK(w.invitations() == 1);
    // ...but once the deadline has passed it no longer blocks, swept or not: the issue records
    // its expiry (as the sweep would) and invites again.
    auto later = w.issue(kV, kA, "2026-05-27T09:00:01+08:00");
    INFO(later.err);
    CHECK(later.exit_code == 0);
    CHECK(contains(later.out, "recorded as expired first"));
    CHECK(w.invitations() == 2);
    CHECK(w.count("SELECT count(*) FROM invitations WHERE id = 1 AND state = 'failed' AND "
                  "fail_reason = 'expired'") == 1);
    CHECK(w.count("SELECT count(*) FROM events WHERE action = 'invitation.expire' AND "
                  "subject_id = '1'") == 1);
    CHECK(w.count("SELECT count(*) FROM invitations WHERE state = 'awaiting_graduate'") == 1);
    // The sweep finds nothing left to expire.
    auto swept = w.run({"--format", "json", "sweep"}, "2026-05-27T09:00:02+08:00");
    CHECK(contains(swept.out, "\"expired\":0"));
    // An accepted one awaiting review stays open whatever the time.
    REQUIRE(w.run({"invite", "respond", "2", "--accept"}, "2026-05-27T10:00:00+08:00").exit_code ==
            0);
    CHECK(w.issue(kV, kA, "2026-07-01T09:00:00+08:00").exit_code == 4);
    CHECK(w.invitations() == 2);
    return;
  }
  CHECK(w.invitations() == 0);
  CHECK(w.events() == 0);
}

TEST_CASE("cli invite: --from-file invites the listed graduates, reporting each row",
          "[cli][invite][from_file]") {
  World w;
  REQUIRE(w.run({"favorite", "add", "--employer", kV, "--name", "李四", "--id", kB, "--school",
                 "清华大学"})
              .exit_code == 0);
  std::string bad = kB;
  bad.back() = bad.back() == '0' ? '1' : '0';
  auto list = w.dir / "list.csv";
  // A title row above the header, columns in any order, a blank row, an unknown column.
  testkit::write_file(list, "2026届拟签约名单,,,\n届别,备注,身份证号,学生姓名\n2026,," + kA +
                                ",张三\n,,,\n2026,,1.10105E+17,\n2026,," + bad + ",李四\n2026,,\"" +
                                kA + "\",张三\n2026,," + kD + ",王五\n2026,x," + kB + ",李肆\n");
  auto issue = [&](std::vector<std::string> extra) {
    std::vector<std::string> args = {"--format",       "csv",       "invite",      "issue",
                                     "--employer",     kV,          "--from-file", list.string(),
                                     "--job-category", "13",        "--contact",   "张经理",
                                     "--position",     "研发工程师"};
    args.insert(args.end(), extra.begin(), extra.end());
    return w.run(args);
  };
  auto dry = issue({"--dry-run"});
  INFO(dry.err);
  CHECK(dry.exit_code == 4);
  CHECK(w.invitations() == 0);
  CHECK(w.events() == 0);

  auto r = issue({});
  INFO(r.err);
  CHECK(r.exit_code == 4);
  CHECK(contains(r.out, "id_number,name,result,invitation_id,code,message,row"));
  CHECK(contains(r.out, kA + ",张三,issued,1,,,3"));
  CHECK(contains(r.out, "id_excel_number"));
  CHECK(contains(r.out, "list.csv row 5, column C (身份证号)"));
  CHECK(contains(r.out, "id_checksum"));
  CHECK(contains(r.out, "duplicate_in_file"));
  CHECK(contains(r.out, "training_mode"));
  // Every refusal of a row names its place, not only the defects of its cells.
  CHECK(contains(r.out, "list.csv row 8, column C (身份证号): the graduate"));
  CHECK(contains(r.out, "name_mismatch"));
  CHECK(contains(r.err, "备注"));  // the unknown column, ignored with a warning
  CHECK(contains(r.err, "1 issued, 5 refused"));
  CHECK(w.invitations() == 1);
  CHECK(w.events() == 1);

  // --to, --from-file and --all-favorites are alternatives.
  CHECK(issue({"--to", kA}).exit_code == 2);
  CHECK(issue({"--all-favorites", "--cohort", "2026"}).exit_code == 2);
  // A file without a 身份证号 header is refused whole, naming the file.
  auto none = w.dir / "none.csv";
  testkit::write_file(none, "学生姓名\n张三\n");
  auto refused = w.run({"invite", "issue", "--employer", kV, "--from-file", none.string(),
                        "--job-category", "13", "--contact", "张经理", "--position", "研发工程师"});
  CHECK(refused.exit_code == 3);
  CHECK(contains(refused.err, "none.csv"));
  CHECK(w.invitations() == 1);
}

TEST_CASE("cli invite: --all-favorites invites one cohort's favourites and needs --cohort",
          "[cli][invite]") {
  World w;
  auto all = [&](std::vector<std::string> extra) {
    std::vector<std::string> args = {"--format",       "csv",    "invite",         "issue",
                                     "--employer",     kV,       "--job-category", "13",
                                     "--contact",      "张经理", "--position",     "研发工程师",
                                     "--all-favorites"};
    args.insert(args.end(), extra.begin(), extra.end());
    return w.run(args);
  };
  // DOMAIN.md: favourites belong to a cohort, so "all of them" names one.
  auto r = all({});
  CHECK(r.exit_code == 2);
  CHECK(contains(r.err, "--all-favorites needs --cohort"));
  CHECK(w.invitations() == 0);
  CHECK(w.events() == 0);

  r = all({"--cohort", "2026"});
  INFO(r.err);
  CHECK(r.exit_code == 4);  // 王五 is 定向: refused, the rest issued
  CHECK(contains(r.out, kA + ",张三,issued,1,,"));
  CHECK(contains(r.out, kD + ",王五,refused,,"));
  CHECK(w.count("SELECT count(*) FROM invitations WHERE employer_code = '" + kV + "'") == 1);
}

TEST_CASE("cli invite: typed archive and hukou info, the first typed becomes the default",
          "[cli][invite][template]") {
  World w;
  auto issue = [&](const std::string& to, std::vector<std::string> extra) {
    std::vector<std::string> args = {
        "--format",       "csv", "invite",    "issue",  "--employer", kV,          "--to", to,
        "--job-category", "13",  "--contact", "张经理", "--position", "研发工程师"};
    args.insert(args.end(), extra.begin(), extra.end());
    return w.run(args);
  };
  // Refused before anything is written: a receipt type not in the code table; typed info and a
  // template together.
  auto bad = issue(kA, {"--archive-receipt-type", "邮寄"});
  CHECK(bad.exit_code == 3);
  CHECK(contains(bad.err, "档案接收类型"));
  auto both = issue(kA, {"--hukou-address", "北京市海淀区", "--hukou-template", "集体户"});
  CHECK(both.exit_code == 2);
  auto forward = issue(kA, {"--archive-receipt-type", "2"});  // 转寄 needs unit and address
  CHECK(forward.exit_code == 3);
  CHECK(w.invitations() == 0);
  CHECK(w.count("SELECT count(*) FROM invite_templates") == 0);

  auto r = issue(kA, {"--archive-receipt-type", "转寄其他单位", "--archive-forward-unit",
                      "北京市海淀区人才服务中心", "--archive-address", "北京市海淀区中关村大街1号",
                      "--archive-postcode", "100080", "--hukou-address", "北京市海淀区集体户"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(w.count("SELECT count(*) FROM invitations WHERE json_extract(archive, '$.receipt_type') "
                "= '2' AND json_extract(hukou, '$.address') = '北京市海淀区集体户'") == 1);
  CHECK(w.count("SELECT count(*) FROM invite_templates WHERE name = '默认' AND is_default = 1") ==
        2);  // one archive, one hukou
  // The next invitation with nothing typed uses those defaults; typing again changes no default.
  REQUIRE(w.run({"favorite", "add", "--employer", kV, "--name", "李四", "--id", kB, "--school",
                 "清华大学"})
              .exit_code == 0);
  REQUIRE(issue(kB, {"--hukou-address", "上海市"}).exit_code == 0);
  CHECK(w.count("SELECT count(*) FROM invitations WHERE id = 2 AND json_extract(archive, "
                "'$.forward_unit') = '北京市海淀区人才服务中心' AND json_extract(hukou, "
                "'$.address') = '上海市'") == 1);
  CHECK(w.count("SELECT count(*) FROM invite_templates") == 2);
}

TEST_CASE("cli invite: --terms @FILE must be a readable UTF-8 file", "[cli][invite]") {
  World w;
  auto issue_with = [&](const std::string& terms) {
    return w.run({"invite", "issue", "--employer", kV, "--to", kA, "--job-category", "13",
                  "--contact", "张经理", "--position", "研发", "--terms", terms});
  };
  testkit::write_file(w.dir / "gbk.txt", "\xB2\xB9\xB3\xE4");  // 补充 in GBK
  auto r = issue_with("@" + (w.dir / "gbk.txt").string());
  CHECK(r.exit_code == 3);
  CHECK(contains(r.err, "gbk.txt' is not UTF-8 text (byte 1)"));
  r = issue_with("@" + w.dir.path().string());
  CHECK(r.exit_code == 8);
  CHECK(contains(r.err, "it is a directory"));
  CHECK(issue_with("@" + (w.dir / "missing.txt").string()).exit_code == 8);
  CHECK(w.invitations() == 0);
  CHECK(w.events() == 0);
  testkit::write_file(w.dir / "utf8.txt", "试用期三个月");
  REQUIRE(issue_with("@" + (w.dir / "utf8.txt").string()).exit_code == 0);
  CHECK(w.count("SELECT count(*) FROM invitations WHERE terms = '试用期三个月'") == 1);
}

TEST_CASE("cli invite: --all-or-nothing and --dry-run write nothing", "[cli][invite]") {
  World w;
  auto r = w.run({"--format", "json", "invite", "issue", "--employer", kV, "--to", kA, "--to", kD,
                  "--job-category", "工程技术人员", "--contact", "张经理", "--position", "研发",
                  "--all-or-nothing"});
  CHECK(r.exit_code == 3);
  CHECK(w.invitations() == 0);
  // The rows that would be issued say so, with no invitation ID: none was written.
  auto refused = nlohmann::json::parse(r.out);
  REQUIRE(refused.size() == 2);
  CHECK(refused[0]["result"] == "issued");
  CHECK(refused[0]["invitation_id"].is_null());
  CHECK(refused[1]["result"] == "refused");
  CHECK(refused[1]["invitation_id"].is_null());
  auto d =
      w.run({"--format", "json", "invite", "issue", "--employer", kV, "--to", kA, "--job-category",
             "13", "--contact", "张经理", "--position", "研发", "--dry-run"});
  CHECK(d.exit_code == 0);
  CHECK(w.invitations() == 0);
  CHECK(w.events() == 0);
  auto dry = nlohmann::json::parse(d.out);
  REQUIRE(dry.size() == 1);
  CHECK(dry[0]["result"] == "issued");
  CHECK(dry[0]["invitation_id"].is_null());
  // A dry run with --all-or-nothing answers as the real run would: exit 3.
  auto both =
      w.run({"invite", "issue", "--employer", kV, "--to", kA, "--to", kD, "--job-category", "13",
             "--contact", "张经理", "--position", "研发", "--all-or-nothing", "--dry-run"});
  CHECK(both.exit_code == 3);
  CHECK(contains(both.err, "(dry run, --all-or-nothing: the real run would write nothing)"));
  CHECK(w.invitations() == 0);
  // The real run numbers it.
  auto real = w.run({"--format", "json", "invite", "issue", "--employer", kV, "--to", kA,
                     "--job-category", "13", "--contact", "张经理", "--position", "研发"});
  REQUIRE(real.exit_code == 0);
  CHECK(nlohmann::json::parse(real.out)[0]["invitation_id"] == 1);
}

TEST_CASE("cli invite: 应约有效期 outside 1 to 30 days is exit 3, nothing written",
          "[cli][invite]") {
  World w;
  for (const char* days : {"0", "31", "-1"}) {
    INFO(days);
    auto r = w.run({"invite", "issue", "--employer", kV, "--to", kA, "--job-category", "13",
                    "--contact", "张经理", "--position", "研发", "--valid-days", days});
    CHECK(r.exit_code == 3);
    CHECK(contains(r.err,
                   "--valid-days (应约有效期) must be 1 to 30 days, not " + std::string(days)));
  }
  CHECK(w.invitations() == 0);
  CHECK(w.events() == 0);
  // The bounds themselves are taken (two employers: one open invitation each).
  for (auto [employer, days] : {std::pair{kV, "1"}, std::pair{kW, "30"}}) {
    CHECK(w.run({"invite", "issue", "--employer", employer, "--to", kA, "--job-category", "13",
                 "--contact", "张经理", "--position", "研发", "--valid-days", days})
              .exit_code == 0);
  }
  CHECK(w.count("SELECT count(*) FROM invitations WHERE valid_days IN (1, 30)") == 2);
}

TEST_CASE("cli invite: abort only while awaiting review (exit 5 otherwise)", "[cli][invite]") {
  World w;
  REQUIRE(w.issue(kV, kA).exit_code == 0);  // 1, awaiting the graduate
  auto r = w.run({"invite", "abort", "1"});
  CHECK(r.exit_code == 5);
  CHECK(contains(r.err, "cannot be aborted"));
  REQUIRE(w.run({"invite", "respond", "1", "--reject"}).exit_code == 0);  // failed: final
  r = w.run({"invite", "abort", "1"});
  CHECK(r.exit_code == 5);
  CHECK(contains(r.err, "the state is final"));
  CHECK(w.count("SELECT count(*) FROM events WHERE action = 'invitation.abort'") == 0);
}

TEST_CASE("cli invite: withdraw while awaiting review is exit 10", "[cli][invite]") {
  World w;
  REQUIRE(w.issue(kV, kA).exit_code == 0);
  REQUIRE(w.run({"invite", "respond", "1", "--accept"}).exit_code == 0);
  int before = w.events();
  auto r = w.run({"invite", "withdraw", "1", "--reason", "岗位调整"});
  CHECK(r.exit_code == 10);
  CHECK(contains(r.err, "请联系学生中止签约"));
  CHECK(w.events() == before);
  CHECK(w.count("SELECT count(*) FROM invitations WHERE state = 'awaiting_review'") == 1);
}

TEST_CASE("cli invite: withdraw while awaiting the graduate", "[cli][invite]") {
  World w;
  REQUIRE(w.issue(kV, kA).exit_code == 0);
  auto r = w.run({"invite", "withdraw", "1", "--reason", "岗位调整", "--note", "岗位取消"});
  INFO(r.err);
  CHECK(r.exit_code == 0);
  CHECK(w.count("SELECT count(*) FROM invitations WHERE state = 'failed' AND fail_reason = "
                "'withdrawn' AND withdraw_reason = '02'") == 1);
  auto bad = w.run({"invite", "withdraw", "1", "--reason", "不存在"});
  CHECK(bad.exit_code == 3);
}

TEST_CASE("cli invite: past the deadline, accept is refused without a sweep", "[cli][invite]") {
  World w;
  REQUIRE(w.issue(kV, kA).exit_code == 0);
  auto r = w.run({"invite", "respond", "1", "--accept"}, "2026-05-27T09:00:01+08:00");
  CHECK(r.exit_code == 5);
  CHECK(contains(r.err, "2026-05-27 09:00:00 +08:00"));
  auto rej = w.run({"invite", "respond", "1", "--reject"}, "2026-05-28T09:00:00+08:00");
  CHECK(rej.exit_code == 5);
  CHECK(w.count("SELECT count(*) FROM invitations WHERE state = 'awaiting_graduate'") == 1);
  CHECK(w.events() == 1);
  // At the deadline itself it is still in time.
  CHECK(w.run({"invite", "respond", "1", "--accept"}, "2026-05-27T09:00:00+08:00").exit_code == 0);
}

TEST_CASE("cli invite: an answer dated before the issue (--now) is refused", "[cli][invite]") {
  World w;
  REQUIRE(w.issue(kV, kA).exit_code == 0);  // issued at 2026-05-20 09:00 +08:00
  auto r = w.run({"invite", "respond", "1", "--accept"}, "2026-05-19T09:00:00+08:00");
  CHECK(r.exit_code == 5);
  CHECK(contains(r.err, "invitation 1 was issued at 2026-05-20 09:00:00 +08:00"));
  CHECK(w.count("SELECT count(*) FROM invitations WHERE state = 'awaiting_graduate' AND "
                "responded_at IS NULL") == 1);
  CHECK(w.events() == 1);
  CHECK(w.run({"invite", "respond", "1", "--accept"}, "2026-05-20T09:00:00+08:00").exit_code == 0);
}

TEST_CASE("cli invite: past the deadline, withdraw is refused without a sweep", "[cli][invite]") {
  World w;
  REQUIRE(w.issue(kV, kA).exit_code == 0);
  auto r = w.run({"invite", "withdraw", "1", "--reason", "岗位调整"}, "2026-05-27T09:00:01+08:00");
  CHECK(r.exit_code == 5);
  CHECK(contains(r.err, "expired"));
  CHECK(w.count("SELECT count(*) FROM invitations WHERE state = 'awaiting_graduate'") == 1);
  CHECK(w.events() == 1);
  // The sweep then expires it.
  REQUIRE(w.run({"sweep"}, "2026-05-27T09:00:01+08:00").exit_code == 0);
  CHECK(w.count("SELECT count(*) FROM invitations WHERE fail_reason = 'expired'") == 1);
}

TEST_CASE("cli invite: one acceptance only, the others are view-only", "[cli][invite]") {
  World w;
  REQUIRE(w.issue(kV, kA).exit_code == 0);
  REQUIRE(w.issue(kW, kA).exit_code == 0);
  REQUIRE(w.run({"invite", "respond", "1", "--accept"}).exit_code == 0);
  int before = w.events();
  auto second = w.run({"invite", "respond", "2", "--accept"});
  CHECK(second.exit_code == 5);
  CHECK(contains(second.err, "view-only"));
  auto view_only = w.run({"invite", "respond", "2", "--reject"});
  CHECK(view_only.exit_code == 5);
  CHECK(w.events() == before);
  // Other employers may still invite; it is listed.
  auto list = w.run({"--format", "csv", "invite", "list", "--employer", kW});
  CHECK(contains(list.out, "awaiting_graduate"));
  // After the graduate aborts, the other invitation may be answered.
  REQUIRE(w.run({"invite", "abort", "1"}).exit_code == 0);
  CHECK(w.count("SELECT count(*) FROM invitations WHERE id = 1 AND fail_reason = "
                "'graduate_aborted'") == 1);
  CHECK(w.run({"invite", "respond", "2", "--reject"}).exit_code == 0);
}

TEST_CASE("cli invite: after a failure the employer may invite again", "[cli][invite]") {
  World w;
  REQUIRE(w.issue(kV, kA).exit_code == 0);
  REQUIRE(w.run({"invite", "respond", "1", "--reject"}).exit_code == 0);
  auto r = w.issue(kV, kA);
  CHECK(r.exit_code == 0);
  CHECK(w.invitations() == 2);
  auto list = w.run({"invite", "list", "--list", "签约失败"});
  CHECK(contains(list.out, "签约失败（学生拒绝签约）"));
  // A list or state that does not exist is a usage error, naming the ones that do.
  auto bad_list = w.run({"invite", "list", "--list", "全部"});
  CHECK(bad_list.exit_code == 2);
  CHECK(contains(bad_list.err, "签约中, 已签约, 签约失败"));
  auto bad_state = w.run({"invite", "list", "--state", "happy"});
  CHECK(bad_state.exit_code == 2);
  CHECK(contains(bad_state.err, "awaiting_graduate"));
}

TEST_CASE("cli invite: an employer does not invite a graduate it has signed", "[cli][invite]") {
  World w;
  REQUIRE(w.issue(kV, kA).exit_code == 0);
  REQUIRE(w.run({"invite", "respond", "1", "--accept"}).exit_code == 0);
  REQUIRE(
      w.run({"student", "correct", kA, "--level", "本科", "--reason", "补录学历层次"}).exit_code ==
      0);
  // Awaiting review: still the open invitation's rule.
  auto review = w.issue(kV, kA);
  CHECK(review.exit_code == 4);
  CHECK(contains(review.err, "open_invitation"));
  auto approved = w.run({"review", "approve", "1"});
  INFO(approved.err);
  REQUIRE(approved.exit_code == 0);
  const int events = w.events();
  auto again = w.issue(kV, kA);
  CHECK(again.exit_code == 4);
  CHECK(contains(again.err, "already_signed"));
  CHECK(contains(again.err, "has already signed with the graduate"));
  CHECK(contains(again.err, "(invitation 1, 已签约)"));
  CHECK(w.invitations() == 1);
  CHECK(w.events() == events);
  // 解约中: still refused.
  REQUIRE(
      w.run({"terminate", "request", "1", "--by", "graduate", "--reason", "个人发展"}).exit_code ==
      0);
  auto terminating = w.issue(kV, kA);
  CHECK(terminating.exit_code == 4);
  CHECK(contains(terminating.err, "(invitation 1, 解约中)"));
  CHECK(w.invitations() == 1);
  // Another employer may still invite (view-only for the graduate, DOMAIN.md).
  CHECK(w.issue(kW, kA).exit_code == 0);
  CHECK(w.invitations() == 2);
}

// ----- 失效: the school's corrections

namespace {

int graduate_events(World& w) {
  return w.count("SELECT count(*) FROM events WHERE action LIKE 'graduate.%'");
}

}  // namespace

TEST_CASE("cli student correct: a new name makes favourites and open invitations invalid",
          "[cli][invite][invalid]") {
  World w;
  REQUIRE(w.issue(kV, kA).exit_code == 0);  // 1, awaiting the graduate
  REQUIRE(w.issue(kW, kA).exit_code == 0);  // 2
  REQUIRE(w.run({"invite", "respond", "2", "--accept"}).exit_code == 0);  // awaiting review
  auto r = w.run({"student", "correct", kA, "--name", "张叁", "--reason", "姓名录入错误"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(contains(r.err, "2 favourites and 2 invitations made invalid (失效)"));
  CHECK(w.count("SELECT count(*) FROM graduates WHERE name = '张叁'") == 1);
  CHECK(w.count("SELECT count(*) FROM invitations WHERE state = 'invalid'") == 2);
  CHECK(w.count("SELECT count(*) FROM favorites f JOIN graduates g ON g.id = f.graduate_id "
                "WHERE g.id_number = '" +
                kA + "' AND f.status = 'invalid'") == 2);
  // One event per change, each with its notifications.
  CHECK(w.count("SELECT count(*) FROM events WHERE action = 'graduate.correct' AND reason = "
                "'姓名录入错误'") == 1);
  CHECK(w.count("SELECT count(*) FROM events WHERE action = 'favorite.invalidate'") == 2);
  CHECK(w.count("SELECT count(*) FROM events WHERE action = 'invitation.invalidate'") == 2);
  CHECK(w.count("SELECT count(*) FROM outbox WHERE template = 'favorite_invalid' AND "
                "recipient_type = 'employer'") == 2);
  CHECK(w.count("SELECT count(*) FROM outbox o JOIN events e ON e.id = o.event_id WHERE "
                "e.action = 'invitation.invalidate'") == 4);  // employer and graduate, twice
  CHECK(w.count("SELECT count(*) FROM outbox WHERE template = 'graduate_record_changed'") == 1);
  // Invalid is final: no answer, no withdrawal, no review.
  CHECK(w.run({"invite", "respond", "1", "--accept"}).exit_code == 5);
  CHECK(w.run({"invite", "withdraw", "1", "--reason", "岗位调整"}).exit_code == 5);
  CHECK(w.run({"review", "approve", "2"}).exit_code == 5);
  CHECK(w.count("SELECT count(*) FROM invitations WHERE state = 'invalid'") == 2);
  CHECK(w.count("SELECT count(*) FROM agreement_sequences") == 0);  // no number was taken
  // The favourite is gone (失效) until the employer adds the graduate again.
  auto again = w.issue(kV, kA);
  CHECK(again.exit_code == 4);
  CHECK(contains(again.err, "not_favorite"));
  CHECK(contains(again.err, "失效"));
  REQUIRE(w.run({"favorite", "add", "--employer", kV, "--name", "张叁", "--id", kA, "--school",
                 "北京大学"})
              .exit_code == 0);
  CHECK(w.issue(kV, kA).exit_code == 0);
  // The history of an invalidated invitation says why.
  auto h = w.run({"--format", "csv", "history", "1"});
  CHECK(contains(h.out, "invitation.invalidate"));
  CHECK(contains(h.out, "姓名录入错误"));
}

TEST_CASE("cli student correct: other fields and signed agreements are left alone",
          "[cli][invite][invalid]") {
  World w;
  // The roster lacked 学历层次, which approval needs: the school adds it first.
  auto level = w.run({"student", "correct", kA, "--level", "本科", "--reason", "补录学历层次"});
  INFO(level.err);
  REQUIRE(level.exit_code == 0);
  CHECK_FALSE(contains(level.err, "made invalid"));
  CHECK(w.run({"student", "correct", kA, "--level", "学士", "--reason", "x"}).exit_code == 3);
  REQUIRE(w.issue(kV, kA).exit_code == 0);  // 1
  REQUIRE(w.run({"invite", "respond", "1", "--accept"}).exit_code == 0);
  auto approved = w.run({"review", "approve", "1"});
  INFO(approved.err);
  REQUIRE(approved.exit_code == 0);         // signed
  REQUIRE(w.issue(kW, kA).exit_code == 0);  // 2: view-only, still open
  auto r = w.run({"student", "correct", kA, "--department", "信息学院", "--major", "软件工程",
                  "--reason", "院系调整"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK_FALSE(contains(r.err, "made invalid"));
  CHECK(w.count("SELECT count(*) FROM invitations WHERE state = 'invalid'") == 0);
  CHECK(w.count("SELECT count(*) FROM favorites WHERE status = 'invalid'") == 0);
  // A new 毕业院校 makes the open one invalid; the signed agreement is a final record.
  auto s = w.run({"student", "correct", kA, "--school", "清华大学", "--reason", "院校录入错误"});
  INFO(s.err);
  REQUIRE(s.exit_code == 0);
  CHECK(contains(s.err, "1 invitation made invalid"));
  CHECK(w.count("SELECT count(*) FROM invitations WHERE id = 1 AND state = 'signed'") == 1);
  CHECK(w.count("SELECT count(*) FROM invitations WHERE id = 2 AND state = 'invalid'") == 1);
  // Nothing to change: no event.
  int before = graduate_events(w);
  auto same = w.run({"student", "correct", kA, "--major", "软件工程", "--reason", "核对"});
  CHECK(same.exit_code == 0);
  CHECK(contains(same.err, "nothing to change"));
  CHECK(graduate_events(w) == before);
}

TEST_CASE("cli student correct: a new ID number re-derives 性别 and keeps the history",
          "[cli][invite][invalid]") {
  World w;
  REQUIRE(w.issue(kV, kA).exit_code == 0);
  const std::string fixed = id("11010520030115002");  // 17th digit even: 女
  auto r = w.run({"--format", "csv", "student", "correct", kA, "--id-number", fixed, "--reason",
                  "身份证号录入错误", "--unmask"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(contains(r.out, fixed + ",张三,女,2026"));
  CHECK(contains(r.out, ",true,2,1"));  // changed, two favourites, one invitation
  CHECK(w.count("SELECT count(*) FROM graduates WHERE id_number = '" + kA + "'") == 0);
  CHECK(w.count("SELECT count(*) FROM invitations WHERE state = 'invalid'") == 1);
  auto show = w.run({"--format", "csv", "student", "show", fixed, "--unmask"});
  CHECK(show.exit_code == 0);
}

TEST_CASE("cli student correct|remove|restore: each refusal changes nothing",
          "[cli][invite][invalid]") {
  World w;
  REQUIRE(w.issue(kV, kA).exit_code == 0);
  int events = w.count("SELECT count(*) FROM events");
  auto unchanged = [&] {
    CHECK(w.count("SELECT count(*) FROM events") == events);
    CHECK(w.count("SELECT count(*) FROM invitations WHERE state = 'awaiting_graduate'") == 1);
    CHECK(w.count("SELECT count(*) FROM graduates WHERE name = '张三' AND status = 'valid'") == 1);
  };
  SECTION("no reason") {
    CHECK(w.run({"student", "correct", kA, "--name", "张叁"}).exit_code == 2);
    CHECK(w.run({"student", "correct", kA, "--name", "张叁", "--reason", "  "}).exit_code == 3);
    CHECK(w.run({"student", "remove", kA, "--reason", ""}).exit_code == 3);
  }
  SECTION("nothing to correct named") {
    auto r = w.run({"student", "correct", kA, "--reason", "x"});
    CHECK(r.exit_code == 2);
    CHECK(contains(r.err, "--name"));
  }
  SECTION("a bad ID number") {
    std::string bad = kA;
    bad.back() = bad.back() == '0' ? '1' : '0';  // the wrong check character
    auto r = w.run({"student", "correct", kA, "--id-number", bad, "--reason", "x"});
    CHECK(r.exit_code == 3);
    CHECK(contains(r.err, "--id-number"));
  }
  SECTION("an ID number already on the cohort's roster") {
    auto r = w.run({"student", "correct", kA, "--id-number", kB, "--reason", "x"});
    CHECK(r.exit_code == 6);
  }
  SECTION("an unknown school") {
    CHECK(w.run({"student", "correct", kA, "--school", "不存在大学", "--reason", "x"}).exit_code ==
          2);
  }
  SECTION("a bad phone or email") {
    CHECK(w.run({"student", "correct", kA, "--phone", "2381234567", "--reason", "x"}).exit_code ==
          3);
    CHECK(w.run({"student", "correct", kA, "--email", "a@b", "--reason", "x"}).exit_code == 3);
  }
  SECTION("an unknown graduate") {
    CHECK(w.run({"student", "remove", id("11010519990101001"), "--reason", "x"}).exit_code == 2);
  }
  SECTION("restoring a record that is not removed") {
    CHECK(w.run({"student", "restore", kA, "--reason", "x"}).exit_code == 6);
  }
  unchanged();
}

TEST_CASE("cli student remove: the record, its favourites and invitations become invalid",
          "[cli][invite][invalid]") {
  World w;
  REQUIRE(w.issue(kV, kA).exit_code == 0);
  auto r = w.run({"student", "remove", kA, "--reason", "重复录入"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(contains(r.err, "2 favourites and 1 invitation made invalid"));
  CHECK(w.count("SELECT count(*) FROM graduates WHERE status = 'invalid'") == 1);
  // Removed twice, corrected while removed: refused.
  int events = w.count("SELECT count(*) FROM events");
  CHECK(w.run({"student", "remove", kA, "--reason", "x"}).exit_code == 6);
  CHECK(w.run({"student", "correct", kA, "--name", "x", "--reason", "x"}).exit_code == 5);
  CHECK(w.count("SELECT count(*) FROM events") == events);
  // No favourites or invitations for a removed record.
  auto fav = w.run(
      {"favorite", "add", "--employer", kV, "--name", "张三", "--id", kA, "--school", "北京大学"});
  CHECK(fav.exit_code == 5);
  CHECK(w.count("SELECT count(*) FROM events") == events);
  // Restored: the employer adds and invites again.
  REQUIRE(w.run({"student", "restore", kA, "--reason", "误删"}).exit_code == 0);
  CHECK(w.count("SELECT count(*) FROM invitations WHERE state = 'invalid'") == 1);
  REQUIRE(w.run({"favorite", "add", "--employer", kV, "--name", "张三", "--id", kA, "--school",
                 "北京大学"})
              .exit_code == 0);
  CHECK(w.issue(kV, kA).exit_code == 0);
}

TEST_CASE("cli student import: a re-import with a new name makes invitations invalid",
          "[cli][invite][invalid]") {
  World w;
  REQUIRE(w.issue(kV, kA).exit_code == 0);
  REQUIRE(w.issue(kV, kB).exit_code == 4);  // not a favourite: nothing open for 李四
  // 张三 has also filed a destination (待就业 needs no proof); it is unfinished.
  auto reg = w.run({"register", "destination", "--graduate", kA, "--code", "70"});
  INFO(reg.err);
  REQUIRE(reg.exit_code == 0);
  auto p = w.dir / "fix.csv";
  testkit::write_file(p, "学生姓名,身份证号,毕业院校,届别,培养方式\n张叁," + kA +
                             ",北京大学,2026,非定向\n李四," + kB + ",清华大学,2026,非定向\n");
  auto r = w.run({"student", "import", p.string()});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(contains(r.err, "1 updated"));
  CHECK(contains(r.err, "2 favourites, 1 invitation and 1 registration made invalid"));
  CHECK(w.count("SELECT count(*) FROM invitations WHERE state = 'invalid'") == 1);
  CHECK(w.count("SELECT count(*) FROM registrations WHERE state = 'invalid'") == 1);
  auto csv = w.run({"--format", "csv", "student", "import", p.string()});
  CHECK(
      contains(csv.out, "invalidated_favorites,invalidated_invitations,invalidated_registrations"));
}

TEST_CASE("cli invite: --from-file reads ID numbers kept as text and refuses unreadable cells",
          "[cli][invite][from_file]") {
  World w;
  REQUIRE(w.run({"favorite", "add", "--employer", kV, "--name", "李四", "--id", kB, "--school",
                 "清华大学"})
              .exit_code == 0);
  auto list = w.dir / "list.csv";
  // ="…" and a leading ' around the ID number are Excel's ways to keep it as text; a name with a
  // zero-width space and an ID number with .0 (written from a number) are refused.
  testkit::write_file(list, "身份证号,学生姓名\n=\"" + kA + "\",张三\n'" + kB + ",李四\n" + kD +
                                ",王\u200B五\n" + kD + ".0,王五\n");
  auto r =
      w.run({"--format", "csv", "invite", "issue", "--employer", kV, "--from-file", list.string(),
             "--job-category", "13", "--contact", "张经理", "--position", "研发工程师"});
  INFO(r.err);
  CHECK(r.exit_code == 4);
  CHECK(contains(r.out, kA + ",张三,issued"));
  CHECK(contains(r.out, kB + ",李四,issued"));
  CHECK(contains(r.out, "hidden_character"));
  CHECK(contains(r.out, "U+200B"));
  CHECK(contains(r.out, "list.csv row 4, column B (学生姓名)"));
  CHECK(contains(r.out, "id_excel_number"));
  CHECK(contains(r.out, "list.csv row 5, column A (身份证号)"));
  CHECK(contains(r.err, "2 issued, 2 refused"));
  CHECK(w.invitations() == 2);
}

TEST_CASE("cli invite issue: progress on a terminal only", "[cli][invite]") {
  World w;
  // 5,000 favourites of one cohort (progress is drawn every 4,096 graduates decided).
  std::string roster = "学生姓名,身份证号,毕业院校,届别\n";
  for (int i = 0; i < 5000; ++i) {
    roster += "某," + id("110105200301" + std::to_string(10000 + i)) + ",北京大学,2025\n";
  }
  auto path = w.dir / "big.csv";
  testkit::write_file(path, roster);
  REQUIRE(w.run({"student", "import", path.string()}).exit_code == 0);
  REQUIRE(w.run({"favorite", "import", "--employer", kV, path.string()}).exit_code == 0);
  const std::string issue =
      "invite issue --employer " + kV +
      " --all-favorites --cohort 2025 --job-category 13 --position 研发 --contact 张经理 "
      "--dry-run --format csv";
  auto piped =
      w.run({"invite", "issue", "--employer", kV, "--all-favorites", "--cohort", "2025",
             "--job-category", "13", "--contact", "张经理", "--position", "研发", "--dry-run"});
  CHECK(piped.exit_code == 0);
  CHECK_FALSE(contains(piped.err, " graduates"));
  // script(1) gives it a pseudo-terminal; the line is cleared before the outcomes are printed.
  auto tty = testkit::run_shell("TERM=xterm script -qec \"" + std::string(NCSSCTL_BINARY) +
                                " --db " + w.db + " --now " + kNow + " " + issue + "\" /dev/null");
  CHECK(contains(tty.text, "invite issue: 4096 graduates"));
  CHECK(contains(tty.text, "\r\033[Kid_number,name,result"));
  CHECK(contains(tty.text, "5000 issued, 0 refused (dry run: nothing written)"));
}

TEST_CASE("cli student import: an ID number corrected away does not come back as a new graduate",
          "[cli][invite][invalid][import]") {
  World w;
  const std::string fixed = id("11010520030115002");
  auto correct = [&](const std::string& from, const std::string& to) {
    return w.run({"student", "correct", from, "--id-number", to, "--reason", "身份证号录入错误"});
  };
  REQUIRE(correct(kA, fixed).exit_code == 0);
  // The department's original file, imported again: the old number is refused, not added.
  auto again = w.run({"student", "import", (w.dir / "r.csv").string()});
  INFO(again.err);
  CHECK(again.exit_code == 4);
  CHECK(contains(again.err, "id_corrected"));
  CHECK(contains(again.err, "was corrected by the school to 110105********002"));
  CHECK(contains(again.err, "2 unchanged, 1 rejected"));
  CHECK(w.count("SELECT count(*) FROM graduates") == 3);
  CHECK(w.count("SELECT count(*) FROM graduates WHERE id_number = '" + kA + "'") == 0);
  // ...so the person cannot be added to favourites and invited a second time under it.
  CHECK(w.run({"favorite", "add", "--employer", kW, "--name", "张三", "--id", kA, "--school",
               "北京大学"})
            .exit_code != 0);

  // Corrected back: the old number is the record's again, and the file matches it.
  REQUIRE(correct(fixed, kA).exit_code == 0);
  CHECK(w.count("SELECT count(*) FROM corrected_ids WHERE id_number = '" + kA + "'") == 0);
  CHECK(w.count("SELECT count(*) FROM corrected_ids WHERE id_number = '" + fixed + "'") == 1);
  auto back = w.run({"student", "import", (w.dir / "r.csv").string()});
  INFO(back.err);
  CHECK(back.exit_code == 0);
  CHECK(w.count("SELECT count(*) FROM graduates") == 3);
}

TEST_CASE("cli db migrate: schema 12 lists the ID numbers corrected before it",
          "[cli][invite][invalid][import]") {
  World w;
  const std::string b = id("11010520030115002");
  const std::string c = id("11010520030115010");
  for (auto [from, to] : {std::pair{kA, b}, std::pair{b, c}, std::pair{kD, id("11010520030215011")},
                          std::pair{id("11010520030215011"), kD}}) {
    REQUIRE(
        w.run({"student", "correct", from, "--id-number", to, "--reason", "录入错误"}).exit_code ==
        0);
  }
  {
    // The database as schema 11 left it: corrections in the events only.
    SQLite::Database raw(w.db, SQLite::OPEN_READWRITE);
    raw.exec("DROP TABLE corrected_ids; PRAGMA user_version = 11");
  }
  auto m = w.run({"db", "migrate"});
  INFO(m.err);
  REQUIRE(m.exit_code == 0);
  // kA → b → c: both old numbers lead to the record that now holds c; kD was corrected back.
  const std::string holder = "(SELECT id FROM graduates WHERE id_number = '" + c + "')";
  CHECK(w.count("SELECT count(*) FROM corrected_ids") == 3);
  CHECK(w.count("SELECT count(*) FROM corrected_ids WHERE id_number IN ('" + kA + "', '" + b +
                "') AND graduate_id = " + holder) == 2);
  CHECK(w.count("SELECT count(*) FROM corrected_ids WHERE id_number = '" + kD + "'") == 0);
  auto again = w.run({"student", "import", (w.dir / "r.csv").string()});
  CHECK(again.exit_code == 4);
  CHECK(contains(again.err, "id_corrected"));
}

TEST_CASE("cli db migrate: schema 12 never ties an old number to another graduate",
          "[cli][invite][invalid][import]") {
  World w;
  const std::string b = id("11010520030115002");
  const std::string c = id("11010520030115010");
  const std::string d = id("44030420021230011");
  // 张三 kA → b → c; then 李四 kB → b (free again) → d: two records left b in turn.
  for (auto [from, to] : {std::pair{kA, b}, std::pair{b, c}, std::pair{kB, b}, std::pair{b, d}}) {
    REQUIRE(
        w.run({"student", "correct", from, "--id-number", to, "--reason", "录入错误"}).exit_code ==
        0);
  }
  CHECK(w.count("SELECT count(*) FROM corrected_ids") == 3);  // kA, b, kB, as they happened
  {
    SQLite::Database raw(w.db, SQLite::OPEN_READWRITE);
    raw.exec("DROP TABLE corrected_ids; PRAGMA user_version = 11");
  }
  REQUIRE(w.run({"db", "migrate"}).exit_code == 0);
  auto holder = [&](const std::string& n) {
    return "(SELECT id FROM graduates WHERE id_number = '" + n + "')";
  };
  // b was last left by 李四, kB is 李四's, kA is 张三's (through b → c, not b → d).
  CHECK(w.count("SELECT count(*) FROM corrected_ids") == 3);
  CHECK(w.count("SELECT count(*) FROM corrected_ids WHERE id_number = '" + b +
                "' AND graduate_id = " + holder(d)) == 1);
  CHECK(w.count("SELECT count(*) FROM corrected_ids WHERE id_number = '" + kB +
                "' AND graduate_id = " + holder(d)) == 1);
  CHECK(w.count("SELECT count(*) FROM corrected_ids WHERE id_number = '" + kA +
                "' AND graduate_id = " + holder(c)) == 1);
}

TEST_CASE("cli student import: a file made before a correction does not undo it",
          "[cli][invite][invalid][import]") {
  World w;
  REQUIRE(w.issue(kV, kA).exit_code == 0);
  REQUIRE(
      w.run({"student", "correct", kA, "--name", "张叁", "--reason", "姓名录入错误"}).exit_code ==
      0);
  REQUIRE(w.run({"favorite", "add", "--employer", kV, "--name", "张叁", "--id", kA, "--school",
                 "北京大学"})
              .exit_code == 0);
  const int favourites = w.count("SELECT count(*) FROM favorites WHERE status = 'valid'");
  // The department's original file still says 张三: refused, the correction and the favourite
  // made since stand.
  auto again = w.run({"student", "import", (w.dir / "r.csv").string()});
  INFO(again.err);
  CHECK(again.exit_code == 4);
  CHECK(contains(again.err, "reverts_correction"));
  CHECK(contains(again.err, "学生姓名 '张三' is the value the school corrected to '张叁'"));
  CHECK(contains(again.err, "2 unchanged, 1 rejected"));
  CHECK(w.count("SELECT count(*) FROM graduates WHERE name = '张叁'") == 1);
  CHECK(w.count("SELECT count(*) FROM favorites WHERE status = 'valid'") == favourites);
  // A third name is an ordinary update, as is any other field the school never corrected.
  auto p = w.dir / "r3.csv";
  testkit::write_file(p,
                      "学生姓名,身份证号,毕业院校,届别,专业\n张山," + kA + ",北京大学,2026,法学\n");
  auto third = w.run({"student", "import", p.string()});
  INFO(third.err);
  CHECK(third.exit_code == 0);
  CHECK(w.count("SELECT count(*) FROM graduates WHERE name = '张山' AND major = '法学'") == 1);
}
