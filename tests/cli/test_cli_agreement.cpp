// End-to-end: ncssctl agreement show|pdf, read back with poppler and qpdf.
#include <SQLiteCpp/SQLiteCpp.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "testkit.hpp"

using testkit::run_ncssctl;
using testkit::TempDir;

namespace {

namespace fs = std::filesystem;
const auto id = testkit::resident_id;
using testkit::contains;

const std::string kV = "91110108749352307A";
const std::string kA = id("11010520030115001");
const std::string kB = id("44030420021230002");
const std::string kC = id("11010520030115003");
const std::string kNow = "2026-05-20T09:00:00+08:00";

// 张三 (invitation 1) and 王五 (3) signed with 甲公司; 李四 (2) invited, never approved.
struct Signed {
  TempDir dir;
  std::string db = (dir / "ncss.db").string();
  Signed() {
    REQUIRE(run_ncssctl({"--db", db, "init"}).exit_code == 0);
    auto p = dir / "r.csv";
    testkit::write_file(p, "学生姓名,身份证号,毕业院校,院系,专业,届别,学历层次\n张三," + kA +
                               ",北京大学,法学院,法学,2026,本科\n李四," + kB +
                               ",北京大学,法学院,法学,2026,本科\n王五," + kC +
                               ",北京大学,信息学院,软件工程,2026,硕士\n");
    REQUIRE(run({"student", "import", p.string()}).exit_code == 0);
    {
      SQLite::Database raw(db, SQLite::OPEN_READWRITE);
      raw.exec(testkit::employers_sql({{kV, "甲公司", true, "北京市", "海淀区", "中关村大街1号"}}));
    }
    for (const auto& [name, who] : {std::pair{"张三", kA}, {"李四", kB}, {"王五", kC}}) {
      REQUIRE(run({"favorite", "add", "--employer", kV, "--name", name, "--id", who, "--school",
                   "北京大学"})
                  .exit_code == 0);
      auto r = run({"invite",
                    "issue",
                    "--employer",
                    kV,
                    "--to",
                    who,
                    "--job-category",
                    "13",
                    "--position",
                    "研发工程师",
                    "--work-location",
                    "北京市海淀区",
                    "--contact",
                    "王经理",
                    "--contact-phone",
                    "13800138000",
                    "--archive-receipt-type",
                    "1",
                    "--hukou-address",
                    "北京市海淀区派出所",
                    "--terms",
                    "试用期三个月，月薪一万元。"});
      INFO(r.err);
      REQUIRE(r.exit_code == 0);
    }
    REQUIRE(run({"invite", "respond", "1", "--accept"}).exit_code == 0);
    REQUIRE(run({"invite", "respond", "3", "--accept"}).exit_code == 0);
    REQUIRE(run({"--actor", "北京大学就业中心", "review", "approve", "1", "3"}).exit_code == 0);
  }
  testkit::RunResult run(std::vector<std::string> args) {
    args.insert(args.begin(), {"--db", db, "--now", kNow});
    return run_ncssctl(args);
  }
  std::string text(const std::string& sql) {
    SQLite::Database raw(db, SQLite::OPEN_READONLY);
    return raw.execAndGet(sql).getString();
  }
};

testkit::ShellResult shell(const std::string& cmd) { return testkit::run_shell(cmd + " 2>&1"); }

std::string squeezed(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c != ' ' && c != '\n' && c != '\f') out += c;
  }
  return out;
}

}  // namespace

TEST_CASE("cli agreement show: every field, from the snapshot, ID masked", "[cli][agreement]") {
  Signed w;
  std::string no = w.text("SELECT agreement_no FROM invitations WHERE id = 1");
  // An employer edit after approval does not reach the agreement.
  {
    SQLite::Database raw(w.db, SQLite::OPEN_READWRITE);
    raw.exec("UPDATE employers SET name = '改名后公司', street = '新址' WHERE credit_code = '" +
             kV + "'");
  }
  auto r = w.run({"agreement", "show", "1"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  for (const std::string& part :
       std::vector<std::string>{"全国普通高等学校毕业生就业协议书（电子版）",
                                "协议编号：" + no,
                                "单位名称：甲公司",
                                "统一社会信用代码：" + kV,
                                "单位性质：39",
                                "网签所属行业：I",
                                "地址：北京市海淀区中关村大街1号",
                                "签约联系人：王经理",
                                "联系电话：13800138000",
                                "户口迁移地址：北京市海淀区派出所",
                                "姓名：张三",
                                "性别：男",
                                "学历层次：本科",
                                "专业：法学",
                                "培养方式：非定向",
                                "院系：法学院",
                                "届别：2026届",
                                "学校名称：北京大学",
                                "学校代码：10001",
                                "审核时间：2026-05-20",
                                "审核人：北京大学就业中心",
                                "职位类别：13",
                                "岗位名称：研发工程师",
                                "工作地点：北京市海淀区",
                                "档案接收",
                                "户口迁移",
                                "协议条款",
                                "补充条款",
                                "试用期三个月，月薪一万元。"}) {
    INFO(part);
    CHECK(contains(r.out, part));
  }
  CHECK(!contains(r.out, "改名后公司"));
  CHECK(!contains(r.out, kA));  // masked
  auto full = w.run({"agreement", "show", "1", "--unmask"});
  CHECK(contains(full.out, "身份证号：" + kA));
  CHECK(w.text("SELECT count(*) FROM events WHERE action = 'pii.unmask'") == "1");

  auto never = w.run({"agreement", "show", "2"});
  CHECK(never.exit_code == 5);
  CHECK(contains(never.err, "never approved"));
  CHECK(w.run({"agreement", "show", "99"}).exit_code == 2);
}

TEST_CASE("cli agreement show --format: the fields for scripts", "[cli][agreement]") {
  Signed w;
  std::string no = w.text("SELECT agreement_no FROM invitations WHERE id = 1");
  {
    SQLite::Database raw(w.db, SQLite::OPEN_READWRITE);
    raw.exec("UPDATE employers SET name = '改名后公司' WHERE credit_code = '" + kV + "'");
  }
  auto r = w.run({"--format", "json", "agreement", "show", "1"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  std::map<std::string, std::string> fields;
  for (const auto& row : nlohmann::json::parse(r.out)) {
    fields[row.at("field").get<std::string>()] = row.at("value").get<std::string>();
  }
  CHECK(fields["agreement_no"] == no);
  CHECK(fields["invitation_id"] == "1");
  CHECK(fields["state"] == "signed");
  CHECK(fields["state_name"] == "已签约");
  CHECK(fields["employer.name"] == "甲公司");  // the snapshot, not today's name
  CHECK(fields["employer.credit_code"] == kV);
  CHECK(fields["graduate.name"] == "张三");
  CHECK(fields["graduate.id_number"] == kA);  // in full, as every listing's JSON
  CHECK(fields["graduate.cohort"] == "2026");
  CHECK(fields["school.code"] == "10001");
  CHECK(fields["job.position"] == "研发工程师");
  CHECK(fields["terms"] == "试用期三个月，月薪一万元。");
  // The code the PDF carries, which agreement verify accepts.
  REQUIRE(fields["verification_code"].size() == 19);
  CHECK(w.run({"agreement", "verify", fields["verification_code"]}).exit_code == 0);
  CHECK(w.text("SELECT count(*) FROM events WHERE action = 'pii.unmask'") == "0");

  auto csv = w.run({"--format", "csv", "agreement", "show", "1"});
  REQUIRE(csv.exit_code == 0);
  CHECK(csv.out.rfind("field,value\n", 0) == 0);
  CHECK(contains(csv.out, "\ngraduate.name,张三\n"));
  auto jsonl = w.run({"--format", "jsonl", "agreement", "show", "1"});
  CHECK(contains(jsonl.out, R"({"field": "graduate.name", "value": "张三"})"));
  // Without --format the text, even into a pipe; --format table is the text too.
  CHECK(contains(w.run({"agreement", "show", "1"}).out, "姓名：张三"));
  CHECK(contains(w.run({"--format", "table", "agreement", "show", "1"}).out, "姓名：张三"));
  // Refusals are the text's: never approved 5, unknown 2.
  CHECK(w.run({"--format", "json", "agreement", "show", "2"}).exit_code == 5);
  CHECK(w.run({"--format", "json", "agreement", "show", "99"}).exit_code == 2);
}

TEST_CASE("cli agreement pdf: readable, embedded subset font, deterministic", "[cli][agreement]") {
  Signed w;
  std::string no = w.text("SELECT agreement_no FROM invitations WHERE id = 1");
  TempDir out;
  auto dir = out / "sub/agreements";  // created
  auto r = w.run({"agreement", "pdf", "1", "-o", dir.string()});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(contains(r.err, "1 written, 0 failed"));
  auto file = dir / (no + "_张三.pdf");
  REQUIRE(fs::exists(file));
  auto first = testkit::read_file(file);

  auto text = shell("pdftotext -layout -enc UTF-8 '" + file.string() + "' -");
  REQUIRE(text.status == 0);
  CHECK(!contains(text.text, "Syntax"));
  auto flat = squeezed(text.text);
  for (const std::string& part : std::vector<std::string>{
           "全国普通高等学校毕业生就业协议书（电子版）", "协议编号", no, "甲公司", "张三", kA,
           "北京大学", "研发工程师", "其效力与纸质就业协议书相同", "试用期三个月，月薪一万元。"}) {
    INFO(part);
    CHECK(contains(flat, part));
  }
  auto fonts = shell("pdffonts '" + file.string() + "'");
  REQUIRE(fonts.status == 0);
  CHECK(contains(fonts.text, "yes yes yes"));  // embedded, subset, ToUnicode
  CHECK(shell("qpdf --check '" + file.string() + "'").status == 0);

  // The same record again: the same bytes (the approval time is the PDF's date).
  auto again = run_ncssctl({"--db", w.db, "--now", "2027-01-01T00:00:00+08:00", "agreement", "pdf",
                            "1", "-o", dir.string()});
  REQUIRE(again.exit_code == 0);
  CHECK(testkit::read_file(file) == first);
}

TEST_CASE("cli agreement pdf: NCSSCTL_FONT names another font file", "[cli][agreement]") {
  Signed w;
  TempDir out;
  auto pdf = [&](const std::string& font) {
    return shell("NCSSCTL_FONT='" + font + "' '" + std::string(NCSSCTL_BINARY) + "' --db " + w.db +
                 " agreement pdf 1 -o '" + out.path().string() + "'");
  };
  // A missing file is named, and nothing is written (exit 8, as for any unreadable input).
  auto missing = pdf((out / "none.ttc").string());
  CHECK(missing.status == 8);
  CHECK(contains(missing.text, "the CJK font " + (out / "none.ttc").string() + " does not exist"));
  CHECK(fs::is_empty(out.path()));
  // A directory is said to be one.
  auto directory = pdf(out.path().string());
  CHECK(directory.status == 8);
  CHECK(contains(directory.text, "is a directory, not a font file"));
  // Not a font at all.
  testkit::write_file(out / "not-a-font.ttf", "not a font");
  auto junk = pdf((out / "not-a-font.ttf").string());
  CHECK(junk.status == 3);
  CHECK(contains(junk.text, "not-a-font.ttf"));
  // The font it names is used: here Debian's default, named explicitly.
  auto good = pdf("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc");
  INFO(good.text);
  CHECK(good.status == 0);
  CHECK(contains(good.text, "1 written, 0 failed"));
}

TEST_CASE("cli agreement pdf: a failing record is reported and the batch goes on",
          "[cli][agreement]") {
  Signed w;
  TempDir out;
  auto r = w.run({"agreement", "pdf", "1", "2", "3", "-o", out.path().string()});
  CHECK(r.exit_code == 4);
  CHECK(contains(r.err, "invitation 2:"));
  CHECK(contains(r.err, "never approved"));
  CHECK(contains(r.err, "2 written, 1 failed"));
  int files = 0;
  for (const auto& e : fs::directory_iterator(out.path())) files += e.path().extension() == ".pdf";
  CHECK(files == 2);

  auto only_bad = w.run({"agreement", "pdf", "2", "-o", out.path().string()});
  CHECK(only_bad.exit_code == 5);
  CHECK(contains(only_bad.err, "0 written, 1 failed"));
  // A batch that fails without writing a file leaves no directory it made behind; one that
  // existed before stays.
  auto fresh = out / "new/deeper";
  CHECK(w.run({"agreement", "pdf", "2", "-o", fresh.string()}).exit_code == 5);
  CHECK_FALSE(fs::exists(out / "new"));
  CHECK(fs::is_directory(out.path()));
  // An empty selection is no failure: its directory is made, empty.
  auto none = out / "none";
  CHECK(w.run({"agreement", "pdf", "--all", "--cohort", "2025", "-o", none.string()}).exit_code ==
        0);
  CHECK(fs::is_directory(none));

  // --all: state signed only (1 and 3), narrowed by the filters.
  TempDir all;
  auto a = w.run({"--format", "csv", "agreement", "pdf", "--all", "--school", "10001", "--cohort",
                  "2026", "--employer", kV, "-o", all.path().string()});
  INFO(a.err);
  CHECK(a.exit_code == 0);
  CHECK(contains(a.err, "2 written, 0 failed"));
  CHECK(contains(a.out, "invitation_id,agreement_no,file"));
  REQUIRE(w.run({"void", "3", "--reason", "作废测试"}).exit_code == 0);
  TempDir after;
  auto b = w.run({"agreement", "pdf", "--all", "-o", after.path().string()});
  CHECK(b.exit_code == 0);
  CHECK(contains(b.err, "1 written, 0 failed"));
  CHECK(w.run({"agreement", "pdf", "--all", "--cohort", "2025", "-o", after.path().string()})
            .exit_code == 0);

  auto neither = w.run({"agreement", "pdf", "-o", after.path().string()});
  CHECK(neither.exit_code == 2);
  CHECK(contains(neither.err, "neither was given"));
  auto both = w.run({"agreement", "pdf", "1", "--all", "-o", after.path().string()});
  CHECK(both.exit_code == 2);
  CHECK(contains(both.err, "not both"));
  auto filter_only = w.run({"agreement", "pdf", "--school", "10001", "-o", after.path().string()});
  CHECK(filter_only.exit_code == 2);
  CHECK(contains(filter_only.err, "only with --all"));
  auto empty = w.run({"agreement", "pdf", "1", "-o", ""});
  CHECK(empty.exit_code == 2);
  CHECK(contains(empty.err, "-o/--output is empty"));
  // An ID named twice is written and reported once.
  TempDir twice;
  auto dup = w.run({"--format", "csv", "agreement", "pdf", "1", "1", "-o", twice.path().string()});
  CHECK(dup.exit_code == 0);
  CHECK(contains(dup.err, "1 written, 0 failed"));
}

TEST_CASE("cli agreement: a bad template is refused, naming the file and the line",
          "[cli][agreement]") {
  Signed w;
  auto bad = w.dir / "bad.json";
  testkit::write_file(
      bad, "{\n  \"title\": \"协议\",\n  \"sections\": [\n    {\"section\": }\n  ]\n}\n");
  auto r = w.run({"agreement", "show", "1", "--template", bad.string()});
  CHECK(r.exit_code == 3);
  CHECK(contains(r.err, bad.string()));
  CHECK(contains(r.err, "line 4"));
  // A directory is a file that cannot be read (8), not a template with bad JSON (3).
  auto directory = w.run({"agreement", "show", "1", "--template", w.dir.path().string()});
  CHECK(directory.exit_code == 8);
  CHECK(contains(directory.err, "it is a directory"));

  auto unknown = w.dir / "unknown.json";
  testkit::write_file(unknown, R"({"title": "协议", "sections": [{"section": "seal"}]})");
  TempDir out;
  auto u =
      w.run({"agreement", "pdf", "1", "-o", out.path().string(), "--template", unknown.string()});
  CHECK(u.exit_code == 3);
  CHECK(contains(u.err, "unknown.json"));
  CHECK(contains(u.err, "unknown section \"seal\""));
  CHECK(fs::is_empty(out.path()));

  // An edited template changes the layout without recompiling.
  auto mine = w.dir / "mine.json";
  testkit::write_file(mine, R"({"title": "本校就业协议书", "sections": [
    {"section": "graduate", "heading": "学生", "labels": {"name": "学生姓名"}},
    {"section": "clauses", "clauses": ["本校特别条款。"]}]})");
  auto m = w.run({"agreement", "show", "1", "--template", mine.string()});
  INFO(m.err);
  CHECK(m.exit_code == 0);
  CHECK(contains(m.out, "本校就业协议书"));
  CHECK(contains(m.out, "学生姓名：张三"));
  CHECK(contains(m.out, "本校特别条款。"));
  CHECK(!contains(m.out, "甲公司"));
}

// ---- verification, QR code, --jobs, --state, --blank -----------------------------------------

namespace {

std::string code_of(Signed& w, int invitation) {
  return w.text("SELECT verification_code FROM invitations WHERE id = " +
                std::to_string(invitation));
}

// `extra`: more options of agreement pdf (--template FILE).
fs::path pdf_of(Signed& w, const fs::path& dir, int invitation,
                const std::vector<std::string>& extra = {}) {
  std::vector<std::string> args = {"agreement", "pdf", std::to_string(invitation), "-o",
                                   dir.string()};
  args.insert(args.end(), extra.begin(), extra.end());
  auto r = w.run(args);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  for (const auto& e : fs::directory_iterator(dir)) {
    if (contains(e.path().filename().string(),
                 w.text("SELECT agreement_no FROM invitations WHERE id = " +
                        std::to_string(invitation)))) {
      return e.path();
    }
  }
  FAIL("no PDF for invitation " << invitation);
  return {};
}

}  // namespace

TEST_CASE("cli agreement verify: the code, the QR code read from a 72-dpi scan, the PDF",
          "[cli][agreement][verify]") {
  Signed w;
  const std::string code = code_of(w, 1);
  REQUIRE(code.size() == 19);
  TempDir out;
  auto file = pdf_of(w, out.path(), 1);
  CHECK(contains(squeezed(shell("pdftotext -layout '" + file.string() + "' -").text),
                 "验证码" + code));

  // The QR code decodes from a 72-dpi render (1 pt = 1 pixel), UTF-8 intact.
  // (zbarimg exits 4 for the page without a code; its D-Bus chatter goes to stderr.)
  auto render =
      testkit::run_shell("pdftoppm -r 72 -png '" + file.string() + "' '" + (out / "page").string() +
                         "' && zbarimg -q --raw " + (out / "page-*.png").string() + " 2>/dev/null");
  INFO(render.text);
  REQUIRE((render.status == 0 || render.status == 4));
  std::string no = w.text("SELECT agreement_no FROM invitations WHERE id = 1");
  CHECK(contains(render.text, "协议编号：" + no));
  CHECK(contains(render.text, "验证码：" + code));

  auto by_code = w.run({"--format", "json", "agreement", "verify", code});
  INFO(by_code.err);
  CHECK(by_code.exit_code == 0);
  CHECK(contains(by_code.out, "\"result\": \"valid\""));
  CHECK(contains(by_code.out, "\"agreement_no\": \"" + no + "\""));
  // What a phone reads off the QR code, pasted whole.
  auto qr_text = render.text.substr(0, render.text.find_last_not_of('\n') + 1);
  CHECK(w.run({"agreement", "verify", qr_text}).exit_code == 0);
  auto by_file = w.run({"--format", "csv", "agreement", "verify", file.string()});
  INFO(by_file.err);
  CHECK(by_file.exit_code == 0);
  CHECK(contains(by_file.out, "valid," + code + ",1," + no + ",signed"));
  CHECK(contains(w.run({"agreement", "show", "1"}).out, "验证码：" + code));
}

TEST_CASE("cli agreement pdf: characters the font cannot show are drawn as 〓 and still verify",
          "[cli][agreement][verify]") {
  // Text accepted at issue and approval must never make a signed agreement unprintable: • ✓ ‧
  // have no glyph in wqy-zenhei, 𠀋 and 😀 are above U+FFFF (libharu cannot draw them).
  Signed w;
  REQUIRE(w.run({"invite", "withdraw", "2", "--reason", "其他"}).exit_code == 0);
  const std::string terms = "• 试用期三个月 ✓\n• 月薪‧一万元 𠀋😀" + std::string(1500, 'x');
  auto issue = [&](const std::string& text) {
    return w.run({"invite", "issue", "--employer", kV, "--to", kB, "--job-category", "13",
                  "--position", "研发工程师", "--contact", "王经理", "--contact-phone",
                  "13800138000", "--archive-receipt-type", "1", "--terms", text});
  };
  // An escape sequence is refused at issue (exit 3); one stored before that rule still prints,
  // drawn as 〓: it is put into the stored terms here, as an older ncssctl took it.
  CHECK(issue("• 月薪 𠀋😀\x1b[31m").exit_code == 3);
  auto issued = issue(terms);
  INFO(issued.err);
  REQUIRE(issued.exit_code == 0);
  {
    SQLite::Database raw(w.db, SQLite::OPEN_READWRITE);
    raw.exec(
        "UPDATE invitations SET terms = replace(terms, '😀', '😀' || char(27) || '[31m') "
        "WHERE id = 4");
  }
  REQUIRE(w.run({"invite", "respond", "4", "--accept"}).exit_code == 0);
  REQUIRE(w.run({"--actor", "审核员𠀋", "review", "approve", "4"}).exit_code == 0);
  // The text view shows an escape sequence as code points, never raw.
  CHECK(contains(w.run({"agreement", "show", "4"}).out, "月薪‧一万元 𠀋😀<U+001B>[31m"));

  TempDir out;
  auto r = w.run({"agreement", "pdf", "4", "-o", out.path().string()});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(contains(r.err, "1 written, 0 failed"));
  const std::string no = w.text("SELECT agreement_no FROM invitations WHERE id = 4");
  // One warning per field, naming the agreement, the field and each character, never the text.
  CHECK(contains(r.err, "warning: agreement " + no +
                            " (invitation 4): terms: U+2022 has no "
                            "glyph in wqy-zenhei.ttc (2 times); U+2713 has no glyph"));
  CHECK(contains(r.err, "U+2027 has no glyph"));
  CHECK(contains(r.err, "U+2000B is above U+FFFF"));
  CHECK(contains(r.err, "U+1F600 is above U+FFFF"));
  CHECK(contains(r.err, "school.reviewed_by (审核人): U+2000B is above U+FFFF"));
  CHECK(contains(r.err, "drawn as 〓"));
  CHECK(!contains(r.err, "xxxxxxxx"));
  CHECK(!contains(r.err, "试用期"));

  fs::path file;
  for (const auto& e : fs::directory_iterator(out.path())) file = e.path();
  auto flat = squeezed(shell("pdftotext -enc UTF-8 '" + file.string() + "' -").text);
  CHECK(contains(flat, "〓试用期三个月〓〓月薪〓一万元〓〓〓[31mx"));  // ESC drawn as 〓 too
  CHECK(contains(flat, "审核员〓"));
  // The verification expects the same marks: the genuine PDF is valid.
  auto v = w.run({"--format", "csv", "agreement", "verify", file.string()});
  INFO(v.out << v.err);
  CHECK(v.exit_code == 0);
  CHECK(contains(v.out, "valid,"));
}

TEST_CASE("cli agreement pdf: a template without the 协议编号 still prints it",
          "[cli][agreement][verify]") {
  Signed w;
  auto t = w.dir / "t.json";
  testkit::write_file(t, R"({"title":"协议","sections":[{"section":"terms"}]})");
  TempDir out;
  const std::string no = w.text("SELECT agreement_no FROM invitations WHERE id = 1");
  auto file = pdf_of(w, out.path(), 1, {"--template", t.string()});
  auto flat = squeezed(shell("pdftotext -enc UTF-8 '" + file.string() + "' -").text);
  CHECK(contains(flat, "协议协议编号" + no + "试用期三个月"));
  CHECK(w.run({"agreement", "verify", file.string(), "--template", t.string()}).exit_code == 0);
}

TEST_CASE("cli agreement verify: a PDF made with an earlier built-in template stays genuine",
          "[cli][agreement][verify]") {
  Signed w;
  TempDir out;
  // Clause 三 no longer names the 就业报到证 (not issued since the 2023 cohort).
  auto now = pdf_of(w, out.path(), 1, {});
  auto flat = squeezed(shell("pdftotext -enc UTF-8 '" + now.string() + "' -").text);
  CHECK(contains(flat, "办理毕业去向登记、档案转递等手续"));
  CHECK_FALSE(contains(flat, "报到证"));
  // The same agreement as the earlier built-in template laid it out (a PDF downloaded then).
  TempDir old_dir;
  const auto retired = testkit::source_dir() / "templates/retired/agreement-2026-11.json";
  auto old = pdf_of(w, old_dir.path(), 1, {"--template", retired.string()});
  CHECK(contains(squeezed(shell("pdftotext -enc UTF-8 '" + old.string() + "' -").text),
                 "办理就业报到证、档案转递等手续"));
  auto v = w.run({"--format", "csv", "agreement", "verify", old.string()});
  INFO(v.out << v.err);
  CHECK(v.exit_code == 0);
  CHECK(contains(v.out, "valid,"));
  // Only the built-in templates have earlier versions: against a template named with
  // --template, the earlier text is an alteration.
  const auto current = testkit::source_dir() / "templates/agreement.json";
  auto named = w.run(
      {"--format", "csv", "agreement", "verify", old.string(), "--template", current.string()});
  CHECK(named.exit_code == 9);
  CHECK(contains(named.out, "altered,"));
  CHECK(w.run({"agreement", "verify", now.string()}).exit_code == 0);
}

TEST_CASE("cli agreement verify: a genuine PDF whose labels wrap is valid",
          "[cli][agreement][verify]") {
  // The label column holds 12 ideographs: these labels wrap onto two and three lines.
  Signed w;
  auto t = w.dir / "t.json";
  testkit::write_file(t, R"({"title":"协议","sections":[{"section":"graduate","labels":{
    "name":"毕业生姓名（与身份证一致）",
    "major":"所学专业名称（以学校教务系统登记的专业全称为准）"}}]})");
  TempDir out;
  const std::string no = w.text("SELECT agreement_no FROM invitations WHERE id = 1");
  auto file = pdf_of(w, out.path(), 1, {"--template", t.string()});
  // Read as the verification reads it (in the order drawn): each label whole, then its value.
  auto raw = squeezed(shell("pdftotext -raw -enc UTF-8 '" + file.string() + "' -").text);
  CHECK(contains(raw, "毕业生姓名（与身份证一致）张三"));
  CHECK(contains(raw, "所学专业名称（以学校教务系统登记的专业全称为准）法学"));
  auto v =
      w.run({"--format", "csv", "agreement", "verify", file.string(), "--template", t.string()});
  INFO(v.out << v.err);
  CHECK(v.exit_code == 0);
  CHECK(contains(v.out, "valid,"));
}

TEST_CASE("cli agreement verify: altered text, unknown codes, since voided or terminated",
          "[cli][agreement][verify]") {
  Signed w;
  TempDir out;
  auto file = pdf_of(w, out.path(), 1);
  const std::string code = code_of(w, 1);

  // Change 研发 (U+7814 U+53D1) to 发发 in the page's text, keeping the PDF well formed.
  auto qdf = (out / "q.pdf").string(), edited = (out / "edited.pdf").string();
  auto edit = shell("qpdf --qdf --object-streams=disable '" + file.string() + "' " + qdf +
                    " && grep -a -c 781453d1 " + qdf + " && sed 's/781453d1/53d153d1/' " + qdf +
                    " | fix-qdf > " + edited + " && pdftotext " + edited + " - | grep 发发工程师");
  INFO(edit.text);
  REQUIRE(edit.status == 0);
  auto altered = w.run({"--format", "csv", "agreement", "verify", edited});
  CHECK(altered.exit_code == 9);
  CHECK(contains(altered.out, "altered," + code));
  CHECK(contains(altered.out, "发发工程师"));

  // A code of no agreement here; text with no code; a file that is not a PDF.
  std::string other = code;
  other[0] = other[0] == 'A' ? 'B' : 'A';
  auto unknown = w.run({"--format", "csv", "agreement", "verify", other});
  CHECK(unknown.exit_code == 9);
  CHECK(contains(unknown.out, "unknown," + other));
  CHECK(w.run({"agreement", "verify", "hello"}).exit_code == 3);
  // The QR code's text with another agreement's number is altered, naming the code's agreement.
  const std::string no = w.text("SELECT agreement_no FROM invitations WHERE id = 1");
  auto forged = w.run(
      {"--format", "csv", "agreement", "verify", "协议编号：99999999999999999\n验证码：" + code});
  CHECK(forged.exit_code == 9);
  CHECK(contains(forged.out, "altered," + code + ",1," + no));
  CHECK(contains(forged.out, "belongs to agreement " + no));
  auto wrapped = w.run({"agreement", "verify", "随便什么文字 " + code + " 伪造"});
  CHECK(wrapped.exit_code == 3);
  CHECK(contains(wrapped.err, "give the code alone"));
  auto fake = out / "fake.pdf";
  testkit::write_file(fake, "just text");
  auto not_pdf = w.run({"agreement", "verify", fake.string()});
  CHECK(not_pdf.exit_code == 3);
  CHECK(contains(not_pdf.err, "not a PDF"));
  CHECK(w.run({"agreement", "verify", (out / "missing.pdf").string()}).exit_code == 8);
  auto directory = w.run({"agreement", "verify", out.path().string()});
  CHECK(directory.exit_code == 8);
  CHECK(contains(directory.err, "it is a directory"));

  // Another database does not know this database's codes (each has its own secret).
  TempDir elsewhere;
  auto other_db = (elsewhere / "other.db").string();
  REQUIRE(run_ncssctl({"--db", other_db, "init"}).exit_code == 0);
  CHECK(run_ncssctl({"--db", other_db, "agreement", "verify", file.string()}).exit_code == 9);

  // Genuine, but no longer in force.
  REQUIRE(w.run({"void", "3", "--reason", "作废测试"}).exit_code == 0);
  auto voided = w.run({"--format", "csv", "agreement", "verify", code_of(w, 3)});
  CHECK(voided.exit_code == 9);
  CHECK(contains(voided.out, "voided,"));
  CHECK(contains(voided.out, "已作废"));
}

TEST_CASE("cli agreement pdf: --jobs gives the same files, --state picks terminating ones",
          "[cli][agreement]") {
  Signed w;
  TempDir one, two;
  auto a = w.run(
      {"--format", "csv", "agreement", "pdf", "--all", "--jobs", "1", "-o", one.path().string()});
  auto b =
      w.run({"--format", "csv", "agreement", "pdf", "--all", "-j", "2", "-o", two.path().string()});
  INFO(a.err << b.err);
  REQUIRE(a.exit_code == 0);
  REQUIRE(b.exit_code == 0);
  CHECK(contains(b.err, "2 written, 0 failed"));
  // Reported in the order of the records, whichever thread finished first.
  auto rows = [](const std::string& csv, const fs::path& dir) {
    std::string out = csv;
    for (auto at = out.find(dir.string()); at != std::string::npos; at = out.find(dir.string())) {
      out.erase(at, dir.string().size());
    }
    return out;
  };
  CHECK(rows(a.out, one.path()) == rows(b.out, two.path()));
  // More threads than a machine sensibly has is a usage error, not a failure to start them.
  TempDir three;
  auto many = w.run({"agreement", "pdf", "--all", "-j", "100000", "-o", three.path().string()});
  CHECK(many.exit_code == 2);
  CHECK(fs::is_empty(three.path()));
  int compared = 0;
  for (const auto& e : fs::directory_iterator(one.path())) {
    CHECK(testkit::read_file(e.path()) == testkit::read_file(two / e.path().filename()));
    ++compared;
  }
  CHECK(compared == 2);

  // The employer asks to end 王五's agreement: 解约中 until the graduate answers.
  auto ask = w.run({"terminate", "request", "3", "--by", "employer", "--reason", "协商一致",
                    "--note", "岗位调整"});
  INFO(ask.err);
  REQUIRE(ask.exit_code == 0);
  TempDir terminating;
  auto t = w.run({"--format", "csv", "agreement", "pdf", "--all", "--state", "terminating", "-o",
                  terminating.path().string()});
  INFO(t.err);
  CHECK(t.exit_code == 0);
  CHECK(contains(t.err, "1 written, 0 failed"));
  CHECK(contains(t.out, "\n3,"));
  CHECK(w.run({"agreement", "pdf", "--all", "--state", "terminated", "-o",
               terminating.path().string()})
            .exit_code == 2);
  CHECK(w.run({"agreement", "pdf", "1", "--state", "signed", "-o", terminating.path().string()})
            .exit_code == 2);

  // --school takes a name as every --school does; one that names nothing is exit 2, not an empty
  // batch that looks like success.
  TempDir by_name;
  auto named = w.run({"--format", "csv", "agreement", "pdf", "--all", "--school", "北京大学", "-o",
                      by_name.path().string()});
  CHECK(named.exit_code == 0);
  CHECK(contains(named.err, "1 written, 0 failed"));  // the signed one; the other is 解约中
  auto unknown =
      w.run({"agreement", "pdf", "--all", "--school", "99999", "-o", by_name.path().string()});
  CHECK(unknown.exit_code == 2);
  CHECK(contains(unknown.err, "unknown school '99999'"));
}

TEST_CASE("cli agreement pdf --blank: the paper form for offline signing",
          "[cli][agreement][blank]") {
  Signed w;
  TempDir out;
  // 李四 has an invitation awaiting her answer: not a destination yet. 张三 has signed.
  auto r =
      w.run({"--format", "csv", "agreement", "pdf", "--blank", kB, kA, "-o", out.path().string()});
  CHECK(r.exit_code == 4);
  CHECK(contains(r.err, "live destination"));
  CHECK(contains(r.err, "1 written, 1 failed"));
  auto file = out / "线下签约_李四_2.pdf";
  REQUIRE(fs::exists(file));
  CHECK(contains(r.out, kB + ",李四,"));  // CSV is for scripts: in full
  auto table =
      w.run({"--format", "table", "agreement", "pdf", "--blank", kB, "-o", out.path().string()});
  CHECK(table.exit_code == 0);
  CHECK(!contains(table.out, kB));  // a table masks it
  CHECK(contains(table.out, kB.substr(0, 6) + "********"));
  auto text = shell("pdftotext -layout '" + file.string() + "' -");
  REQUIRE(text.status == 0);
  auto flat = squeezed(text.text);
  for (const std::string& part : std::vector<std::string>{
           "全国普通高等学校毕业生就业协议书（线下签约）", "姓名李四", kB, "学校名称北京大学",
           "单位名称＿＿＿＿", "甲方（盖章）", "乙方（签名）", "丙方（盖章）"}) {
    INFO(part);
    CHECK(contains(flat, part));
  }
  CHECK(!contains(flat, "验证码"));
  CHECK(shell("qpdf --check '" + file.string() + "'").status == 0);

  CHECK(w.run({"agreement", "pdf", "--blank", id("11010519990101001"), "-o", out.path().string()})
            .exit_code == 2);
  CHECK(w.run({"agreement", "pdf", "--blank", "--all", "-o", out.path().string()}).exit_code == 2);
  CHECK(w.run({"agreement", "pdf", "--blank", "-o", out.path().string()}).exit_code == 2);
  // --graduate-cohort is a year like every cohort option: 26 is a usage error, not "not found".
  auto typo = w.run(
      {"agreement", "pdf", "--blank", kB, "--graduate-cohort", "26", "-o", out.path().string()});
  CHECK(typo.exit_code == 2);
  CHECK(contains(typo.err, "--graduate-cohort"));
}

TEST_CASE("cli db check: an agreement changed after approval no longer matches its code",
          "[cli][agreement][verify]") {
  Signed w;
  auto healthy = w.run({"db", "check"});
  INFO(healthy.out << healthy.err);
  CHECK(healthy.exit_code == 0);
  {
    SQLite::Database raw(w.db, SQLite::OPEN_READWRITE);
    raw.exec(
        "UPDATE invitations SET snapshot = json_set(snapshot, '$.terms', '月薪五万元') "
        "WHERE id = 3");
  }
  std::string no = w.text("SELECT agreement_no FROM invitations WHERE id = 3");
  auto broken = w.run({"--format", "csv", "db", "check"});
  CHECK(broken.exit_code == 9);
  CHECK(contains(broken.out + broken.err, "agreement " + no + " (invitation 3) no longer matches"));
  CHECK(!contains(broken.out + broken.err, "(invitation 1)"));
}
