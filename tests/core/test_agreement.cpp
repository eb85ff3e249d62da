#include <SQLiteCpp/SQLiteCpp.h>

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "fixtures.hpp"
#include "ncss/agreement.hpp"
#include "ncss/error.hpp"
#include "ncss/review.hpp"
#include "ncss/roster.hpp"

namespace {

const auto id = testkit::resident_id;
using testkit::contains;

const std::string kEmployer = "91110108749352307A";
const std::string kA = id("11010520030115001");
const std::string kB = id("44030420021230002");

struct AgreementFixture : testkit::StoreFixture {
  AgreementFixture() {
    auto file = dir / "roster.csv";
    testkit::write_file(file,
                        "学生姓名,性别,身份证号,毕业院校,院系,学历层次,专业,届别\n"
                        "张三,男," +
                            kA +
                            ",北京大学,法学院,本科,法学,2026\n"
                            "李四,女," +
                            kB + ",北京大学,信息学院,硕士,软件工程,2026\n");
    REQUIRE(ncss::import_roster(store, file, {}, actor).added == 2);
    exec(
        "INSERT INTO employers (credit_code, name, nature_code, industry_code, size_code, "
        "province, city, street, verification, created_at, updated_at) VALUES ('" +
        kEmployer +
        "', '甲公司', '39', 'I', '3', '北京市', '海淀区', '中关村大街1号', 'verified', "
        "'t', 't')");
  }
  void exec(const std::string& sql) {
    SQLite::Database db(path.string(), SQLite::OPEN_READWRITE);
    db.exec(sql);
  }
  std::int64_t invite(const std::string& id_number) {
    SQLite::Database db(path.string(), SQLite::OPEN_READWRITE);
    SQLite::Statement q(
        db,
        "INSERT INTO invitations (employer_code, graduate_id, state, job_category, position, "
        "work_location, contact, contact_phone, archive, hukou, terms, valid_days, issued_at, "
        "deadline, responded_at, updated_at) SELECT :e, id, 'awaiting_review', '13', "
        "'研发工程师', '北京市海淀区', '王经理', '13800138000', "
        "'{\"receipt_type\":\"2\",\"forward_unit\":\"北京人才中心\",\"address\":\"北京市西城区\"}',"
        " "
        "'{\"address\":\"北京市海淀区派出所\"}', '试用期三个月', 7, '2026-05-18T01:00:00Z', "
        "'2026-05-25T01:00:00Z', '2026-05-19T01:00:00Z', '2026-05-19T01:00:00Z' "
        "FROM graduates WHERE id_number = :id");
    q.bind(":e", kEmployer);
    q.bind(":id", id_number);
    REQUIRE(q.exec() == 1);
    return db.getLastInsertRowid();
  }
  std::int64_t signed_one(const std::string& id_number) {
    auto inv = invite(id_number);
    ncss::approve_invitations(store, {inv}, actor);
    return inv;
  }
};

const std::string kGood = R"({
  "title": "就业协议书",
  "sections": [
    {"section": "number"},
    {"section": "graduate", "heading": "乙方", "labels": {"name": "学生姓名"}},
    {"section": "clauses", "heading": "条款", "clauses": ["第一条 甲方录用乙方。"]},
    {"section": "terms", "heading": "补充条款", "empty": "无"}
  ]
})";

std::string refusal(const std::string& text) {
  try {
    ncss::parse_agreement_template(text, "my.json");
  } catch (const ncss::Error& e) {
    CHECK(e.code() == ncss::ErrorCode::InvalidInput);
    return e.what();
  }
  FAIL("accepted: " << text);
  return "";
}

}  // namespace

TEST_CASE("agreement: content comes from the snapshot frozen at approval", "[agreement]") {
  AgreementFixture f;
  auto inv = f.signed_one(kA);
  f.exec("UPDATE employers SET name = '乙公司改名', street = '新地址' WHERE credit_code = '" +
         kEmployer + "'");
  auto a = ncss::load_agreement(f.store, inv);
  CHECK(a.agreement_no.size() == 17);
  CHECK(a.state == "signed");
  CHECK(a.employer.name == "甲公司");
  CHECK(a.employer.address == "北京市海淀区中关村大街1号");
  CHECK(a.employer.contact == "王经理");
  CHECK(a.graduate.name == "张三");
  CHECK(a.graduate.id_number == kA);
  CHECK(a.graduate.cohort == 2026);
  CHECK(a.school.code == "10001");
  CHECK(a.job.category_code == "13");
  CHECK(!a.job.category_name.empty());
  CHECK(a.archive.receipt_type_name == "转寄其他单位");
  CHECK(a.hukou_address == "北京市海淀区派出所");
  CHECK(a.terms == "试用期三个月");

  auto text = ncss::agreement_text(a, ncss::default_agreement_template());
  for (const std::string& part :
       std::vector<std::string>{"全国普通高等学校毕业生就业协议书（电子版）",
                                "协议编号：" + a.agreement_no,
                                "单位名称：甲公司",
                                "统一社会信用代码：" + kEmployer,
                                "单位性质：39 ",
                                "网签所属行业：I ",
                                "签约联系人：王经理",
                                "联系电话：13800138000",
                                "姓名：张三",
                                "性别：男",
                                "身份证号：" + kA,
                                "学历层次：本科",
                                "专业：法学",
                                "培养方式：非定向",
                                "院系：法学院",
                                "届别：2026届",
                                "学校名称：北京大学",
                                "学校代码：10001",
                                "审核人：tester",
                                "职位类别：13 ",
                                "岗位名称：研发工程师",
                                "工作地点：北京市海淀区",
                                "档案接收类型：2 转寄其他单位",
                                "档案转寄单位：北京人才中心",
                                "户口迁移地址：北京市海淀区派出所",
                                "协议条款",
                                "其效力与纸质就业协议书相同",
                                "补充条款",
                                "试用期三个月"}) {
    INFO(part);
    CHECK(contains(text, part));
  }
  CHECK(!contains(text, "乙公司改名"));
  CHECK(!contains(text, "协议状态"));  // only shown when not signed
}

TEST_CASE("agreement: never approved or unknown is refused", "[agreement]") {
  AgreementFixture f;
  auto inv = f.invite(kB);
  try {
    ncss::load_agreement(f.store, inv);
    FAIL("loaded");
  } catch (const ncss::Error& e) {
    CHECK(e.code() == ncss::ErrorCode::InvalidTransition);
    CHECK(contains(e.what(), "never approved"));
  }
  try {
    ncss::load_agreement(f.store, 99);
    FAIL("loaded");
  } catch (const ncss::Error& e) {
    CHECK(e.code() == ncss::ErrorCode::NotFound);
  }
}

TEST_CASE("agreement: a voided one is shown with its state, not printed", "[agreement]") {
  AgreementFixture f;
  auto inv = f.signed_one(kA);
  f.exec("UPDATE invitations SET state = 'voided' WHERE id = " + std::to_string(inv));
  auto a = ncss::load_agreement(f.store, inv);
  CHECK(contains(ncss::agreement_text(a, ncss::default_agreement_template()), "协议状态：已作废"));
  testkit::TempDir out;
  CHECK_THROWS_AS(ncss::write_agreement_pdf(a, ncss::default_agreement_template(), out / "x.pdf",
                                            ncss::agreement_time(a)),
                  ncss::Error);
  CHECK(ncss::signed_agreement_ids(f.store, {}).empty());
}

TEST_CASE("agreement: --all selects signed ones by school, cohort and employer", "[agreement]") {
  AgreementFixture f;
  auto one = f.signed_one(kA);
  f.invite(kB);  // awaiting review: no agreement
  CHECK(ncss::signed_agreement_ids(f.store, {}) == std::vector<std::int64_t>{one});
  CHECK(ncss::signed_agreement_ids(f.store, {"10001", 2026, kEmployer}).size() == 1);
  CHECK(ncss::signed_agreement_ids(f.store, {"10003", 0, ""}).empty());
  CHECK(ncss::signed_agreement_ids(f.store, {"", 2025, ""}).empty());
}

TEST_CASE("agreement: the same record gives the same PDF bytes", "[agreement]") {
  AgreementFixture f;
  auto a = ncss::load_agreement(f.store, f.signed_one(kA));
  testkit::TempDir out;
  const auto& layout = ncss::default_agreement_template();
  ncss::write_agreement_pdf(a, layout, out / "1.pdf", ncss::agreement_time(a));
  ncss::write_agreement_pdf(a, layout, out / "2.pdf", ncss::agreement_time(a));
  auto one = testkit::read_file(out / "1.pdf");
  CHECK(one.rfind("%PDF-", 0) == 0);
  CHECK(one == testkit::read_file(out / "2.pdf"));
}

TEST_CASE("agreement: templates are validated, naming the file and the line", "[agreement]") {
  auto t = ncss::parse_agreement_template(kGood, "my.json");
  CHECK(t.title == "就业协议书");
  REQUIRE(t.sections.size() == 4);
  CHECK(t.sections[1].labels.at("name") == "学生姓名");
  CHECK(t.sections[1].labels.at("gender") == "性别");
  CHECK(t.sections[2].clauses.size() == 1);

  auto syntax = refusal("{\n  \"title\": \"x\",\n  \"sections\": [,]\n}");
  CHECK(contains(syntax, "my.json"));
  CHECK(contains(syntax, "line 3, column 16"));
  CHECK(contains(refusal(R"({"title":"x","sections":[{"section":"signatures"}]})"),
                 "unknown section \"signatures\""));
  CHECK(contains(refusal(R"({"title":"x","sections":[{"section":"job","labels":{"salary":"x"}}]})"),
                 "unknown label \"salary\""));
  CHECK(contains(refusal(R"({"title":"x","sections":[{"section":"clauses"}]})"), "clauses"));
  CHECK(contains(refusal(R"({"sections":[{"section":"job"}]})"), "no \"title\""));
  CHECK(contains(refusal(R"({"title":"x","sections":[{"section":"job"},{"section":"job"}]})"),
                 "appears twice"));
  CHECK(contains(refusal(R"({"title":"x","sections":[],"extra":1})"), "unknown key \"extra\""));
  CHECK(ncss::default_agreement_template().sections.size() == 9);
}

TEST_CASE("agreement: file names never leave the directory", "[agreement]") {
  ncss::Agreement a;
  a.invitation_id = 7;
  a.agreement_no = "20261000131000001";
  a.graduate.name = "张三";
  CHECK(ncss::agreement_file_name(a) == "20261000131000001_张三.pdf");
  a.agreement_no = "../../etc";
  a.graduate.name =
      "a/b\\c\x01\x1f\x7f"
      "d";
  auto name = ncss::agreement_file_name(a);
  CHECK(name == "etc_abcd.pdf");
  CHECK(name.find('/') == std::string::npos);
  a.agreement_no = "..";
  a.graduate.name = "/";
  CHECK(ncss::agreement_file_name(a) == "_.pdf");
  a.agreement_no = "";
  a.graduate.name = "..";
  CHECK(ncss::agreement_file_name(a) == "_...pdf");
  a.agreement_no = "2026";
  a.graduate.name = std::string(300, 'x');
  CHECK(ncss::agreement_file_name(a).size() == 204);
}
