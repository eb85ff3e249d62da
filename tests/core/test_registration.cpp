// The graduate's registrations: the pure table, each use case, and every refusal, which must leave
// the database exactly as it was.
#include <SQLiteCpp/SQLiteCpp.h>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <set>
#include <tuple>

#include "fixtures.hpp"
#include "ncss/dashboard.hpp"
#include "ncss/error.hpp"
#include "ncss/graduate_record.hpp"
#include "ncss/identity.hpp"
#include "ncss/invitation.hpp"
#include "ncss/registration.hpp"
#include "ncss/review.hpp"
#include "ncss/roster.hpp"

using ncss::ErrorCode;
using K = ncss::RegistrationKind;
using S = ncss::RegistrationState;
using A = ncss::RegistrationAction;

namespace {

const auto id = testkit::resident_id;
using testkit::contains;

const std::string kEmployer = "91110108749352307A";
const std::string kA = id("11010520030115001");         // 非定向, 本科, 北京大学
const std::string kB = id("44030420021230002");         // 非定向, 硕士, 清华大学
const std::string kD = id("11010520030215003");         // 定向
const std::string kW = id("11010520030215004");         // 委培
const std::string kNoDegree = id("11010520030115005");  // 非定向, no 学历层次

struct RegFixture : testkit::StoreFixture {
  std::filesystem::path jpg = dir / "协议扫描.jpg";
  std::filesystem::path png = dir / "proof.png";
  std::filesystem::path pdf = dir / "agreement.png";  // a PDF named .png

  RegFixture() {
    auto file = dir / "roster.csv";
    testkit::write_file(file,
                        "学生姓名,身份证号,毕业院校,院系,学历层次,专业,届别,培养方式\n"
                        "张三," +
                            kA +
                            ",北京大学,法学院,本科,法学,2026,非定向\n"
                            "李四," +
                            kB +
                            ",清华大学,计算机系,硕士,软件工程,2026,非定向\n"
                            "王五," +
                            kD +
                            ",北京大学,法学院,本科,法学,2026,定向\n"
                            "赵六," +
                            kW +
                            ",北京大学,法学院,本科,法学,2026,委培\n"
                            "钱七," +
                            kNoDegree + ",北京大学,法学院,,法学,2026,非定向\n");
    auto r = ncss::import_roster(store, file, {}, actor);
    REQUIRE(r.added == 5);
    testkit::write_file(jpg, std::string("\xFF\xD8\xFF\xE0", 4) + "stamped agreement");
    testkit::write_file(png, std::string("\x89PNG\r\n\x1A\n", 8) + "IHDR proof");
    testkit::write_file(pdf, "%PDF-1.4\n1 0 obj\n<<>>\nendobj\n");
  }

  ncss::RegistrationRequest paper(const std::string& who = kA) const {
    ncss::RegistrationRequest r;
    r.kind = K::Paper;
    r.id_number = who;
    r.fields = {{"employer_name", "北京示例科技有限公司"},
                {"credit_code", "91110108749352307a"},
                {"nature", "其他企业"},
                {"job_category", "工程技术人员"},
                {"position", "软件工程师"},
                {"work_location", "北京"}};
    r.scans = {jpg};
    return r;
  }
  ncss::RegistrationRequest offline(const std::string& who = kA) const {
    auto r = paper(who);
    r.kind = K::Offline;
    r.scans.clear();
    return r;
  }
  ncss::RegistrationRequest destination(const std::string& code, ncss::RegistrationFields fields,
                                        const std::string& who = kA) const {
    ncss::RegistrationRequest r;
    r.kind = K::Destination;
    r.id_number = who;
    r.code = code;
    r.fields = std::move(fields);
    r.proofs = {png};
    return r;
  }
  ncss::Registration submit(const ncss::RegistrationRequest& r) {
    return ncss::submit_registration(store, r, actor);
  }

  int count(const std::string& sql) {
    SQLite::Database db(path.string(), SQLite::OPEN_READONLY);
    return db.execAndGet(sql).getInt();
  }
  std::string text(const std::string& sql) {
    SQLite::Database db(path.string(), SQLite::OPEN_READONLY);
    return db.execAndGet(sql).getString();
  }
  void exec(const std::string& sql) {
    SQLite::Database db(path.string(), SQLite::OPEN_READWRITE);
    db.exec(sql);
  }
  nlohmann::json last_event(const std::string& action) {
    return nlohmann::json::parse(text("SELECT details FROM events WHERE action = '" + action +
                                      "' ORDER BY id DESC LIMIT 1"));
  }

  // Every row a registration use case may touch, as text.
  std::string snapshot() {
    SQLite::Database db(path.string(), SQLite::OPEN_READONLY);
    std::string out;
    for (const char* sql :
         {"SELECT * FROM registrations ORDER BY id",
          "SELECT * FROM registration_files ORDER BY registration_id, file_id",
          "SELECT id, name, media_type, size, sha256, created_at FROM files ORDER BY id",
          "SELECT * FROM events ORDER BY id", "SELECT * FROM outbox ORDER BY id",
          "SELECT * FROM agreement_sequences ORDER BY school_code, cohort",
          "SELECT id, state, coalesce(agreement_no, '') FROM invitations ORDER BY id",
          "SELECT id, name, status, updated_at FROM graduates ORDER BY id"}) {
      SQLite::Statement q(db, sql);
      const int n = q.getColumnCount();
      while (q.executeStep()) {
        for (int i = 0; i < n; ++i) out += std::string(q.getColumn(i).getText()) + "|";
        out += "\n";
      }
      out += "--\n";
    }
    return out;
  }

  // An invitation from a verified employer to the graduate, in `state`.
  std::int64_t invitation(const std::string& who, const std::string& state) {
    exec(
        "INSERT OR IGNORE INTO employers (credit_code, name, nature_code, industry_code, "
        "size_code, province, city, street, verification, created_at, updated_at) VALUES ('" +
        kEmployer + "', '甲公司', '39', 'I', '3', '北京市', '北京市', 'x', 'verified', 't', 't')");
    SQLite::Database db(path.string(), SQLite::OPEN_READWRITE);
    SQLite::Statement q(db,
                        "INSERT INTO invitations (employer_code, graduate_id, state, job_category, "
                        "position, valid_days, issued_at, deadline, updated_at) SELECT :e, id, "
                        ":state, '13', '研发工程师', 7, '2026-05-18T01:00:00Z', "
                        "'2026-05-25T01:00:00Z', '2026-05-18T01:00:00Z' FROM graduates WHERE "
                        "id_number = :id");
    q.bind(":e", kEmployer);
    q.bind(":state", state);
    q.bind(":id", who);
    REQUIRE(q.exec() == 1);
    return db.getLastInsertRowid();
  }
};

// Runs `fn`, which must throw ncss::Error with `code` and a message containing `part`, and
// checks that nothing at all was written.
template <typename Fn>
void refused(RegFixture& f, ErrorCode code, const std::string& part, Fn&& fn) {
  const std::string before = f.snapshot();
  bool thrown = false;
  try {
    fn();
  } catch (const ncss::Error& e) {
    thrown = true;
    INFO(e.what());
    CHECK(e.code() == code);
    CHECK(contains(e.what(), part));
  }
  CHECK(thrown);
  CHECK(f.snapshot() == before);
}

}  // namespace

// ----- The pure table

TEST_CASE("registration: the transition table, every allowed move and every refusal",
          "[registration]") {
  // (kind, from, action) → to; everything not listed is refused.
  using T = std::tuple<K, S, A, S>;
  std::vector<T> allowed;
  for (auto k : ncss::kRegistrationKinds) {
    allowed.push_back({k, S::Pending, A::Withdraw, S::Returned});
    allowed.push_back({k, S::Returned, A::Resubmit, S::Pending});
    allowed.push_back({k, S::Pending, A::Return, S::Returned});
    allowed.push_back({k, S::Pending, A::Reject, S::Rejected});
    allowed.push_back({k, S::Pending, A::Void, S::Voided});
    allowed.push_back({k, S::Returned, A::Void, S::Voided});
    allowed.push_back({k, S::Pending, A::Invalidate, S::Invalid});
    allowed.push_back({k, S::Returned, A::Invalidate, S::Invalid});
    allowed.push_back({k, S::Pending, A::Approve, k == K::Offline ? S::AwaitingScan : S::Approved});
  }
  allowed.push_back({K::Destination, S::Approved, A::Void, S::Voided});
  allowed.push_back({K::Targeted, S::Approved, A::Void, S::Voided});
  allowed.push_back({K::Offline, S::AwaitingScan, A::UploadScan, S::ScanReview});
  allowed.push_back({K::Offline, S::AwaitingScan, A::Void, S::Voided});
  allowed.push_back({K::Offline, S::AwaitingScan, A::Invalidate, S::Invalid});
  allowed.push_back({K::Offline, S::ScanReview, A::Approve, S::Approved});
  allowed.push_back({K::Offline, S::ScanReview, A::Return, S::AwaitingScan});
  allowed.push_back({K::Offline, S::ScanReview, A::Reject, S::Rejected});
  allowed.push_back({K::Offline, S::ScanReview, A::Invalidate, S::Invalid});

  int moves = 0, refusals = 0;
  for (auto k : ncss::kRegistrationKinds) {
    for (auto s : ncss::kRegistrationStates) {
      for (auto a : ncss::kRegistrationActions) {
        INFO(std::string(ncss::registration_kind_name(k)) + " " +
             std::string(ncss::registration_state_name(s)) + " " +
             std::string(ncss::registration_action_name(a)));
        std::optional<S> expected;
        for (const auto& [tk, ts, ta, to] : allowed) {
          if (tk == k && ts == s && ta == a) expected = to;
        }
        auto next = ncss::registration_next(k, s, a);
        CHECK(next == expected);
        if (expected) {
          CHECK(ncss::registration_refusal(k, s, a).empty());
          ++moves;
        } else {
          CHECK_FALSE(ncss::registration_refusal(k, s, a).empty());
          ++refusals;
        }
      }
    }
  }
  CHECK(moves == static_cast<int>(allowed.size()));
  CHECK(moves + refusals == 4 * 9 * 8);
  // The refusals say what to do instead.
  CHECK(contains(ncss::registration_refusal(K::Paper, S::Approved, A::Void), "terminate offline"));
  CHECK(
      contains(ncss::registration_refusal(K::Offline, S::Approved, A::Void), "terminate offline"));
  CHECK(
      contains(ncss::registration_refusal(K::Paper, S::Rejected, A::Resubmit), "new registration"));
  CHECK(contains(ncss::registration_refusal(K::Offline, S::AwaitingScan, A::Withdraw),
                 "content is approved"));
  CHECK(contains(ncss::registration_refusal(K::Paper, S::Returned, A::Approve), "resubmit"));
  // Names round-trip.
  for (auto k : ncss::kRegistrationKinds) {
    CHECK(ncss::parse_registration_kind(ncss::registration_kind_name(k)) == k);
  }
  for (auto s : ncss::kRegistrationStates) {
    CHECK(ncss::parse_registration_state(ncss::registration_state_name(s)) == s);
  }
  CHECK_FALSE(ncss::parse_registration_kind("online"));
  CHECK(ncss::registration_kind_text(K::Paper) == "已签纸质就业协议登记");
  CHECK(ncss::registration_state_text(S::Returned) == "退回修改");
}

// ----- Submitting

TEST_CASE("registration: a paper agreement is filed with its scans and normalised fields",
          "[registration]") {
  RegFixture f;
  auto r = f.submit(f.paper());
  CHECK(r.id == 1);
  CHECK(r.kind == K::Paper);
  CHECK(r.state == S::Pending);
  CHECK(r.destination == "10");
  CHECK(r.subtype.empty());
  CHECK(r.fields.at("credit_code") == "91110108749352307A");  // upper-cased
  CHECK(r.fields.at("nature") == "39");                       // by name
  CHECK(r.nature_name == "其他企业");
  CHECK(r.fields.at("job_category") == "13");
  CHECK(r.job_category_name == "工程技术人员");
  REQUIRE(r.files.size() == 1);
  CHECK(r.files[0].role == "scan");
  CHECK(r.files[0].name == "协议扫描.jpg");
  CHECK(r.files[0].media_type == "image/jpeg");
  CHECK(r.files[0].sha256.size() == 64);
  CHECK(r.agreement_no.empty());
  auto e = f.last_event("registration.submit");
  CHECK(e["from"] == "");
  CHECK(e["to"] == "pending");
  CHECK(e["reason"] == "");
  CHECK(e["note"] == "");
  CHECK(e["kind"] == "paper");
  CHECK(e["files"][0]["name"] == "协议扫描.jpg");
  CHECK(f.count("SELECT count(*) FROM outbox") == 0);  // the graduate's own act
}

TEST_CASE("registration: refusals at submission leave the database unchanged", "[registration]") {
  RegFixture f;
  SECTION("定向 and 委培 graduates file only 定向/委培毕业去向补充登记") {
    refused(f, ErrorCode::InvalidTransition, "定向", [&] { f.submit(f.paper(kD)); });
    refused(f, ErrorCode::InvalidTransition, "委培", [&] { f.submit(f.offline(kW)); });
    refused(f, ErrorCode::InvalidTransition, "register targeted", [&] {
      f.submit(f.destination("考研", {{"study_school", "北京大学"}}, kD));
    });
  }
  SECTION("a 非定向 graduate does not file the 定向/委培 kind") {
    ncss::RegistrationRequest r;
    r.kind = K::Targeted;
    r.id_number = kA;
    r.fields = {{"unit", "新疆某县人民医院"}};
    refused(f, ErrorCode::InvalidTransition, "非定向", [&] { f.submit(r); });
  }
  SECTION("an unknown or removed graduate") {
    refused(f, ErrorCode::NotFound, "graduate",
            [&] { f.submit(f.paper(id("11010519990101001"))); });
    ncss::remove_graduate(f.store, kA, 0, "重复录入", f.actor);
    refused(f, ErrorCode::InvalidTransition, "removed", [&] { f.submit(f.paper()); });
  }
  SECTION("employer and job fields") {
    auto r = f.paper();
    r.fields["credit_code"] = "91110108749352307B";
    refused(f, ErrorCode::InvalidInput, "check character", [&] { f.submit(r); });
    r = f.paper();
    r.fields["nature"] = "外星企业";
    refused(f, ErrorCode::InvalidInput, "单位性质", [&] { f.submit(r); });
    r = f.paper();
    r.fields["job_category"] = "77";
    refused(f, ErrorCode::InvalidInput, "职位类别", [&] { f.submit(r); });
    r = f.paper();
    r.fields.erase("position");
    refused(f, ErrorCode::InvalidInput, "岗位名称 (--position)", [&] { f.submit(r); });
    r = f.paper();
    r.fields["company"] = "x";
    refused(f, ErrorCode::InvalidInput, "does not apply", [&] { f.submit(r); });
  }
  SECTION("files") {
    auto r = f.paper();
    r.scans.clear();
    refused(f, ErrorCode::InvalidInput, "--scan", [&] { f.submit(r); });
    r.scans = {f.jpg, f.pdf};
    refused(f, ErrorCode::InvalidInput, "agreement.png: not a JPEG or PNG image (it is a PDF",
            [&] { f.submit(r); });
    r.scans = {f.dir / "missing.jpg"};
    refused(f, ErrorCode::Io, "missing.jpg", [&] { f.submit(r); });
    r = f.paper();
    r.proofs = {f.png};
    refused(f, ErrorCode::InvalidInput, "--proof", [&] { f.submit(r); });
    r = f.offline();
    r.scans = {f.jpg};
    refused(f, ErrorCode::InvalidInput, "upload-scan", [&] { f.submit(r); });
    auto d = f.destination("76", {});
    d.scans = {f.jpg};
    refused(f, ErrorCode::InvalidInput, "--scan", [&] { f.submit(d); });
  }
  SECTION("destination codes and the fields they imply") {
    refused(f, ErrorCode::InvalidInput, "sub-types: 公招接收函", [&] {
      f.submit(f.destination("10", {{"unit", "x"}}));
    });
    refused(f, ErrorCode::InvalidInput, "sub-types", [&] {
      f.submit(f.destination("签就业协议形式就业", {{"unit", "x"}}));
    });
    refused(f, ErrorCode::InvalidInput, "neither", [&] {
      f.submit(f.destination("99", {{"unit", "x"}}));
    });
    refused(f, ErrorCode::InvalidInput, "--code", [&] { f.submit(f.destination("", {})); });
    refused(f, ErrorCode::InvalidInput, "升学院校 (--study-school)",
            [&] { f.submit(f.destination("考研", {})); });
    refused(f, ErrorCode::InvalidInput, "国家/地区 (--country)", [&] {
      f.submit(f.destination("85", {{"study_school", "University of Oxford"}}));
    });
    refused(f, ErrorCode::InvalidInput, "公司名称 (--company)",
            [&] { f.submit(f.destination("75", {})); });
    refused(f, ErrorCode::InvalidInput, "单位名称 (--unit)",
            [&] { f.submit(f.destination("西部计划", {})); });
    refused(f, ErrorCode::InvalidInput, "--company", [&] {
      f.submit(f.destination("80", {{"study_school", "北京大学"}, {"company", "x"}}));
    });
    auto no_proof = f.destination("11", {{"unit", "某某公司"}});
    no_proof.proofs.clear();
    refused(f, ErrorCode::InvalidInput, "proof", [&] { f.submit(no_proof); });
    refused(f, ErrorCode::InvalidInput, "at most 200", [&] {
      f.submit(f.destination("72", {{"note", std::string(201, 'x')}}));
    });
    auto paper_code = f.paper();
    paper_code.code = "11";
    refused(f, ErrorCode::InvalidInput, "fixed", [&] { f.submit(paper_code); });
  }
}

TEST_CASE("registration: other destinations by code, name or sub-type", "[registration]") {
  RegFixture f;
  SECTION("考研 is 80 with its sub-type") {
    auto r = f.submit(f.destination("考研", {{"study_school", "北京大学"}, {"note", "硕士"}}));
    CHECK(r.destination == "80");
    CHECK(r.destination_name == "境内升学");
    CHECK(r.subtype == "考研");
    CHECK(r.fields.at("study_school") == "北京大学");
    REQUIRE(r.files.size() == 1);
    CHECK(r.files[0].role == "proof");
    CHECK(f.last_event("registration.submit")["note"] == "硕士");
  }
  SECTION("a 10 sub-type is 10") {
    auto r = f.submit(f.destination("士官", {{"unit", "某部队"}}));
    CHECK(r.destination == "10");
    CHECK(r.subtype == "士官");
  }
  SECTION("a code by its name; 70 needs no proof") {
    auto d = f.destination("待就业", {});
    d.proofs.clear();
    auto r = f.submit(d);
    CHECK(r.destination == "70");
    CHECK(r.files.empty());
  }
  SECTION("85 with country and school") {
    auto r = f.submit(f.destination(
        "出国出境深造", {{"country", "英国"}, {"study_school", "University of Oxford"}}));
    CHECK(r.destination == "85");
  }
  SECTION("定向/委培 supplement") {
    ncss::RegistrationRequest t;
    t.kind = K::Targeted;
    t.id_number = kD;
    t.fields = {{"unit", "新疆某县人民医院"}};
    auto r = f.submit(t);
    CHECK(r.kind == K::Targeted);
    CHECK(r.destination == "10");
    CHECK(r.training_mode == "定向");
  }
}

// ----- One live destination

TEST_CASE("registration: one live destination, in both directions", "[registration]") {
  RegFixture f;
  SECTION("an invitation awaiting review or signed blocks a registration") {
    for (const char* state : {"awaiting_review", "signed", "terminating"}) {
      f.exec("DELETE FROM invitations");
      f.invitation(kA, state);
      refused(f, ErrorCode::InvalidTransition, "already has a live destination: invitation",
              [&] { f.submit(f.paper()); });
    }
    // An invitation still awaiting the graduate, or failed, does not.
    f.exec("UPDATE invitations SET state = 'awaiting_graduate'");
    CHECK(f.submit(f.destination("76", {})).state == S::Pending);
  }
  SECTION("a registration not yet final blocks another and an acceptance") {
    auto r = f.submit(f.paper());
    refused(f, ErrorCode::InvalidTransition, "registration R1 (已签纸质就业协议登记, 待审核)",
            [&] { f.submit(f.destination("76", {})); });
    auto inv = f.invitation(kA, "awaiting_graduate");
    refused(f, ErrorCode::InvalidTransition, "registration R1",
            [&] { ncss::respond_invitation(f.store, inv, true, f.actor); });
    ncss::withdraw_registration(f.store, r.id, f.actor);  // returned: still live
    refused(f, ErrorCode::InvalidTransition, "退回修改",
            [&] { ncss::respond_invitation(f.store, inv, true, f.actor); });
    ncss::resubmit_registration(f.store, r.id, {}, f.actor);
    ncss::approve_registration(f.store, r.id, {}, f.actor);  // approved: live
    refused(f, ErrorCode::InvalidTransition, "审核通过",
            [&] { ncss::respond_invitation(f.store, inv, true, f.actor); });
  }
  SECTION("a rejected, voided or invalid registration does not") {
    auto r = f.submit(f.paper());
    ncss::reject_registration(f.store, r.id, "扫描件不清晰", f.actor);
    auto inv = f.invitation(kA, "awaiting_graduate");
    CHECK(ncss::respond_invitation(f.store, inv, true, f.actor).state ==
          ncss::SigningState::AwaitingReview);
  }
}

// ----- Withdraw, resubmit

TEST_CASE("registration: withdraw (撤回修改) and resubmit with changes", "[registration]") {
  RegFixture f;
  auto r = f.submit(f.paper());
  refused(f, ErrorCode::InvalidTransition, "only a registration returned",
          [&] { ncss::resubmit_registration(f.store, r.id, {}, f.actor); });
  auto w = ncss::withdraw_registration(f.store, r.id, f.actor);
  CHECK(w.state == S::Returned);
  auto e = f.last_event("registration.withdraw");
  CHECK(e["from"] == "pending");
  CHECK(e["to"] == "returned");
  CHECK(f.count("SELECT count(*) FROM outbox") == 0);
  refused(f, ErrorCode::InvalidTransition, "already back with the graduate",
          [&] { ncss::withdraw_registration(f.store, r.id, f.actor); });
  refused(f, ErrorCode::InvalidTransition, "until they resubmit",
          [&] { ncss::approve_registration(f.store, r.id, {}, f.actor); });

  ncss::RegistrationChange c;
  c.fields = {{"position", "高级软件工程师"}, {"work_location", ""}};
  c.scans = {f.png};
  SECTION("the changes and the new scans") {
    auto s = ncss::resubmit_registration(f.store, r.id, c, f.actor);
    CHECK(s.state == S::Pending);
    CHECK(s.fields.at("position") == "高级软件工程师");
    CHECK(s.fields.count("work_location") == 0);  // an empty value clears an optional field
    REQUIRE(s.files.size() == 1);
    CHECK(s.files[0].name == "proof.png");  // replaced the earlier scan
    auto ev = f.last_event("registration.resubmit");
    CHECK(ev["from"] == "returned");
    CHECK(ev["to"] == "pending");
    CHECK(ev["changes"]["position"]["old"] == "软件工程师");
    CHECK(ev["changes"]["position"]["new"] == "高级软件工程师");
    CHECK(ev["changes"]["work_location"]["new"] == "");
    CHECK(ev["files"]["scan"]["old"][0]["name"] == "协议扫描.jpg");
    CHECK(ev["files"]["scan"]["new"][0]["name"] == "proof.png");
  }
  SECTION("refusals") {
    ncss::RegistrationChange bad;
    bad.fields = {{"position", ""}};
    refused(f, ErrorCode::InvalidInput, "岗位名称",
            [&] { ncss::resubmit_registration(f.store, r.id, bad, f.actor); });
    bad.fields = {{"credit_code", "123"}};
    refused(f, ErrorCode::InvalidInput, "18",
            [&] { ncss::resubmit_registration(f.store, r.id, bad, f.actor); });
    bad.fields = {};
    bad.code = "11";
    refused(f, ErrorCode::InvalidInput, "fixed",
            [&] { ncss::resubmit_registration(f.store, r.id, bad, f.actor); });
    bad.code = "";
    bad.scans = {f.pdf};
    refused(f, ErrorCode::InvalidInput, "agreement.png",
            [&] { ncss::resubmit_registration(f.store, r.id, bad, f.actor); });
    refused(f, ErrorCode::NotFound, "R99",
            [&] { ncss::resubmit_registration(f.store, 99, c, f.actor); });
  }
}

TEST_CASE("registration: a destination resubmitted with another code drops fields it does not take",
          "[registration]") {
  RegFixture f;
  auto r = f.submit(f.destination("考研", {{"study_school", "北京大学"}}));
  ncss::return_registration(f.store, r.id, "请补充证明", f.actor);
  ncss::RegistrationChange c;
  c.code = "11";
  refused(f, ErrorCode::InvalidInput, "单位名称 (--unit)",
          [&] { ncss::resubmit_registration(f.store, r.id, c, f.actor); });
  c.fields = {{"unit", "某某有限公司"}};
  auto s = ncss::resubmit_registration(f.store, r.id, c, f.actor);
  CHECK(s.destination == "11");
  CHECK(s.subtype.empty());
  CHECK(s.fields.count("study_school") == 0);
  CHECK(s.fields.at("unit") == "某某有限公司");
  auto e = f.last_event("registration.resubmit");
  CHECK(e["destination"]["old"] == "80");
  CHECK(e["destination"]["new"] == "11");
  CHECK(e["subtype"]["old"] == "考研");
  CHECK(e["changes"]["study_school"]["old"] == "北京大学");
}

// ----- The school's review

TEST_CASE("registration: return and reject need a reason and tell the graduate", "[registration]") {
  RegFixture f;
  auto r = f.submit(f.paper());
  refused(f, ErrorCode::InvalidInput, "--reason",
          [&] { ncss::return_registration(f.store, r.id, "  ", f.actor); });
  refused(f, ErrorCode::InvalidInput, "--reason",
          [&] { ncss::reject_registration(f.store, r.id, "", f.actor); });
  ncss::Actor school{"北京大学就业中心", f.actor.now};
  auto t = ncss::return_registration(f.store, r.id, "单位名称与盖章不一致", school);
  CHECK(t.state == S::Returned);
  CHECK(t.reviewed_by == "北京大学就业中心");
  CHECK(t.review_reason == "单位名称与盖章不一致");
  CHECK(f.text("SELECT actor FROM events WHERE action = 'registration.return'") ==
        "北京大学就业中心");
  auto payload = nlohmann::json::parse(
      f.text("SELECT payload FROM outbox WHERE template = 'registration_return'"));
  CHECK(f.text("SELECT recipient_type || ':' || recipient_id FROM outbox") == "graduate:" + kA);
  CHECK(payload["reason"] == "单位名称与盖章不一致");
  CHECK(payload["state"] == "returned");

  ncss::resubmit_registration(f.store, r.id, {}, f.actor);
  auto j = ncss::reject_registration(f.store, r.id, "协议非本人签署", school);
  CHECK(j.state == S::Rejected);
  auto e = f.last_event("registration.reject");
  CHECK(e["from"] == "pending");
  CHECK(e["to"] == "rejected");
  CHECK(e["reason"] == "协议非本人签署");
  CHECK(f.count("SELECT count(*) FROM outbox WHERE template = 'registration_reject'") == 1);
  // Final: nothing more, but a new registration may be filed.
  refused(f, ErrorCode::InvalidTransition, "final",
          [&] { ncss::resubmit_registration(f.store, r.id, {}, f.actor); });
  refused(f, ErrorCode::InvalidTransition, "final",
          [&] { ncss::void_registration(f.store, r.id, "", f.actor); });
  CHECK(f.submit(f.paper()).id == 2);
}

TEST_CASE("registration: the school may approve a destination as another code", "[registration]") {
  RegFixture f;
  auto d = f.destination("待就业", {});
  auto r = f.submit(d);
  ncss::RegistrationChange c;
  c.code = "考研";
  refused(f, ErrorCode::InvalidInput, "升学院校",
          [&] { ncss::approve_registration(f.store, r.id, c, f.actor); });
  c.fields = {{"study_school", "武汉大学"}};
  auto a = ncss::approve_registration(f.store, r.id, c, f.actor);
  CHECK(a.state == S::Approved);
  CHECK(a.destination == "80");
  CHECK(a.subtype == "考研");
  CHECK(a.agreement_no.empty());  // only agreements get a number
  auto e = f.last_event("registration.approve");
  CHECK(e["destination"]["old"] == "70");
  CHECK(e["destination"]["new"] == "80");
  CHECK(e["subtype"]["new"] == "考研");
  CHECK(e["changes"]["study_school"]["new"] == "武汉大学");
  auto payload = nlohmann::json::parse(
      f.text("SELECT payload FROM outbox WHERE template = 'registration_approve'"));
  CHECK(payload["destination"]["new"] == "80");
  refused(f, ErrorCode::InvalidTransition, "already approved",
          [&] { ncss::approve_registration(f.store, r.id, {}, f.actor); });
}

TEST_CASE("registration: only other destinations are changed while approving", "[registration]") {
  RegFixture f;
  auto r = f.submit(f.paper());
  ncss::RegistrationChange c;
  c.code = "11";
  refused(f, ErrorCode::Usage, "register return",
          [&] { ncss::approve_registration(f.store, r.id, c, f.actor); });
  c = {};
  c.fields = {{"position", "x"}};
  refused(f, ErrorCode::Usage, "其他毕业去向登记",
          [&] { ncss::approve_registration(f.store, r.id, c, f.actor); });
}

TEST_CASE("registration: paper agreements take the school's agreement numbers, shared with online",
          "[registration]") {
  RegFixture f;
  auto inv = f.invitation(kA, "awaiting_review");
  auto online = ncss::approve_invitations(f.store, {inv}, f.actor);
  CHECK(online.at(0).agreement_no == "20261000131000001");
  // The online signing is live: the graduate voids nothing here; another graduate files paper.
  auto other = f.paper(kB);  // 清华大学, 硕士: its own school's sequence
  auto rb = f.submit(other);
  auto b = ncss::approve_registration(f.store, rb.id, {}, f.actor);
  CHECK(b.agreement_no == "20261000311000001");
  f.exec("UPDATE invitations SET state = 'terminated'");
  auto ra = f.submit(f.paper(kA));
  auto a = ncss::approve_registration(f.store, ra.id, {}, f.actor);
  CHECK(a.agreement_no == "20261000131000002");
  CHECK(f.last_event("registration.approve")["agreement_no"] == "20261000131000002");
  CHECK(nlohmann::json::parse(
            f.text("SELECT payload FROM outbox WHERE template = "
                   "'registration_approve' ORDER BY id DESC LIMIT 1"))["agreement_no"] ==
        "20261000131000002");
  SECTION("no 学历层次: no number, no approval") {
    auto rn = f.submit(f.paper(kNoDegree));
    refused(f, ErrorCode::InvalidTransition, "学历层次",
            [&] { ncss::approve_registration(f.store, rn.id, {}, f.actor); });
  }
}

// ----- Offline agreements

TEST_CASE("registration: an offline agreement from content review to its stamped scan",
          "[registration]") {
  RegFixture f;
  auto r = f.submit(f.offline());
  CHECK(r.kind == K::Offline);
  CHECK(r.files.empty());
  refused(f, ErrorCode::InvalidTransition, "content has not been approved",
          [&] { ncss::upload_registration_scan(f.store, r.id, {f.jpg}, f.actor); });
  auto a = ncss::approve_registration(f.store, r.id, {}, f.actor);
  CHECK(a.state == S::AwaitingScan);
  CHECK(a.agreement_no.empty());
  refused(f, ErrorCode::InvalidTransition, "content is approved",
          [&] { ncss::withdraw_registration(f.store, r.id, f.actor); });
  refused(f, ErrorCode::InvalidTransition, "stamped agreement",
          [&] { ncss::approve_registration(f.store, r.id, {}, f.actor); });
  refused(f, ErrorCode::InvalidInput, "--scan",
          [&] { ncss::upload_registration_scan(f.store, r.id, {}, f.actor); });
  refused(f, ErrorCode::InvalidInput, "agreement.png",
          [&] { ncss::upload_registration_scan(f.store, r.id, {f.pdf}, f.actor); });
  auto u = ncss::upload_registration_scan(f.store, r.id, {f.jpg}, f.actor);
  CHECK(u.state == S::ScanReview);
  REQUIRE(u.files.size() == 1);
  CHECK(u.files[0].role == "stamped_scan");
  refused(f, ErrorCode::InvalidTransition, "already awaits",
          [&] { ncss::upload_registration_scan(f.store, r.id, {f.png}, f.actor); });
  refused(f, ErrorCode::InvalidTransition, "awaits the school's review",
          [&] { ncss::void_registration(f.store, r.id, "", f.actor); });
  auto back = ncss::return_registration(f.store, r.id, "盖章不清晰", f.actor);
  CHECK(back.state == S::AwaitingScan);
  auto again = ncss::upload_registration_scan(f.store, r.id, {f.png}, f.actor);
  REQUIRE(again.files.size() == 1);
  CHECK(again.files[0].name == "proof.png");
  auto done = ncss::approve_registration(f.store, r.id, {}, f.actor);
  CHECK(done.state == S::Approved);
  CHECK(done.agreement_no == "20261000131000001");
  refused(f, ErrorCode::InvalidTransition, "terminate offline",
          [&] { ncss::void_registration(f.store, r.id, "", f.actor); });
  // One event per transition.
  CHECK(f.count("SELECT count(*) FROM events WHERE subject_type = 'registration'") == 6);
  CHECK(f.count("SELECT count(*) FROM outbox WHERE template LIKE 'registration_%'") == 3);
}

// ----- Void

TEST_CASE("registration: the graduate voids an approved destination without review",
          "[registration]") {
  RegFixture f;
  auto r = f.submit(f.destination("西部计划", {{"unit", "西部计划项目办"}}));
  ncss::approve_registration(f.store, r.id, {}, f.actor);
  refused(f, ErrorCode::InvalidTransition, "already has a live destination",
          [&] { f.submit(f.destination("76", {})); });
  auto v = ncss::void_registration(f.store, r.id, "考取选调生", f.actor);
  CHECK(v.state == S::Voided);
  auto e = f.last_event("registration.void");
  CHECK(e["from"] == "approved");
  CHECK(e["to"] == "voided");
  CHECK(e["reason"] == "考取选调生");
  CHECK(f.count("SELECT count(*) FROM outbox WHERE template = 'registration_void'") == 0);
  refused(f, ErrorCode::InvalidTransition, "final",
          [&] { ncss::void_registration(f.store, r.id, "", f.actor); });
  // Free again: a new destination, or an online signing.
  CHECK(f.submit(f.destination("选调生", {{"unit", "某省委组织部"}})).destination == "51");
}

TEST_CASE("registration: the graduate cancels an unfinished registration of any kind",
          "[registration]") {
  RegFixture f;
  auto p = f.submit(f.paper());
  CHECK(ncss::void_registration(f.store, p.id, "", f.actor).state == S::Voided);
  auto o = f.submit(f.offline());
  ncss::withdraw_registration(f.store, o.id, f.actor);
  CHECK(ncss::void_registration(f.store, o.id, "", f.actor).state == S::Voided);
  auto o2 = f.submit(f.offline());
  ncss::approve_registration(f.store, o2.id, {}, f.actor);  // awaiting its scan
  CHECK(ncss::void_registration(f.store, o2.id, "单位不盖章", f.actor).state == S::Voided);
  auto pa = f.submit(f.paper());
  ncss::approve_registration(f.store, pa.id, {}, f.actor);
  refused(f, ErrorCode::InvalidTransition, "terminate offline",
          [&] { ncss::void_registration(f.store, pa.id, "", f.actor); });
}

// ----- Invalid (失效)

TEST_CASE("registration: a correction of the graduate's record makes unfinished ones invalid",
          "[registration]") {
  RegFixture f;
  // Several registrations of one graduate cannot be live at once: set them up directly.
  auto r1 = f.submit(f.paper());
  f.exec("UPDATE registrations SET state = 'approved' WHERE id = 1");
  auto r2 = f.submit(f.offline(kB));
  ncss::approve_registration(f.store, r2.id, {}, f.actor);  // kB: awaiting its scan
  auto r3 = f.submit(f.destination("76", {}, kNoDegree));
  ncss::withdraw_registration(f.store, r3.id, f.actor);  // returned
  int events = f.count("SELECT count(*) FROM events");

  ncss::GraduateCorrection c;
  c.name = "张叁";
  auto res = ncss::correct_graduate(f.store, kA, 0, c, "姓名录入错误", f.actor);
  CHECK(res.invalidated.registrations == 0);  // approved stays
  CHECK(ncss::get_registration(f.store, r1.id).state == S::Approved);
  c.name = "李肆";
  res = ncss::correct_graduate(f.store, kB, 0, c, "姓名录入错误", f.actor);
  CHECK(res.invalidated.registrations == 1);
  CHECK(ncss::get_registration(f.store, r2.id).state == S::Invalid);
  auto removed = ncss::remove_graduate(f.store, kNoDegree, 0, "重复录入", f.actor);
  CHECK(removed.invalidated.registrations == 1);
  CHECK(ncss::get_registration(f.store, r3.id).state == S::Invalid);
  auto e = f.last_event("registration.invalidate");
  CHECK(e["from"] == "returned");
  CHECK(e["to"] == "invalid");
  CHECK(contains(e["reason"].get<std::string>(), "重复录入"));
  CHECK(f.count("SELECT count(*) FROM events WHERE action = 'registration.invalidate'") == 2);
  CHECK(f.count("SELECT count(*) FROM outbox WHERE template = 'registration_invalidate' AND "
                "recipient_type = 'graduate'") == 2);
  CHECK(f.count("SELECT count(*) FROM events") == events + 2 + 2 + 1);  // +corrections, remove
  refused(f, ErrorCode::InvalidTransition, "失效",
          [&] { ncss::resubmit_registration(f.store, r3.id, {}, f.actor); });
}

// ----- Reading

TEST_CASE("registration: list with filters, get with files", "[registration]") {
  RegFixture f;
  f.submit(f.paper());
  auto b = f.submit(f.destination("考研", {{"study_school", "北京大学"}}, kB));
  ncss::approve_registration(f.store, b.id, {}, f.actor);
  ncss::RegistrationRequest t;
  t.kind = K::Targeted;
  t.id_number = kD;
  t.fields = {{"unit", "某县医院"}};
  t.proofs = {f.png, f.jpg};
  f.submit(t);

  CHECK(ncss::list_registrations(f.store, {}).size() == 3);
  ncss::RegistrationFilter by;
  by.school = "北京大学";
  CHECK(ncss::list_registrations(f.store, by).size() == 2);
  by.school = "10003";  // 清华大学
  auto q = ncss::list_registrations(f.store, by);
  REQUIRE(q.size() == 1);
  CHECK(q[0].id_number == kB);
  by = {};
  by.kind = "targeted";
  CHECK(ncss::list_registrations(f.store, by).size() == 1);
  by = {};
  by.state = "approved";
  CHECK(ncss::list_registrations(f.store, by).size() == 1);
  by = {};
  by.id_number = kA;
  CHECK(ncss::list_registrations(f.store, by).size() == 1);
  by = {};
  by.department = "计算机系";
  by.cohort = 2026;
  CHECK(ncss::list_registrations(f.store, by).size() == 1);
  by.cohort = 2025;
  CHECK(ncss::list_registrations(f.store, by).empty());
  by = {};
  by.kind = "online";
  CHECK_THROWS_AS(ncss::list_registrations(f.store, by), ncss::Error);
  by = {};
  by.state = "signed";
  CHECK_THROWS_AS(ncss::list_registrations(f.store, by), ncss::Error);
  by = {};
  by.school = "火星大学";
  try {
    ncss::list_registrations(f.store, by);
    FAIL("an unknown school was accepted");
  } catch (const ncss::Error& e) {
    CHECK(e.code() == ErrorCode::NotFound);
  }

  auto g = ncss::get_registration(f.store, 3);
  REQUIRE(g.files.size() == 2);
  CHECK(g.files[0].role == "proof");
  std::set<std::string> names = {g.files[0].name, g.files[1].name};
  CHECK(names == std::set<std::string>{"proof.png", "协议扫描.jpg"});
  CHECK(g.files[0].size > 0);
  CHECK_THROWS_AS(ncss::get_registration(f.store, 42), ncss::Error);
}

TEST_CASE("registration: the dashboard counts registrations by kind and state",
          "[registration][stats]") {
  RegFixture f;
  f.submit(f.paper());
  auto b = f.submit(f.offline(kB));
  ncss::approve_registration(f.store, b.id, {}, f.actor);
  auto d = ncss::dashboard(f.store, {});
  std::size_t expected_rows = 7 + 6 + 6 + 9;
  CHECK(d.registrations.size() == expected_rows);
  auto count_of = [&](const ncss::Dashboard& dash, const std::string& kind,
                      const std::string& state) -> std::int64_t {
    for (const auto& r : dash.registrations) {
      if (r.kind == kind && r.state == state) return r.count;
    }
    return -1;  // not listed
  };
  CHECK(count_of(d, "paper", "pending") == 1);
  CHECK(count_of(d, "offline", "awaiting_scan") == 1);
  CHECK(count_of(d, "offline", "pending") == 0);
  CHECK(count_of(d, "destination", "awaiting_scan") == -1);  // unreachable: not listed
  ncss::DashboardFilter school;
  school.school = "清华大学";
  auto t = ncss::dashboard(f.store, school);
  CHECK(count_of(t, "paper", "pending") == 0);
  CHECK(count_of(t, "offline", "awaiting_scan") == 1);
  ncss::DashboardFilter employer;
  employer.employer = kEmployer;
  CHECK(count_of(ncss::dashboard(f.store, employer), "paper", "pending") == 1);
  // A credit code neither registered nor on any agreement names nothing known (exit 2), rather
  // than a dashboard of zeros.
  employer.employer = "91370214MA3D2M2T5C";
  try {
    ncss::dashboard(f.store, employer);
    FAIL("a dashboard for an employer nothing knows");
  } catch (const ncss::Error& e) {
    CHECK(e.code() == ncss::ErrorCode::NotFound);
    CHECK(std::string(e.what()).find("unknown employer '91370214MA3D2M2T5C'") != std::string::npos);
  }
}
