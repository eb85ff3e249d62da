#include <SQLiteCpp/SQLiteCpp.h>

#include <catch2/catch.hpp>

#include "fixtures.hpp"
#include "ncss/audit.hpp"
#include "ncss/employer.hpp"
#include "ncss/error.hpp"
#include "ncss/identity.hpp"

namespace {

const std::string kCode = "91110108749352307A";
const std::string kCode2 = "91370214MA3D2M2T5C";
const std::string kCode3 = "91310115MA1K3BTP2B";

ncss::EmployerRegistration sample(const std::string& code = kCode,
                                  const std::string& name = "北京示例科技有限公司") {
  ncss::EmployerRegistration r;
  r.name = name;
  r.short_name = "示例科技";
  r.credit_code = code;
  r.nature = "39";
  r.industry = "I";
  r.size = "3";
  r.province = "北京市";
  r.city = "北京市";
  r.street = "海淀区中关村大街1号";
  r.website = "https://example.com";
  return r;
}

ncss::EmployerUser sample_user() {
  ncss::EmployerUser u;
  u.real_name = "王芳";
  u.gender = "女";
  u.department = "人力资源部";
  u.position = "招聘主管";
  u.email = "hr@example.com";
  u.work_phone = "010-62751234";
  u.mobile = "13812345678";
  return u;
}

int count(testkit::StoreFixture& f, const std::string& sql) {
  SQLite::Database raw(f.path.string(), SQLite::OPEN_READONLY);
  return raw.execAndGet(sql).getInt();
}

// The refusal's code and message.
template <typename Fn>
std::pair<ncss::ErrorCode, std::string> refusal(Fn&& fn) {
  try {
    fn();
  } catch (const ncss::Error& e) {
    return {e.code(), e.what()};
  }
  FAIL("no refusal");
  return {};
}

using testkit::contains;

}  // namespace

TEST_CASE("employer: registration stores the employer and records the event", "[employer]") {
  testkit::StoreFixture f;
  auto reg = sample();
  reg.nature = "其他企业";  // by name
  reg.industry = "信息传输、软件和信息技术服务业";
  reg.credit_code = " 91110108749352307a ";  // trimmed and upper-cased
  auto e = ncss::register_employer(f.store, reg, f.actor);
  CHECK(e.credit_code == kCode);
  auto got = ncss::get_employer(f.store, kCode);
  CHECK(got.name == "北京示例科技有限公司");
  CHECK(got.nature_code == "39");
  CHECK(got.nature == "其他企业");
  CHECK(got.industry_code == "I");
  CHECK(got.size == "100-499人");
  CHECK(got.verification == "unverified");
  auto events = ncss::list_events(f.store, "employer", kCode);
  REQUIRE(events.size() == 1);
  CHECK(events[0].action == "employer.register");
  CHECK(events[0].details["name"] == "北京示例科技有限公司");
  CHECK_FALSE(ncss::find_employer(f.store, kCode2).has_value());
  CHECK(refusal([&] { ncss::get_employer(f.store, kCode2); }).first == ncss::ErrorCode::NotFound);
}

TEST_CASE("employer: registration refusals name the field and write nothing", "[employer]") {
  testkit::StoreFixture f;
  auto refused = [&](ncss::EmployerRegistration r, const std::string& words) {
    auto [code, msg] = refusal([&] { ncss::register_employer(f.store, r, f.actor); });
    CHECK(code == ncss::ErrorCode::InvalidInput);
    CHECK(contains(msg, words));
    CHECK(count(f, "SELECT count(*) FROM employers") == 0);
    CHECK(count(f, "SELECT count(*) FROM events") == 0);
  };
  SECTION("credit code length") { refused(sample("9111010874935230"), "16 characters"); }
  SECTION("credit code characters") {
    refused(sample("91110108749352307I"), "outside the GB 32100 alphabet");
  }
  SECTION("credit code check character") {
    refused(sample("91110000600037341N"), "check character (18th) is 'N'");
  }
  SECTION("embedded organisation code") {
    // Change the organisation-code check (character 17) and recompute the MOD 31 check.
    std::string first17 = "9111010874935230A";
    refused(sample(first17 + ncss::credit_code_check_char(first17)), "GB 11714");
  }
  SECTION("unknown nature names the table and the codes") {
    auto r = sample();
    r.nature = "98";
    refused(r, "employer_nature table; valid codes: 10 机关");
  }
  SECTION("unknown industry") {
    auto r = sample();
    r.industry = "Z";
    refused(r, "网签所属行业 (--industry) 'Z'");
  }
  SECTION("unknown size") {
    auto r = sample();
    r.size = "7";
    refused(r, "company_size table");
  }
  SECTION("website without scheme") {
    auto r = sample();
    r.website = "www.example.com";
    refused(r, "must start with http:// or https://");
  }
  SECTION("empty required field") {
    auto r = sample();
    r.street = "  ";
    refused(r, "详细地址 (--street) must not be empty");
    r = sample();
    r.name = "";
    refused(r, "单位名称 (--name) must not be empty");
  }
  SECTION("a private company must be 39 其他企业") {
    auto r = sample();
    r.private_company = true;
    r.nature = "31";
    refused(r, "must be registered as 单位性质 39 其他企业, not 31 国有企业");
  }
}

TEST_CASE("employer: a private company registered as 39 is accepted", "[employer]") {
  testkit::StoreFixture f;
  auto r = sample();
  r.private_company = true;
  ncss::register_employer(f.store, r, f.actor);
  CHECK(ncss::list_events(f.store, "employer", kCode)[0].details["private"] == true);
  CHECK(ncss::get_employer(f.store, kCode).private_company);
  CHECK_FALSE(ncss::register_employer(f.store, sample(kCode2, "青岛示例制造有限公司"), f.actor)
                  .private_company);
}

TEST_CASE("employer: a private company stays 39 其他企业 through edits", "[employer]") {
  testkit::StoreFixture f;
  auto r = sample();
  r.private_company = true;
  ncss::register_employer(f.store, r, f.actor);
  ncss::EmployerEdit edit;
  edit.nature = "31";
  auto [code, msg] = refusal([&] { ncss::edit_employer(f.store, kCode, edit, f.actor); });
  CHECK(code == ncss::ErrorCode::InvalidInput);
  CHECK(contains(msg,
                 "is a private company (民营企业): its 单位性质 stays 39 其他企业, not 31 "
                 "国有企业 (if it is no longer private, give --not-private as well)"));
  CHECK(ncss::get_employer(f.store, kCode).nature_code == "39");
  CHECK(ncss::list_events(f.store, "employer", kCode).size() == 1);

  // No longer private: the flag and the nature change together, in one event.
  edit.private_company = false;
  auto cs = ncss::edit_employer(f.store, kCode, edit, f.actor);
  CHECK(cs.changes["private"] == nlohmann::json({{"old", true}, {"new", false}}));
  CHECK(cs.changes["nature_code"] == nlohmann::json({{"old", "39"}, {"new", "31"}}));
  auto e = ncss::get_employer(f.store, kCode);
  CHECK_FALSE(e.private_company);
  CHECK(e.nature_code == "31");

  // Marking a 国有企业 private without the nature is refused; with --nature 39 it is taken.
  ncss::EmployerEdit mark;
  mark.private_company = true;
  std::tie(code, msg) = refusal([&] { ncss::edit_employer(f.store, kCode, mark, f.actor); });
  CHECK(code == ncss::ErrorCode::InvalidInput);
  CHECK(contains(msg, "must be 单位性质 39 其他企业, not 31 国有企业; give --nature 39 as well"));
  CHECK_FALSE(ncss::get_employer(f.store, kCode).private_company);
  mark.nature = "其他企业";
  ncss::edit_employer(f.store, kCode, mark, f.actor);
  CHECK(ncss::get_employer(f.store, kCode).private_company);

  // The table holds the rule too, whatever writes to it.
  SQLite::Database raw(f.path.string(), SQLite::OPEN_READWRITE);
  CHECK_THROWS(raw.exec("UPDATE employers SET nature_code = '31'"));
  CHECK_THROWS(raw.exec("UPDATE employers SET private = 2"));
}

TEST_CASE("employer: an already registered credit code or name is a conflict", "[employer]") {
  testkit::StoreFixture f;
  ncss::register_employer(f.store, sample(), f.actor);
  auto [code, msg] = refusal([&] { ncss::register_employer(f.store, sample(), f.actor); });
  CHECK(code == ncss::ErrorCode::Conflict);
  CHECK(contains(msg, "credit code 91110108749352307A is already registered"));
  std::tie(code, msg) = refusal([&] { ncss::register_employer(f.store, sample(kCode2), f.actor); });
  CHECK(code == ncss::ErrorCode::Conflict);
  CHECK(contains(msg, "is already registered under credit code 91110108749352307A"));
  CHECK(count(f, "SELECT count(*) FROM employers") == 1);
}

TEST_CASE("employer: list filters by verification, nature and industry", "[employer]") {
  testkit::StoreFixture f;
  ncss::register_employer(f.store, sample(), f.actor);
  auto r2 = sample(kCode2, "青岛示例制造有限公司");
  r2.nature = "31";
  r2.industry = "C";
  ncss::register_employer(f.store, r2, f.actor);
  CHECK(ncss::list_employers(f.store).size() == 2);
  CHECK(ncss::list_employers(f.store, {"", "国有企业", ""}).at(0).credit_code == kCode2);
  CHECK(ncss::list_employers(f.store, {"", "", "I"}).at(0).credit_code == kCode);
  CHECK(ncss::list_employers(f.store, {"verified", "", ""}).empty());
  CHECK(ncss::list_employers(f.store, {"unverified", "", ""}).size() == 2);
  CHECK(refusal([&] {
          ncss::list_employers(f.store, {"done", "", ""});
        }).first == ncss::ErrorCode::Usage);
  CHECK(refusal([&] {
          ncss::list_employers(f.store, {"", "98", ""});
        }).first == ncss::ErrorCode::Usage);
}

TEST_CASE("employer: verification gate for favourites and invitations", "[employer]") {
  testkit::StoreFixture f;
  ncss::register_employer(f.store, sample(), f.actor);
  CHECK_FALSE(ncss::employer_is_verified(f.store, kCode));
  CHECK_FALSE(ncss::employer_is_verified(f.store, kCode2));
  auto [code, msg] = refusal([&] { ncss::require_verified_employer(f.store, kCode); });
  CHECK(code == ncss::ErrorCode::InvalidTransition);
  CHECK(msg ==
        "employer 91110108749352307A has not passed identity verification (身份认证; it is "
        "unverified); only a verified employer may add favourites or invite");
  CHECK(refusal([&] { ncss::require_verified_employer(f.store, kCode2); }).first ==
        ncss::ErrorCode::NotFound);
  {
    SQLite::Database raw(f.path.string(), SQLite::OPEN_READWRITE);
    raw.exec("UPDATE employers SET verification = 'verified'");
  }
  CHECK(ncss::employer_is_verified(f.store, kCode));
  CHECK_NOTHROW(ncss::require_verified_employer(f.store, kCode));
}

TEST_CASE("employer: the employer's edit records old and new values", "[employer]") {
  testkit::StoreFixture f;
  ncss::register_employer(f.store, sample(), f.actor);
  SECTION("changes") {
    ncss::EmployerEdit edit;
    edit.city = "上海市";
    edit.size = "1000-9999人";
    edit.province = "北京市";  // unchanged
    auto cs = ncss::edit_employer(f.store, kCode, edit, f.actor);
    CHECK(cs.changes.size() == 2);
    CHECK(cs.changes["city"]["old"] == "北京市");
    CHECK(cs.changes["city"]["new"] == "上海市");
    CHECK(cs.changes["size_code"]["new"] == "5");
    auto e = ncss::get_employer(f.store, kCode);
    CHECK(e.city == "上海市");
    CHECK(e.size == "1000-9999人");
    auto events = ncss::list_events(f.store, "employer", kCode);
    REQUIRE(events.size() == 2);
    CHECK(events[1].action == "employer.edit");
    CHECK(events[1].details["changes"]["city"]["new"] == "上海市");
  }
  SECTION("no change writes nothing") {
    ncss::EmployerEdit edit;
    edit.city = "北京市";
    CHECK(ncss::edit_employer(f.store, kCode, edit, f.actor).empty());
    CHECK(ncss::list_events(f.store, "employer", kCode).size() == 1);
  }
  SECTION("refusals") {
    ncss::EmployerEdit edit;
    edit.website = "ftp://example.com";
    CHECK(refusal([&] { ncss::edit_employer(f.store, kCode, edit, f.actor); }).first ==
          ncss::ErrorCode::InvalidInput);
    edit = {};
    edit.nature = "88";
    CHECK(refusal([&] { ncss::edit_employer(f.store, kCode, edit, f.actor); }).first ==
          ncss::ErrorCode::InvalidInput);
    edit = {};
    edit.city = "上海市";
    CHECK(refusal([&] { ncss::edit_employer(f.store, kCode2, edit, f.actor); }).first ==
          ncss::ErrorCode::NotFound);
    CHECK(ncss::get_employer(f.store, kCode).website == "https://example.com");
    CHECK(ncss::list_events(f.store, "employer", kCode).size() == 1);
  }
}

TEST_CASE("employer: staff correction moves the credit code through every table", "[employer]") {
  testkit::StoreFixture f;
  ncss::register_employer(f.store, sample(), f.actor);
  ncss::add_employer_user(f.store, kCode, sample_user(), f.actor);
  {
    SQLite::Database raw(f.path.string(), SQLite::OPEN_READWRITE);
    raw.exec("INSERT INTO verifications (credit_code, method, status, created_at) VALUES ('" +
             kCode + "', 'materials', 'pending', 'x')");
    raw.exec(
        "INSERT INTO invite_templates (credit_code, kind, name, fields, created_at, updated_at) "
        "VALUES ('" +
        kCode + "', 'hukou', '默认', '{}', 'x', 'x')");
  }
  ncss::Actor staff{"staff-li", f.actor.now};
  ncss::EmployerCorrection c;
  c.credit_code = kCode3;
  c.name = "北京示例信息技术有限公司";
  c.short_name = "示例信息";
  c.reason = "营业执照变更";
  auto e = ncss::correct_employer(f.store, kCode, c, staff);
  CHECK(e.credit_code == kCode3);
  CHECK(e.name == "北京示例信息技术有限公司");
  CHECK(e.short_name == "示例信息");
  CHECK_FALSE(ncss::find_employer(f.store, kCode).has_value());
  for (auto table : {"employer_users", "verifications", "invite_templates"}) {
    CHECK(count(f, std::string("SELECT count(*) FROM ") + table + " WHERE credit_code = '" +
                       kCode3 + "'") == 1);
  }
  CHECK(count(f, "SELECT count(*) FROM pragma_foreign_key_check") == 0);
  auto events = ncss::list_events(f.store, "employer", kCode3);
  REQUIRE(events.size() == 1);
  CHECK(events[0].action == "employer.correct");
  CHECK(events[0].actor == "staff-li");
  CHECK(events[0].reason == "营业执照变更");
  CHECK(events[0].details["changes"]["credit_code"]["old"] == kCode);
  CHECK(events[0].details["changes"]["name"]["new"] == "北京示例信息技术有限公司");
  CHECK(events[0].details["changes"]["short_name"]["old"] == "示例科技");
}

TEST_CASE("employer: correction refusals write nothing", "[employer]") {
  testkit::StoreFixture f;
  ncss::register_employer(f.store, sample(), f.actor);
  ncss::register_employer(f.store, sample(kCode2, "青岛示例有限公司"), f.actor);
  auto refused = [&](ncss::EmployerCorrection c, ncss::ErrorCode expected,
                     const std::string& words) {
    auto [code, msg] = refusal([&] { ncss::correct_employer(f.store, kCode, c, f.actor); });
    CHECK(code == expected);
    CHECK(contains(msg, words));
    CHECK(ncss::get_employer(f.store, kCode).name == "北京示例科技有限公司");
    CHECK(count(f, "SELECT count(*) FROM events WHERE action = 'employer.correct'") == 0);
  };
  ncss::EmployerCorrection c;
  c.reason = "r";
  SECTION("nothing to correct") { refused(c, ncss::ErrorCode::InvalidInput, "nothing to correct"); }
  SECTION("a blank short name") {
    c.short_name = " ";
    refused(c, ncss::ErrorCode::InvalidInput, "公司简称 (--short-name) must not be empty");
  }
  SECTION("no reason") {
    c.name = "新名称";
    c.reason = " ";
    refused(c, ncss::ErrorCode::InvalidInput, "--reason");
  }
  SECTION("invalid new code") {
    c.credit_code = "91110000600037341N";
    refused(c, ncss::ErrorCode::InvalidInput, "check character");
  }
  SECTION("new code taken") {
    c.credit_code = kCode2;
    refused(c, ncss::ErrorCode::Conflict, "already registered");
  }
  SECTION("new name taken") {
    c.name = "青岛示例有限公司";
    refused(c, ncss::ErrorCode::Conflict, "already registered");
  }
}

TEST_CASE("employer: user accounts are added, edited and disabled with events", "[employer]") {
  testkit::StoreFixture f;
  ncss::register_employer(f.store, sample(), f.actor);
  auto u = ncss::add_employer_user(f.store, kCode, sample_user(), f.actor);
  auto fax_only = sample_user();
  fax_only.real_name = "李雷";
  fax_only.gender = "男";
  fax_only.work_phone = "";
  fax_only.fax = "010-62751235";
  ncss::add_employer_user(f.store, kCode, fax_only, f.actor);
  auto users = ncss::list_employer_users(f.store, kCode);
  REQUIRE(users.size() == 2);
  CHECK(users[0].real_name == "王芳");
  CHECK(users[1].fax == "010-62751235");

  ncss::EmployerUserEdit edit;
  edit.position = "人事经理";
  edit.email = "hr@example.com";  // unchanged
  auto cs = ncss::edit_employer_user(f.store, u.id, edit, f.actor);
  CHECK(cs.changes.size() == 1);
  CHECK(cs.changes["position"]["old"] == "招聘主管");
  CHECK(ncss::get_employer_user(f.store, u.id).position == "人事经理");
  CHECK(ncss::edit_employer_user(f.store, u.id, edit, f.actor).empty());

  CHECK(ncss::disable_employer_user(f.store, u.id, f.actor));
  CHECK_FALSE(ncss::disable_employer_user(f.store, u.id, f.actor));
  CHECK(ncss::get_employer_user(f.store, u.id).disabled);
  auto events = ncss::list_events(f.store, "employer_user", std::to_string(u.id));
  REQUIRE(events.size() == 3);
  CHECK(events[0].action == "employer.user.add");
  CHECK(events[1].action == "employer.user.edit");
  CHECK(events[1].details["changes"]["position"]["new"] == "人事经理");
  CHECK(events[2].action == "employer.user.disable");
}

TEST_CASE("employer: user account refusals write nothing", "[employer]") {
  testkit::StoreFixture f;
  ncss::register_employer(f.store, sample(), f.actor);
  auto refused = [&](ncss::EmployerUser u, const std::string& words) {
    auto [code, msg] = refusal([&] { ncss::add_employer_user(f.store, kCode, u, f.actor); });
    CHECK(code == ncss::ErrorCode::InvalidInput);
    CHECK(contains(msg, words));
    CHECK(count(f, "SELECT count(*) FROM employer_users") == 0);
  };
  auto u = sample_user();
  SECTION("neither phone nor fax") {
    u.work_phone = "";
    refused(u, "give at least one");
  }
  SECTION("email") {
    u.email = "hr@example";
    refused(u, "name@domain.tld");
  }
  SECTION("mobile") {
    u.mobile = "23812345678";
    refused(u, "11 digits starting with 1");
  }
  SECTION("gender") {
    u.gender = "M";
    refused(u, "must be 男 or 女");
  }
  SECTION("name") {
    u.real_name = "";
    refused(u, "真实姓名");
  }
  SECTION("department, position and email, required by the 2024 guide") {
    auto blank = [&](std::string ncss::EmployerUser::*field, const std::string& label) {
      auto v = sample_user();
      v.*field = " ";
      refused(v, label + " must not be empty");
    };
    blank(&ncss::EmployerUser::department, "所在部门 (--department)");
    blank(&ncss::EmployerUser::position, "担任职务 (--position)");
    blank(&ncss::EmployerUser::email, "邮箱 (--email)");
  }
  SECTION("unknown employer") {
    CHECK(refusal([&] { ncss::add_employer_user(f.store, kCode2, u, f.actor); }).first ==
          ncss::ErrorCode::NotFound);
    CHECK(refusal([&] { ncss::list_employer_users(f.store, kCode2); }).first ==
          ncss::ErrorCode::NotFound);
  }
  SECTION("an edit that removes the last phone") {
    auto added = ncss::add_employer_user(f.store, kCode, u, f.actor);
    ncss::EmployerUserEdit edit;
    edit.work_phone = "";
    CHECK(refusal([&] { ncss::edit_employer_user(f.store, added.id, edit, f.actor); }).first ==
          ncss::ErrorCode::InvalidInput);
    CHECK(ncss::get_employer_user(f.store, added.id).work_phone == "010-62751234");
    CHECK(refusal([&] { ncss::edit_employer_user(f.store, 999, edit, f.actor); }).first ==
          ncss::ErrorCode::NotFound);
    CHECK(refusal([&] { ncss::disable_employer_user(f.store, 999, f.actor); }).first ==
          ncss::ErrorCode::NotFound);
  }
}
