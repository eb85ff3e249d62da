// The destination-rate report (去向落实率): which destinations count, in which group, once per
// graduate; every rule beside the case it refuses.
#include <SQLiteCpp/SQLiteCpp.h>

#include <catch2/catch.hpp>
#include <functional>
#include <map>
#include <string>

#include "fixtures.hpp"
#include "ncss/destination_rate.hpp"
#include "ncss/error.hpp"
#include "ncss/graduate_record.hpp"
#include "ncss/registration.hpp"
#include "ncss/roster.hpp"

using G = ncss::DestinationGroup;
using K = ncss::RegistrationKind;

namespace {

const auto id = testkit::resident_id;
const std::string kEmployer = "91110108749352307A";

// Graduates of 2026 at 北京大学 (法学院 本科, 计算机学院 硕士, one with neither) and 清华大学,
// and one of 2025.
struct RateFixture : testkit::StoreFixture {
  std::filesystem::path jpg = dir / "scan.jpg";
  std::filesystem::path png = dir / "proof.png";
  std::map<std::string, std::string> ids;  // short name → ID number

  RateFixture() {
    std::string csv = "学生姓名,身份证号,毕业院校,院系,学历层次,专业,届别,培养方式\n";
    int n = 0;
    auto add = [&](const std::string& who, const std::string& rest) {
      char digits[16];
      std::snprintf(digits, sizeof digits, "%03d", ++n);
      ids[who] = id("11010520030115" + std::string(digits));
      csv += who + "," + ids[who] + "," + rest + "\n";
    };
    for (const char* who : {"甲", "乙", "丙", "丁", "戊", "己", "庚", "辛", "壬", "癸"}) {
      add(who, "北京大学,法学院,本科,法学,2026,非定向");
    }
    for (const char* who : {"子", "丑", "寅", "卯"}) {
      add(who, "北京大学,计算机学院,硕士,软件工程,2026,非定向");
    }
    add("辰", "北京大学,法学院,本科,法学,2026,定向");
    add("巳", "北京大学,,,,2026,非定向");
    add("午", "清华大学,计算机系,硕士,软件工程,2026,非定向");
    add("未", "北京大学,法学院,本科,法学,2025,非定向");
    auto file = dir / "roster.csv";
    testkit::write_file(file, csv);
    REQUIRE(ncss::import_roster(store, file, {}, actor).added == static_cast<std::size_t>(n));
    testkit::write_file(jpg, std::string("\xFF\xD8\xFF\xE0", 4) + "stamped agreement");
    testkit::write_file(png, std::string("\x89PNG\r\n\x1A\n", 8) + "IHDR proof");
  }

  void exec(const std::string& sql) {
    SQLite::Database db(path.string(), SQLite::OPEN_READWRITE);
    db.exec(sql);
  }

  // An online signing in `state`, written directly (the signing lifecycle has its own tests).
  void invitation(const std::string& who, const std::string& state) {
    exec(
        "INSERT OR IGNORE INTO employers (credit_code, name, nature_code, industry_code, "
        "size_code, province, city, street, verification, created_at, updated_at) VALUES ('" +
        kEmployer + "', '甲公司', '39', 'I', '3', '北京市', '北京市', 'x', 'verified', 't', 't')");
    SQLite::Database db(path.string(), SQLite::OPEN_READWRITE);
    SQLite::Statement q(db,
                        "INSERT INTO invitations (employer_code, graduate_id, state, fail_reason, "
                        "job_category, position, valid_days, issued_at, deadline, updated_at) "
                        "SELECT :e, id, :state, CASE :state WHEN 'failed' THEN 'expired' END, "
                        "'13', '研发工程师', 7, '2026-05-18T01:00:00Z', '2026-05-25T01:00:00Z', "
                        "'2026-05-18T01:00:00Z' FROM graduates WHERE id_number = :id");
    q.bind(":e", kEmployer);
    q.bind(":state", state);
    q.bind(":id", ids.at(who));
    REQUIRE(q.exec() == 1);
  }

  // A registration filed through the use case (pending).
  ncss::Registration destination(const std::string& who, const std::string& code,
                                 ncss::RegistrationFields fields) {
    ncss::RegistrationRequest r;
    r.kind = K::Destination;
    r.id_number = ids.at(who);
    r.cohort = 2026;
    r.code = code;
    r.fields = std::move(fields);
    r.proofs = {png};
    return ncss::submit_registration(store, r, actor);
  }
  ncss::Registration agreement(const std::string& who, K kind) {
    ncss::RegistrationRequest r;
    r.kind = kind;
    r.id_number = ids.at(who);
    r.cohort = 2026;
    r.fields = {{"employer_name", "北京示例科技有限公司"},
                {"credit_code", kEmployer},
                {"nature", "39"},
                {"job_category", "13"},
                {"position", "软件工程师"}};
    if (kind == K::Paper) r.scans = {jpg};
    if (kind == K::Targeted) r.fields = {{"unit", "新疆某县人民医院"}};
    return ncss::submit_registration(store, r, actor);
  }
  void approve(std::int64_t registration) {
    ncss::approve_registration(store, registration, {}, actor);
  }

  ncss::RateReport report(ncss::RateGrouping by = ncss::RateGrouping::School,
                          const std::string& school = "", int cohort = 2026) {
    ncss::RateFilter f;
    f.cohort = cohort;
    f.school = school;
    f.by = by;
    return ncss::destination_rate(store, f);
  }
  // The total's counts: graduates, then each group, then those without a destination.
  std::vector<std::int64_t> totals() {
    auto t = report().total;
    std::vector<std::int64_t> out = {t.graduates};
    for (auto g : ncss::kDestinationGroups) out.push_back(t.count(g));
    out.push_back(t.no_destination());
    return out;
  }
};

using Counts = std::vector<std::int64_t>;  // graduates, 单位就业 … 未就业, none

const ncss::RateRow* find_group(const ncss::RateReport& r, const std::string& group) {
  for (const auto& row : r.groups) {
    if (row.group == group) return &row;
  }
  return nullptr;
}

}  // namespace

TEST_CASE("rate: every destination code is in one group, as the 2024 definition groups them",
          "[rate]") {
  RateFixture f;
  const std::map<std::string, G> expected = {
      {"10", G::Employed},     {"11", G::Employed},         {"12", G::Employed},
      {"27", G::Employed},     {"46", G::Employed},         {"50", G::Employed},
      {"51", G::Employed},     {"75", G::Entrepreneurship}, {"76", G::Freelance},
      {"80", G::FurtherStudy}, {"85", G::FurtherStudy},     {"70", G::Unemployed},
      {"71", G::Unemployed},   {"72", G::Unemployed}};
  CHECK(ncss::destination_code_groups(f.store) == expected);
  for (auto g : ncss::kDestinationGroups) {
    CHECK(ncss::parse_destination_group_label(ncss::destination_group_label(g)) == g);
  }
  CHECK(ncss::destination_group_label(G::FurtherStudy) == "升学");
  CHECK(ncss::destination_group_name(G::FurtherStudy) == "further_study");
  // 落实率 counts four groups; 未就业 is a destination, but not a placed one.
  CHECK(ncss::destination_group_placed(G::Freelance));
  CHECK_FALSE(ncss::destination_group_placed(G::Unemployed));
  CHECK_FALSE(ncss::parse_destination_group_label("待就业"));
  // A code whose note names no group is an error, not a silent zero.
  f.exec("INSERT INTO destination_codes (code, name, note, ord) VALUES ('99', '其他', '其他', 99)");
  CHECK_THROWS_AS(ncss::destination_code_groups(f.store), ncss::Error);
  CHECK_THROWS_AS(f.report(), ncss::Error);
}

TEST_CASE("rate: online signings count as 10 while signed or terminating, never otherwise",
          "[rate]") {
  RateFixture f;
  CHECK(f.totals() == Counts{17, 0, 0, 0, 0, 0, 17});
  SECTION("signed and terminating count as 单位就业") {
    f.invitation("甲", "signed");
    f.invitation("乙", "terminating");
    CHECK(f.totals() == Counts{17, 2, 0, 0, 0, 0, 15});
  }
  SECTION("terminated, voided, invalid, failed, awaiting the graduate or review do not") {
    f.invitation("丙", "terminated");
    f.invitation("丁", "voided");
    f.invitation("戊", "invalid");
    f.invitation("己", "failed");
    f.invitation("庚", "awaiting_graduate");
    f.invitation("辛", "awaiting_review");
    CHECK(f.totals() == Counts{17, 0, 0, 0, 0, 0, 17});
  }
  SECTION("a terminated agreement followed by a new signing counts once") {
    f.invitation("甲", "terminated");
    f.invitation("甲", "signed");
    CHECK(f.totals() == Counts{17, 1, 0, 0, 0, 0, 16});
  }
}

TEST_CASE("rate: approved registrations count with their code, other states do not", "[rate]") {
  RateFixture f;
  SECTION("each group by its code: 80 and 85 升学, 75 自主创业, 76 自由职业, 70 未就业") {
    f.approve(f.destination("甲", "考研", {{"study_school", "武汉大学"}}).id);
    f.approve(f.destination("乙", "85", {{"country", "英国"}, {"study_school", "UCL"}}).id);
    f.approve(f.destination("丙", "75", {{"company", "某某工作室"}}).id);
    f.approve(f.destination("丁", "76", {}).id);
    f.approve(f.destination("戊", "70", {}).id);
    f.approve(f.destination("己", "西部计划", {{"unit", "西部计划项目办"}}).id);  // 50
    CHECK(f.totals() == Counts{17, 1, 1, 1, 2, 1, 11});
    // 未就业 is a destination but not 落实: five of seventeen are placed.
    CHECK(f.report().total.placed() == 5);
  }
  SECTION("paper, offline and 定向/委培 registrations are 10") {
    f.approve(f.agreement("甲", K::Paper).id);
    f.approve(f.agreement("辰", K::Targeted).id);
    auto o = f.agreement("乙", K::Offline);
    f.approve(o.id);  // content approved: awaiting its stamped scan, not yet counted
    CHECK(f.totals() == Counts{17, 2, 0, 0, 0, 0, 15});
    ncss::upload_registration_scan(f.store, o.id, {f.jpg}, f.actor);
    CHECK(f.totals() == Counts{17, 2, 0, 0, 0, 0, 15});  // the scan awaits review
    f.approve(o.id);
    CHECK(f.totals() == Counts{17, 3, 0, 0, 0, 0, 14});
  }
  SECTION("pending, returned, rejected and voided ones do not count") {
    f.destination("甲", "考研", {{"study_school", "武汉大学"}});  // pending
    auto r = f.destination("乙", "76", {});
    ncss::return_registration(f.store, r.id, "材料不全", f.actor);
    auto j = f.destination("丙", "76", {});
    ncss::reject_registration(f.store, j.id, "不属实", f.actor);
    auto v = f.destination("丁", "75", {{"company", "某某工作室"}});
    f.approve(v.id);
    CHECK(f.totals() == Counts{17, 0, 1, 0, 0, 0, 16});
    ncss::void_registration(f.store, v.id, "改为升学", f.actor);
    CHECK(f.totals() == Counts{17, 0, 0, 0, 0, 0, 17});
  }
  SECTION("the code the school approved counts, not the one filed") {
    auto r = f.destination("甲", "76", {});
    ncss::RegistrationChange change;
    change.code = "11";
    change.fields = {{"unit", "某某有限公司"}};
    ncss::approve_registration(f.store, r.id, change, f.actor);
    CHECK(f.totals() == Counts{17, 1, 0, 0, 0, 0, 16});
  }
}

TEST_CASE("rate: a graduate counts once, by the online signing first", "[rate]") {
  RateFixture f;
  f.invitation("甲", "signed");
  // Data the use cases refuse (one live destination at a time), written directly: an approved
  // 升学 beside the signing, and two approved registrations.
  f.exec(
      "INSERT INTO registrations (graduate_id, kind, destination, state, submitted_at, "
      "updated_at) SELECT id, 'destination', '80', 'approved', 't', 't' FROM graduates WHERE "
      "id_number = '" +
      f.ids.at("甲") + "'");
  for (const char* code : {"76", "80"}) {
    f.exec(
        "INSERT INTO registrations (graduate_id, kind, destination, state, submitted_at, "
        "updated_at) SELECT id, 'destination', '" +
        std::string(code) + "', 'approved', 't', 't' FROM graduates WHERE id_number = '" +
        f.ids.at("乙") + "'");
  }
  CHECK(f.totals() == Counts{17, 1, 0, 1, 0, 0, 15});  // 甲 单位就业, 乙 by the earlier (76)
}

TEST_CASE("rate: a removed (失效) graduate counts nowhere; other cohorts stay out", "[rate]") {
  RateFixture f;
  f.invitation("甲", "signed");
  f.approve(f.destination("乙", "76", {}).id);
  CHECK(f.totals() == Counts{17, 1, 0, 1, 0, 0, 15});
  ncss::remove_graduate(f.store, f.ids.at("甲"), 2026, "重复录入", f.actor);
  // The signing stays signed, but the record is no longer on the roster.
  CHECK(f.totals() == Counts{16, 0, 0, 1, 0, 0, 15});
  ncss::restore_graduate(f.store, f.ids.at("甲"), 2026, "误删", f.actor);
  CHECK(f.totals() == Counts{17, 1, 0, 1, 0, 0, 15});
  // 未 is of 2025: only in the cohort 0 (every cohort) report.
  CHECK(f.report(ncss::RateGrouping::School, "", 0).total.graduates == 18);
  CHECK(f.report(ncss::RateGrouping::School, "", 2025).total.graduates == 1);
}

TEST_CASE("rate: groups, their names and order, filters and the total", "[rate]") {
  RateFixture f;
  f.invitation("甲", "signed");
  f.approve(f.destination("子", "考研", {{"study_school", "武汉大学"}}).id);
  f.invitation("午", "signed");

  auto s = f.report(ncss::RateGrouping::School);
  REQUIRE(s.groups.size() == 2);
  CHECK(s.groups[0].group == "10001");
  CHECK(s.groups[0].group_name == "北京大学");
  CHECK(s.groups[0].school_code == "10001");
  CHECK(s.groups[0].graduates == 16);
  CHECK(s.groups[1].group == "10003");
  CHECK(s.groups[1].graduates == 1);
  CHECK(s.groups[1].count(G::Employed) == 1);
  CHECK(s.total.group == "total");
  CHECK(s.total.group_name == "合计");
  CHECK(s.total.school_code.empty());
  CHECK(s.total.graduates == 17);
  CHECK(s.total.placed() == 3);

  auto d = f.report(ncss::RateGrouping::Department);
  REQUIRE(d.groups.size() == 4);
  // Departments are a school's own: 北京大学's (the blank one last), then 清华大学's.
  CHECK(d.groups[0].group == "法学院");
  CHECK(d.groups[1].group == "计算机学院");
  CHECK(d.groups[2].group.empty());
  CHECK(d.groups[2].group_name == "（未填写）");
  CHECK(d.groups[2].school_code == "10001");
  CHECK(d.groups[3].group == "计算机系");
  CHECK(d.groups[3].school_name == "清华大学");
  CHECK(d.groups[0].graduates == 11);
  CHECK(d.groups[1].count(G::FurtherStudy) == 1);

  auto m = f.report(ncss::RateGrouping::Major, "北京大学");
  REQUIRE(m.groups.size() == 3);
  CHECK(m.groups[0].group == "法学");
  CHECK(m.groups[1].group == "软件工程");
  CHECK(m.total.graduates == 16);
  CHECK(m.total.school_code == "10001");
  CHECK(m.total.school_name == "北京大学");

  auto l = f.report(ncss::RateGrouping::Level);
  REQUIRE(l.groups.size() == 3);
  CHECK(l.groups[0].group == "11");  // 硕士生 before 本科生, in the code table's order
  CHECK(l.groups[0].group_name == "硕士生");
  CHECK(l.groups[0].graduates == 5);
  CHECK(l.groups[1].group == "31");
  CHECK(l.groups[2].group_name == "（未填写）");
  CHECK(l.groups[0].school_code.empty());
  CHECK(find_group(f.report(ncss::RateGrouping::Level, "10003"), "31") == nullptr);

  // A school by code, name or former name; an unknown one is NotFound.
  CHECK(f.report(ncss::RateGrouping::School, "10003").total.graduates == 1);
  try {
    f.report(ncss::RateGrouping::School, "幽灵学院");
    FAIL("an unknown school was accepted");
  } catch (const ncss::Error& e) {
    CHECK(e.code() == ncss::ErrorCode::NotFound);
  }
  // No graduates: no groups, a total of zeros.
  auto none = f.report(ncss::RateGrouping::School, "", 2030);
  CHECK(none.groups.empty());
  CHECK(none.total.graduates == 0);
  CHECK(none.total.placement_rate() == 0.0);
}

TEST_CASE("rate: each rate is its count over the graduates; 落实率 is the sum of four", "[rate]") {
  ncss::RateRow r;
  r.graduates = 8;
  r.counts = {3, 1, 1, 1, 1};  // 单位就业, 自主创业, 自由职业, 升学, 未就业
  CHECK(r.placed() == 6);
  CHECK(r.no_destination() == 1);
  CHECK(r.rate(G::Employed) == Approx(0.375));
  CHECK(r.rate(G::Unemployed) == Approx(0.125));
  double sum = 0;
  for (auto g : ncss::kDestinationGroups) {
    if (ncss::destination_group_placed(g)) sum += r.rate(g);
  }
  CHECK(r.placement_rate() == Approx(sum));
  CHECK(r.placement_rate() == Approx(0.75));
  CHECK(ncss::parse_rate_grouping("department") == ncss::RateGrouping::Department);
  CHECK_FALSE(ncss::parse_rate_grouping("province"));
  CHECK(ncss::rate_grouping_label(ncss::RateGrouping::Level) == "学历层次");
}
