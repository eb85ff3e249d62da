// End-to-end: ncssctl terminate (线上解约, 线下解约) and ncssctl void (作废), each path and each
// refusal.
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
std::string sample(const std::string& name) {
  return (testkit::source_dir() / "samples/files" / name).string();
}

const std::string kV = "91110108749352307A";
const std::string kW = "91370214MA3D2M2T5C";
const std::string kA = id("11010520030115001");
const std::string kB = id("44030420021230002");
const std::string kNow = "2026-05-20T09:00:00+08:00";

// Two verified employers; 张三 signed with kV (invitation 1, approved), and invited by kW
// (invitation 2, view-only while 1 is live); 李四 invited by kV (invitation 3, awaiting).
struct Signed {
  TempDir dir;
  std::string db = (dir / "ncss.db").string();
  Signed() {
    REQUIRE(run_ncssctl({"--db", db, "init"}).exit_code == 0);
    auto p = dir / "r.csv";
    testkit::write_file(p, "学生姓名,身份证号,毕业院校,届别,学历层次\n张三," + kA +
                               ",北京大学,2026,本科\n李四," + kB + ",清华大学,2026,本科\n");
    REQUIRE(run({"student", "import", p.string()}).exit_code == 0);
    {
      SQLite::Database raw(db, SQLite::OPEN_READWRITE);
      raw.exec(
          testkit::employers_sql({{kV, "甲公司"}, {kW, "丙公司", true, "山东省", "青岛市", "z"}}));
    }
    for (const auto& e : {kV, kW}) {
      REQUIRE(run({"favorite", "add", "--employer", e, "--name", "张三", "--id", kA, "--school",
                   "北京大学"})
                  .exit_code == 0);
    }
    REQUIRE(run({"favorite", "add", "--employer", kV, "--name", "李四", "--id", kB, "--school",
                 "清华大学"})
                .exit_code == 0);
    REQUIRE(issue(kV, kA).exit_code == 0);  // 1
    REQUIRE(issue(kW, kA).exit_code == 0);  // 2
    REQUIRE(issue(kV, kB).exit_code == 0);  // 3
    REQUIRE(run({"invite", "respond", "1", "--accept"}).exit_code == 0);
    REQUIRE(run({"review", "approve", "1"}).exit_code == 0);
  }
  testkit::RunResult run(std::vector<std::string> args) {
    args.insert(args.begin(), {"--db", db, "--now", kNow});
    return run_ncssctl(args);
  }
  testkit::RunResult issue(const std::string& employer, const std::string& to) {
    return run({"invite", "issue", "--employer", employer, "--to", to, "--job-category", "13",
                "--contact", "张经理", "--position", "研发工程师"});
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
  std::string state(int invitation) {
    return text("SELECT state FROM invitations WHERE id = " + std::to_string(invitation));
  }
  testkit::RunResult request(const std::string& by = "employer",
                             const std::string& note = "岗位取消") {
    return run({"terminate", "request", "1", "--by", by, "--reason", "协商一致", "--note", note});
  }
};

std::string chars(int n) {
  std::string s;
  for (int i = 0; i < n; ++i) s += "解";
  return s;
}

}  // namespace

TEST_CASE("cli terminate: request, the other party accepts, the school approves",
          "[cli][terminate]") {
  Signed w;
  auto r = w.request();
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(w.state(1) == "terminating");
  CHECK(w.text("SELECT phase FROM terminations WHERE id = 1") == "awaiting_party");
  // While terminating, the graduate still has a live destination: another invitation is
  // view-only.
  auto view_only = w.run({"invite", "respond", "2", "--accept"});
  CHECK(view_only.exit_code == 5);
  CHECK(contains(view_only.err, "invitation 1 (解约中)"));
  CHECK(contains(view_only.err,
                 "the other party answers its termination (terminate respond 1) "
                 "and the school approves it (terminate approve 1) first"));
  // The other party is notified; the sweep never touches it, however late.
  CHECK(w.count("SELECT count(*) FROM outbox o JOIN events e ON e.id = o.event_id WHERE "
                "e.action = 'invitation.request_termination' AND o.recipient_type = "
                "'graduate'") == 1);
  REQUIRE(run_ncssctl({"--db", w.db, "--now", "2027-06-01T00:00:00Z", "sweep"}).exit_code == 0);
  CHECK(w.state(1) == "terminating");

  auto acc =
      w.run({"--format", "csv", "terminate", "respond", "1", "--by", "graduate", "--accept"});
  INFO(acc.err);
  REQUIRE(acc.exit_code == 0);
  CHECK(contains(acc.out, "awaiting_review,解约中（学校审核中）"));
  auto waiting = w.run({"register", "destination", "--graduate", kA, "--code", "70"});
  CHECK(waiting.exit_code == 5);
  CHECK(contains(waiting.err, ": the school approves its termination (terminate approve 1) first"));

  auto ok = w.run({"--format", "csv", "review", "approve", "T1"});
  INFO(ok.err);
  REQUIRE(ok.exit_code == 0);
  CHECK(w.state(1) == "terminated");
  CHECK(w.text("SELECT phase FROM terminations WHERE id = 1") == "approved");
  CHECK(w.text("SELECT reviewed_by FROM terminations WHERE id = 1") != "");
  // One event per step for the termination and for the signing.
  CHECK(w.count("SELECT count(*) FROM events WHERE subject_type = 'termination'") == 3);
  CHECK(w.count("SELECT count(*) FROM events WHERE action IN ('invitation.request_termination', "
                "'invitation.accept_termination', 'invitation.approve_termination')") == 3);
  // The graduate is free: the other employer invites again (the sweep above expired its first
  // invitation) and the graduate accepts.
  REQUIRE(w.issue(kW, kA).exit_code == 0);  // 4
  CHECK(w.run({"invite", "respond", "4", "--accept"}).exit_code == 0);
  auto stats = w.run({"--format", "csv", "stats"});
  CHECK(contains(stats.out, "termination.online.approved,已解约,已解约,1"));
  CHECK(contains(stats.out, "terminated,已解约,已解约,1"));
  auto list = w.run({"--format", "csv", "terminate", "list", "--list", "已解约"});
  CHECK(contains(list.out, "\n1,online,1,"));
  auto history = w.run({"--format", "csv", "history", "1"});
  CHECK(contains(history.out, "invitation.approve_termination"));
  CHECK(contains(history.out, "termination.approve"));  // the signing's terminations too
  auto own = w.run({"--format", "csv", "history", "T1"});
  CHECK(contains(own.out, "termination.request"));
  CHECK_FALSE(contains(own.out, "invitation.issued"));
  CHECK(
      contains(w.run({"--format", "csv", "history", "--graduate", kA}).out, "termination.accept"));
  CHECK(
      contains(w.run({"--format", "csv", "history", "--employer", kV}).out, "termination.approve"));
  CHECK(w.run({"history", "T9"}).exit_code == 2);
  CHECK(w.run({"history", "X1"}).exit_code == 2);
}

TEST_CASE("cli terminate: refused by the other party or the school, then asked again",
          "[cli][terminate]") {
  Signed w;
  REQUIRE(w.request("graduate").exit_code == 0);
  REQUIRE(w.run({"terminate", "respond", "1", "--by", "employer", "--reject"}).exit_code == 0);
  CHECK(w.state(1) == "signed");
  CHECK(w.text("SELECT fail_reason FROM terminations WHERE id = 1") == "party_rejected");
  auto failed = w.run({"--format", "csv", "terminate", "list", "--failed"});
  CHECK(contains(failed.out, "解约失败（对方不同意解约）"));
  // A second request may follow a failed one; this time the school refuses it.
  REQUIRE(w.request().exit_code == 0);
  REQUIRE(w.run({"terminate", "respond", "2", "--by", "graduate", "--accept"}).exit_code == 0);
  CHECK(w.run({"review", "reject", "T2"}).exit_code == 2);  // --reason is required
  auto rej = w.run({"review", "reject", "T2", "--reason", "材料不全"});
  INFO(rej.err);
  REQUIRE(rej.exit_code == 0);
  CHECK(w.state(1) == "signed");
  CHECK(w.text("SELECT fail_reason || '|' || review_reason FROM terminations WHERE id = 2") ==
        "school_rejected|材料不全");
  CHECK(w.count("SELECT count(*) FROM terminations WHERE phase = 'failed'") == 2);
  // Still signed: the graduate's other invitation stays view-only.
  auto view_only = w.run({"invite", "respond", "2", "--accept"});
  CHECK(view_only.exit_code == 5);
  CHECK(contains(view_only.err, "invitation 1 (已签约)"));
}

TEST_CASE("cli terminate: each refusal changes nothing", "[cli][terminate]") {
  Signed w;
  int before = w.events();
  SECTION("a signing that is not signed") {
    auto r =
        w.run({"terminate", "request", "3", "--by", "employer", "--reason", "01", "--note", "x"});
    CHECK(r.exit_code == 5);
    CHECK(contains(r.err, "等待学生应约"));
  }
  SECTION("a note of 201 characters") {
    auto r = w.request("employer", chars(201));
    CHECK(r.exit_code == 3);
    CHECK(contains(r.err, "201 characters; at most 200"));
  }
  SECTION("an unknown reason, an unknown party") {
    CHECK(w.run({"terminate", "request", "1", "--by", "employer", "--reason", "不想干了", "--note",
                 "x"})
              .exit_code == 3);
    CHECK(w.run({"terminate", "request", "1", "--by", "school", "--reason", "01", "--note", "x"})
              .exit_code == 2);
  }
  SECTION("an unknown signing") {
    CHECK(w.run({"terminate", "request", "99", "--by", "employer", "--reason", "01", "--note", "x"})
              .exit_code == 2);
  }
  CHECK(w.events() == before);
  CHECK(w.count("SELECT count(*) FROM terminations") == 0);
  CHECK(w.state(1) == "signed");
}

TEST_CASE("cli terminate: the online request's 解约说明 is optional (选填)", "[cli][terminate]") {
  Signed w;
  auto r = w.run(
      {"--format", "csv", "terminate", "request", "1", "--by", "graduate", "--reason", "个人发展"});
  INFO(r.err);
  CHECK(r.exit_code == 0);
  CHECK(w.state(1) == "terminating");
  CHECK(w.text("SELECT note FROM terminations WHERE invitation_id = 1").empty());
}

TEST_CASE("cli terminate show: the ID number masked in a table unless --unmask (recorded)",
          "[cli][terminate]") {
  Signed w;
  REQUIRE(w.request().exit_code == 0);
  auto masked = w.run({"--format", "table", "terminate", "show", "1"});
  CHECK(masked.exit_code == 0);
  CHECK_FALSE(contains(masked.out, kA));
  CHECK(contains(masked.out, kA.substr(0, 6) + "********"));
  auto full = w.run({"--format", "table", "terminate", "show", "1", "--unmask"});
  CHECK(full.exit_code == 0);
  CHECK(contains(full.out, kA));
  CHECK(w.count("SELECT count(*) FROM events WHERE action = 'pii.unmask' AND details ->> "
                "'$.command' = 'terminate show'") == 1);
}

TEST_CASE("cli terminate: out-of-turn answers and reviews are refused", "[cli][terminate]") {
  Signed w;
  // 200 characters is the limit, not over it.
  REQUIRE(w.request("employer", chars(200)).exit_code == 0);
  int before = w.events();
  CHECK(w.request().exit_code == 5);  // already terminating
  CHECK(w.run({"terminate", "respond", "1", "--by", "employer", "--accept"}).exit_code == 5);
  CHECK(w.run({"review", "approve", "T1"}).exit_code == 5);  // the other party first
  CHECK(w.run({"terminate", "approve", "1"}).exit_code == 5);
  CHECK(w.events() == before);
  REQUIRE(w.run({"terminate", "respond", "1", "--by", "graduate", "--accept"}).exit_code == 0);
  before = w.events();
  // Respond twice; return an online termination; review a signing id as a termination.
  CHECK(w.run({"terminate", "respond", "1", "--by", "graduate", "--accept"}).exit_code == 5);
  CHECK(w.run({"review", "return", "T1", "--reason", "x"}).exit_code == 5);
  CHECK(w.run({"review", "return", "1", "--reason", "x"}).exit_code == 2);
  CHECK(w.run({"review", "approve", "Tx"}).exit_code == 2);
  auto unknown = w.run({"review", "approve", "T9"});
  CHECK(unknown.exit_code == 2);
  CHECK(contains(unknown.err, "termination not found: T9"));  // named as review takes it
  CHECK(w.events() == before);
  CHECK(w.state(1) == "terminating");
}

TEST_CASE("cli void: the school voids a signed agreement", "[cli][void]") {
  Signed w;
  int before = w.events();
  CHECK(w.run({"void", "3", "--reason", "x"}).exit_code == 5);  // awaiting the graduate
  CHECK(w.run({"void", "1"}).exit_code == 2);                   // no reason
  CHECK(w.run({"void", "1", "--reason", " "}).exit_code == 3);
  CHECK(w.events() == before);
  auto r = w.run({"void", "1", "--reason", "单位已注销，与单位协商后作废"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(w.state(1) == "voided");
  CHECK(w.text("SELECT void_reason FROM invitations WHERE id = 1") ==
        "单位已注销，与单位协商后作废");
  CHECK(w.count("SELECT count(*) FROM outbox o JOIN events e ON e.id = o.event_id WHERE "
                "e.action = 'invitation.void'") == 2);
  auto list = w.run({"--format", "csv", "invite", "list", "--employer", kV, "--list", "已作废"});
  CHECK(contains(list.out, "\n1," + kV));
  CHECK(w.run({"void", "1", "--reason", "again"}).exit_code == 5);
  CHECK(w.request().exit_code == 5);  // a voided agreement cannot be terminated
  // The graduate is free again.
  CHECK(w.run({"invite", "respond", "2", "--accept"}).exit_code == 0);
}

TEST_CASE("cli terminate offline: a paper agreement, returned, resubmitted, approved",
          "[cli][terminate]") {
  Signed w;
  {
    // 李四's approved paper agreement (registrations are filed with `register paper`; here the
    // row is written directly so this test covers only the termination).
    SQLite::Database raw(w.db, SQLite::OPEN_READWRITE);
    raw.exec(
        "INSERT INTO registrations (graduate_id, kind, destination, state, fields, agreement_no, "
        "submitted_at, reviewed_at, reviewed_by, updated_at) SELECT id, 'paper', '10', "
        "'approved', json_object('employer_name', '乙公司', 'credit_code', '" +
        kW + "'), '20261000331000001', 't', 't', 'school', 't' FROM graduates WHERE name = '李四'");
  }
  int before = w.events();
  // Refused: 张三 has no paper agreement; no letter; a letter that is not an image.
  CHECK(w.run({"terminate", "offline", "--graduate", kA, "--reason", "01", "--note", "x",
               "--letter", sample("licence.png")})
            .exit_code == 5);
  CHECK(w.run({"terminate", "offline", "--graduate", kB, "--reason", "01", "--note", "x"})
            .exit_code == 2);
  auto txt = w.dir / "letter.png";
  testkit::write_file(txt, "这不是图片");
  auto bad = w.run({"terminate", "offline", "--graduate", kB, "--reason", "01", "--note", "x",
                    "--letter", txt.string()});
  CHECK(bad.exit_code == 3);
  CHECK(contains(bad.err, "letter.png"));
  // A reason not on the list, a note over 200 characters, a blank note.
  std::string long_note;
  for (int i = 0; i < 201; ++i) long_note += "解";
  for (const auto& [reason, note, words] :
       std::vector<std::tuple<std::string, std::string, std::string>>{
           {"不想干了", "x", "is not a termination reason"},
           {"01", long_note, "201 characters; at most 200"},
           {"01", "  ", "--note is required"}}) {
    auto refused = w.run({"terminate", "offline", "--graduate", kB, "--reason", reason, "--note",
                          note, "--letter", sample("licence.png")});
    CHECK(refused.exit_code == 3);
    CHECK(contains(refused.err, words));
  }
  CHECK(w.events() == before);
  CHECK(w.count("SELECT count(*) FROM files") == 0);
  CHECK(w.count("SELECT count(*) FROM terminations") == 0);

  auto r =
      w.run({"--format", "csv", "terminate", "offline", "--graduate", kB, "--reason",
             "考取公务员或事业单位", "--note", "已考取公务员", "--letter", sample("licence.png")});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(contains(r.out, "1,offline,,1,20261000331000001,李四"));
  CHECK(w.text("SELECT phase FROM terminations WHERE id = 1") == "awaiting_review");
  // One at a time.
  CHECK(w.run({"terminate", "offline", "--graduate", kB, "--reason", "01", "--note", "x",
               "--letter", sample("licence.png")})
            .exit_code == 5);
  // 退回修改, then the graduate resubmits with another letter.
  CHECK(w.run({"terminate", "resubmit", "1", "--note", "补充"}).exit_code == 5);  // not returned
  // The school returns or rejects only with a reason.
  CHECK(w.run({"terminate", "return", "1", "--reason", " "}).exit_code == 3);
  CHECK(w.run({"terminate", "reject", "1", "--reason", " "}).exit_code == 3);
  CHECK(w.text("SELECT phase FROM terminations WHERE id = 1") == "awaiting_review");
  REQUIRE(w.run({"review", "return", "T1", "--reason", "解约函未盖章"}).exit_code == 0);
  CHECK(w.text("SELECT phase || '|' || review_reason FROM terminations") ==
        "returned|解约函未盖章");
  CHECK(w.run({"terminate", "approve", "1"}).exit_code == 5);  // returned: the graduate acts
  CHECK(w.run({"terminate", "resubmit", "1", "--note", long_note}).exit_code == 3);
  CHECK(w.text("SELECT phase FROM terminations WHERE id = 1") == "returned");
  auto again = w.run({"terminate", "resubmit", "1", "--note", "已补盖公章", "--letter",
                      sample("authorisation.png")});
  INFO(again.err);
  REQUIRE(again.exit_code == 0);
  CHECK(w.text("SELECT phase || '|' || note FROM terminations") == "awaiting_review|已补盖公章");
  CHECK(w.count("SELECT count(*) FROM termination_files") == 2);
  REQUIRE(w.run({"terminate", "approve", "1"}).exit_code == 0);
  CHECK(w.text("SELECT state FROM registrations") == "terminated");
  CHECK(w.count("SELECT count(*) FROM events WHERE action = 'registration.terminate'") == 1);
  // The paper agreement's employer sees it in its list.
  auto mine = w.run({"--format", "csv", "terminate", "list", "--employer", kW});
  CHECK(contains(mine.out, "\n1,offline,,1,"));
  CHECK_FALSE(
      contains(w.run({"--format", "csv", "terminate", "list", "--employer", kV}).out, ",offline,"));
  CHECK(w.count("SELECT count(*) FROM outbox WHERE recipient_type = 'graduate' AND template "
                "LIKE 'termination_%'") == 4);  // filed, returned, resubmitted, approved
}

TEST_CASE("cli terminate offline: the school refuses, the agreement stays", "[cli][terminate]") {
  Signed w;
  {
    SQLite::Database raw(w.db, SQLite::OPEN_READWRITE);
    raw.exec(
        "INSERT INTO registrations (graduate_id, kind, destination, state, submitted_at, "
        "updated_at) SELECT id, 'paper', '10', 'approved', 't', 't' FROM graduates WHERE name = "
        "'李四'");
  }
  REQUIRE(w.run({"terminate", "offline", "--graduate", kB, "--reason", "01", "--note", "x",
                 "--letter", sample("licence.png")})
              .exit_code == 0);
  REQUIRE(w.run({"terminate", "reject", "1", "--reason", "与单位核实未同意"}).exit_code == 0);
  CHECK(w.text("SELECT state FROM registrations") == "approved");
  CHECK(w.text("SELECT fail_reason FROM terminations") == "school_rejected");
  // A new request may follow.
  CHECK(w.run({"terminate", "offline", "--graduate", kB, "--reason", "01", "--note", "再次申请",
               "--letter", sample("licence.png")})
            .exit_code == 0);
}

TEST_CASE("cli review: registrations as R<id>", "[cli][terminate][review]") {
  Signed w;
  auto filed = w.run({"register", "destination", "--graduate", kB, "--code", "70"});
  INFO(filed.err);
  REQUIRE(filed.exit_code == 0);
  CHECK(w.run({"review", "return", "R1"}).exit_code == 2);  // --reason is required
  REQUIRE(w.run({"review", "return", "R1", "--reason", "请补充说明"}).exit_code == 0);
  CHECK(w.text("SELECT state FROM registrations WHERE id = 1") == "returned");
  CHECK(w.run({"review", "approve", "R1"}).exit_code == 5);  // returned: the graduate acts
  REQUIRE(w.run({"register", "resubmit", "1", "--note", "暂不就业"}).exit_code == 0);
  CHECK(w.run({"review", "approve", "R1", "2"}).exit_code == 2);  // one at a time
  REQUIRE(w.run({"review", "approve", "r1"}).exit_code == 0);
  CHECK(w.text("SELECT state FROM registrations WHERE id = 1") == "approved");
  CHECK(w.run({"review", "reject", "R1", "--reason", "x"}).exit_code == 5);
  CHECK(w.run({"review", "approve", "R9"}).exit_code == 2);
}

TEST_CASE("cli review queue: signings, registrations and terminations awaiting the school",
          "[cli][terminate][review]") {
  Signed w;
  auto queue = [&](std::vector<std::string> extra) {
    std::vector<std::string> args = {"--format", "csv", "review", "queue"};
    args.insert(args.end(), extra.begin(), extra.end());
    return w.run(args);
  };
  auto empty = queue({});
  REQUIRE(empty.exit_code == 0);
  CHECK(empty.out ==
        "item,kind,state,id_number,name,school_code,department,degree_level,cohort,subject,"
        "since\n");
  // 李四 files another destination (R1); 张三's signing goes to termination, which both parties
  // agree to (T1); nothing else waits for the school.
  REQUIRE(w.run({"register", "destination", "--graduate", kB, "--code", "70"}).exit_code == 0);
  REQUIRE(w.request("employer").exit_code == 0);
  CHECK(queue({}).out.find("\nT1,") == std::string::npos);  // the graduate has not answered
  REQUIRE(w.run({"terminate", "respond", "1", "--by", "graduate", "--accept"}).exit_code == 0);
  auto all = queue({});
  INFO(all.out);
  REQUIRE(all.exit_code == 0);
  CHECK(contains(all.out,
                 "\nR1,registration,pending," + kB + ",李四,10003,,本科,2026,其他毕业去向登记,"));
  CHECK(contains(all.out, "\nT1,termination,awaiting_review," + kA +
                              ",张三,10001,,本科,2026,解约：协商一致,"));
  // Filters: by kind, by school; an unknown kind or school is exit 2.
  auto terminations = queue({"--kind", "termination"});
  CHECK(contains(terminations.out, "\nT1,"));
  CHECK_FALSE(contains(terminations.out, "\nR1,"));
  auto tsinghua = queue({"--school", "清华大学"});
  CHECK(contains(tsinghua.out, "\nR1,"));
  CHECK_FALSE(contains(tsinghua.out, "\nT1,"));
  CHECK(queue({"--kind", "signings"}).exit_code == 2);
  CHECK(queue({"--school", "没有这所学校"}).exit_code == 2);
  // A table masks the ID numbers.
  auto table = w.run({"--format", "table", "review", "queue"});
  CHECK_FALSE(contains(table.out, kA));
  // Each item leaves the queue once the school has decided, under the name the queue gives it.
  REQUIRE(w.run({"review", "approve", "T1"}).exit_code == 0);
  REQUIRE(w.run({"review", "return", "R1", "--reason", "请补充说明"}).exit_code == 0);
  CHECK(queue({}).out == empty.out);
}

TEST_CASE("cli terminate list --idle-days: requests the other party has left unanswered",
          "[cli][terminate]") {
  Signed w;
  REQUIRE(w.request().exit_code == 0);  // at kNow, 2026-05-20 09:00 +08:00
  auto at = [&](const std::string& now, const std::string& days) {
    return run_ncssctl({"--db", w.db, "--now", now, "--format", "csv", "terminate", "list",
                        "--phase", "awaiting_party", "--idle-days", days});
  };
  // 13 days and 23 hours later: not yet idle for 14 days.
  auto early = at("2026-06-03T08:59:59+08:00", "14");
  REQUIRE(early.exit_code == 0);
  CHECK_FALSE(contains(early.out, "\n1,online,"));
  // 14 days to the second: listed.
  auto due = at("2026-06-03T09:00:00+08:00", "14");
  REQUIRE(due.exit_code == 0);
  CHECK(contains(due.out, "\n1,online,1,"));
  // Answered, it is no longer awaiting the party, however old.
  REQUIRE(w.run({"terminate", "respond", "1", "--by", "graduate", "--accept"}).exit_code == 0);
  CHECK_FALSE(contains(at("2026-09-01T09:00:00+08:00", "14").out, "\n1,online,"));
  // Days outside 1..3650: a usage error.
  CHECK(at("2026-06-03T09:00:00+08:00", "0").exit_code == 2);
  CHECK(at("2026-06-03T09:00:00+08:00", "x").exit_code == 2);
}
