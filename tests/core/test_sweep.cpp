#include <SQLiteCpp/SQLiteCpp.h>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "fixtures.hpp"
#include "ncss/identity.hpp"
#include "ncss/roster.hpp"
#include "ncss/sweep.hpp"

namespace {

const auto id = testkit::resident_id;

const std::string kEmployer = "91110108749352307A";
const std::string kA = id("11010520030115001");
const std::string kB = id("44030420021230002");
const std::string kC = id("11010520030115003");

struct SweepFixture : testkit::StoreFixture {
  SweepFixture() {
    auto file = dir / "roster.csv";
    testkit::write_file(file, "学生姓名,身份证号,毕业院校,学历层次,届别\n张三," + kA +
                                  ",北京大学,本科,2026\n李四," + kB + ",北京大学,本科,2026\n王五," +
                                  kC + ",北京大学,本科,2026\n");
    REQUIRE(ncss::import_roster(store, file, {}, actor).added == 3);
    exec(testkit::employers_sql({{kEmployer, "甲公司"}}));
  }
  void exec(const std::string& sql) {
    SQLite::Database db(path.string(), SQLite::OPEN_READWRITE);
    db.exec(sql);
  }
  int count(const std::string& sql) {
    SQLite::Database db(path.string(), SQLite::OPEN_READONLY);
    return db.execAndGet(sql).getInt();
  }
  std::int64_t invite(const std::string& id_number, const std::string& state,
                      const std::string& deadline) {
    SQLite::Database db(path.string(), SQLite::OPEN_READWRITE);
    SQLite::Statement q(db,
                        "INSERT INTO invitations (employer_code, graduate_id, state, job_category, "
                        "position, valid_days, issued_at, deadline, updated_at) SELECT :e, id, "
                        ":state, '13', '研发', 7, '2026-05-10T01:00:00Z', :deadline, "
                        "'2026-05-10T01:00:00Z' FROM graduates WHERE id_number = :id");
    q.bind(":e", kEmployer);
    q.bind(":state", state);
    q.bind(":deadline", deadline);
    q.bind(":id", id_number);
    REQUIRE(q.exec() == 1);
    return db.getLastInsertRowid();
  }
  // The sweep with what its sink heard: the count first, then the invitations.
  struct Swept {
    ncss::SweepReport report;
    std::vector<std::int64_t> counts;
    std::vector<ncss::SweepItem> items;
  };
  Swept sweep(bool dry_run = false) {
    Swept s;
    ncss::SweepSink sink;
    sink.count = [&](std::int64_t n) {
      CHECK(s.items.empty());
      s.counts.push_back(n);
    };
    sink.item = [&](const ncss::SweepItem& i) { s.items.push_back(i); };
    s.report = ncss::sweep_expired(store, actor, dry_run, sink);
    CHECK(s.counts == std::vector<std::int64_t>{s.report.expired});
    CHECK(s.items.size() == static_cast<std::size_t>(s.report.expired));
    return s;
  }
};

}  // namespace

// The fixture's now is 2026-05-20T01:00:00Z.
TEST_CASE("sweep: reports in the order invitations fell due, then by id", "[sweep]") {
  SweepFixture f;
  auto late = f.invite(kA, "awaiting_graduate", "2026-05-19T03:00:00Z");
  auto early = f.invite(kB, "awaiting_graduate", "2026-05-18T01:00:00Z");
  auto tie = f.invite(kC, "awaiting_graduate", "2026-05-19T03:00:00Z");
  const std::vector<std::int64_t> order = {early, late, tie};
  auto ids = [](const std::vector<ncss::SweepItem>& items) {
    std::vector<std::int64_t> out;
    for (const auto& i : items) out.push_back(i.invitation_id);
    return out;
  };
  CHECK(ids(f.sweep(true).items) == order);
  auto r = f.sweep();
  CHECK(ids(r.items) == order);
  // The events were written in the same order.
  SQLite::Database db(f.path.string(), SQLite::OPEN_READONLY);
  SQLite::Statement q(db,
                      "SELECT CAST(subject_id AS INTEGER) FROM events WHERE action = "
                      "'invitation.expire' ORDER BY id");
  std::vector<std::int64_t> events;
  while (q.executeStep()) events.push_back(q.getColumn(0).getInt64());
  CHECK(events == order);
}

TEST_CASE("sweep: expires only overdue invitations awaiting the graduate", "[sweep]") {
  SweepFixture f;
  auto overdue = f.invite(kA, "awaiting_graduate", "2026-05-19T01:00:00Z");
  f.invite(kB, "awaiting_graduate", "2026-05-21T01:00:00Z");  // future
  f.invite(kC, "awaiting_review", "2026-05-17T01:00:00Z");    // accepted in time
  SECTION("dry run writes nothing") {
    auto r = f.sweep(true);
    REQUIRE(r.items.size() == 1);
    CHECK(r.items[0].invitation_id == overdue);
    CHECK(r.items[0].employer_code == kEmployer);
    CHECK(r.items[0].deadline == "2026-05-19T01:00:00Z");
    CHECK_FALSE(r.report.written);
    CHECK(f.count("SELECT count(*) FROM events WHERE action LIKE 'invitation.%'") == 0);
    CHECK(f.count("SELECT count(*) FROM invitations WHERE state = 'failed'") == 0);
  }
  SECTION("one event and two notifications per expiry; a second run finds none") {
    auto r = f.sweep();
    REQUIRE(r.items.size() == 1);
    CHECK(r.items[0].invitation_id == overdue);
    CHECK(r.items[0].employer_code == kEmployer);
    CHECK(r.items[0].deadline == "2026-05-19T01:00:00Z");
    CHECK(r.report.written);
    CHECK(f.count("SELECT count(*) FROM invitations WHERE state = 'failed' AND fail_reason = "
                  "'expired' AND id = " +
                  std::to_string(overdue)) == 1);
    CHECK(f.count("SELECT count(*) FROM invitations WHERE state = 'failed'") == 1);
    CHECK(f.count("SELECT count(*) FROM events WHERE action = 'invitation.expire' AND "
                  "subject_type = 'invitation' AND subject_id = '" +
                  std::to_string(overdue) +
                  "' AND json_extract(details, '$.from') = 'awaiting_graduate' AND "
                  "json_extract(details, '$.to') = 'failed' AND json_extract(details, "
                  "'$.reason') <> ''") == 1);
    CHECK(f.count("SELECT count(*) FROM outbox o JOIN events e ON e.id = o.event_id WHERE "
                  "(o.recipient_type = 'employer' AND o.recipient_id = '" +
                  kEmployer + "') OR (o.recipient_type = 'graduate' AND o.recipient_id = '" + kA +
                  "')") == 2);
    CHECK(f.count("SELECT count(*) FROM outbox") == 2);
    auto again = f.sweep();
    CHECK(again.report.expired == 0);
    CHECK_FALSE(again.report.written);
    CHECK(f.count("SELECT count(*) FROM events WHERE action LIKE 'invitation.%'") == 1);
    CHECK(f.count("SELECT count(*) FROM outbox") == 2);
  }
}
