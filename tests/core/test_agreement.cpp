#include <SQLiteCpp/SQLiteCpp.h>

#include <algorithm>
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
        testkit::employers_sql({{kEmployer, "甲公司", true, "北京市", "海淀区", "中关村大街1号"}}));
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
  CHECK(ncss::agreement_ids(f.store, {}).empty());
}

TEST_CASE("agreement: --all selects signed ones by school, cohort and employer", "[agreement]") {
  AgreementFixture f;
  auto one = f.signed_one(kA);
  f.invite(kB);  // awaiting review: no agreement
  CHECK(ncss::agreement_ids(f.store, {}) == std::vector<std::int64_t>{one});
  CHECK(ncss::agreement_ids(f.store, {"signed", "10001", 2026, kEmployer}).size() == 1);
  CHECK(ncss::agreement_ids(f.store, {"signed", "10003", 0, ""}).empty());
  CHECK(ncss::agreement_ids(f.store, {"signed", "", 2025, ""}).empty());
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
  REQUIRE(t.sections.size() == 5);  // the four, and the verification section added
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
  CHECK(ncss::default_agreement_template().sections.size() == 10);

  // A section's error names its line too: JSON keeps no positions, so the sections' lines are
  // found in the text. The built-in template with one section misspelt, after multi-line ones
  // (the clauses, strings holding brackets, commas and escapes).
  std::string text = testkit::read_file(testkit::source_dir() / "templates/agreement.json");
  const std::string terms = R"("section": "terms")";
  auto at = text.find(terms);
  REQUIRE(at != std::string::npos);
  const auto line = 1 + std::count(text.begin(), text.begin() + static_cast<long>(at), '\n');
  text.replace(at, terms.size(), R"("section": "terms", "colour": "red")");
  CHECK(contains(refusal(text), "(terms, line " + std::to_string(line) + "): unknown key"));
  CHECK(contains(refusal("{\"title\": \"x\",\n\"sections\": [\n  {\"section\": \"job\"},\n\n  "
                         "{\"section\": \"seal\"}\n]}"),
                 "section 2 (line 5): unknown section \"seal\""));
  CHECK(contains(refusal("{\"title\": \"x\",\n\"sections\": [\n  {\"section\": \"job\"},\n  "
                         "{\"section\": \"job\"}\n]}"),
                 "section \"job\" appears twice (again at line 4)"));
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

// ---- verification codes, the blank paper form -----------------------------------------------

TEST_CASE("agreement: the verification code is fixed at approval and covers the content",
          "[agreement][verify]") {
  AgreementFixture f;
  auto a = ncss::load_agreement(f.store, f.signed_one(kA));
  auto b = ncss::load_agreement(f.store, f.signed_one(kB));
  // XXXX-XXXX-XXXX-XXXX in the RFC 4648 base32 alphabet.
  REQUIRE(a.verification_code.size() == 19);
  for (std::size_t i = 0; i < 19; ++i) {
    char c = a.verification_code[i];
    if (i % 5 == 4) {
      CHECK(c == '-');
    } else {
      CHECK(((c >= 'A' && c <= 'Z') || (c >= '2' && c <= '7')));
    }
  }
  CHECK(ncss::compute_verification_code(f.store, a) == a.verification_code);
  CHECK(a.verification_code != b.verification_code);

  // The state is not content: a later termination does not change the code.
  auto changed = a;
  changed.state = "terminated";
  CHECK(ncss::compute_verification_code(f.store, changed) == a.verification_code);
  // Any field of the content does.
  changed = a;
  changed.terms += "。";
  CHECK(ncss::compute_verification_code(f.store, changed) != a.verification_code);
  changed = a;
  changed.graduate.id_number[17] = changed.graduate.id_number[17] == '1' ? '2' : '1';
  CHECK(ncss::compute_verification_code(f.store, changed) != a.verification_code);

  // The canonical form: a version line, then JSON with sorted keys and no state.
  auto canonical = ncss::canonical_agreement(a);
  CHECK(canonical.rfind("ncssctl agreement v1\n{\"agreement_no\":", 0) == 0);
  CHECK(!contains(canonical, "signed"));
  CHECK(canonical.find("\"archive\"") < canonical.find("\"employer\""));
}

TEST_CASE("agreement: another database's secret gives another code", "[agreement][verify]") {
  AgreementFixture f, g;
  auto a = ncss::load_agreement(f.store, f.signed_one(kA));
  CHECK(ncss::compute_verification_code(g.store, a) != a.verification_code);
  CHECK(ncss::verify_agreement_code(g.store, a.verification_code).result ==
        ncss::VerificationResult::Unknown);
}

TEST_CASE("agreement: verify a code, valid, since voided, unknown, altered",
          "[agreement][verify]") {
  AgreementFixture f;
  auto inv = f.signed_one(kA);
  auto a = ncss::load_agreement(f.store, inv);
  using R = ncss::VerificationResult;

  auto v = ncss::verify_agreement_code(f.store, a.verification_code);
  CHECK(v.result == R::Valid);
  REQUIRE(v.agreement);
  CHECK(v.agreement->invitation_id == inv);
  // Lower case, without dashes, or the QR code's whole text.
  std::string bare;
  for (char c : a.verification_code) {
    if (c != '-') bare += static_cast<char>(std::tolower(c));
  }
  CHECK(ncss::verify_agreement_code(f.store, bare).result == R::Valid);
  CHECK(ncss::verify_agreement_code(f.store, ncss::verification_qr_text(a)).result == R::Valid);

  std::string wrong = a.verification_code;
  wrong[0] = wrong[0] == 'A' ? 'B' : 'A';
  CHECK(ncss::verify_agreement_code(f.store, wrong).result == R::Unknown);
  CHECK_THROWS_AS(ncss::verify_agreement_code(f.store, "not a code"), ncss::Error);
  CHECK_THROWS_AS(ncss::verify_agreement_code(f.store, "ABCD-EFGH-JKLM-NPQ"), ncss::Error);

  // The QR code's text names the agreement: another number beside the code is a forgery. A
  // label on its own line or column, as pasted from the PDF, is read too.
  auto forged = ncss::verify_agreement_code(
      f.store, "协议编号：99999999999999999\n验证码：" + a.verification_code);
  CHECK(forged.result == R::Altered);
  CHECK(contains(forged.detail, "99999999999999999"));
  CHECK(contains(forged.detail, "belongs to agreement " + a.agreement_no));
  CHECK(ncss::verify_agreement_code(
            f.store, "验证码 " + a.verification_code + "\n协议编号  " + a.agreement_no)
            .result == R::Valid);
  CHECK(ncss::verify_agreement_code(f.store, "  验证码:" + bare + "\n").result == R::Valid);
  // A code inside other words proves nothing about them: refused, as is a label without a number.
  for (const std::string& text :
       {"随便什么文字 " + a.verification_code + " 伪造", a.verification_code + " 月薪五万元",
        "协议编号：\n验证码：" + a.verification_code,
        "协议编号：1\n协议编号：2\n验证码：" + a.verification_code,
        a.verification_code + " " + a.verification_code}) {
    INFO(text);
    try {
      ncss::verify_agreement_code(f.store, text);
      FAIL("accepted");
    } catch (const ncss::Error& e) {
      CHECK(e.code() == ncss::ErrorCode::InvalidInput);
      CHECK(contains(e.what(), "give the code alone"));
    }
  }

  f.exec("UPDATE invitations SET state = 'voided' WHERE id = " + std::to_string(inv));
  CHECK(ncss::verify_agreement_code(f.store, a.verification_code).result == R::Voided);
  f.exec("UPDATE invitations SET state = 'terminated' WHERE id = " + std::to_string(inv));
  CHECK(ncss::verify_agreement_code(f.store, a.verification_code).result == R::Terminated);

  // A record changed behind the program's back no longer matches its code.
  f.exec(
      "UPDATE invitations SET state = 'signed', snapshot = json_set(snapshot, '$.terms', "
      "'月薪五万元') WHERE id = " +
      std::to_string(inv));
  auto altered = ncss::verify_agreement_code(f.store, a.verification_code);
  CHECK(altered.result == R::Altered);
  CHECK(contains(altered.detail, "changed after approval"));
}

TEST_CASE("agreement: upgrading to schema 7 gives earlier agreements their codes",
          "[agreement][verify]") {
  AgreementFixture f;
  auto inv = f.signed_one(kA);
  // Back to schema 6, as a database approved before verification existed.
  f.exec(
      "DROP INDEX invitations_awaiting_review; DROP INDEX invitations_verification_code; ALTER "
      "TABLE invitations DROP COLUMN verification_code; DROP TABLE secrets; ALTER TABLE "
      "employers DROP COLUMN private; ALTER TABLE destination_codes DROP COLUMN required_fields; "
      "DROP TABLE corrected_ids; PRAGMA user_version = 6");
  {
    auto upgraded = ncss::Store::open_for_migration(f.path);
    CHECK(upgraded.migrate() == ncss::latest_schema_version() - 6);  // 7 and every later one
    auto a = ncss::load_agreement(upgraded, inv);
    REQUIRE(a.verification_code.size() == 19);
    CHECK(ncss::verify_agreement_code(upgraded, a.verification_code).result ==
          ncss::VerificationResult::Valid);
  }
}

TEST_CASE("agreement: the PDF carries the code, a QR code and no state", "[agreement][verify]") {
  AgreementFixture f;
  auto inv = f.signed_one(kA);
  auto a = ncss::load_agreement(f.store, inv);
  const auto& layout = ncss::default_agreement_template();
  auto blocks = ncss::agreement_blocks(a, layout);
  int qr = 0;
  bool code = false;
  for (const auto& b : blocks) {
    qr += b.kind == ncss::AgreementBlock::Kind::QrCode;
    code = code || (b.kind == ncss::AgreementBlock::Kind::Field && b.text == a.verification_code);
    CHECK(b.label != "协议状态");
  }
  CHECK(qr == 1);
  CHECK(code);
  // The text view shows the code but has no QR code.
  auto text = ncss::agreement_text(a, layout);
  CHECK(contains(text, "验证码：" + a.verification_code));
  // A template without a verification section still gets one, at the end.
  auto t = ncss::parse_agreement_template(kGood, "my.json");
  CHECK(t.sections.back().name == "verification");
  CHECK(!t.sections.back().note.empty());
  // And one without the 协议编号 gets its number section first: the PDF always shows it.
  auto bare = ncss::parse_agreement_template(R"({"title":"协议","sections":[{"section":"terms"}]})",
                                             "bare.json");
  REQUIRE(bare.sections.size() == 3);
  CHECK(bare.sections.front().name == "number");
  CHECK(bare.sections[1].name == "terms");
  auto shown = ncss::agreement_text(a, bare);
  CHECK(contains(shown, "协议编号：" + a.agreement_no));
  // One that places it keeps it where it is.
  CHECK(t.sections.front().name == "number");
  CHECK(t.sections.size() == 5);
}

TEST_CASE("agreement: the blank paper form, and who may not have one", "[agreement][blank]") {
  AgreementFixture f;
  auto file = f.dir / "more.csv";
  const std::string targeted = id("11010520030115013");
  testkit::write_file(file, "学生姓名,身份证号,毕业院校,学历层次,专业,届别,培养方式\n王五," +
                                targeted + ",北京大学,本科,法学,2026,定向\n");
  REQUIRE(ncss::import_roster(f.store, file, {}, f.actor).added == 1);
  auto graduate_id = [&](const std::string& id_number) {
    return ncss::get_graduate(f.store, id_number).id;
  };

  auto blank = ncss::blank_agreement(f.store, graduate_id(kB));
  CHECK(blank.graduate.name == "李四");
  CHECK(blank.graduate.id_number == kB);
  CHECK(blank.school.name == "北京大学");
  CHECK(blank.agreement_no.empty());
  CHECK(blank.employer.name.empty());
  const auto& layout = ncss::default_agreement_template();
  std::string all;
  for (const auto& b : ncss::agreement_blocks(blank, layout, ncss::AgreementView::Blank)) {
    CHECK(b.kind != ncss::AgreementBlock::Kind::QrCode);
    all += b.label + "：" + b.text + "\n";
  }
  CHECK(contains(all, "全国普通高等学校毕业生就业协议书（线下签约）"));
  CHECK(contains(all, "单位名称：＿＿＿＿"));
  CHECK(contains(all, "姓名：李四"));
  CHECK(contains(all, "甲方（盖章）"));
  CHECK(!contains(all, "验证码"));
  CHECK(!contains(all, "无需盖章"));  // the paper clauses, not the online ones
  auto pdf = ncss::blank_agreement_pdf(blank, layout, f.actor.now);
  CHECK(pdf.rfind("%PDF-", 0) == 0);
  CHECK(pdf == ncss::blank_agreement_pdf(blank, layout, f.actor.now));

  auto refused = [&](std::int64_t graduate, const std::string& why) {
    try {
      ncss::blank_agreement(f.store, graduate);
      FAIL("a blank form was made");
    } catch (const ncss::Error& e) {
      CHECK(e.code() == ncss::ErrorCode::InvalidTransition);
      INFO(e.what());
      CHECK(contains(e.what(), why));
    }
  };
  refused(graduate_id(targeted), "定向/委培");
  f.signed_one(kA);
  refused(graduate_id(kA), "live destination");
  f.exec("UPDATE graduates SET status = 'invalid' WHERE id_number = '" + kB + "'");
  refused(graduate_id(kB), "removed from the roster");
  CHECK_THROWS_AS(ncss::blank_agreement(f.store, 999), ncss::Error);
}

TEST_CASE("agreement: a number too large for JSON is refused, not thrown (fuzz regression)",
          "[agreement][fuzz]") {
  // nlohmann::json reports it as out_of_range, which used to escape the parser.
  auto found =
      refusal(R"({"title":888888888888888888888888888888e8888888888888888888888888888s"}]")");
  CHECK(contains(found, "my.json"));
  CHECK(contains(refusal(R"({"title":"x","sections":[{"section":"job","heading":1e999}]})"),
                 "number overflow"));
}
