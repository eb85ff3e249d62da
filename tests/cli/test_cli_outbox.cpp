// End-to-end: outbox, history and stats on temporary databases.
#include <SQLiteCpp/SQLiteCpp.h>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "ncss/identity.hpp"
#include "testkit.hpp"

using testkit::run_ncssctl;
using testkit::TempDir;

namespace {

struct Office {
  TempDir dir;
  std::string db = (dir / "ncss.db").string();
  Office() { REQUIRE(run_ncssctl({"--db", db, "init"}).exit_code == 0); }
  testkit::RunResult run(std::vector<std::string> args) {
    args.insert(args.begin(), {"--db", db, "--now", "2026-05-20T09:00:00+08:00"});
    return run_ncssctl(args);
  }
  void sql(const std::string& text) {
    SQLite::Database raw(db, SQLite::OPEN_READWRITE);
    raw.exec(text);
  }
  int count(const std::string& query) {
    SQLite::Database raw(db, SQLite::OPEN_READONLY);
    return raw.execAndGet(query).getInt();
  }
};

const std::string kId = [] {
  std::string first17 = "11010520030115001";
  return first17 + ncss::resident_id_check_char(first17);
}();

// A graduate whose record changed: two imports leave one update event and one notification.
void graduate_with_history(Office& o) {
  auto roster = (o.dir / "r.csv").string();
  testkit::write_file(
      roster, "学生姓名,身份证号,毕业院校,届别,专业\n张三," + kId + ",北京大学,2026,法学\n");
  REQUIRE(o.run({"student", "import", roster}).exit_code == 0);
  testkit::write_file(
      roster, "学生姓名,身份证号,毕业院校,届别,专业\n张三," + kId + ",北京大学,2026,法律\n");
  REQUIRE(o.run({"student", "import", roster}).exit_code == 0);
}

}  // namespace

TEST_CASE("cli outbox: export --mark-sent hands each message out once", "[cli][outbox]") {
  Office o;
  graduate_with_history(o);
  REQUIRE(o.count("SELECT count(*) FROM outbox WHERE status = 'pending'") == 1);
  auto r = o.run({"outbox", "list", "--format", "json"});
  CHECK(r.exit_code == 0);
  CHECK(nlohmann::json::parse(r.out).size() == 1);
  // Without --mark-sent nothing changes.
  r = o.run({"outbox", "export", "--format", "json"});
  CHECK(nlohmann::json::parse(r.out).size() == 1);
  CHECK(o.count("SELECT count(*) FROM outbox WHERE status = 'pending'") == 1);
  r = o.run({"outbox", "export", "--mark-sent", "--format", "json"});
  auto j = nlohmann::json::parse(r.out);
  REQUIRE(j.size() == 1);
  CHECK(j[0]["template"] == "graduate_record_changed");
  CHECK(j[0]["recipient_id"] == kId);
  CHECK(j[0]["status"] == "sent");
  r = o.run({"outbox", "export", "--mark-sent", "--format", "json"});
  CHECK(nlohmann::json::parse(r.out).empty());
  r = o.run({"outbox", "list", "--status", "sent", "--format", "json"});
  CHECK(nlohmann::json::parse(r.out).size() == 1);
  r = o.run({"outbox", "list", "--status", "lost"});
  CHECK(r.exit_code == 2);
}

TEST_CASE("cli outbox: export --mark-sent marks nothing when standard output fails",
          "[cli][outbox][stdout]") {
  Office o;
  graduate_with_history(o);
  REQUIRE(o.count("SELECT count(*) FROM outbox WHERE status = 'pending'") == 1);
  const std::string ncssctl = std::string(NCSSCTL_BINARY) + " --db '" + o.db + "' ";
  // A full disk, then standard output closed: exit 8 naming the reason, every message pending.
  auto full = testkit::run_shell(ncssctl + "outbox export --mark-sent 2>&1 >/dev/full; echo $?");
  CHECK(testkit::contains(full.text, "cannot write standard output: No space left on device\n8\n"));
  auto closed = testkit::run_shell(ncssctl + "outbox export --mark-sent 2>&1 >&-; echo $?");
  CHECK(testkit::contains(closed.text, "cannot write standard output: Bad file descriptor\n8\n"));
  CHECK(o.count("SELECT count(*) FROM outbox WHERE status = 'pending'") == 1);
  CHECK(o.count("SELECT count(*) FROM events WHERE action = 'outbox.sent'") == 0);
  // Any command: a listing to a full disk is exit 8, not 0.
  auto list = testkit::run_shell(ncssctl + "outbox list --status all 2>&1 >/dev/full; echo $?");
  CHECK(testkit::contains(list.text, "cannot write standard output: No space left on device\n8\n"));
  auto help = testkit::run_shell(ncssctl + "outbox --help >/dev/full 2>/dev/null; echo $?");
  CHECK(help.text == "8\n");
  // Nothing was committed by any of these: no word of committed changes.
  for (const auto* run : {&full, &closed, &list}) CHECK(!testkit::contains(run->text, "committed"));
  // Delivered: marked.
  auto ok = testkit::run_shell(ncssctl + "outbox export --mark-sent --format jsonl; echo $?");
  CHECK(testkit::contains(ok.text, "\"sent\""));
  CHECK(testkit::contains(ok.text, "\n0\n"));
  CHECK(o.count("SELECT count(*) FROM outbox WHERE status = 'pending'") == 0);
}

TEST_CASE("cli history: a graduate's trail, exactly one subject is required", "[cli][history]") {
  Office o;
  graduate_with_history(o);
  auto r = o.run({"history", "--graduate", kId, "--format", "json"});
  CHECK(r.exit_code == 0);
  auto j = nlohmann::json::parse(r.out);
  REQUIRE(j.size() == 1);
  CHECK(j[0]["action"] == "graduate.update");
  CHECK(j[0]["at"] == "2026-05-20T01:00:00Z");
  CHECK(nlohmann::json::parse(j[0]["details"].get<std::string>())["changes"]["major"]["new"] ==
        "法律");
  r = o.run({"history", "--graduate", kId, "--format", "table"});
  CHECK(r.out.find("2026-05-20 09:00:00 +08:00") != std::string::npos);
  CHECK(o.run({"history"}).exit_code == 2);
  CHECK(o.run({"history", "7", "--graduate", kId}).exit_code == 2);
  CHECK(o.run({"history", "999"}).exit_code == 2);
  CHECK(o.run({"history", "--employer", "91110108749352307A"}).exit_code == 2);
  CHECK(o.run({"history", "--graduate", "110105200001010000"}).exit_code == 2);
}

TEST_CASE("cli stats: graduates and every state, zeros included", "[cli][stats]") {
  Office o;
  graduate_with_history(o);
  o.sql(testkit::employers_sql({{"91110108749352307A", "示例"}}));
  o.sql(
      "INSERT INTO invitations (employer_code, graduate_id, job_category, position, valid_days, "
      "issued_at, deadline, updated_at) VALUES ('91110108749352307A', 1, '13', '工程师', 7, 'x', "
      "'2026-05-27T01:00:00Z', 'x');");
  auto r = o.run({"stats", "--format", "json"});
  CHECK(r.exit_code == 0);
  auto j = nlohmann::json::parse(r.out);
  // Then registrations per kind and state (test_cli_register) and terminations per mode and
  // phase: online 4, offline 4.
  REQUIRE(j.size() == 9 + 28 + 8);
  CHECK(j[9 + 28]["state"] == "termination.online.awaiting_party");
  CHECK(j[9 + 28]["list"] == "解约中");
  CHECK(j[9 + 28 + 7]["state"] == "termination.offline.failed");
  CHECK(j[0]["state"] == "graduates");
  CHECK(j[0]["count"] == 1);
  CHECK(j[1]["state"] == "awaiting_graduate");
  CHECK(j[1]["state_name"] == "等待学生应约");
  CHECK(j[1]["count"] == 1);
  CHECK(j[3]["count"] == 0);
  r = o.run({"stats", "--school", "清华大学", "--format", "json"});
  j = nlohmann::json::parse(r.out);
  CHECK(j[0]["count"] == 0);
  CHECK(j[1]["count"] == 0);
  CHECK(o.run({"stats", "--school", "火星大学"}).exit_code == 2);
}

TEST_CASE("cli history and outbox: tables mask ID numbers and phones unless --unmask",
          "[cli][history][outbox]") {
  Office o;
  auto roster = (o.dir / "p.csv").string();
  testkit::write_file(roster, "学生姓名,身份证号,毕业院校,届别,手机号码\n张三," + kId +
                                  ",北京大学,2026,13800000001\n");
  REQUIRE(o.run({"student", "import", roster}).exit_code == 0);
  testkit::write_file(roster, "学生姓名,身份证号,毕业院校,届别,手机号码\n张三," + kId +
                                  ",北京大学,2026,13900000002\n");
  REQUIRE(o.run({"student", "import", roster}).exit_code == 0);
  const std::string masked_id = ncss::mask_resident_id(kId);

  auto table = o.run({"history", "--graduate", kId, "--format", "table"});
  CHECK(table.exit_code == 0);
  CHECK(table.out.find(kId) == std::string::npos);
  CHECK(table.out.find("13800000001") == std::string::npos);
  CHECK(table.out.find("13900000002") == std::string::npos);
  CHECK(table.out.find(masked_id) != std::string::npos);  // the subject
  CHECK(table.out.find("\"old\":\"138****0001\"") != std::string::npos);
  CHECK(table.out.find("\"new\":\"139****0002\"") != std::string::npos);
  // Scripts get the record as stored; --unmask shows it in the table and is recorded.
  auto json = o.run({"history", "--graduate", kId, "--format", "json"});
  CHECK(json.out.find("13800000001") != std::string::npos);
  CHECK(o.count("SELECT count(*) FROM events WHERE action = 'pii.unmask'") == 0);
  auto unmasked = o.run({"history", "--graduate", kId, "--format", "table", "--unmask"});
  CHECK(unmasked.out.find("13800000001") != std::string::npos);
  CHECK(o.count("SELECT count(*) FROM events WHERE action = 'pii.unmask'") == 1);

  auto outbox = o.run({"outbox", "list", "--format", "table"});
  CHECK(outbox.out.find(masked_id) != std::string::npos);
  CHECK(outbox.out.find(kId) == std::string::npos);
  CHECK(outbox.out.find("2026-05-20 09:00:00 +08:00") != std::string::npos);  // not UTC
  auto exported = o.run({"outbox", "export", "--format", "table"});
  CHECK(exported.out.find(kId) == std::string::npos);
  auto csv = o.run({"outbox", "list", "--format", "csv"});
  CHECK(csv.out.find(kId) != std::string::npos);  // what a gateway reads
  CHECK(o.run({"outbox", "list", "--format", "table", "--unmask"}).out.find(kId) !=
        std::string::npos);
}

TEST_CASE("cli stdout: a write command whose output is lost says its changes were committed",
          "[cli][stdout]") {
  Office o;
  graduate_with_history(o);
  const std::string ncssctl = std::string(NCSSCTL_BINARY) + " --db '" + o.db + "' ";
  const auto events = o.count("SELECT count(*) FROM events");
  auto added = testkit::run_shell(ncssctl +
                                  "school add --code 99901 --name 测试学院 --level 本科 "
                                  "--format csv 2>&1 >/dev/full; echo $?");
  CHECK(testkit::contains(added.text, "cannot write standard output: No space left on device\n"));
  CHECK(testkit::contains(added.text,
                          "note: the command's changes to the database were committed "
                          "before its output was lost"));
  CHECK(testkit::contains(added.text, "\n8\n"));
  CHECK(o.count("SELECT count(*) FROM schools WHERE code = '99901'") == 1);
  CHECK(o.count("SELECT count(*) FROM events") > events);
  // A dry run commits nothing, and says nothing of it; the same import for real does.
  auto roster = (o.dir / "new.csv").string();
  const std::string first17 = "44030420021230002";
  testkit::write_file(roster, "学生姓名,身份证号,毕业院校,届别\n李四," + first17 +
                                  ncss::resident_id_check_char(first17) + ",清华大学,2026\n");
  const auto before = o.count("SELECT count(*) FROM events");
  auto dry = testkit::run_shell(ncssctl + "student import --dry-run --format csv '" + roster +
                                "' 2>&1 >/dev/full; echo $?");
  CHECK(testkit::contains(dry.text, "cannot write standard output"));
  CHECK(!testkit::contains(dry.text, "committed"));
  CHECK(o.count("SELECT count(*) FROM events") == before);
  auto real = testkit::run_shell(ncssctl + "student import --format csv '" + roster +
                                 "' 2>&1 >/dev/full; echo $?");
  CHECK(testkit::contains(real.text, "note: the command's changes to the database were committed"));
  CHECK(o.count("SELECT count(*) FROM events") > before);
  // init makes its own store: creating the database is a committed change too; finding it made
  // is not.
  const std::string fresh = (o.dir / "fresh.db").string();
  const std::string init = std::string(NCSSCTL_BINARY) + " --db '" + fresh + "' init --format csv";
  auto created = testkit::run_shell(init + " 2>&1 >/dev/full; echo $?");
  CHECK(testkit::contains(created.text,
                          "note: the command's changes to the database were committed"));
  CHECK(testkit::contains(created.text, "\n8\n"));
  auto again = testkit::run_shell(init + " 2>&1 >/dev/full; echo $?");
  CHECK(!testkit::contains(again.text, "committed"));
}
