// End-to-end: ncssctl sweep, as cron runs it.
#include <SQLiteCpp/SQLiteCpp.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <future>

#include "ncss/identity.hpp"
#include "testkit.hpp"

using testkit::run_ncssctl;
using testkit::TempDir;

namespace {

const auto id = testkit::resident_id;
using testkit::contains;

const std::string kV = "91110108749352307A";
const std::string kA = id("11010520030115001");
const std::string kB = id("44030420021230002");

struct Sweep {
  TempDir dir;
  std::string db = (dir / "ncss.db").string();
  Sweep() {
    REQUIRE(run_ncssctl({"--db", db, "init"}).exit_code == 0);
    auto roster = dir / "r.csv";
    testkit::write_file(roster, "学生姓名,身份证号,毕业院校,学历层次,届别\n张三," + kA +
                                    ",北京大学,本科,2026\n李四," + kB + ",北京大学,本科,2026\n");
    REQUIRE(run({"student", "import", roster.string()}).exit_code == 0);
    SQLite::Database raw(db, SQLite::OPEN_READWRITE);
    raw.exec(testkit::employers_sql({{kV, "甲公司"}}));
    // 张三: overdue at 2026-05-20; 李四: not yet.
    raw.exec(
        "INSERT INTO invitations (employer_code, graduate_id, job_category, position, "
        "valid_days, issued_at, deadline, updated_at) SELECT '" +
        kV +
        "', id, '13', '研发', 7, 't', CASE WHEN name = '张三' THEN '2026-05-19T00:00:00Z' "
        "ELSE '2026-05-21T00:00:00Z' END, 't' FROM graduates");
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

TEST_CASE("cli sweep: quiet for cron, idempotent, dry run writes nothing", "[cli][sweep]") {
  Sweep s;
  auto r = s.run({"sweep", "--dry-run", "--format", "json"});
  CHECK(r.exit_code == 0);
  CHECK(contains(r.out, "\"invitation_ids\":[1]"));
  // A dry run lists wherever its output goes; its table shows the deadline in +08:00.
  auto csv = s.run({"sweep", "--dry-run"});
  CHECK(contains(csv.out, "invitation_id,employer,deadline\n1,"));
  CHECK(contains(csv.out, "Z\n"));  // UTC for scripts
  auto table = s.run({"sweep", "--dry-run", "--format", "table"});
  CHECK(contains(table.out, "1 would expire"));
  CHECK(contains(table.out, " +08:00"));
  CHECK(!contains(table.out, "Z\n"));
  CHECK(s.count("SELECT count(*) FROM invitations WHERE state = 'failed'") == 0);
  r = s.run({"sweep", "--quiet"});  // stdout is not a terminal: silent
  CHECK(r.exit_code == 0);
  CHECK(r.out.empty());
  CHECK(r.err.empty());
  CHECK(s.count("SELECT count(*) FROM invitations WHERE state = 'failed' AND fail_reason = "
                "'expired'") == 1);
  CHECK(s.count("SELECT count(*) FROM events WHERE action = 'invitation.expire'") == 1);
  CHECK(s.count("SELECT count(*) FROM outbox") == 2);
  r = s.run({"sweep", "--format", "table"});
  CHECK(r.exit_code == 0);
  CHECK(contains(r.out, "0 expired"));
  r = run_ncssctl({"--db", s.db, "--now", "2026-05-22T09:00:00+08:00", "sweep", "--format", "csv"});
  CHECK(r.exit_code == 0);
  CHECK(contains(r.out, "invitation_id"));
  CHECK(contains(r.out, "2,"));
}

TEST_CASE("cli sweep: two sweeps at once expire each invitation once", "[cli][sweep]") {
  Sweep s;
  auto a = std::async(std::launch::async, [&] { return s.run({"sweep", "--format", "json"}); });
  auto b = std::async(std::launch::async, [&] { return s.run({"sweep", "--format", "json"}); });
  auto ra = a.get();
  auto rb = b.get();
  CHECK(ra.exit_code == 0);
  CHECK(rb.exit_code == 0);
  CHECK((contains(ra.out, "\"expired\":1") != contains(rb.out, "\"expired\":1")));
  CHECK(s.count("SELECT count(*) FROM events WHERE action = 'invitation.expire'") == 1);
  CHECK(s.count("SELECT count(*) FROM outbox") == 2);
}

TEST_CASE("cli sweep: beside another writer it waits for the lock instead of failing",
          "[cli][sweep]") {
  Sweep s;
  // Another command (an import, a review) holds the write lock for a second.
  SQLite::Database other(s.db, SQLite::OPEN_READWRITE);
  other.exec("BEGIN IMMEDIATE");
  other.exec("UPDATE graduates SET department = '信息学院'");
  auto sweep = std::async(std::launch::async, [&] { return s.run({"sweep", "--format", "json"}); });
  CHECK(sweep.wait_for(std::chrono::milliseconds(800)) == std::future_status::timeout);
  other.exec("COMMIT");
  auto r = sweep.get();
  INFO(r.err);
  CHECK(r.exit_code == 0);
  CHECK(contains(r.out, "\"expired\":1"));
  CHECK(s.count("SELECT count(*) FROM graduates WHERE department = '信息学院'") == 2);

  // With a wait shorter than the other writer's transaction it fails, as storage (7), having
  // written nothing.
  other.exec("BEGIN IMMEDIATE");
  auto late = run_ncssctl(
      {"--db", s.db, "--busy-timeout", "200", "--now", "2026-05-22T09:00:00+08:00", "sweep"});
  other.exec("ROLLBACK");
  CHECK(late.exit_code == 7);
  CHECK(contains(late.err, "locked"));
  CHECK(s.count("SELECT count(*) FROM invitations WHERE state = 'failed'") == 1);
}
