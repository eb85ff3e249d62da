// End-to-end: ncssctl template add|list|show|edit|remove|history.
#include <SQLiteCpp/SQLiteCpp.h>

#include <catch2/catch.hpp>
#include <map>
#include <nlohmann/json.hpp>

#include "testkit.hpp"

using testkit::run_ncssctl;
using testkit::TempDir;

namespace {

using testkit::contains;
const std::string kA = "91110108749352307A";
const std::string kB = "91110108MA01ABCD2X";

struct Employers {
  TempDir dir;
  std::string db = (dir / "ncss.db").string();
  Employers() {
    REQUIRE(run_ncssctl({"--db", db, "init"}).exit_code == 0);
    SQLite::Database raw(db, SQLite::OPEN_READWRITE);
    raw.exec(
        testkit::employers_sql({{kA, "甲公司"}, {kB, "乙公司", false, "北京市", "北京市", "y"}}));
  }
  testkit::RunResult run(std::vector<std::string> args) {
    args.insert(args.begin(), {"--db", db, "--now", "2026-05-20T09:00:00+08:00", "--actor", "hr"});
    return run_ncssctl(args);
  }
};

}  // namespace

TEST_CASE("cli template: add, edit, show, history, remove", "[cli][template]") {
  Employers e;
  auto r = e.run({"template", "add", "job", "--employer", kA, "--name", "研发岗", "--job-category",
                  "公务员", "--position", "软件工程师", "--work-location", "北京", "--contact",
                  "王老师", "--contact-phone", "13800001111"});
  CHECK(r.exit_code == 0);
  r = e.run({"template", "add", "job", "--employer", kA, "--name", "研发岗", "--job-category", "10",
             "--contact", "张经理", "--position", "x"});
  CHECK(r.exit_code == 6);
  r = e.run({"template", "edit", "job", "研发岗", "--employer", kA, "--position", "算法工程师"});
  CHECK(r.exit_code == 0);
  r = e.run({"template", "show", "job", "研发岗", "--employer", kA, "--format", "json"});
  CHECK(contains(r.out, "\"position\": \"算法工程师\""));
  CHECK(contains(r.out, "\"job_category\": \"10\""));
  CHECK(contains(r.out, "\"version\": 2"));  // a number, as list and history give it
  r = e.run({"template", "history", "job", "研发岗", "--employer", kA});
  CHECK(r.exit_code == 0);
  CHECK(contains(r.out, "1,add,hr,"));
  CHECK(contains(r.out, "2,edit,hr,"));
  r = e.run({"template", "remove", "job", "研发岗", "--employer", kA});
  CHECK(r.exit_code == 0);
  r = e.run({"template", "list", "--employer", kA});
  CHECK_FALSE(contains(r.out, "研发岗"));
}

TEST_CASE("cli template: tables say the fields in words and mask phones unless --unmask",
          "[cli][template]") {
  Employers e;
  REQUIRE(e.run({"template", "add", "archive", "--employer", kA, "--name", "转寄", "--receipt-type",
                 "2", "--forward-unit", "海淀人才中心", "--address", "北京市海淀区", "--phone",
                 "13800001111"})
              .exit_code == 0);
  for (const char* command : {"list", "history", "show"}) {
    INFO(command);
    std::vector<std::string> args = {"template", command};
    if (std::string(command) != "list") args.insert(args.end(), {"archive", "转寄"});
    args.insert(args.end(), {"--employer", kA, "--format", "table"});
    auto r = e.run(args);
    CHECK(r.exit_code == 0);
    CHECK(contains(r.out, "138****1111"));
    CHECK_FALSE(contains(r.out, "13800001111"));
    if (std::string(command) != "show") {
      CHECK(contains(r.out,
                     "档案接收类型 2 转寄其他单位; 转寄单位名称 海淀人才中心; 地址 北京市海淀区; "
                     "电话 138****1111"));
    }
    args.push_back("--unmask");
    CHECK(contains(e.run(args).out, "13800001111"));
    // Scripts get the stored values.
    args.pop_back();
    args.back() = "csv";
    CHECK(contains(e.run(args).out, "13800001111"));
  }
  // Each --unmask is recorded.
  SQLite::Database raw(e.db, SQLite::OPEN_READONLY);
  CHECK(
      raw.execAndGet("SELECT count(*) FROM events WHERE action = 'pii.unmask' AND subject_id = '" +
                     kA + "'")
          .getInt() == 3);
}

TEST_CASE("cli template: an edit by another employer is NotFound and changes nothing",
          "[cli][template]") {
  Employers e;
  REQUIRE(e.run({"template", "add", "hukou", "--employer", kA, "--name", "集体户", "--address",
                 "北京市海淀区"})
              .exit_code == 0);
  auto r = e.run({"template", "edit", "hukou", "集体户", "--employer", kB, "--address", "改掉"});
  CHECK(r.exit_code == 2);
  r = e.run({"template", "list", "--employer", kB});
  CHECK_FALSE(contains(r.out, "集体户"));
  r = e.run({"template", "show", "hukou", "集体户", "--employer", kA, "--format", "json"});
  CHECK(contains(r.out, "北京市海淀区"));
  r = e.run({"template", "history", "hukou", "集体户", "--employer", kA});
  CHECK_FALSE(contains(r.out, "edit"));
}

TEST_CASE("cli template: invalid fields are refused with exit 3", "[cli][template]") {
  Employers e;
  auto r = e.run({"template", "add", "archive", "--employer", kA, "--name", "a", "--receipt-type",
                  "2", "--forward-unit", "人才中心"});
  CHECK(r.exit_code == 3);
  CHECK(contains(r.err, "--address"));
  r = e.run({"template", "add", "archive", "--employer", kA, "--name", "a", "--receipt-type", "1",
             "--postcode", "1234"});
  CHECK(r.exit_code == 3);
  r = e.run({"template", "add", "hukou", "--employer", kA, "--name", "a", "--address", "x",
             "--postcode", "100080"});
  CHECK(r.exit_code == 3);
  r = e.run({"template", "list", "--employer", kA});
  CHECK(r.out.find("\n") == r.out.rfind("\n"));  // the header only
}

TEST_CASE("cli template: a job template needs 签约联系人, and an edit cannot clear it",
          "[cli][template]") {
  Employers e;
  // `template add job` without --contact, or with a blank one: exit 3, nothing stored.
  for (const std::vector<std::string>& contact :
       std::vector<std::vector<std::string>>{{}, {"--contact", ""}, {"--contact", "\u3000"}}) {
    std::vector<std::string> args = {"template", "add",        "job",       "--employer",
                                     kA,         "--name",     "研发岗",    "--job-category",
                                     "13",       "--position", "研发工程师"};
    args.insert(args.end(), contact.begin(), contact.end());
    auto r = e.run(args);
    INFO(r.err);
    CHECK(r.exit_code == 3);
    CHECK(contains(r.err, "签约联系人 (--contact) is required for a job template"));
  }
  CHECK(e.run({"template", "list", "--employer", kA}).out.find("研发岗") == std::string::npos);

  REQUIRE(
      e.run({"template", "add", "job", "--employer", kA, "--name", "研发岗", "--job-category", "13",
             "--position", "研发工程师", "--contact", "王老师", "--work-location", "北京"})
          .exit_code == 0);
  // An empty value clears an optional field (工作地点), never the contact: exit 3, unchanged.
  for (const char* blank : {"", " "}) {
    auto r = e.run({"template", "edit", "job", "研发岗", "--employer", kA, "--contact", blank});
    INFO(r.err);
    CHECK(r.exit_code == 3);
    CHECK(contains(r.err,
                   "签约联系人 (--contact) is required for a job template and cannot be "
                   "cleared"));
  }
  auto r = e.run({"template", "edit", "job", "研发岗", "--employer", kA, "--contact", "",
                  "--position", "算法工程师"});
  CHECK(r.exit_code == 3);
  r = e.run({"template", "show", "job", "研发岗", "--employer", kA, "--format", "json"});
  CHECK(contains(r.out, "\"contact\": \"王老师\""));
  CHECK(contains(r.out, "\"position\": \"研发工程师\""));
  CHECK(contains(r.out, "\"version\": 1"));
  CHECK_FALSE(
      contains(e.run({"template", "history", "job", "研发岗", "--employer", kA}).out, "edit"));
  r = e.run({"template", "edit", "job", "研发岗", "--employer", kA, "--work-location", ""});
  CHECK(r.exit_code == 0);
  r = e.run({"template", "show", "job", "研发岗", "--employer", kA, "--format", "json"});
  CHECK(contains(r.out, "\"work_location\": \"\""));
  CHECK(contains(r.out, "\"contact\": \"王老师\""));
}

TEST_CASE("cli template: a job template stored without 签约联系人 gets one in its next edit",
          "[cli][template]") {
  Employers e;
  {
    SQLite::Database raw(e.db, SQLite::OPEN_READWRITE);
    raw.exec(
        "INSERT INTO invite_templates (credit_code, kind, name, fields, is_default, created_at, "
        "updated_at) VALUES ('" +
        kA +
        "', 'job', '旧', '{\"job_category\":\"13\",\"position\":\"研发工程师\"}', 1, "
        "'2025-06-01T00:00:00Z', '2025-06-01T00:00:00Z')");
    raw.exec(
        "INSERT INTO invite_template_history (template_id, version, fields, action, actor, at) "
        "VALUES (last_insert_rowid(), 1, "
        "'{\"job_category\":\"13\",\"position\":\"研发工程师\",\"is_default\":true}', "
        "'add', 'hr', '2025-06-01T00:00:00Z')");
  }
  // Listed as stored.
  auto r = e.run({"template", "list", "--employer", kA, "--format", "json"});
  CHECK(r.exit_code == 0);
  CHECK(contains(r.out, "旧"));
  // An edit of another field says what is missing, and changes nothing.
  r = e.run({"template", "edit", "job", "旧", "--employer", kA, "--position", "算法工程师"});
  CHECK(r.exit_code == 3);
  CHECK(contains(r.err,
                 "the job template '旧' has no 签约联系人 (saved before it was required): "
                 "give it with --contact in this edit"));
  r = e.run({"template", "edit", "job", "旧", "--employer", kA, "--position", "算法工程师",
             "--contact", "张经理"});
  INFO(r.err);
  CHECK(r.exit_code == 0);
  r = e.run({"template", "show", "job", "旧", "--employer", kA, "--format", "json"});
  CHECK(contains(r.out, "\"contact\": \"张经理\""));
  CHECK(contains(r.out, "\"version\": 2"));
}

TEST_CASE("cli template list: the fields are a JSON object for scripts, whatever a value holds",
          "[cli][template]") {
  Employers e;
  REQUIRE(e.run({"template", "add", "job", "--employer", kA, "--name", "amb", "--job-category",
                 "13", "--contact", "张经理", "--position", "p; work_location=上海"})
              .exit_code == 0);
  REQUIRE(e.run({"template", "add", "job", "--employer", kA, "--name", "amb2", "--job-category",
                 "13", "--contact", "张经理", "--position", "p", "--work-location", "上海"})
              .exit_code == 0);
  auto r = e.run({"template", "list", "--employer", kA, "--format", "json"});
  REQUIRE(r.exit_code == 0);
  auto rows = nlohmann::json::parse(r.out);
  REQUIRE(rows.size() == 2);
  std::map<std::string, nlohmann::json> fields;
  for (const auto& row : rows) {
    fields[row["name"]] = nlohmann::json::parse(row["fields"].get<std::string>());
  }
  CHECK(fields["amb"]["position"] == "p; work_location=上海");
  CHECK_FALSE(fields["amb"].contains("work_location"));
  CHECK(fields["amb2"]["position"] == "p");
  CHECK(fields["amb2"]["work_location"] == "上海");
}
