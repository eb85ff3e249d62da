// Bar charts (ncss/chart.hpp): a one-page PDF whose text a reader extracts, and a PNG of the
// documented size.
#include <catch2/catch.hpp>
#include <regex>
#include <string>

#include "ncss/chart.hpp"
#include "ncss/error.hpp"
#include "testkit.hpp"

using testkit::contains;

namespace {

ncss::BarChart sample() {
  ncss::BarChart c;
  c.title = "2026届毕业生去向落实率（按院系）";
  c.subtitle = "北京大学　落实率 = 单位就业率 + 自主创业率 + 自由职业率 + 升学率";
  c.bars = {{"法学院", 0.923, false},
            {"计算机科学与技术学院人工智能研究院（筹）智能科学与技术系", 0.5, false},
            {"艾尔肯·吐尔逊工作室 😀", 0.0, false},
            {"合计", 0.8, true}};
  return c;
}

std::uint32_t big_endian(const std::string& s, std::size_t at) {
  std::uint32_t v = 0;
  for (std::size_t i = 0; i < 4; ++i) v = (v << 8) | static_cast<unsigned char>(s[at + i]);
  return v;
}

}  // namespace

TEST_CASE("chart: one page, the labels and percentages as text", "[chart]") {
  testkit::TempDir dir;
  auto pdf = ncss::bar_chart_pdf(sample());
  CHECK(pdf.rfind("%PDF-", 0) == 0);
  testkit::write_file(dir / "c.pdf", pdf);
  // (libharu's ToUnicode map draws a warning from poppler: only the text layer is affected.)
  auto info = testkit::run_shell("pdfinfo '" + (dir / "c.pdf").string() + "' 2>/dev/null");
  if (info.status == 0) {
    INFO(info.text);
    CHECK(std::regex_search(info.text, std::regex("Pages: +1\n")));
    CHECK(contains(info.text, "800 x 226 pts"));  // 88 + 4 × 24 + 42
  }
  auto fonts = testkit::run_shell("pdffonts '" + (dir / "c.pdf").string() + "' 2>/dev/null");
  if (fonts.status == 0) CHECK(contains(fonts.text, "yes"));  // embedded
}

TEST_CASE("chart: the PNG has the documented size and nothing else is left", "[chart]") {
  testkit::TempDir dir;
  auto file = dir / "chart.png";
  ncss::save_bar_chart_png(sample(), file);
  std::string bytes = testkit::read_file(file);
  REQUIRE(bytes.size() > 1000);
  CHECK(bytes.substr(0, 8) == std::string("\x89PNG\r\n\x1A\n", 8));
  auto size = ncss::bar_chart_png_size(4);
  CHECK(size.width == 1600);
  CHECK(size.height == 452);
  CHECK(big_endian(bytes, 16) == 1600);
  CHECK(big_endian(bytes, 20) == 452);
  // Replaced atomically: written again over itself, still one file.
  ncss::save_bar_chart_png(sample(), file);
  int entries = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir.path())) {
    (void)e;
    ++entries;
  }
  CHECK(entries == 1);
}

TEST_CASE("chart: refusals", "[chart]") {
  testkit::TempDir dir;
  ncss::BarChart empty;
  CHECK_THROWS_AS(ncss::bar_chart_pdf(empty), ncss::Error);
  ncss::BarChart many;
  many.bars.assign(ncss::kChartMaxBars + 1, {"x", 0.5, false});
  try {
    ncss::bar_chart_pdf(many);
    FAIL("too many bars were accepted");
  } catch (const ncss::Error& e) {
    CHECK(e.code() == ncss::ErrorCode::InvalidInput);
  }
  many.bars.resize(ncss::kChartMaxBars);  // the most a page holds
  CHECK_NOTHROW(ncss::bar_chart_pdf(many));
  try {
    ncss::save_bar_chart_png(sample(), dir / "no/such/dir/c.png");
    FAIL("an unwritable path was accepted");
  } catch (const ncss::Error& e) {
    CHECK(e.code() == ncss::ErrorCode::Io);
    CHECK(contains(e.what(), "c.png"));
  }
}
