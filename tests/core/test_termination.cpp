// Terminations and voids through the core API (ncss/termination.hpp).
#include <SQLiteCpp/SQLiteCpp.h>

#include <catch2/catch.hpp>
#include <functional>

#include "fixtures.hpp"
#include "ncss/error.hpp"
#include "ncss/favorite.hpp"
#include "ncss/identity.hpp"
#include "ncss/invitation.hpp"
#include "ncss/review.hpp"
#include "ncss/roster.hpp"
#include "ncss/termination.hpp"

namespace {

const std::string kV = "91110108749352307A";
const std::string kA = [] {
  std::string f = "11010520030115001";
  return f + ncss::resident_id_check_char(f);
}();

// 张三 signed with kV: invitation 1, approved.
struct SignedFixture : testkit::StoreFixture {
  SignedFixture() {
    {
      SQLite::Database db(path.string(), SQLite::OPEN_READWRITE);
      db.exec(testkit::employers_sql({{kV, "甲公司", true, "北京市", "北京市", "中关村"}}));
    }
    auto file = dir / "roster.csv";
    testkit::write_file(
        file, "学生姓名,身份证号,毕业院校,届别,学历层次\n张三," + kA + ",北京大学,2026,本科\n");
    REQUIRE(ncss::import_roster(store, file, {}, actor).added == 1);
    ncss::add_favorite(store, kV, {"张三", kA, "北京大学"}, actor);
    ncss::IssueRequest r;
    r.employer_code = kV;
    r.id_numbers = {kA};
    r.job_category = "13";
    r.position = "研发工程师";
    r.contact = "张经理";
    REQUIRE(ncss::issue_invitations(store, r, actor).issued == 1);
    ncss::respond_invitation(store, 1, true, actor);
    REQUIRE(ncss::approve_invitations(store, {1}, actor).size() == 1);
  }
  std::string text(const std::string& sql) {
    SQLite::Database db(path.string(), SQLite::OPEN_READONLY);
    return db.execAndGet(sql).getString();
  }
  ncss::Termination request(const std::string& by, const std::string& note = "协商一致解约") {
    return ncss::request_termination(store, {1, by, "01", note}, actor);
  }
};

ncss::ErrorCode code_of(const std::function<void()>& op) {
  try {
    op();
  } catch (const ncss::Error& e) {
    return e.code();
  }
  FAIL("it was not refused");
  return ncss::ErrorCode::Internal;
}

}  // namespace

TEST_CASE("termination: the lists and their words", "[termination]") {
  ncss::Termination t;
  t.phase = "awaiting_party";
  CHECK(ncss::termination_phase_label(t) == "解约中（等待对方确认）");
  CHECK(ncss::termination_list(t.phase) == "解约中");
  t.phase = "returned";
  CHECK(ncss::termination_list(t.phase) == "解约中");
  t.phase = "approved";
  CHECK(ncss::termination_phase_label(t) == "已解约");
  t.phase = "failed";
  t.fail_reason = "school_rejected";
  CHECK(ncss::termination_phase_label(t) == "解约失败（学校审核不通过）");
  CHECK(ncss::termination_list(t.phase) == "解约失败");
}

TEST_CASE("termination: online, step by step, with the parties and the times", "[termination]") {
  SignedFixture f;
  auto t = f.request("graduate");
  CHECK(t.mode == "online");
  CHECK(t.invitation_id == 1);
  CHECK(t.requested_by == "graduate");
  CHECK(t.reason_name == "协商一致");
  CHECK(t.agreement_no == f.text("SELECT agreement_no FROM invitations WHERE id = 1"));
  CHECK(t.employer_name == "甲公司");
  CHECK(ncss::get_invitation(f.store, 1).state == ncss::SigningState::Terminating);
  t = ncss::respond_termination(f.store, t.id, "employer", true, f.actor);
  CHECK(t.phase == "awaiting_review");
  CHECK(t.responded_by == "tester");
  CHECK_FALSE(t.responded_at.empty());
  t = ncss::approve_termination(f.store, t.id, f.actor);
  CHECK(t.phase == "approved");
  CHECK(t.reviewed_by == "tester");
  CHECK(ncss::get_invitation(f.store, 1).state == ncss::SigningState::Terminated);
  CHECK(f.text("SELECT group_concat(json_extract(details, '$.to'), ',') FROM (SELECT details "
               "FROM events WHERE subject_type = 'termination' ORDER BY id)") ==
        "awaiting_party,awaiting_review,approved");
  ncss::TerminationFilter filter;
  filter.list = "已解约";
  REQUIRE(ncss::list_terminations(f.store, filter).size() == 1);
  filter.list = "解约中";
  CHECK(ncss::list_terminations(f.store, filter).empty());
  filter = {};
  filter.phase = "approved";
  CHECK(ncss::list_terminations(f.store, filter).size() == 1);
  filter.phase = "awaiting_review";
  CHECK(ncss::list_terminations(f.store, filter).empty());
  filter = {};
  filter.list = "解约";  // not a list: a usage error, as every filter value outside its set
  CHECK(code_of([&] { ncss::list_terminations(f.store, filter); }) == ncss::ErrorCode::Usage);
  filter = {};
  filter.phase = "done";
  CHECK(code_of([&] { ncss::list_terminations(f.store, filter); }) == ncss::ErrorCode::Usage);
}

TEST_CASE("termination: refusals", "[termination]") {
  SignedFixture f;
  CHECK(code_of([&] { f.request("school"); }) == ncss::ErrorCode::InvalidInput);
  CHECK(code_of([&] { f.request("employer", std::string(201, 'x')); }) ==
        ncss::ErrorCode::InvalidInput);
  auto t = f.request("employer", std::string(200, 'x'));
  CHECK(code_of([&] { f.request("graduate"); }) == ncss::ErrorCode::InvalidTransition);
  CHECK(code_of([&] { ncss::respond_termination(f.store, t.id, "employer", true, f.actor); }) ==
        ncss::ErrorCode::InvalidTransition);
  CHECK(code_of([&] { ncss::approve_termination(f.store, t.id, f.actor); }) ==
        ncss::ErrorCode::InvalidTransition);
  CHECK(code_of([&] { ncss::void_signing(f.store, 1, "x", f.actor); }) ==
        ncss::ErrorCode::InvalidTransition);
  t = ncss::respond_termination(f.store, t.id, "graduate", true, f.actor);
  CHECK(code_of([&] { ncss::reject_termination(f.store, t.id, "", f.actor); }) ==
        ncss::ErrorCode::InvalidInput);
  CHECK(code_of([&] { ncss::return_termination(f.store, t.id, "x", f.actor); }) ==
        ncss::ErrorCode::InvalidTransition);
  CHECK(code_of([&] { ncss::get_termination(f.store, 99); }) == ncss::ErrorCode::NotFound);
  t = ncss::reject_termination(f.store, t.id, "未达成一致", f.actor);
  CHECK(t.fail_reason == "school_rejected");
  CHECK(ncss::get_invitation(f.store, 1).state == ncss::SigningState::Signed);
}

TEST_CASE("termination: void a signed agreement", "[termination]") {
  SignedFixture f;
  CHECK(code_of([&] { ncss::void_signing(f.store, 1, " ", f.actor); }) ==
        ncss::ErrorCode::InvalidInput);
  auto v = ncss::void_signing(f.store, 1, "单位注销", f.actor);
  CHECK(v.state == ncss::SigningState::Voided);
  CHECK(f.text("SELECT void_reason FROM invitations WHERE id = 1") == "单位注销");
  CHECK(code_of([&] { ncss::void_signing(f.store, 1, "again", f.actor); }) ==
        ncss::ErrorCode::InvalidTransition);
}
