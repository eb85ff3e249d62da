// End-to-end: ncssctl register ... (paper agreements, other destinations, 定向/委培, offline
// agreements), the school's review, one live destination across registrations and online
// signings, and the school's corrections that make registrations invalid (失效).
#include <SQLiteCpp/SQLiteCpp.h>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "ncss/identity.hpp"
#include "testkit.hpp"

using testkit::run_ncssctl;
using testkit::TempDir;

namespace {

const auto id = testkit::resident_id;
using testkit::contains;

const std::string kV = "91110108749352307A";  // a verified employer (online signing)
const std::string kA = id("11010520030115001");
const std::string kB = id("44030420021230002");
const std::string kD = id("11010520030215003");  // 定向
const std::string kNow = "2026-05-20T09:00:00+08:00";

struct World {
  TempDir dir;
  std::string db = (dir / "ncss.db").string();
  std::string jpg = (dir / "盖章协议.jpg").string();
  std::string png = (dir / "录取通知书.png").string();
  World() {
    REQUIRE(run_ncssctl({"--db", db, "init"}).exit_code == 0);
    auto p = dir / "r.csv";
    testkit::write_file(p, "学生姓名,身份证号,毕业院校,届别,培养方式,学历层次\n张三," + kA +
                               ",北京大学,2026,非定向,本科\n李四," + kB +
                               ",清华大学,2026,非定向,硕士\n王五," + kD +
                               ",北京大学,2026,定向,本科\n");
    REQUIRE(run({"student", "import", p.string()}).exit_code == 0);
    SQLite::Database raw(db, SQLite::OPEN_READWRITE);
    raw.exec(testkit::employers_sql({{kV, "甲公司"}}));
    REQUIRE(run({"favorite", "add", "--employer", kV, "--name", "张三", "--id", kA, "--school",
                 "北京大学"})
                .exit_code == 0);
    testkit::write_file(jpg, std::string("\xFF\xD8\xFF\xE0", 4) + "stamped");
    testkit::write_file(png, std::string("\x89PNG\r\n\x1A\n", 8) + "IHDR admission");
  }
  testkit::RunResult run(std::vector<std::string> args, const std::string& now = kNow) {
    args.insert(args.begin(), {"--db", db, "--now", now});
    return run_ncssctl(args);
  }
  std::vector<std::string> employer_fields() const {
    return {"--employer-name", "北京示例科技有限公司",
            "--credit-code",   "91110108749352307A",
            "--nature",        "39",
            "--job-category",  "13",
            "--position",      "软件工程师",
            "--work-location", "北京"};
  }
  testkit::RunResult paper(const std::string& who) {
    std::vector<std::string> args = {"--format", "csv", "register", "paper", "--graduate", who};
    for (const auto& a : employer_fields()) args.push_back(a);
    args.insert(args.end(), {"--scan", jpg});
    return run(args);
  }
  testkit::RunResult offline(const std::string& who) {
    std::vector<std::string> args = {"--format",          "csv",        "register",
                                     "offline-agreement", "--graduate", who};
    for (const auto& a : employer_fields()) args.push_back(a);
    return run(args);
  }
  testkit::RunResult destination(const std::string& who, std::vector<std::string> extra) {
    std::vector<std::string> args = {"--format",    "csv",        "register",
                                     "destination", "--graduate", who};
    for (auto& a : extra) args.push_back(std::move(a));
    return run(args);
  }
  testkit::RunResult issue(const std::string& to) {
    return run({"--format", "csv", "invite", "issue", "--employer", kV, "--to", to,
                "--job-category", "13", "--contact", "张经理", "--position", "研发工程师"});
  }
  int count(const std::string& sql) {
    SQLite::Database raw(db, SQLite::OPEN_READONLY);
    return raw.execAndGet(sql).getInt();
  }
  std::string text(const std::string& sql) {
    SQLite::Database raw(db, SQLite::OPEN_READONLY);
    return raw.execAndGet(sql).getString();
  }
  std::string state(int registration) {
    return text("SELECT state FROM registrations WHERE id = " + std::to_string(registration));
  }
  int events(const std::string& action) {
    return count("SELECT count(*) FROM events WHERE action = '" + action + "'");
  }
  int outbox(const std::string& template_name) {
    return count("SELECT count(*) FROM outbox WHERE template = '" + template_name +
                 "' AND recipient_type = 'graduate'");
  }
  nlohmann::json last_event(const std::string& action) {
    return nlohmann::json::parse(text("SELECT details FROM events WHERE action = '" + action +
                                      "' ORDER BY id DESC LIMIT 1"));
  }
  // Everything a refused command must leave alone.
  std::string snapshot() {
    SQLite::Database raw(db, SQLite::OPEN_READONLY);
    std::string out;
    for (const char* sql : {"SELECT * FROM registrations", "SELECT * FROM registration_files",
                            "SELECT count(*) FROM files", "SELECT count(*) FROM events",
                            "SELECT count(*) FROM outbox", "SELECT id, state FROM invitations"}) {
      SQLite::Statement q(raw, sql);
      while (q.executeStep()) {
        for (int i = 0; i < q.getColumnCount(); ++i)
          out += std::string(q.getColumn(i).getText()) + "|";
        out += "\n";
      }
    }
    return out;
  }
};

}  // namespace

TEST_CASE("cli register paper: filed, shown, listed masked", "[cli][register]") {
  World w;
  auto r = w.paper(kA);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(contains(r.out, "registration_id,kind,kind_name,name,id_number"));
  CHECK(contains(r.out, "\n1,paper,已签纸质就业协议登记,张三," + kA + ",北京大学,"));
  CHECK(contains(r.out, "pending,待审核"));
  CHECK(contains(r.err, "registration R1 (已签纸质就业协议登记, 待审核)"));
  CHECK(w.events("registration.submit") == 1);

  auto show = w.run({"--format", "table", "register", "show", "1"});
  REQUIRE(show.exit_code == 0);
  CHECK(contains(show.out, "39 其他企业"));
  CHECK(contains(show.out, "13 工程技术人员"));
  CHECK(contains(show.out, "file.scan"));
  CHECK(contains(show.out, "盖章协议.jpg"));
  CHECK_FALSE(contains(show.out, kA));  // masked in tables
  auto unmasked = w.run({"--format", "table", "register", "show", "1", "--unmask"});
  CHECK(contains(unmasked.out, kA));
  CHECK(w.events("pii.unmask") == 1);
  auto csv = w.run({"--format", "csv", "register", "show", "1"});
  CHECK(contains(csv.out, "\nkind_name,"));  // the stable key alone, the label in tables
  CHECK_FALSE(contains(csv.out, "登记类型"));

  auto list = w.run({"--format", "table", "register", "list", "--kind", "paper"});
  REQUIRE(list.exit_code == 0);
  CHECK(contains(list.out, "已签纸质就业协议登记"));
  CHECK_FALSE(contains(list.out, kA));
  auto json = w.run({"--format", "json", "register", "list", "--school", "北京大学", "--state",
                     "pending", "--graduate", kA});
  auto j = nlohmann::json::parse(json.out);
  REQUIRE(j.size() == 1);
  CHECK(j[0]["registration_id"] == 1);
  CHECK(j[0]["id_number"] == kA);
  CHECK(j[0]["unit"] == "北京示例科技有限公司");
  CHECK(nlohmann::json::parse(
            w.run({"--format", "json", "register", "list", "--school", "清华大学"}).out)
            .empty());
  CHECK(w.run({"register", "list", "--kind", "online"}).exit_code == 2);
  CHECK(w.run({"register", "list", "--state", "done"}).exit_code == 2);
  CHECK(w.run({"register", "list", "--school", "火星大学"}).exit_code == 2);
  CHECK(w.run({"register", "show", "99"}).exit_code == 2);
  CHECK(w.run({"register", "approve", "99"}).exit_code == 2);
}

TEST_CASE("cli register: a 定向 graduate files only the 定向/委培 supplement", "[cli][register]") {
  World w;
  auto before = w.snapshot();
  auto r = w.paper(kD);
  CHECK(r.exit_code == 5);
  CHECK(contains(r.err, "定向"));
  CHECK(contains(r.err, "register targeted"));
  CHECK(w.offline(kD).exit_code == 5);
  CHECK(w.destination(kD, {"--code", "76"}).exit_code == 5);
  CHECK(w.snapshot() == before);
  auto t = w.run({"register", "targeted", "--graduate", kD, "--unit", "新疆某县人民医院"});
  INFO(t.err);
  CHECK(t.exit_code == 0);
  auto other = w.run({"register", "targeted", "--graduate", kB, "--unit", "某单位"});
  CHECK(other.exit_code == 5);
  CHECK(contains(other.err, "非定向"));
}

TEST_CASE("cli register: one live destination, in both directions", "[cli][register]") {
  World w;
  SECTION("an invitation awaiting review, then signed, refuses a registration") {
    REQUIRE(w.issue(kA).exit_code == 0);
    REQUIRE(w.run({"invite", "respond", "1", "--accept"}).exit_code == 0);
    auto r = w.paper(kA);
    CHECK(r.exit_code == 5);
    CHECK(contains(r.err, "invitation 1 (学生已应约提交审核中)"));
    CHECK(contains(r.err, "the graduate aborts it (invite abort 1, 中止签约)"));
    REQUIRE(w.run({"review", "approve", "1"}).exit_code == 0);
    auto d = w.destination(kA, {"--code", "76"});
    CHECK(d.exit_code == 5);
    CHECK(contains(d.err, "invitation 1 (已签约)"));
    CHECK(contains(d.err, "the school voids it (void 1)"));
    CHECK(w.count("SELECT count(*) FROM registrations") == 0);
  }
  SECTION("a pending, then approved registration makes invitations view-only") {
    REQUIRE(w.issue(kA).exit_code == 0);  // invitation 1, awaiting the graduate
    REQUIRE(w.paper(kA).exit_code == 0);  // registration R1
    auto acc = w.run({"invite", "respond", "1", "--accept"});
    CHECK(acc.exit_code == 5);
    CHECK(contains(acc.err, "registration R1 (已签纸质就业协议登记, 待审核)"));
    CHECK(contains(acc.err, "the graduate voids it (register void 1)"));
    REQUIRE(w.run({"register", "approve", "1"}).exit_code == 0);
    acc = w.run({"invite", "respond", "1", "--accept"});
    CHECK(acc.exit_code == 5);
    CHECK(contains(acc.err, "registration R1 (已签纸质就业协议登记, 审核通过)"));
    CHECK(contains(acc.err, "it ends by an offline termination (terminate offline)"));
    CHECK(w.text("SELECT state FROM invitations WHERE id = 1") == "awaiting_graduate");
    // A second registration too.
    auto second = w.destination(kA, {"--code", "76"});
    CHECK(second.exit_code == 5);
    CHECK(contains(second.err, "registration R1"));
  }
}

TEST_CASE("cli register: the refusal's way out of a live destination works", "[cli][register]") {
  World w;
  SECTION("a returned registration: the graduate voids it") {
    REQUIRE(w.paper(kA).exit_code == 0);
    REQUIRE(w.run({"register", "return", "1", "--reason", "扫描件不清晰"}).exit_code == 0);
    auto r = w.destination(kA, {"--code", "76"});
    CHECK(r.exit_code == 5);
    CHECK(contains(r.err, "register void 1"));
    REQUIRE(w.run({"register", "void", "1"}).exit_code == 0);
    CHECK(w.destination(kA, {"--code", "76"}).exit_code == 0);
  }
  SECTION("an invitation awaiting review: the graduate aborts it") {
    REQUIRE(w.issue(kA).exit_code == 0);
    REQUIRE(w.run({"invite", "respond", "1", "--accept"}).exit_code == 0);
    REQUIRE(w.destination(kA, {"--code", "76"}).exit_code == 5);
    REQUIRE(w.run({"invite", "abort", "1"}).exit_code == 0);
    CHECK(w.destination(kA, {"--code", "76"}).exit_code == 0);
  }
}

TEST_CASE("cli register: return then resubmit, withdraw then resubmit", "[cli][register]") {
  World w;
  REQUIRE(w.paper(kA).exit_code == 0);
  // The school returns it with a reason.
  CHECK(w.run({"register", "return", "1"}).exit_code == 2);  // --reason is required
  CHECK(w.run({"register", "return", "1", "--reason", " "}).exit_code == 3);
  auto ret =
      w.run({"--actor", "北京大学就业中心", "register", "return", "1", "--reason", "扫描件不清晰"});
  INFO(ret.err);
  REQUIRE(ret.exit_code == 0);
  CHECK(w.state(1) == "returned");
  CHECK(w.outbox("registration_return") == 1);
  CHECK(w.text("SELECT reviewed_by FROM registrations WHERE id = 1") == "北京大学就业中心");
  CHECK(w.run({"register", "approve", "1"}).exit_code == 5);  // back with the graduate
  // The graduate resubmits with a new scan and a changed field.
  auto re = w.run({"register", "resubmit", "1", "--scan", w.png, "--position", "高级软件工程师"});
  INFO(re.err);
  REQUIRE(re.exit_code == 0);
  CHECK(w.state(1) == "pending");
  auto e = w.last_event("registration.resubmit");
  CHECK(e["changes"]["position"]["new"] == "高级软件工程师");
  CHECK(e["files"]["scan"]["new"][0]["name"] == "录取通知书.png");
  CHECK(w.count("SELECT count(*) FROM registration_files WHERE registration_id = 1") == 1);
  // 撤回修改, then resubmit unchanged.
  auto wd = w.run({"register", "withdraw", "1"});
  REQUIRE(wd.exit_code == 0);
  CHECK(w.state(1) == "returned");
  CHECK(w.run({"register", "withdraw", "1"}).exit_code == 5);
  REQUIRE(w.run({"register", "resubmit", "1"}).exit_code == 0);
  CHECK(w.state(1) == "pending");
  CHECK(w.run({"register", "resubmit", "1"}).exit_code == 5);  // only a returned one
  // Every transition wrote its event; the school's decision its notification.
  CHECK(w.events("registration.submit") == 1);
  CHECK(w.events("registration.return") == 1);
  CHECK(w.events("registration.resubmit") == 2);
  CHECK(w.events("registration.withdraw") == 1);
  auto h = w.run({"--format", "csv", "register", "history", "1"});
  REQUIRE(h.exit_code == 0);
  CHECK(contains(h.out, "registration.withdraw"));
  CHECK(contains(h.out, "扫描件不清晰"));
  auto unknown = w.run({"register", "history", "99"});
  CHECK(unknown.exit_code == 2);
  CHECK(contains(unknown.err, "registration not found: R99"));  // as register show names it
}

TEST_CASE("cli register: rejected is final, and a new registration is allowed", "[cli][register]") {
  World w;
  REQUIRE(w.paper(kA).exit_code == 0);
  CHECK(w.run({"register", "reject", "1", "--reason", ""}).exit_code == 3);
  auto r = w.run({"register", "reject", "1", "--reason", "协议非本人签署"});
  REQUIRE(r.exit_code == 0);
  CHECK(w.state(1) == "rejected");
  CHECK(w.outbox("registration_reject") == 1);
  CHECK(w.last_event("registration.reject")["reason"] == "协议非本人签署");
  CHECK(w.run({"register", "resubmit", "1"}).exit_code == 5);
  CHECK(w.run({"register", "void", "1"}).exit_code == 5);
  auto again = w.paper(kA);
  INFO(again.err);
  CHECK(again.exit_code == 0);
  CHECK(w.state(2) == "pending");
}

TEST_CASE("cli register destination: the school approves it as another code", "[cli][register]") {
  World w;
  auto r = w.destination(kA, {"--code", "待就业"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(contains(r.out, ",70,待就业,"));
  auto before = w.snapshot();
  CHECK(w.run({"register", "approve", "1", "--code", "考研"}).exit_code == 3);  // no school
  CHECK(w.run({"register", "approve", "1", "--code", "10"}).exit_code == 3);
  CHECK(w.snapshot() == before);
  auto a = w.run({"--format", "csv", "register", "approve", "1", "--code", "考研", "--study-school",
                  "武汉大学"});
  INFO(a.err);
  REQUIRE(a.exit_code == 0);
  CHECK(contains(a.out, ",80,境内升学,考研,武汉大学,approved,审核通过,"));
  auto e = w.last_event("registration.approve");
  CHECK(e["from"] == "pending");
  CHECK(e["to"] == "approved");
  CHECK(e["destination"]["old"] == "70");
  CHECK(e["destination"]["new"] == "80");
  CHECK(e["subtype"]["new"] == "考研");
  CHECK(w.outbox("registration_approve") == 1);
  // The graduate's message says the school changed it, and what.
  auto payload = nlohmann::json::parse(
      w.text("SELECT payload FROM outbox WHERE template = 'registration_approve'"));
  CHECK(payload["changed_by_school"] == true);
  CHECK(payload["destination"]["old"] == "70");
  CHECK(payload["destination"]["new"] == "80");
  CHECK(payload["changes"]["study_school"]["new"] == "武汉大学");
}

TEST_CASE("cli register destination: the codes' fields and proofs", "[cli][register]") {
  World w;
  auto ten = w.destination(kA, {"--code", "10", "--unit", "x", "--proof", w.png});
  CHECK(ten.exit_code == 3);
  CHECK(contains(ten.err, "公招接收函"));
  auto no_school = w.destination(kA, {"--code", "考研", "--proof", w.png});
  CHECK(no_school.exit_code == 3);
  CHECK(contains(no_school.err, "--study-school"));
  auto no_proof = w.destination(kA, {"--code", "11", "--unit", "某公司"});
  CHECK(no_proof.exit_code == 3);
  CHECK(contains(no_proof.err, "--proof"));
  auto wrong = w.destination(kA, {"--code", "76", "--company", "x"});
  CHECK(wrong.exit_code == 3);
  CHECK(contains(wrong.err, "does not apply"));
  CHECK(w.count("SELECT count(*) FROM registrations") == 0);
  CHECK(w.count("SELECT count(*) FROM files") == 0);
  auto ok = w.destination(kA, {"--code", "出国出境深造", "--country", "英国", "--study-school",
                               "University of Oxford", "--proof", w.png, "--note", "硕士"});
  INFO(ok.err);
  CHECK(ok.exit_code == 0);
  CHECK(contains(ok.out, ",85,境外留学,出国出境深造,University of Oxford,pending,"));
}

TEST_CASE("cli register void: an approved destination, then free to move on", "[cli][register]") {
  World w;
  REQUIRE(w.destination(kA, {"--code", "西部计划", "--unit", "西部计划项目办", "--proof", w.png})
              .exit_code == 0);
  REQUIRE(w.run({"register", "approve", "1"}).exit_code == 0);
  // Approved as filed: nothing changed by the school.
  CHECK(nlohmann::json::parse(
            w.text("SELECT payload FROM outbox WHERE template = 'registration_approve'"))
            ["changed_by_school"] == false);
  REQUIRE(w.issue(kA).exit_code == 0);  // invitation 1
  CHECK(w.run({"invite", "respond", "1", "--accept"}).exit_code == 5);
  auto v = w.run({"register", "void", "1", "--reason", "签约"});
  INFO(v.err);
  REQUIRE(v.exit_code == 0);
  CHECK(w.state(1) == "voided");
  auto e = w.last_event("registration.void");
  CHECK(e["from"] == "approved");
  CHECK(e["to"] == "voided");
  CHECK(w.run({"register", "void", "1"}).exit_code == 5);
  SECTION("signing online") {
    auto acc = w.run({"invite", "respond", "1", "--accept"});
    INFO(acc.err);
    CHECK(acc.exit_code == 0);
  }
  SECTION("a new destination") {
    auto d = w.destination(kA, {"--code", "76"});
    INFO(d.err);
    CHECK(d.exit_code == 0);
  }
  // The school sees the void in the history.
  auto h = w.run({"--format", "csv", "register", "history", "1"});
  CHECK(contains(h.out, "registration.void"));
}

TEST_CASE("cli register void: an approved paper agreement is ended by termination",
          "[cli][register]") {
  World w;
  REQUIRE(w.paper(kA).exit_code == 0);
  auto a = w.run({"register", "approve", "1"});
  REQUIRE(a.exit_code == 0);
  CHECK(contains(a.err, "协议编号 20261000131000001"));
  auto before = w.snapshot();
  auto v = w.run({"register", "void", "1"});
  CHECK(v.exit_code == 5);
  CHECK(contains(v.err, "terminate offline"));
  CHECK(w.snapshot() == before);
  // An unfinished one the graduate may cancel.
  REQUIRE(w.paper(kB).exit_code == 0);
  CHECK(w.run({"register", "void", "2"}).exit_code == 0);
  CHECK(w.state(2) == "voided");
}

TEST_CASE("cli register offline-agreement: content review, stamped scan, scan review",
          "[cli][register]") {
  World w;
  auto r = w.offline(kA);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(w.run({"register", "upload-scan", "1", "--scan", w.jpg}).exit_code == 5);
  auto content = w.run({"register", "approve", "1"});
  REQUIRE(content.exit_code == 0);
  CHECK(w.state(1) == "awaiting_scan");
  CHECK(w.text("SELECT coalesce(agreement_no, '') FROM registrations") == "");
  CHECK(w.run({"register", "withdraw", "1"}).exit_code == 5);
  auto up = w.run({"register", "upload-scan", "1", "--scan", w.jpg});
  INFO(up.err);
  REQUIRE(up.exit_code == 0);
  CHECK(w.state(1) == "scan_review");
  CHECK(w.count("SELECT count(*) FROM registration_files WHERE role = 'stamped_scan'") == 1);
  REQUIRE(w.run({"register", "return", "1", "--reason", "缺少单位盖章"}).exit_code == 0);
  CHECK(w.state(1) == "awaiting_scan");
  REQUIRE(w.run({"register", "upload-scan", "1", "--scan", w.png}).exit_code == 0);
  auto done = w.run({"--format", "json", "register", "approve", "1"});
  INFO(done.err);
  REQUIRE(done.exit_code == 0);
  auto j = nlohmann::json::parse(done.out);
  CHECK(j[0]["state"] == "approved");
  CHECK(j[0]["agreement_no"] == "20261000131000001");
  CHECK(w.run({"register", "void", "1"}).exit_code == 5);
  // One event per transition; a notification for each school decision.
  CHECK(w.count("SELECT count(*) FROM events WHERE subject_type = 'registration'") == 6);
  CHECK(w.events("registration.upload_scan") == 2);
  CHECK(w.outbox("registration_approve") == 2);
  CHECK(w.outbox("registration_return") == 1);
  // The dashboard counts it as an approved offline agreement.
  auto stats = nlohmann::json::parse(w.run({"--format", "json", "stats"}).out);
  bool found = false;
  for (const auto& row : stats) {
    if (row["state"] == "registration.offline.approved") {
      found = true;
      CHECK(row["count"] == 1);
      CHECK(row["list"] == "线下签约");
      CHECK(row["state_name"] == "审核通过");
    }
  }
  CHECK(found);

  // An approved offline agreement ends as a paper one does: 线下解约 with the school's review.
  auto t = w.run({"--format", "csv", "terminate", "offline", "--graduate", kA, "--reason", "01",
                  "--note", "双方协商一致", "--letter", w.png});
  INFO(t.err);
  REQUIRE(t.exit_code == 0);
  CHECK(contains(t.out, "1,offline,,1,20261000131000001,"));
  CHECK(w.text("SELECT phase FROM terminations") == "awaiting_review");
  CHECK(w.state(1) == "approved");  // in force until the school approves the termination
  REQUIRE(w.run({"terminate", "approve", "1"}).exit_code == 0);
  CHECK(w.state(1) == "terminated");
  CHECK(w.events("registration.terminate") == 1);
  // Terminated, it can be neither voided nor terminated again.
  CHECK(w.run({"register", "void", "1"}).exit_code == 5);
  CHECK(w.run({"terminate", "offline", "--graduate", kA, "--reason", "01", "--note", "again",
               "--letter", w.png})
            .exit_code == 5);
}

TEST_CASE("cli register: a scan that is not JPEG or PNG is refused, naming the file",
          "[cli][register]") {
  World w;
  auto pdf = (w.dir / "协议.png").string();
  testkit::write_file(pdf, "%PDF-1.4\n%\xE2\xE3\xCF\xD3\n1 0 obj\n<<>>\nendobj\n");
  auto before = w.snapshot();
  auto r =
      w.run({"register", "paper", "--graduate", kA, "--employer-name", "甲", "--credit-code", kV,
             "--nature", "39", "--job-category", "13", "--position", "x", "--scan", w.jpg, pdf});
  CHECK(r.exit_code == 3);
  CHECK(contains(r.err, "协议.png: not a JPEG or PNG image (it is a PDF document)"));
  CHECK(w.snapshot() == before);
  auto missing = w.run({"register", "paper", "--graduate", kA, "--employer-name", "甲",
                        "--credit-code", kV, "--nature", "39", "--job-category", "13", "--position",
                        "x", "--scan", (w.dir / "none.jpg").string()});
  CHECK(missing.exit_code == 8);
  CHECK(contains(missing.err, "none.jpg"));
  auto bad_code = w.run({"register", "paper", "--graduate", kA, "--employer-name", "甲",
                         "--credit-code", "91110000600037341N", "--nature", "39", "--job-category",
                         "13", "--position", "x", "--scan", w.jpg});
  CHECK(bad_code.exit_code == 3);
  CHECK(contains(bad_code.err, "统一社会信用代码"));
  CHECK(w.snapshot() == before);
}

TEST_CASE("cli student correct: a new name makes a pending registration invalid",
          "[cli][register][invalid]") {
  World w;
  REQUIRE(w.paper(kA).exit_code == 0);                          // R1, pending
  REQUIRE(w.offline(kB).exit_code == 0);                        // R2
  REQUIRE(w.run({"register", "approve", "2"}).exit_code == 0);  // awaiting its scan
  auto r = w.run({"student", "correct", kA, "--name", "张叁", "--reason", "姓名录入错误"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(contains(r.err, "1 favourite, 0 invitations and 1 registration made invalid (失效)"));
  CHECK(w.state(1) == "invalid");
  CHECK(w.events("registration.invalidate") == 1);
  CHECK(w.outbox("registration_invalidate") == 1);
  CHECK(w.run({"register", "resubmit", "1"}).exit_code == 5);
  // Invalid is not live: the graduate files again.
  CHECK(w.paper(kA).exit_code == 0);
  // Removal too, in the CSV columns.
  auto rm = w.run({"--format", "csv", "student", "remove", kB, "--reason", "重复录入"});
  REQUIRE(rm.exit_code == 0);
  CHECK(
      contains(rm.out, "invalidated_favorites,invalidated_invitations,invalidated_registrations"));
  CHECK(contains(rm.err, "0 favourites, 0 invitations and 1 registration made invalid"));
  CHECK(w.state(2) == "invalid");
  // An approved registration stays.
  REQUIRE(w.run({"register", "approve", "3"}).exit_code == 0);
  auto again = w.run({"student", "correct", kA, "--name", "张三", "--reason", "改回"});
  REQUIRE(again.exit_code == 0);
  CHECK_FALSE(contains(again.err, "registration"));
  CHECK(w.state(3) == "approved");
}

TEST_CASE("cli register approve: a new sub-type of the same code reaches the graduate's message",
          "[cli][register]") {
  World w;
  REQUIRE(w.destination(kA, {"--code", "西部计划", "--unit", "西部计划项目办", "--proof", w.png})
              .exit_code == 0);
  auto a = w.run({"register", "approve", "1", "--code", "三支一扶"});
  INFO(a.err);
  REQUIRE(a.exit_code == 0);
  auto payload = nlohmann::json::parse(
      w.text("SELECT payload FROM outbox WHERE template = 'registration_approve'"));
  CHECK(payload["changed_by_school"] == true);
  CHECK(payload["destination"]["new"] == "50");
  CHECK(payload["subtype"]["old"] == "西部计划");
  CHECK(payload["subtype"]["new"] == "三支一扶");
}
