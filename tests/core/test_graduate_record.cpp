// The school's corrections (ncss/graduate_record.hpp) and the invalidation (失效) they cause.
#include <SQLiteCpp/SQLiteCpp.h>

#include <catch2/catch.hpp>

#include "fixtures.hpp"
#include "ncss/error.hpp"
#include "ncss/favorite.hpp"
#include "ncss/graduate_record.hpp"
#include "ncss/identity.hpp"
#include "ncss/invitation.hpp"
#include "ncss/roster.hpp"
#include "ncss/sweep.hpp"

namespace {

const auto id = testkit::resident_id;

const std::string kV = "91110108749352307A";
const std::string kA = id("11010520030115001");
const std::string kB = id("44030420021230002");

struct RecordFixture : testkit::StoreFixture {
  RecordFixture() {
    SQLite::Database db(path.string(), SQLite::OPEN_READWRITE);
    db.exec(testkit::employers_sql({{kV, "甲公司", true, "北京市", "北京市", "中关村"}}));
    auto file = dir / "roster.csv";
    testkit::write_file(file, "学生姓名,身份证号,毕业院校,届别,学历层次\n张三," + kA +
                                  ",北京大学,2026,本科\n李四," + kB + ",清华大学,2026,本科\n");
    REQUIRE(ncss::import_roster(store, file, {}, actor).added == 2);
    ncss::add_favorite(store, kV, {"张三", kA, "北京大学"}, actor);
    ncss::IssueRequest r;
    r.employer_code = kV;
    r.id_numbers = {kA};
    r.job_category = "13";
    r.position = "研发工程师";
    r.contact = "张经理";
    REQUIRE(ncss::issue_invitations(store, r, actor).issued == 1);
  }
  std::string text(const std::string& sql) {
    SQLite::Database db(path.string(), SQLite::OPEN_READONLY);
    return db.execAndGet(sql).getString();
  }
  int count(const std::string& sql) {
    SQLite::Database db(path.string(), SQLite::OPEN_READONLY);
    return db.execAndGet(sql).getInt();
  }
  // Everything a refused correction must leave as it was.
  std::string snapshot() {
    return text(
        "SELECT (SELECT group_concat(name || id_number || school_code || coalesce(degree_level, "
        "'') || status, ';') FROM graduates) || '|' || (SELECT group_concat(status) FROM "
        "favorites) || '|' || (SELECT group_concat(state) FROM invitations) || '|' || (SELECT "
        "count(*) FROM events) || '|' || (SELECT count(*) FROM outbox)");
  }
};

}  // namespace

TEST_CASE("graduate record: a corrected name records old and new and invalidates",
          "[graduate_record][invalid]") {
  RecordFixture f;
  ncss::GraduateCorrection c;
  c.name = " 张叁 ";
  auto r = ncss::correct_graduate(f.store, kA, 0, c, "姓名录入错误", f.actor);
  CHECK(r.changed);
  CHECK(r.graduate.name == "张叁");
  CHECK(r.invalidated.favorites == 1);
  CHECK(r.invalidated.invitations == 1);
  CHECK(f.text("SELECT details FROM events WHERE action = 'graduate.correct'") ==
        R"({"changes":{"name":{"new":"张叁","old":"张三"}},"cohort":2026})");
  CHECK(f.text("SELECT state FROM invitations") == "invalid");
  CHECK(f.text("SELECT status FROM favorites") == "invalid");
  // The invitation's event carries the cause.
  CHECK(f.text("SELECT reason FROM events WHERE action = 'invitation.invalidate'") ==
        "毕业生信息已更正 (record corrected): 姓名录入错误");
}

TEST_CASE("graduate record: an unanswered invitation past its deadline is recorded expired",
          "[graduate_record][invalid]") {
  RecordFixture f;
  // The invitation was issued with the default 7 days; the correction comes a day after that,
  // before any sweep. The deadline is a fact of time: it had already failed, not become invalid.
  auto later = f.actor;
  later.now.seconds += 8 * 86400;
  ncss::GraduateCorrection c;
  c.name = "张叁";
  auto r = ncss::correct_graduate(f.store, kA, 0, c, "姓名录入错误", later);
  CHECK(r.invalidated.favorites == 1);
  CHECK(r.invalidated.invitations == 0);
  CHECK(f.text("SELECT state || '/' || fail_reason FROM invitations") == "failed/expired");
  CHECK(f.count("SELECT count(*) FROM events WHERE action = 'invitation.invalidate'") == 0);
  CHECK(f.text("SELECT reason FROM events WHERE action = 'invitation.expire'") ==
        "应约截止时间已过 (deadline passed)");
  // Both parties are told, as the sweep would tell them.
  CHECK(f.count("SELECT count(*) FROM outbox WHERE template = 'invitation_expire'") == 2);
  // A sweep afterwards finds nothing left to expire.
  CHECK(ncss::sweep_expired(f.store, later, false, {}).expired == 0);
}

TEST_CASE("graduate record: filling in 院系 and 专业, phone and email do not invalidate",
          "[graduate_record][invalid]") {
  RecordFixture f;
  ncss::GraduateCorrection c;
  c.department = "信息学院";  // the roster had none
  c.major = "软件工程";       // nor this
  c.phone = "13800138000";
  c.email = "zhang@example.cn";
  auto r = ncss::correct_graduate(f.store, kA, 2026, c, "核对", f.actor);
  CHECK(r.changed);
  CHECK(r.invalidated.favorites == 0);
  CHECK(r.invalidated.invitations == 0);
  CHECK(f.text("SELECT state FROM invitations") == "awaiting_graduate");
}

TEST_CASE("graduate record: a changed 学历层次, 专业 or 院系 invalidates as a new name does",
          "[graduate_record][invalid]") {
  // The guide: the graduate information of a favourite cannot change; the school corrects it
  // and the employer adds the graduate again.
  for (const char* field : {"degree_level", "major", "department"}) {
    INFO(field);
    RecordFixture f;
    ncss::GraduateCorrection fill;
    fill.department = "信息学院";
    fill.major = "软件工程";
    REQUIRE(
        ncss::correct_graduate(f.store, kA, 2026, fill, "补录", f.actor).invalidated.favorites ==
        0);
    ncss::GraduateCorrection c;
    if (std::string(field) == "degree_level") c.degree_level = "硕士";  // was 本科
    if (std::string(field) == "major") c.major = "计算机科学与技术";
    if (std::string(field) == "department") c.department = "计算机学院";
    auto r = ncss::correct_graduate(f.store, kA, 2026, c, "录入错误", f.actor);
    CHECK(r.invalidated.favorites == 1);
    CHECK(r.invalidated.invitations == 1);
    CHECK(f.text("SELECT state FROM invitations") == "invalid");
  }
}

TEST_CASE("graduate record: refusals leave everything as it was", "[graduate_record][invalid]") {
  RecordFixture f;
  const std::string before = f.snapshot();
  ncss::GraduateCorrection c;
  auto refused = [&](ncss::ErrorCode code, auto&& op) {
    try {
      op();
      FAIL("it was not refused");
    } catch (const ncss::Error& e) {
      CHECK(ncss::error_code_name(e.code()) == ncss::error_code_name(code));
    }
    CHECK(f.snapshot() == before);
  };
  c.name = "张叁";
  refused(ncss::ErrorCode::InvalidInput,
          [&] { ncss::correct_graduate(f.store, kA, 0, c, " ", f.actor); });
  c = {};
  c.id_number = kB;  // 李四's
  refused(ncss::ErrorCode::Conflict,
          [&] { ncss::correct_graduate(f.store, kA, 0, c, "x", f.actor); });
  c = {};
  c.id_number = id("11010520300115001");  // born in 2030
  refused(ncss::ErrorCode::InvalidInput,
          [&] { ncss::correct_graduate(f.store, kA, 0, c, "x", f.actor); });
  c = {};
  c.school = "不存在大学";
  refused(ncss::ErrorCode::NotFound,
          [&] { ncss::correct_graduate(f.store, kA, 0, c, "x", f.actor); });
  c = {};
  c.degree_level = "学士";
  refused(ncss::ErrorCode::InvalidInput,
          [&] { ncss::correct_graduate(f.store, kA, 0, c, "x", f.actor); });
  c = {};
  c.phone = "1381234567";  // a digit short; the message masks it like all human output
  try {
    ncss::correct_graduate(f.store, kA, 0, c, "x", f.actor);
    FAIL("a 10-digit phone was accepted");
  } catch (const ncss::Error& e) {
    CHECK(e.code() == ncss::ErrorCode::InvalidInput);
    CHECK(std::string(e.what()).find("手机号码 '138***4567'") != std::string::npos);
  }
  CHECK(f.snapshot() == before);
  refused(ncss::ErrorCode::NotFound,
          [&] { ncss::remove_graduate(f.store, id("11010519990101001"), 0, "x", f.actor); });
  refused(ncss::ErrorCode::NotFound,
          [&] { ncss::remove_graduate(f.store, kA, 2025, "x", f.actor); });
  refused(ncss::ErrorCode::Conflict, [&] { ncss::restore_graduate(f.store, kA, 0, "x", f.actor); });
}

TEST_CASE("graduate record: remove and restore", "[graduate_record][invalid]") {
  RecordFixture f;
  auto removed = ncss::remove_graduate(f.store, kA, 0, "重复录入", f.actor);
  CHECK(removed.graduate.status == "invalid");
  CHECK(removed.invalidated.invitations == 1);
  CHECK_THROWS_AS(ncss::remove_graduate(f.store, kA, 0, "x", f.actor), ncss::Error);
  ncss::GraduateCorrection c;
  c.name = "张叁";
  CHECK_THROWS_AS(ncss::correct_graduate(f.store, kA, 0, c, "x", f.actor), ncss::Error);
  auto restored = ncss::restore_graduate(f.store, kA, 0, "误删", f.actor);
  CHECK(restored.graduate.status == "valid");
  // What was invalidated stays invalid.
  CHECK(f.text("SELECT state FROM invitations") == "invalid");
  CHECK(f.text("SELECT status FROM favorites") == "invalid");
  CHECK(f.count("SELECT count(*) FROM events WHERE action IN ('graduate.remove', "
                "'graduate.restore')") == 2);
  // The graduate is told of both (DOMAIN.md: a record changed by the school), with the reason.
  CHECK(f.text("SELECT group_concat(template || ' ' || recipient_id || ' ' || payload, ';') FROM "
               "(SELECT * FROM outbox WHERE template LIKE 'graduate_record_%' ORDER BY id)") ==
        "graduate_record_removed " + kA + R"( {"cohort":2026,"reason":"重复录入"};)" +
            "graduate_record_restored " + kA + R"( {"cohort":2026,"reason":"误删"})");
  // A refused removal (already removed) tells nobody.
  CHECK(f.count("SELECT count(*) FROM outbox WHERE template = 'graduate_record_removed'") == 1);
}
