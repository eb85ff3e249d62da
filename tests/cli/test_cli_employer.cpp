// End-to-end: ncssctl employer register|show|list|edit|correct and employer user ... on
// temporary databases.
#include <SQLiteCpp/SQLiteCpp.h>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "testkit.hpp"

using testkit::run_ncssctl;
using testkit::TempDir;

namespace {

const std::string kCode = "91110108749352307A";
const std::string kCode2 = "91370214MA3D2M2T5C";
const std::string kCode3 = "91310115MA1K3BTP2B";

using testkit::contains;

struct Office {
  TempDir dir;
  std::string db = (dir / "ncss.db").string();
  Office() { REQUIRE(run_ncssctl({"--db", db, "init"}).exit_code == 0); }
  testkit::RunResult run(std::vector<std::string> args) {
    args.insert(args.begin(), {"--db", db, "--now", "2026-05-20T09:00:00+08:00"});
    return run_ncssctl(args);
  }
  int count(const std::string& sql) {
    SQLite::Database raw(db, SQLite::OPEN_READONLY);
    return raw.execAndGet(sql).getInt();
  }
};

std::vector<std::string> registration(const std::string& code = kCode,
                                      const std::string& name = "北京示例科技有限公司") {
  return {"employer",      "register",
          "--name",        name,
          "--short-name",  "示例科技",
          "--credit-code", code,
          "--nature",      "39",
          "--industry",    "I",
          "--size",        "3",
          "--province",    "北京市",
          "--city",        "北京市",
          "--street",      "海淀区中关村大街1号",
          "--website",     "https://example.com"};
}

// A registration with one option's value replaced (or the option added).
std::vector<std::string> with(std::vector<std::string> args, const std::string& option,
                              const std::string& value) {
  for (std::size_t i = 0; i + 1 < args.size(); ++i) {
    if (args[i] == option) {
      args[i + 1] = value;
      return args;
    }
  }
  args.push_back(option);
  args.push_back(value);
  return args;
}

std::vector<std::string> user_add(const std::string& code = kCode) {
  return {"employer",     "user",           "add",          code,
          "--real-name",  "王芳",           "--gender",     "女",
          "--work-phone", "010-62751234",   "--mobile",     "13812345678",
          "--email",      "hr@example.com", "--department", "人力资源部",
          "--position",   "招聘主管"};
}

}  // namespace

TEST_CASE("cli employer: register, show and list", "[cli][employer]") {
  Office o;
  auto r = o.run(registration());
  CHECK(r.exit_code == 0);
  CHECK(contains(r.err, "registered employer 91110108749352307A 北京示例科技有限公司"));

  r = o.run({"employer", "show", kCode, "--format", "table"});
  CHECK(r.exit_code == 0);
  CHECK(contains(r.out, "单位名称 name"));
  CHECK(contains(r.out, "认证状态 verification"));
  CHECK(contains(r.out, "未认证 unverified"));

  r = o.run({"employer", "show", kCode, "--format", "json"});
  auto j = nlohmann::json::parse(r.out);
  CHECK(j[0]["credit_code"] == kCode);
  CHECK(j[0]["nature"] == "其他企业");
  CHECK(j[0]["verification"] == "unverified");
  CHECK(j[0]["private"] == 0);

  REQUIRE(
      o.run(with(registration(kCode2, "青岛示例制造有限公司"), "--nature", "国有企业")).exit_code ==
      0);
  r = o.run({"employer", "list", "--format", "csv"});
  CHECK(r.exit_code == 0);
  CHECK(contains(r.out,
                 "credit_code,name,short_name,nature_code,nature,industry_code,industry,size,"
                 "province,city,street,website,verification,private\n"));
  CHECK(contains(r.out, kCode));
  CHECK(contains(r.out, kCode2));
  r = o.run({"employer", "list", "--nature", "31", "--format", "jsonl"});
  CHECK(contains(r.out, kCode2));
  CHECK_FALSE(contains(r.out, kCode));
  r = o.run({"employer", "list", "--verification", "verified", "--format", "csv"});
  CHECK_FALSE(contains(r.out, kCode));
  // A filter value outside its set names nothing known: exit 2, as in every other listing.
  CHECK(o.run({"employer", "list", "--verification", "foo"}).exit_code == 2);
  CHECK(o.run({"employer", "list", "--industry", "ZZ"}).exit_code == 2);
  CHECK(o.run({"employer", "list", "--nature", "98"}).exit_code == 2);

  r = o.run({"employer", "show", kCode3});
  CHECK(r.exit_code == 2);
  CHECK(contains(r.err, "unknown employer '91310115MA1K3BTP2B'"));
}

TEST_CASE("cli employer: registration refusals exit 3 and write nothing", "[cli][employer]") {
  Office o;
  auto refused = [&](const std::vector<std::string>& args, const std::string& words) {
    auto r = o.run(args);
    CHECK(r.exit_code == 3);
    CHECK(contains(r.err, words));
    CHECK(o.count("SELECT count(*) FROM employers") == 0);
    CHECK(o.count("SELECT count(*) FROM events") == 0);
  };
  refused(with(registration(), "--credit-code", "9111010874935230"),
          "has 16 characters, a credit code has 18");
  refused(with(registration(), "--credit-code", "91110108749352307O"),
          "outside the GB 32100 alphabet");
  refused(with(registration(), "--credit-code", "91110000600037341N"),
          "the check character (18th) is 'N' but MOD 31 gives");
  refused(with(registration(), "--credit-code", "9111010874935230AU"), "fails its GB 11714 check");
  refused(with(registration(), "--nature", "98"),
          "单位性质 (--nature) '98' is not in the employer_nature table; valid codes: 10 机关");
  refused(with(registration(), "--industry", "Z"), "the industry table; valid codes: A ");
  refused(with(registration(), "--size", "huge"), "company_size table");
  refused(with(registration(), "--website", "www.example.com"),
          "公司网址 (--website) 'www.example.com' must start with http:// or https://");
  refused(with(registration(), "--short-name", ""), "公司简称 (--short-name) must not be empty");
  auto priv = with(registration(), "--nature", "31");
  priv.push_back("--private");
  refused(priv, "private company (民营企业, --private) must be registered as 单位性质 39 其他企业");
}

TEST_CASE("cli employer: a registered credit code or name is a conflict (exit 6)",
          "[cli][employer]") {
  Office o;
  auto priv = registration();
  priv.push_back("--private");
  REQUIRE(o.run(priv).exit_code == 0);
  auto r = o.run(registration());
  CHECK(r.exit_code == 6);
  CHECK(contains(r.err, "credit code 91110108749352307A is already registered"));
  r = o.run(registration(kCode2));
  CHECK(r.exit_code == 6);
  CHECK(contains(r.err, "单位名称 '北京示例科技有限公司' is already registered"));
  CHECK(o.count("SELECT count(*) FROM employers") == 1);
}

TEST_CASE("cli employer: a private company's nature stays 39 (exit 3) until --not-private",
          "[cli][employer]") {
  Office o;
  auto priv = registration();
  priv.push_back("--private");
  REQUIRE(o.run(priv).exit_code == 0);
  auto r = o.run({"employer", "show", kCode, "--format", "table"});
  CHECK(contains(r.out, "民营企业 private"));
  CHECK(contains(r.out, "是"));

  r = o.run({"employer", "edit", kCode, "--nature", "国有企业"});
  CHECK(r.exit_code == 3);
  CHECK(contains(r.err,
                 "is a private company (民营企业): its 单位性质 stays 39 其他企业, not 31 "
                 "国有企业 (if it is no longer private, give --not-private as well)"));
  CHECK(o.count("SELECT count(*) FROM employers WHERE nature_code = '39' AND private = 1") == 1);
  r = o.run({"employer", "edit", kCode, "--private", "--not-private"});
  CHECK(r.exit_code == 2);

  r = o.run({"employer", "edit", kCode, "--nature", "31", "--not-private"});
  CHECK(r.exit_code == 0);
  CHECK(contains(r.err, "  private: true -> false\n"));
  CHECK(contains(r.err, "  nature: '39' -> '31'\n"));  // as the option, not the column
  r = o.run({"employer", "show", kCode, "--format", "csv"});
  CHECK(contains(r.out, ",31,国有企业,"));
  CHECK(contains(r.out, ",unverified,0,"));
  r = o.run({"employer", "edit", kCode, "--private"});
  CHECK(r.exit_code == 3);
  CHECK(contains(r.err, "must be 单位性质 39 其他企业, not 31 国有企业; give --nature 39 as well"));
  CHECK(o.run({"employer", "edit", kCode, "--private", "--nature", "39"}).exit_code == 0);
  CHECK(o.count("SELECT count(*) FROM employers WHERE nature_code = '39' AND private = 1") == 1);
}

TEST_CASE("cli employer: edit records old and new, and cannot change name or code",
          "[cli][employer]") {
  Office o;
  REQUIRE(o.run(registration()).exit_code == 0);
  auto r = o.run({"employer", "edit", kCode, "--city", "上海市", "--size", "5"});
  CHECK(r.exit_code == 0);
  CHECK(contains(r.err, "city: '北京市' -> '上海市'"));
  CHECK(o.count("SELECT count(*) FROM events WHERE action = 'employer.edit' AND "
                "json_extract(details, '$.changes.city.old') = '北京市' AND "
                "json_extract(details, '$.changes.size_code.new') = '5'") == 1);
  r = o.run({"employer", "edit", kCode, "--city", "上海市"});
  CHECK(r.exit_code == 0);
  CHECK(contains(r.err, "nothing changed"));
  CHECK(o.count("SELECT count(*) FROM events WHERE action = 'employer.edit'") == 1);

  r = o.run({"employer", "edit", kCode, "--name", "新名称"});
  CHECK(r.exit_code == 2);
  r = o.run({"employer", "edit", kCode, "--credit-code", kCode2});
  CHECK(r.exit_code == 2);
  r = o.run({"employer", "edit", kCode, "--website", "example.com"});
  CHECK(r.exit_code == 3);
  CHECK(contains(r.err, "must start with http:// or https://"));
  r = o.run({"employer", "edit", kCode, "--industry", "ZZ"});
  CHECK(r.exit_code == 3);
  r = o.run({"employer", "edit", kCode2, "--city", "上海市"});
  CHECK(r.exit_code == 2);
  CHECK(o.count("SELECT count(*) FROM events WHERE action = 'employer.edit'") == 1);
  CHECK(o.count("SELECT count(*) FROM employers WHERE website = 'https://example.com' AND "
                "industry_code = 'I'") == 1);
}

TEST_CASE("cli employer: staff correction of credit code and name", "[cli][employer]") {
  Office o;
  REQUIRE(o.run(registration()).exit_code == 0);
  REQUIRE(o.run(user_add()).exit_code == 0);
  REQUIRE(o.run(registration(kCode2, "青岛示例有限公司")).exit_code == 0);

  auto r = o.run({"employer", "correct", kCode, "--credit-code", "91110000600037341N", "--reason",
                  "录入错误"});
  CHECK(r.exit_code == 3);
  CHECK(contains(r.err, "check character"));
  r = o.run({"employer", "correct", kCode, "--credit-code", kCode2, "--reason", "录入错误"});
  CHECK(r.exit_code == 6);
  r = o.run({"employer", "correct", kCode, "--name", "新名称"});
  CHECK(r.exit_code == 2);  // --reason is required
  r = o.run({"employer", "correct", kCode, "--reason", "录入错误"});
  CHECK(r.exit_code == 3);
  CHECK(contains(r.err, "nothing to correct"));
  r = o.run({"employer", "correct", kCode3, "--name", "新名称", "--reason", "录入错误"});
  CHECK(r.exit_code == 2);
  // 公司简称 is corrected by staff, never by the employer's own edit (the 2024 guide).
  r = o.run({"employer", "edit", kCode, "--short-name", "改名科技"});
  CHECK(r.exit_code == 2);
  CHECK(contains(r.err, "employer correct " + kCode + " --short-name"));
  CHECK(o.count("SELECT count(*) FROM employers WHERE short_name = '改名科技'") == 0);
  CHECK_FALSE(contains(o.run({"employer", "edit", "--help"}).out, "--short-name"));
  CHECK(o.count("SELECT count(*) FROM events WHERE action = 'employer.correct'") == 0);

  r = o.run({"--actor", "staff-li", "employer", "correct", kCode, "--credit-code", kCode3, "--name",
             "北京示例信息技术有限公司", "--reason", "营业执照变更"});
  CHECK(r.exit_code == 0);
  CHECK(contains(r.err, "now 91310115MA1K3BTP2B 北京示例信息技术有限公司"));
  r = o.run({"employer", "correct", kCode3, "--short-name", "示例信息", "--reason", "客服更正"});
  CHECK(r.exit_code == 0);
  CHECK(o.count("SELECT count(*) FROM employers WHERE short_name = '示例信息'") == 1);
  CHECK(o.count("SELECT count(*) FROM employer_users WHERE credit_code = '" + kCode3 + "'") == 1);
  CHECK(o.count("SELECT count(*) FROM events WHERE action = 'employer.correct' AND actor = "
                "'staff-li' AND reason = '营业执照变更' AND "
                "json_extract(details, '$.changes.credit_code.old') = '" +
                kCode + "'") == 1);
  CHECK(o.run({"employer", "show", kCode}).exit_code == 2);
}

TEST_CASE("cli employer: user accounts add, list (masked), edit, disable", "[cli][employer]") {
  Office o;
  REQUIRE(o.run(registration()).exit_code == 0);
  auto r = o.run(user_add());
  CHECK(r.exit_code == 0);
  CHECK(contains(r.err, "added user 1 王芳"));

  r = o.run({"employer", "user", "list", kCode, "--format", "table"});
  CHECK(r.exit_code == 0);
  CHECK(contains(r.out, "138****5678"));
  CHECK_FALSE(contains(r.out, "13812345678"));
  CHECK(o.count("SELECT count(*) FROM events WHERE action = 'pii.unmask'") == 0);
  r = o.run({"employer", "user", "list", kCode, "--format", "table", "--unmask"});
  CHECK(contains(r.out, "13812345678"));
  CHECK(o.count("SELECT count(*) FROM events WHERE action = 'pii.unmask' AND subject_id = '" +
                kCode + "'") == 1);

  r = o.run({"employer", "user", "edit", "1", "--position", "人事经理"});
  CHECK(r.exit_code == 0);
  CHECK(contains(r.err, "position: '招聘主管' -> '人事经理'"));
  r = o.run({"employer", "user", "edit", "1", "--position", "人事经理"});
  CHECK(contains(r.err, "nothing changed"));
  CHECK(o.count("SELECT count(*) FROM events WHERE action = 'employer.user.edit'") == 1);

  r = o.run({"employer", "user", "disable", "1"});
  CHECK(r.exit_code == 0);
  CHECK(contains(r.err, "disabled user 1"));
  r = o.run({"employer", "user", "disable", "1"});
  CHECK(r.exit_code == 0);
  CHECK(contains(r.err, "already disabled"));
  CHECK(o.count("SELECT count(*) FROM events WHERE action = 'employer.user.disable'") == 1);
  r = o.run({"employer", "user", "list", kCode, "--format", "json"});
  CHECK(nlohmann::json::parse(r.out)[0]["status"] == "disabled");
  // The employer's history tells of its accounts too, and another employer's does not.
  r = o.run({"history", "--employer", kCode, "--format", "csv"});
  CHECK(contains(r.out, "employer.user.add"));
  CHECK(contains(r.out, "employer.user.edit"));
  CHECK(contains(r.out, "employer.user.disable"));
  REQUIRE(o.run(registration(kCode2, "青岛示例制造有限公司")).exit_code == 0);
  CHECK_FALSE(
      contains(o.run({"history", "--employer", kCode2, "--format", "csv"}).out, "employer.user"));
}

TEST_CASE("cli employer: user account refusals", "[cli][employer]") {
  Office o;
  REQUIRE(o.run(registration()).exit_code == 0);
  auto refused = [&](const std::vector<std::string>& args, int code, const std::string& words) {
    auto r = o.run(args);
    CHECK(r.exit_code == code);
    CHECK(contains(r.err, words));
    CHECK(o.count("SELECT count(*) FROM employer_users") == 0);
  };
  refused({"employer", "user", "add", kCode, "--real-name", "王芳", "--gender", "女",
           "--department", "人力资源部", "--position", "招聘主管", "--email", "hr@example.com"},
          3, "工作电话 (--work-phone) and 传真 (--fax) are both empty");
  refused(with(user_add(), "--email", "hr@example"), 3,
          "邮箱 (--email) 'hr@example' is not an address of the form name@domain.tld");
  refused(with(user_add(), "--mobile", "1381234567"), 3,
          "手机 (--mobile) '138***4567' must be 11 digits starting with 1");  // masked
  refused(with(user_add(), "--gender", "F"), 3, "must be 男 or 女");
  refused({"employer", "user", "add", kCode, "--real-name", "王芳", "--gender", "女",
           "--work-phone", "010-62751234"},
          2, "--department is required");
  refused(with(user_add(), "--department", " "), 3, "所在部门 (--department) must not be empty");
  refused(with(user_add(), "--position", ""), 3, "担任职务 (--position) must not be empty");
  refused(with(user_add(), "--email", "  "), 3, "邮箱 (--email) must not be empty");
  refused(user_add(kCode2), 2, "unknown employer");
  auto r = o.run({"employer", "user", "list", kCode2});
  CHECK(r.exit_code == 2);
  r = o.run({"employer", "user", "edit", "7", "--fax", "010-1234567"});
  CHECK(r.exit_code == 2);
  r = o.run({"employer", "user", "disable", "7"});
  CHECK(r.exit_code == 2);

  REQUIRE(o.run(user_add()).exit_code == 0);
  r = o.run({"employer", "user", "edit", "1", "--work-phone", ""});
  CHECK(r.exit_code == 3);
  CHECK(o.count("SELECT count(*) FROM employer_users WHERE work_phone = '010-62751234'") == 1);
}
