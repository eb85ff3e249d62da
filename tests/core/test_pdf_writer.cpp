// PDFs checked as readers see them: poppler's pdftotext, pdffonts, pdfinfo and pdftoppm, and
// qpdf. A missing reader fails the test (scripts/setup.sh installs them).

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdio>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "ncss/error.hpp"
#include "ncss/pdf_writer.hpp"
#include "testkit.hpp"

namespace {

namespace fs = std::filesystem;
using ncss::CjkFont;
using ncss::PdfDocument;
using ncss::PdfOptions;

void require_tool(const std::string& tool) {
  std::string probe = "command -v " + tool + " >/dev/null 2>&1";
  if (std::system(probe.c_str()) != 0) {
    FAIL(tool << " is not installed: run scripts/setup.sh (Debian's poppler-utils and qpdf)");
  }
}

// Runs a shell command (arguments are test-made paths without quotes in them); stdout only, or
// stdout and stderr together with `merge_stderr`.
testkit::ShellResult run(const std::string& tool, const std::string& args,
                         bool merge_stderr = false) {
  require_tool(tool);
  return testkit::run_shell(tool + " " + args + (merge_stderr ? " 2>&1" : " 2>/dev/null"));
}

std::string quoted(const fs::path& p) { return "'" + p.string() + "'"; }

std::string text_of(const fs::path& pdf) {
  testkit::ShellResult out = run("pdftotext", "-layout -enc UTF-8 " + quoted(pdf) + " -", true);
  REQUIRE(out.status == 0);
  // poppler reports a malformed ToUnicode map or font on stderr: the PDF must give none.
  CHECK(out.text.find("Syntax Warning") == std::string::npos);
  CHECK(out.text.find("Syntax Error") == std::string::npos);
  return out.text;
}

// Text without the spaces, line feeds and form feeds that layout adds.
std::string squeezed(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c != ' ' && c != '\n' && c != '\f' && c != '\r') out += c;
  }
  std::string ideographic_space = "\u3000";
  for (std::size_t at; (at = out.find(ideographic_space)) != std::string::npos;) {
    out.erase(at, ideographic_space.size());
  }
  return out;
}

std::vector<std::string> lines_of(const std::string& s) {
  std::vector<std::string> lines;
  std::istringstream in(s);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

int pdfinfo_pages(const fs::path& pdf) {
  testkit::ShellResult out = run("pdfinfo", quoted(pdf));
  REQUIRE(out.status == 0);
  auto at = out.text.find("Pages:");
  REQUIRE(at != std::string::npos);
  return std::stoi(out.text.substr(at + 6));
}

void expect_clean_qpdf(const fs::path& pdf) {
  testkit::ShellResult out = run("qpdf", "--check " + quoted(pdf), true);
  INFO(out.text);
  CHECK(out.status == 0);
}

// Dark pixels of page 1 rendered at 72 dpi in grey (a PGM from pdftoppm).
long ink(const fs::path& pdf) {
  fs::path stem = pdf.parent_path() / (pdf.stem().string() + "-ink");
  testkit::ShellResult out =
      run("pdftoppm", "-r 72 -gray -f 1 -l 1 -singlefile " + quoted(pdf) + " " + quoted(stem));
  REQUIRE(out.status == 0);
  std::string pgm = testkit::read_file(stem.string() + ".pgm");
  // P5\n<w> <h>\n255\n<pixels>
  std::istringstream header(pgm);
  std::string magic;
  int w = 0, h = 0, max = 0;
  header >> magic >> w >> h >> max;
  REQUIRE(magic == "P5");
  std::size_t start = pgm.size() - static_cast<std::size_t>(w) * h;
  return std::count_if(pgm.begin() + static_cast<long>(start), pgm.end(),
                       [](char c) { return static_cast<unsigned char>(c) < 128; });
}

const std::string kClause =
    "甲方应如实介绍本单位情况和乙方工作岗位的职责、待遇等；乙方应如实向甲方介绍本人情况。"
    "双方协商一致（含补充条款），方可签订本协议，任何一方不得擅自解除。";

PdfOptions fixed_options() {
  PdfOptions options;
  options.created = ncss::Timestamp{1780000000};  // 2026-05-29 04:26:40 +08:00
  return options;
}

void fill_agreement(PdfDocument& doc, int clause_repeats) {
  doc.heading("全国普通高等学校毕业生就业协议书（电子版）");
  doc.field("协议编号", "20261000131000001");
  doc.field("姓名", "艾尔肯·吐尔逊");
  doc.field("单位名称", "北京示例科技有限公司（Example Technology Co., Ltd.）");
  doc.field("备注", "约≈三个月；㈠试用期；①报到。");
  std::string long_text;
  for (int i = 0; i < clause_repeats; ++i) long_text += kClause;
  doc.paragraph(long_text);
}

}  // namespace

TEST_CASE("pdf: readers get back the exact Chinese text, wrapped across pages", "[pdf]") {
  testkit::TempDir dir;
  PdfDocument doc(CjkFont::standard(), fixed_options());
  fill_agreement(doc, 40);  // about 2,400 characters: more than a page of 五号 text
  fs::path file = dir / "agreement.pdf";
  doc.save(file);

  CHECK(doc.page_count() >= 2);
  CHECK(pdfinfo_pages(file) == static_cast<int>(doc.page_count()));
  std::string text = text_of(file);
  std::string flat = squeezed(text);
  std::string long_text;
  for (int i = 0; i < 40; ++i) long_text += kClause;

  SECTION("every block, character for character") {
    CHECK(flat.find("全国普通高等学校毕业生就业协议书（电子版）") != std::string::npos);
    CHECK(flat.find("协议编号20261000131000001") != std::string::npos);
    CHECK(flat.find("约≈三个月；㈠试用期；①报到。") != std::string::npos);
    CHECK(flat.find(squeezed("北京示例科技有限公司（Example Technology Co., Ltd.）")) !=
          std::string::npos);
    CHECK(flat.find(long_text) != std::string::npos);
  }
  SECTION("a name with a middle dot stays whole on its line, after its label") {
    bool found = false;
    for (const auto& line : lines_of(text)) {
      if (line.find("艾尔肯·吐尔逊") != std::string::npos) {
        found = true;
        CHECK(line.find("姓名") < line.find("艾尔肯"));
      }
    }
    CHECK(found);
  }
  SECTION("the paragraph wraps: full lines, none starting with closing punctuation") {
    int wrapped_lines = 0;
    for (const auto& line : lines_of(text)) {
      std::string s = squeezed(line);
      if (s.empty()) continue;
      if (kClause.find(s.substr(0, 3)) != std::string::npos) ++wrapped_lines;
      for (const char* closing : {"，", "。", "、", "；", "）"}) {
        INFO(line);
        CHECK(s.rfind(closing, 0) != 0);
      }
    }
    CHECK(wrapped_lines > 40);
  }
  SECTION("the Latin words are not split") { CHECK(text.find("Technology") != std::string::npos); }
}

TEST_CASE("pdf: the font is embedded as a subset and the file is clean", "[pdf]") {
  testkit::TempDir dir;
  PdfDocument doc(CjkFont::standard(), fixed_options());
  fill_agreement(doc, 2);
  fs::path file = dir / "a.pdf";
  doc.save(file);

  testkit::ShellResult fonts = run("pdffonts", quoted(file));
  REQUIRE(fonts.status == 0);
  INFO(fonts.text);
  auto lines = lines_of(fonts.text);
  REQUIRE(lines.size() == 3);  // two header lines, one font
  const std::string& font = lines[2];
  CHECK(font.find("+WenQuanYiZenHei") != std::string::npos);  // the subset tag ABCDEF+
  CHECK(font.find("CID TrueType") != std::string::npos);
  CHECK(font.find("yes yes yes") != std::string::npos);  // embedded, subset, ToUnicode
  expect_clean_qpdf(file);
}

TEST_CASE("pdf: the same content gives byte-identical files", "[pdf]") {
  testkit::TempDir dir;
  auto make = [&](const std::string& name) {
    PdfDocument doc(CjkFont::standard(), fixed_options());
    fill_agreement(doc, 30);
    doc.save(dir / name);
    return testkit::read_file(dir / name);
  };
  std::string first = make("1.pdf");
  std::string second = make("2.pdf");
  CHECK(first.size() > 1000);
  CHECK(first == second);

  SECTION("the creation date is the one given, not the clock's") {
    testkit::ShellResult info = run("pdfinfo", "-isodates " + quoted(dir / "1.pdf"));
    CHECK(info.text.find("2026-05-29T04:26:40+08") != std::string::npos);
  }
  SECTION("without a date there is none") {
    PdfDocument doc(CjkFont::standard());
    doc.paragraph("无日期");
    std::string bytes = doc.bytes();
    CHECK(bytes.find("/CreationDate") == std::string::npos);
    CHECK(bytes.find("/ID") == std::string::npos);  // libharu writes an ID only when encrypting
    CHECK(bytes == doc.bytes());
  }
}

TEST_CASE("pdf: text the font cannot show is refused, or marked and reported", "[pdf]") {
  const CjkFont& font = CjkFont::standard();
  char32_t missing = 0;
  for (char32_t c : {U'\uE000', U'\uFFFD', U'\u0300', U'\uFB01', U'\uFFFE'}) {
    if (!font.covers(c)) {
      missing = c;
      break;
    }
  }
  REQUIRE(missing != 0);
  std::string missing_utf8 = missing == U'\uE000'   ? "\uE000"
                             : missing == U'\uFFFD' ? "\uFFFD"
                             : missing == U'\u0300' ? "\u0300"
                             : missing == U'\uFB01' ? "\uFB01"
                                                    : "\xEF\xBF\xBE";

  SECTION("refused by default, naming the text and the character") {
    PdfDocument doc(font);
    auto refused = [&](const std::string& text, const std::string& expected) {
      try {
        doc.paragraph(text);
        FAIL("accepted: " << text);
      } catch (const ncss::Error& e) {
        CHECK(e.code() == ncss::ErrorCode::InvalidInput);
        CHECK_THAT(e.what(), Catch::Contains(expected));
      }
    };
    refused("张\xFF三", "张\\xFF三");      // invalid UTF-8
    refused("张\xE4\xB8三", "not UTF-8");  // a truncated sequence
    refused("笑😀脸", "U+1F600");           // above U+FFFF
    refused("𠮷野家", "U+20BB7");          // a CJK Extension B character
    refused("制表\t符", "control character U+0009");
    refused("缺" + missing_utf8 + "字", "has no glyph");
    refused("\xED\xA0\x80", "not UTF-8");  // an encoded surrogate
    doc.paragraph("可以");
    CHECK(doc.warnings().empty());
    CHECK(squeezed(doc.bytes()).size() > 0);
  }
  SECTION("marked with 〓 and reported, when asked") {
    testkit::TempDir dir;
    PdfOptions options = fixed_options();
    options.unshowable = ncss::UnshowableText::Mark;
    PdfDocument doc(font, options);
    doc.field("姓名", "笑😀脸\xFF" + missing_utf8);
    doc.save(dir / "marked.pdf");
    REQUIRE(doc.warnings().size() == 3);
    CHECK(doc.warnings()[0].offset == 3);
    CHECK_THAT(doc.warnings()[0].problem, Catch::Contains("U+1F600"));
    CHECK_THAT(doc.warnings()[1].problem, Catch::Contains("0xFF"));
    CHECK_THAT(doc.warnings()[2].problem, Catch::Contains("no glyph"));
    CHECK(doc.warnings()[1].text == "笑😀脸\\xFF" + missing_utf8);
    CHECK(squeezed(text_of(dir / "marked.pdf")).find("姓名笑〓脸〓〓") != std::string::npos);
  }
}

TEST_CASE("pdf: composite glyphs are drawn whole", "[pdf]") {
  // libharu reads the component glyph IDs of a composite glyph as signed 16-bit numbers; in the
  // whole zenhei face they are above 32767 and the glyphs came out broken. The subset renumbers
  // them, so a parenthesised ㈠ has clearly more ink than 一 alone (measured: 4144 and 2549
  // dark pixels at 200 pt, 72 dpi), and ≈ and ① have ink at all.
  testkit::TempDir dir;
  auto draw = [&](const std::string& name, const std::string& text) {
    PdfOptions options;
    options.heading_size = 200;
    PdfDocument doc(CjkFont::standard(), options);
    doc.heading(text);
    doc.save(dir / name);
    return ink(dir / name);
  };
  long one = draw("one.pdf", "一");
  long parenthesised = draw("paren.pdf", "㈠");
  long approx = draw("approx.pdf", "≈");
  long blank = draw("blank.pdf", " ");
  CHECK(blank == 0);
  CHECK(one > 200);
  long circled = draw("circled.pdf", "①");
  CHECK(parenthesised * 10 > one * 13);
  CHECK(approx > 200);
  CHECK(circled > 200);
}

TEST_CASE("pdf: a page of 300 distinct characters is small", "[pdf]") {
  testkit::TempDir dir;
  const CjkFont& font = CjkFont::standard();
  std::u32string chars;
  for (char32_t c = 0x4E00; chars.size() < 300; ++c) {
    if (font.covers(c)) chars += c;
  }
  std::string text;
  for (char32_t c : chars) {
    text += static_cast<char>(0xE0 | (c >> 12));
    text += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    text += static_cast<char>(0x80 | (c & 0x3F));
  }
  PdfDocument doc(font, fixed_options());
  doc.heading("三百字");
  doc.paragraph(text);
  fs::path file = dir / "300.pdf";
  doc.save(file);
  REQUIRE(doc.page_count() == 1);
  auto size = fs::file_size(file);
  INFO("one page, 300 distinct characters: " << size << " bytes");
  // Measured 43 KB; libharu's own partial subset of zenhei gave ~500 KB a page, the whole face
  // is 17 MB.
  CHECK(size < 80 * 1024);
  CHECK(squeezed(text_of(file)).find(text) != std::string::npos);
}

TEST_CASE("pdf: saving replaces the file atomically and reports failures", "[pdf]") {
  testkit::TempDir dir;
  PdfDocument doc(CjkFont::standard(), fixed_options());
  doc.paragraph("协议");
  fs::path file = dir / "协议.pdf";
  testkit::write_file(file, "old");
  doc.save(file);
  CHECK(testkit::read_file(file) == doc.bytes());
  CHECK(std::distance(fs::directory_iterator(dir.path()), fs::directory_iterator()) == 1);

  try {
    doc.save(dir / "no-such-dir" / "x.pdf");
    FAIL("saved into a missing directory");
  } catch (const ncss::Error& e) {
    CHECK(e.code() == ncss::ErrorCode::Io);
    CHECK_THAT(e.what(), Catch::Contains("x.pdf"));
  }
}

TEST_CASE("pdf: a missing font names its path", "[pdf]") {
  try {
    CjkFont font("/nonexistent/wqy-zenhei.ttc");
    FAIL("loaded a missing font");
  } catch (const ncss::Error& e) {
    CHECK(e.code() == ncss::ErrorCode::Io);
    CHECK_THAT(e.what(), Catch::Contains("/nonexistent/wqy-zenhei.ttc"));
  }
  testkit::TempDir dir;
  testkit::write_file(dir / "not-a-font.ttf", "hello");
  CHECK_THROWS_AS(CjkFont(dir / "not-a-font.ttf"), ncss::Error);
  CHECK(std::string(CjkFont::kDefaultPath).find("wqy-zenhei.ttc") != std::string::npos);
}

TEST_CASE("pdf: a QR code decodes from a 72-dpi render, UTF-8 intact", "[pdf][qr]") {
  testkit::TempDir dir;
  PdfDocument pdf(CjkFont::standard());
  pdf.paragraph("扫码核验");
  const std::string payload = "协议编号：20261000131000001\n验证码：ABCD-EFGH-JKLM-NPQR";
  pdf.qr_code(payload);
  pdf.save(dir / "qr.pdf");
  CHECK(pdf.page_count() == 1);
  REQUIRE(
      run("pdftoppm", "-r 72 -png " + quoted(dir / "qr.pdf") + " " + quoted(dir / "p")).status ==
      0);
  auto decoded = run("zbarimg", "-q --raw " + quoted(dir / "p-1.png"));
  REQUIRE(decoded.status == 0);
  CHECK(decoded.text == payload + "\n");
  CHECK(run("qpdf", "--check " + quoted(dir / "qr.pdf")).status == 0);

  // Too small to scan, or too long for any QR code: refused before drawing anything.
  CHECK_THROWS_AS(pdf.qr_code(payload, 2), ncss::Error);
  CHECK_THROWS_AS(pdf.qr_code(std::string(8000, 'x')), ncss::Error);
}
