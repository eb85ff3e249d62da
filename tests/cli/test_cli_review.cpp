// End-to-end: ncssctl review list|approve|reject.
#include <SQLiteCpp/SQLiteCpp.h>

#include <catch2/catch.hpp>
#include <future>
#include <nlohmann/json.hpp>

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
const std::string kN = id("11010520030115003");

struct Review {
  TempDir dir;
  std::string db = (dir / "ncss.db").string();
  Review() {
    REQUIRE(run_ncssctl({"--db", db, "init"}).exit_code == 0);
    auto roster = dir / "r.csv";
    testkit::write_file(roster, "学生姓名,身份证号,毕业院校,院系,学历层次,届别\n张三," + kA +
                                    ",北京大学,法学院,本科,2026\n李四," + kB +
                                    ",北京大学,法学院,本科,2026\n赵六," + kN +
                                    ",北京大学,法学院,,2026\n");
    REQUIRE(run({"student", "import", roster.string()}).exit_code == 0);
    exec(testkit::employers_sql({{kV, "甲公司"}}));
    for (const auto& g : {kA, kB, kN}) {
      exec(
          "INSERT INTO invitations (employer_code, graduate_id, state, job_category, position, "
          "valid_days, issued_at, deadline, responded_at, updated_at) SELECT '" +
          kV +
          "', id, 'awaiting_review', '13', '研发', 7, '2026-05-18T01:00:00Z', "
          "'2026-05-25T01:00:00Z', '2026-05-19T01:00:00Z', 't' FROM graduates WHERE "
          "id_number = '" +
          g + "'");
    }
  }
  void exec(const std::string& sql) {
    SQLite::Database raw(db, SQLite::OPEN_READWRITE);
    raw.exec(sql);
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

TEST_CASE("cli review: list masked, approve with numbers, reject with a reason", "[cli][review]") {
  Review r;
  auto out = r.run({"review", "list", "--school", "北京大学", "--format", "table"});
  CHECK(out.exit_code == 0);
  CHECK(contains(out.out, ncss::mask_resident_id(kA)));
  CHECK_FALSE(contains(out.out, kA));
  out = r.run({"review", "list", "--format", "csv"});
  CHECK(contains(out.out, "invitation_id,id_number,name,school_code"));
  out = r.run({"review", "approve", "1", "--format", "csv"});
  CHECK(out.exit_code == 0);
  CHECK(contains(out.out, "1,20261000131000001"));
  out = r.run({"review", "reject", "2", "--reason", ""});
  CHECK(out.exit_code == 3);
  out = r.run({"review", "reject", "2"});
  CHECK(out.exit_code == 2);
  out = r.run({"review", "reject", "2", "--reason", "材料不全", "--format", "json"});
  CHECK(out.exit_code == 0);
  CHECK(nlohmann::json::parse(out.out) ==
        nlohmann::json::parse(R"([{"invitation_id": 2, "result": "rejected"}])"));
  CHECK(r.count("SELECT count(*) FROM invitations WHERE fail_reason = 'school_rejected'") == 1);
  out = r.run({"review", "approve", "2"});
  CHECK(out.exit_code == 5);
  CHECK(contains(out.err, "cannot"));
  out = r.run({"review", "approve", "3"});  // no 学历层次
  CHECK(out.exit_code == 5);
  CHECK(contains(out.err, "学历层次"));
  CHECK(r.count("SELECT count(*) FROM invitations WHERE state = 'signed'") == 1);
  CHECK(r.count("SELECT last FROM agreement_sequences") == 1);
}

TEST_CASE("cli review: approve --all with --dry-run writes nothing", "[cli][review]") {
  Review r;
  r.exec("UPDATE graduates SET degree_level = '31'");
  auto out = r.run({"review", "approve", "--all", "--school", "10001", "--dry-run"});
  CHECK(out.exit_code == 0);
  CHECK(contains(out.err, "3 would be approved"));
  CHECK(r.count("SELECT count(*) FROM invitations WHERE state = 'signed'") == 0);
  CHECK(r.count("SELECT count(*) FROM events WHERE action LIKE 'invitation.%'") == 0);
  out = r.run({"review", "approve", "--all"});
  CHECK(out.exit_code == 2);
  out = r.run({"review", "approve", "--all", "--school", "北京大学", "--cohort", "2026"});
  CHECK(out.exit_code == 0);
  CHECK(contains(out.err, "3 approved"));
  CHECK(r.count("SELECT count(DISTINCT agreement_no) FROM invitations WHERE state = 'signed'") ==
        3);
}

TEST_CASE("cli review: concurrent approvals get distinct numbers", "[cli][review]") {
  Review r;
  r.exec("UPDATE graduates SET degree_level = '31'");
  std::vector<std::future<testkit::RunResult>> runs;
  for (const char* i : {"1", "2", "3"}) {
    runs.push_back(std::async(std::launch::async, [&r, i] {
      return r.run({"review", "approve", i});
    }));
  }
  for (auto& f : runs) CHECK(f.get().exit_code == 0);
  CHECK(r.count("SELECT count(DISTINCT agreement_no) FROM invitations WHERE state = 'signed'") ==
        3);
  CHECK(r.count("SELECT count(*) FROM invitations WHERE agreement_no IN ('20261000131000001', "
                "'20261000131000002', '20261000131000003')") == 3);
}

TEST_CASE("cli review queue: signings by their invitation ID, as review approve takes them",
          "[cli][review]") {
  Review r;
  auto q = r.run({"--format", "csv", "review", "queue", "--kind", "signing"});
  INFO(q.err);
  REQUIRE(q.exit_code == 0);
  CHECK(contains(q.out, "\n1,signing,awaiting_review," + kA +
                            ",张三,10001,法学院,本科,2026,甲公司,2026-05-19T01:00:00Z\n"));
  CHECK(contains(q.out, "\n3,signing,awaiting_review," + kN + ",赵六,10001,法学院,,2026,"));
  // No registration waits: the header alone.
  CHECK(r.run({"--format", "csv", "review", "queue", "--kind", "registration"}).out ==
        q.out.substr(0, q.out.find('\n') + 1));
  REQUIRE(r.run({"review", "approve", "1"}).exit_code == 0);
  auto after = r.run({"--format", "csv", "review", "queue"});
  CHECK_FALSE(contains(after.out, "\n1,signing"));
  CHECK(contains(after.out, "\n2,signing"));
}
