#include <SQLiteCpp/SQLiteCpp.h>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "fixtures.hpp"
#include "ncss/employer.hpp"
#include "ncss/error.hpp"
#include "ncss/identity.hpp"
#include "ncss/review.hpp"
#include "ncss/roster.hpp"

namespace {

const auto id = testkit::resident_id;

const std::string kEmployer = "91110108749352307A";
const std::string kA = id("11010520030115001");
const std::string kB = id("44030420021230002");
const std::string kC = id("11010520030115003");
const std::string kNoDegree = id("11010520030115004");

struct ReviewFixture : testkit::StoreFixture {
  ReviewFixture() {
    auto file = dir / "roster.csv";
    testkit::write_file(file,
                        "学生姓名,身份证号,毕业院校,院系,学历层次,专业,届别\n"
                        "张三," +
                            kA +
                            ",北京大学,法学院,本科,法学,2026\n"
                            "李四," +
                            kB +
                            ",北京大学,法学院,本科,法学,2026\n"
                            "王五," +
                            kC +
                            ",北京大学,信息学院,硕士,软件工程,2026\n"
                            "赵六," +
                            kNoDegree + ",北京大学,法学院,,法学,2026\n");
    auto r = ncss::import_roster(store, file, {}, actor);
    REQUIRE(r.added == 4);
    exec(testkit::employers_sql(
        {{kEmployer, "甲公司", true, "北京市", "北京市", "中关村", "https://a.example"}}));
  }
  void exec(const std::string& sql) {
    SQLite::Database db(path.string(), SQLite::OPEN_READWRITE);
    db.exec(sql);
  }
  int count(const std::string& sql) {
    SQLite::Database db(path.string(), SQLite::OPEN_READONLY);
    return db.execAndGet(sql).getInt();
  }
  std::string text(const std::string& sql) {
    SQLite::Database db(path.string(), SQLite::OPEN_READONLY);
    return db.execAndGet(sql).getString();
  }
  // An invitation in `state` to the graduate with this ID number; returns its id.
  std::int64_t invite(const std::string& id_number, const std::string& state = "awaiting_review",
                      const std::string& deadline = "2026-05-25T01:00:00Z") {
    SQLite::Database db(path.string(), SQLite::OPEN_READWRITE);
    SQLite::Statement q(
        db,
        "INSERT INTO invitations (employer_code, graduate_id, state, fail_reason, job_category, "
        "position, archive, hukou, terms, valid_days, issued_at, deadline, responded_at, "
        "updated_at) SELECT :e, id, :state, CASE WHEN :state = 'failed' THEN 'expired' END, "
        "'13', '研发工程师', '{\"type\":\"1\"}', '{}', '试用期三个月', 7, "
        "'2026-05-18T01:00:00Z', :deadline, '2026-05-19T01:00:00Z', '2026-05-19T01:00:00Z' "
        "FROM graduates WHERE id_number = :id");
    q.bind(":e", kEmployer);
    q.bind(":state", state);
    q.bind(":deadline", deadline);
    q.bind(":id", id_number);
    REQUIRE(q.exec() == 1);
    return db.getLastInsertRowid();
  }
};

}  // namespace

TEST_CASE("review: agreement number layout", "[review]") {
  CHECK(ncss::format_agreement_number(2026, "10001", "31", 123) == "20261000131000123");
}

TEST_CASE("review: approve assigns sequential numbers and freezes a snapshot", "[review]") {
  ReviewFixture f;
  auto a = f.invite(kA);
  auto b = f.invite(kB);
  auto c = f.invite(kC);
  // The queue names the level as the other listings do (本科); the agreement keeps 本科生.
  auto queue = ncss::list_awaiting_review(f.store, {});
  REQUIRE(queue.size() == 3);
  CHECK(queue[0].graduate.degree_level == "本科");
  SECTION("sequential per school and cohort, never reused after a reject") {
    auto r = ncss::approve_invitations(f.store, {a}, f.actor);
    REQUIRE(r.size() == 1);
    CHECK(r[0].agreement_no == "20261000131000001");
    ncss::reject_invitation(f.store, b, "材料不全", f.actor);
    r = ncss::approve_invitations(f.store, {c}, f.actor);
    CHECK(r[0].agreement_no == "20261000111000002");
    CHECK(f.text("SELECT state || '/' || fail_reason || '/' || review_reason FROM invitations "
                 "WHERE id = " +
                 std::to_string(b)) == "failed/school_rejected/材料不全");
    CHECK(f.count("SELECT last FROM agreement_sequences WHERE school_code = '10001'") == 2);
    CHECK(f.count("SELECT count(*) FROM events WHERE action = 'invitation.approve'") == 2);
    CHECK(f.count("SELECT count(*) FROM events WHERE action = 'invitation.school_reject'") == 1);
  }
  SECTION("the snapshot keeps the employer's data as at approval") {
    ncss::approve_invitations(f.store, {a}, f.actor);
    f.exec("UPDATE employers SET name = '乙公司', street = '望京' WHERE credit_code = '" +
           kEmployer + "'");
    auto snap = nlohmann::json::parse(
        f.text("SELECT snapshot FROM invitations WHERE id = " + std::to_string(a)));
    CHECK(snap["employer"]["name"] == "甲公司");
    CHECK(snap["employer"]["address"] == "北京市中关村");
    CHECK(snap["employer"]["nature_code"] == "39");
    CHECK(snap["employer"]["website"] == "https://a.example");
    CHECK(snap["graduate"]["id_number"] == kA);
    CHECK(snap["graduate"]["school_name"] == "北京大学");
    CHECK(snap["graduate"]["degree_level"] == "本科生");
    CHECK(snap["job"]["position"] == "研发工程师");
    CHECK(snap["archive"]["type"] == "1");
    CHECK(snap["terms"] == "试用期三个月");
    CHECK(snap["reviewed_by"] == "tester");
    CHECK(snap["agreement_no"] == "20261000131000001");
    CHECK(f.text("SELECT state FROM invitations WHERE id = " + std::to_string(a)) == "signed");
  }
  SECTION("the address names a municipality once, a province and its city both") {
    // 北京市 is province and city at once: "北京市北京市中关村" read as a typo on the agreement.
    f.exec("UPDATE employers SET province = '山东省', city = '青岛市', street = '崂山区海尔路1号'");
    ncss::approve_invitations(f.store, {a}, f.actor);
    auto snap = nlohmann::json::parse(
        f.text("SELECT snapshot FROM invitations WHERE id = " + std::to_string(a)));
    CHECK(snap["employer"]["address"] == "山东省青岛市崂山区海尔路1号");
    CHECK(snap["employer"]["city"] == "青岛市");
  }
  SECTION("an employer's own edit reaches the unfinished signing, not the signed one") {
    // DOMAIN.md: employer info edits flow into unfinished signings; a signed agreement keeps the
    // snapshot it was signed with. Through employer edit itself, not raw SQL.
    ncss::EmployerEdit edit;
    edit.street = "望京";
    edit.nature = "32";
    REQUIRE_FALSE(ncss::edit_employer(f.store, kEmployer, edit, f.actor).empty());
    ncss::approve_invitations(f.store, {a}, f.actor);
    auto snap = nlohmann::json::parse(
        f.text("SELECT snapshot FROM invitations WHERE id = " + std::to_string(a)));
    CHECK(snap["employer"]["address"] == "北京市望京");
    CHECK(snap["employer"]["nature_code"] == "32");
    edit = {};
    edit.street = "亦庄";
    edit.nature = "31";
    REQUIRE_FALSE(ncss::edit_employer(f.store, kEmployer, edit, f.actor).empty());
    snap = nlohmann::json::parse(
        f.text("SELECT snapshot FROM invitations WHERE id = " + std::to_string(a)));
    CHECK(snap["employer"]["address"] == "北京市望京");
    CHECK(snap["employer"]["nature_code"] == "32");
  }
  SECTION("batch approve: dry run writes nothing, then all of the school") {
    ncss::ReviewFilter filter;
    filter.school = "北京大学";
    filter.department = "法学院";
    auto r = ncss::approve_matching(f.store, filter, true, f.actor);
    CHECK(r.size() == 2);
    CHECK(f.count("SELECT count(*) FROM invitations WHERE state = 'signed'") == 0);
    CHECK(f.count("SELECT count(*) FROM events WHERE action LIKE 'invitation.%'") == 0);
    r = ncss::approve_matching(f.store, filter, false, f.actor);
    CHECK(r.size() == 2);
    CHECK(f.count("SELECT count(*) FROM invitations WHERE state = 'signed'") == 2);
    CHECK(ncss::list_awaiting_review(f.store, {}).size() == 1);
  }
}

TEST_CASE("review: an exhausted agreement sequence refuses the approval, nothing written",
          "[review]") {
  ReviewFixture f;
  auto a = f.invite(kA);
  // 999999 numbers used for the school and cohort: the next would need a seventh digit.
  f.exec(
      "INSERT INTO agreement_sequences (school_code, cohort, last) VALUES ('10001', 2026, "
      "999999)");
  const int events = f.count("SELECT count(*) FROM events");
  try {
    ncss::approve_invitations(f.store, {a}, f.actor);
    FAIL("approved past the last agreement number");
  } catch (const ncss::Error& e) {
    CHECK(e.code() == ncss::ErrorCode::InvalidTransition);
    CHECK(std::string(e.what()).find("exhausted") != std::string::npos);
  }
  CHECK(f.text("SELECT state FROM invitations WHERE id = " + std::to_string(a)) ==
        "awaiting_review");
  CHECK(f.count("SELECT last FROM agreement_sequences WHERE school_code = '10001'") == 999999);
  CHECK(f.count("SELECT count(*) FROM events") == events);
}

TEST_CASE("review: refusals write nothing", "[review]") {
  ReviewFixture f;
  auto a = f.invite(kA);
  // The same signing named twice: a usage error, not "already signed" from the second approval.
  try {
    ncss::approve_invitations(f.store, {a, a}, f.actor);
    FAIL("approved a signing named twice");
  } catch (const ncss::Error& e) {
    CHECK(e.code() == ncss::ErrorCode::Usage);
    CHECK(std::string(e.what()).find("is named twice") != std::string::npos);
  }
  CHECK(f.count("SELECT count(*) FROM invitations WHERE state = 'signed'") == 0);
  auto pending = f.invite(kB, "awaiting_graduate");
  auto nodeg = f.invite(kNoDegree);
  auto events = [&] {
    return f.count("SELECT count(*) FROM events WHERE action LIKE 'invitation.%'");
  };
  SECTION("reject needs a reason") {
    CHECK_THROWS_MATCHES(ncss::reject_invitation(f.store, a, "  ", f.actor), ncss::Error,
                         Catch::Predicate<ncss::Error>([](const ncss::Error& e) {
                           return e.code() == ncss::ErrorCode::InvalidInput;
                         }));
  }
  SECTION("not awaiting review") {
    CHECK_THROWS_MATCHES(ncss::approve_invitations(f.store, {a, pending}, f.actor), ncss::Error,
                         Catch::Predicate<ncss::Error>([](const ncss::Error& e) {
                           return e.code() == ncss::ErrorCode::InvalidTransition;
                         }));
    CHECK(f.text("SELECT state FROM invitations WHERE id = " + std::to_string(a)) ==
          "awaiting_review");
    CHECK(f.count("SELECT count(*) FROM agreement_sequences") == 0);
  }
  SECTION("no degree level") {
    CHECK_THROWS_WITH(ncss::approve_invitations(f.store, {nodeg}, f.actor),
                      Catch::Contains("学历层次"));
  }
  SECTION("batch needs a school") {
    CHECK_THROWS_AS(ncss::approve_matching(f.store, {}, false, f.actor), ncss::Error);
  }
  SECTION("unknown invitation") {
    CHECK_THROWS_AS(ncss::approve_invitations(f.store, {9999}, f.actor), ncss::Error);
  }
  CHECK(events() == 0);
  CHECK(f.count("SELECT count(*) FROM invitations WHERE state = 'signed'") == 0);
}
