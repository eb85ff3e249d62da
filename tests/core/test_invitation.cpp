#include <SQLiteCpp/SQLiteCpp.h>
#include <xlsxwriter.h>

#include <catch2/catch.hpp>

#include "fixtures.hpp"
#include "ncss/error.hpp"
#include "ncss/favorite.hpp"
#include "ncss/identity.hpp"
#include "ncss/invitation.hpp"
#include "ncss/roster.hpp"

namespace {

const auto id = testkit::resident_id;

const std::string kV = "91110108749352307A";
const std::string kA = id("11010520030115001");

struct InviteFixture : testkit::StoreFixture {
  InviteFixture() {
    exec(testkit::employers_sql({{kV, "甲公司", true, "北京市", "北京市", "中关村"}}));
    auto file = dir / "roster.csv";
    testkit::write_file(file, "学生姓名,身份证号,毕业院校,届别\n张三," + kA + ",北京大学,2026\n");
    REQUIRE(ncss::import_roster(store, file, {}, actor).added == 1);
    ncss::add_favorite(store, kV, {"张三", kA, "北京大学"}, actor);
  }
  void exec(const std::string& sql) {
    SQLite::Database db(path.string(), SQLite::OPEN_READWRITE);
    db.exec(sql);
  }
  std::string text(const std::string& sql) {
    SQLite::Database db(path.string(), SQLite::OPEN_READONLY);
    return db.execAndGet(sql).getString();
  }
  int count(const std::string& sql) {
    SQLite::Database db(path.string(), SQLite::OPEN_READONLY);
    return db.execAndGet(sql).getInt();
  }
  // kV invites kA for 3 days, with job info and terms.
  static ncss::IssueRequest request() {
    ncss::IssueRequest r;
    r.employer_code = kV;
    r.id_numbers = {kA};
    r.job_category = "工程技术人员";
    r.position = "研发工程师";
    r.contact = "张经理";
    r.valid_days = 3;
    r.terms = "试用期三个月";
    return r;
  }
  ncss::IssueReport issue() { return ncss::issue_invitations(store, request(), actor); }
};

}  // namespace

TEST_CASE("invitation: issue stores the invitation, its event and notification", "[invitation]") {
  InviteFixture f;
  auto report = f.issue();
  REQUIRE(report.issued == 1);
  REQUIRE(report.written);
  REQUIRE(report.results.at(0).invitation_id == 1);
  auto v = ncss::get_invitation(f.store, 1);
  CHECK(v.state == ncss::SigningState::AwaitingGraduate);
  CHECK(v.job_category == "13");
  CHECK(v.position == "研发工程师");
  CHECK(v.terms == "试用期三个月");
  CHECK(v.valid_days == 3);
  CHECK(v.issued_at == "2026-05-20T01:00:00Z");
  CHECK(v.deadline == "2026-05-23T01:00:00Z");
  CHECK(v.updated_at == "2026-05-20T01:00:00Z");
  CHECK(v.archive == "{}");
  CHECK(f.text("SELECT action || '|' || subject_id || '|' || actor FROM events WHERE action LIKE "
               "'invitation.%'") == "invitation.issued|1|tester");
  CHECK(f.text("SELECT recipient_type || '|' || recipient_id || '|' || template FROM outbox") ==
        "graduate|" + kA + "|invitation_received");
}

TEST_CASE("invitation: terms that are not UTF-8 are refused, nothing written", "[invitation]") {
  InviteFixture f;
  auto r = InviteFixture::request();
  r.terms = "试用期\xFF";  // would be copied into the agreement's JSON snapshot at approval
  try {
    ncss::issue_invitations(f.store, r, f.actor);
    FAIL("issued with terms that are not UTF-8");
  } catch (const ncss::Error& e) {
    CHECK(e.code() == ncss::ErrorCode::InvalidInput);
    CHECK(std::string(e.what()).find("not UTF-8 text (byte 10)") != std::string::npos);
  }
  CHECK(ncss::list_invitations(f.store, {}).empty());
}

TEST_CASE("invitation: accept, abort, reject and withdraw record their times and events",
          "[invitation]") {
  InviteFixture f;
  f.issue();
  auto later = f.actor;
  later.now.seconds += 3600;
  SECTION("accept then abort") {
    auto v = ncss::respond_invitation(f.store, 1, true, later);
    CHECK(v.state == ncss::SigningState::AwaitingReview);
    CHECK(v.responded_at == "2026-05-20T02:00:00Z");
    CHECK(f.text("SELECT details FROM events WHERE action = 'invitation.accept'") ==
          R"({"from":"awaiting_graduate","note":"","reason":"","to":"awaiting_review"})");
    CHECK(f.text("SELECT recipient_type || '|' || template FROM outbox WHERE template = "
                 "'invitation_accept'") == "employer|invitation_accept");
    auto a = ncss::abort_invitation(f.store, 1, later);
    CHECK(a.state == ncss::SigningState::Failed);
    CHECK(a.fail_reason == ncss::FailReason::GraduateAborted);
    CHECK(ncss::invitation_state_text(a) == "签约失败（中止签约）");
  }
  SECTION("reject") {
    auto v = ncss::respond_invitation(f.store, 1, false, later);
    CHECK(v.fail_reason == ncss::FailReason::GraduateRejected);
    CHECK(f.count("SELECT count(*) FROM events WHERE action = 'invitation.reject'") == 1);
  }
  SECTION("withdraw") {
    auto v = ncss::withdraw_invitation(f.store, 1, "01", "填错了", later);
    CHECK(v.fail_reason == ncss::FailReason::Withdrawn);
    CHECK(v.withdraw_reason == "01");
    CHECK(f.text("SELECT recipient_type FROM outbox WHERE template = 'invitation_withdraw'") ==
          "graduate");
    std::string too_long(201 * 3, 'x');
    CHECK_THROWS_AS(ncss::withdraw_invitation(f.store, 1, "01", too_long, later), ncss::Error);
  }
  SECTION("the withdrawal note counts characters: 200 Chinese ones pass, 201 do not") {
    std::string note;
    for (int i = 0; i < 201; ++i) note += "岗";  // three bytes each
    try {
      ncss::withdraw_invitation(f.store, 1, "01", note, later);
      FAIL("a 201-character note was accepted");
    } catch (const ncss::Error& e) {
      CHECK(e.code() == ncss::ErrorCode::InvalidInput);
      CHECK(std::string(e.what()).find("201") != std::string::npos);
    }
    CHECK(f.text("SELECT state FROM invitations") == "awaiting_graduate");
    note.resize(200 * 3);
    auto v = ncss::withdraw_invitation(f.store, 1, "01", note, later);
    CHECK(v.fail_reason == ncss::FailReason::Withdrawn);
    CHECK(f.text("SELECT json_extract(details, '$.note') FROM events WHERE action = "
                 "'invitation.withdraw'") == note);
  }
  CHECK(f.count("SELECT count(*) FROM invitations") == 1);
}

TEST_CASE("invitation: past its deadline it cannot be accepted", "[invitation]") {
  InviteFixture f;
  f.issue();
  auto late = f.actor;
  late.now.seconds += 3 * 86400 + 1;
  try {
    ncss::respond_invitation(f.store, 1, true, late);
    FAIL("accepted after the deadline");
  } catch (const ncss::Error& e) {
    CHECK(e.code() == ncss::ErrorCode::InvalidTransition);
  }
  CHECK(f.count("SELECT count(*) FROM events WHERE action = 'invitation.accept'") == 0);
}

TEST_CASE("invitation: an answer or withdrawal dated before the issue is refused", "[invitation]") {
  InviteFixture f;
  f.issue();  // at 2026-05-20 09:00 +08:00
  auto earlier = f.actor;
  earlier.now.seconds -= 1;
  try {
    ncss::respond_invitation(f.store, 1, true, earlier);
    FAIL("an answer dated before the issue was accepted");
  } catch (const ncss::Error& e) {
    CHECK(e.code() == ncss::ErrorCode::InvalidTransition);
    CHECK(std::string(e.what()) ==
          "invitation 1 was issued at 2026-05-20 09:00:00 +08:00; it cannot be accepted at an "
          "earlier time (2026-05-20 08:59:59 +08:00)");
  }
  CHECK_THROWS_AS(ncss::respond_invitation(f.store, 1, false, earlier), ncss::Error);
  CHECK_THROWS_AS(ncss::withdraw_invitation(f.store, 1, "01", "", earlier), ncss::Error);
  CHECK(f.text("SELECT state || '|' || coalesce(responded_at, '') FROM invitations") ==
        "awaiting_graduate|");
  CHECK(f.count("SELECT count(*) FROM events WHERE action LIKE 'invitation.%'") == 1);
  // The issue's own second is not before it.
  CHECK(ncss::respond_invitation(f.store, 1, true, f.actor).state ==
        ncss::SigningState::AwaitingReview);
}

TEST_CASE("invitation: --from-file reads an .xlsx list by its header", "[invitation][from_file]") {
  InviteFixture f;
  auto path = f.dir / "list.xlsx";
  {
    lxw_workbook* wb = workbook_new(path.c_str());
    workbook_add_worksheet(wb, "说明");
    lxw_worksheet* ws = workbook_add_worksheet(wb, "名单");
    worksheet_write_string(ws, 0, 0, "签约名单", nullptr);
    worksheet_write_string(ws, 2, 0, "证件号码", nullptr);  // an alias of 身份证号
    worksheet_write_string(ws, 2, 1, "届别", nullptr);
    worksheet_write_string(ws, 3, 0, kA.c_str(), nullptr);
    worksheet_write_number(ws, 3, 1, 2026, nullptr);
    worksheet_write_string(ws, 4, 0, kA.c_str(), nullptr);
    worksheet_write_number(ws, 4, 1, 2025, nullptr);  // not on the 2025 roster
    worksheet_write_string(ws, 5, 0, kA.c_str(), nullptr);
    worksheet_write_string(ws, 5, 1, "26届", nullptr);
    REQUIRE(workbook_close(wb) == LXW_NO_ERROR);
  }
  ncss::IssueRequest r;
  r.employer_code = kV;
  r.from_file = path.string();
  r.sheet = "名单";
  r.job_category = "13";
  r.position = "研发工程师";
  r.contact = "张经理";
  auto report = ncss::issue_invitations(f.store, r, f.actor);
  REQUIRE(report.results.size() == 3);
  CHECK(report.results[0].issued);
  CHECK(report.results[0].row == 4);
  CHECK(report.results[1].code == "not_favorite");  // no 2025 record: the employer is not told
  CHECK(report.results[1].row == 5);
  CHECK(report.results[2].code == "cohort_invalid");
  CHECK(report.results[2].message.find("list.xlsx row 6, column B (届别)") != std::string::npos);
  CHECK(report.issued == 1);
  CHECK(report.written);

  // The first sheet has no header row: refused whole, naming the file; nothing written.
  r.sheet.clear();
  int before = f.count("SELECT count(*) FROM events");
  try {
    ncss::issue_invitations(f.store, r, f.actor);
    FAIL("a list without a 身份证号 header was accepted");
  } catch (const ncss::Error& e) {
    CHECK(e.code() == ncss::ErrorCode::InvalidInput);
    CHECK(std::string(e.what()).find("list.xlsx") != std::string::npos);
  }
  CHECK(f.count("SELECT count(*) FROM events") == before);
}

TEST_CASE("invitation: a sink gets the outcomes in order, after the transaction has ended",
          "[invitation]") {
  InviteFixture f;
  // A second graduate, favourite too, and a third who is not a favourite.
  const std::string b = id("44030420021230002"), c = id("11010520030115011");
  auto file = f.dir / "more.csv";
  testkit::write_file(file, "学生姓名,身份证号,毕业院校,届别\n李四," + b + ",北京大学,2026\n王五," +
                                c + ",北京大学,2026\n");
  REQUIRE(ncss::import_roster(f.store, file, {}, f.actor).added == 2);
  ncss::add_favorite(f.store, kV, {"李四", b, "北京大学"}, f.actor);
  ncss::IssueRequest r;
  r.employer_code = kV;
  r.id_numbers = {kA, c, b};
  r.job_category = "工程技术人员";
  r.position = "研发工程师";
  r.contact = "张经理";
  std::vector<ncss::IssueResult> seen;
  std::vector<int> stored_then;  // invitations another connection sees at each call
  auto sink = [&](const ncss::IssueResult& res) {
    seen.push_back(res);
    stored_then.push_back(f.count("SELECT count(*) FROM invitations"));
  };
  SECTION("written: the sink runs after the commit") {
    auto report = ncss::issue_invitations(f.store, r, f.actor, sink);
    CHECK(report.results.empty());  // handed to the sink, not kept
    CHECK(report.issued == 2);
    CHECK(report.refused == 1);
    REQUIRE(seen.size() == 3);
    CHECK(seen[0].id_number == kA);
    CHECK(seen[0].issued);
    CHECK(seen[0].invitation_id == 1);
    CHECK(seen[0].name == "张三");
    CHECK(seen[1].id_number == c);
    CHECK_FALSE(seen[1].issued);
    CHECK(seen[1].code == "not_favorite");
    CHECK(seen[1].message.find("not in the favourites") != std::string::npos);
    CHECK(seen[2].id_number == b);
    CHECK(seen[2].invitation_id == 2);
    CHECK(stored_then == std::vector<int>{2, 2, 2});
  }
  SECTION("all or nothing: the sink runs after the rollback") {
    r.all_or_nothing = true;
    auto report = ncss::issue_invitations(f.store, r, f.actor, sink);
    CHECK_FALSE(report.written);
    CHECK(seen.size() == 3);
    CHECK(stored_then == std::vector<int>{0, 0, 0});
    // Issued in the rolled-back transaction, so given no ID: none exists.
    CHECK(seen[0].issued);
    CHECK(seen[0].invitation_id == 0);
    CHECK(seen[2].invitation_id == 0);
  }
  SECTION("a dry run without a sink: the outcomes carry no IDs either") {
    r.dry_run = true;
    auto report = ncss::issue_invitations(f.store, r, f.actor);
    CHECK_FALSE(report.written);
    REQUIRE(report.results.size() == 3);
    CHECK(report.results[0].issued);
    CHECK(report.results[0].invitation_id == 0);
    CHECK(report.issued == 2);
  }
}

TEST_CASE("invitation: a graduate outside the favourites is told apart from nothing",
          "[invitation]") {
  InviteFixture f;
  // 李四 is on the roster (and marked invalid) but not a favourite; the other ID is on no roster.
  const std::string b = id("11010520030115011"), nobody = id("11010519990101001");
  auto file = f.dir / "more.csv";
  testkit::write_file(file, "学生姓名,身份证号,毕业院校,届别\n李四," + b + ",北京大学,2026\n");
  REQUIRE(ncss::import_roster(f.store, file, {}, f.actor).added == 1);
  f.exec("UPDATE graduates SET status = 'invalid' WHERE id_number = '" + b + "'");
  auto list = f.dir / "list.csv";
  testkit::write_file(list,
                      "身份证号,学生姓名\n" + b + ",王五\n" + nobody + ",赵六\n" + kA + ",张叁\n");
  auto r = InviteFixture::request();
  r.id_numbers.clear();
  r.from_file = list.string();
  r.dry_run = true;
  auto report = ncss::issue_invitations(f.store, r, f.actor);
  REQUIRE(report.results.size() == 3);
  // Neither the roster's name (李四), nor its being marked invalid, nor whether the ID number is
  // on a roster at all: the same not_favorite, with the file's own name.
  for (std::size_t i = 0; i < 2; ++i) {
    INFO(report.results[i].message);
    CHECK(report.results[i].code == "not_favorite");
    CHECK(report.results[i].message.find("李四") == std::string::npos);
  }
  CHECK(report.results[0].name == "王五");
  CHECK(report.results[1].name == "赵六");
  // A favourite's name is the employer's to see: a different one in the file is name_mismatch,
  // said with the file, row and column.
  CHECK(report.results[2].code == "name_mismatch");
  CHECK(report.results[2].name == "张三");
  CHECK(report.results[2].message ==
        "list.csv row 4, column B (学生姓名): the file says 张叁, the roster has 张三 for " +
            ncss::mask_resident_id(kA));
}

TEST_CASE("invitation: a graduate named twice is duplicate_in_file, however the row says it",
          "[invitation]") {
  InviteFixture f;
  // --to twice: refused as named twice, not as an open invitation the dry run never made.
  auto r = InviteFixture::request();
  r.id_numbers = {kA, kA};
  r.dry_run = true;
  auto report = ncss::issue_invitations(f.store, r, f.actor);
  REQUIRE(report.results.size() == 2);
  CHECK(report.results[0].issued);
  CHECK(report.results[1].code == "duplicate_in_file");
  CHECK(report.results[1].message.find("named twice with --to") != std::string::npos);
  // A row with 届别 and one without it for the same graduate: one person, found twice.
  auto list = f.dir / "list.csv";
  testkit::write_file(list, "身份证号,届别\n" + kA + ",2026\n" + kA + ",\n");
  r.id_numbers.clear();
  r.from_file = list.string();
  report = ncss::issue_invitations(f.store, r, f.actor);
  REQUIRE(report.results.size() == 2);
  CHECK(report.results[1].code == "duplicate_in_file");
  CHECK(report.results[1].message ==
        "list.csv row 3, column A (身份证号): the graduate is on row 2 already (one invitation "
        "each)");
  // The first row refused (a wrong name): the second is refused too, and says why.
  testkit::write_file(list, "身份证号,学生姓名\n" + kA + ",张叁\n" + kA + ",张三\n");
  report = ncss::issue_invitations(f.store, r, f.actor);
  REQUIRE(report.results.size() == 2);
  CHECK(report.results[0].code == "name_mismatch");
  CHECK(report.results[1].code == "duplicate_in_file");
  CHECK(report.results[1].message.find("on row 2 already, which was refused: correct that row") !=
        std::string::npos);
  CHECK(report.issued == 0);
}

TEST_CASE("invitation: --from-file reads as the roster import does: a repeated header, --sheet",
          "[invitation][from_file]") {
  InviteFixture f;
  auto list = f.dir / "list.csv";
  testkit::write_file(list, "身份证号\n" + kA + "\n身份证号\n");
  auto r = InviteFixture::request();
  r.id_numbers.clear();
  r.from_file = list.string();
  r.sheet = "名单";
  r.dry_run = true;
  auto report = ncss::issue_invitations(f.store, r, f.actor);
  REQUIRE(report.results.size() == 2);
  CHECK(report.results[0].issued);
  CHECK(report.results[1].code == "header_repeated");
  CHECK(report.results[1].message ==
        "list.csv row 3, column A (身份证号): this row repeats the header row (row 1), as when two "
        "lists are pasted together; delete it");
  CHECK(report.warnings ==
        std::vector<std::string>{
            "--sheet does not apply to a CSV file (one table); it was read whole"});
  testkit::write_file(list, "身份证号\n");
  r.sheet.clear();
  report = ncss::issue_invitations(f.store, r, f.actor);
  CHECK(report.results.empty());
  CHECK(report.warnings ==
        std::vector<std::string>{"no rows under the header (row 1): nothing to import"});
}
