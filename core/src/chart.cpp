// Bar charts drawn with libharu and rendered with poppler. Kept apart from pdf_writer.cpp (the
// flowing-text documents): a chart is one page of absolute drawing, sharing only the CJK font.
#include "ncss/chart.hpp"

#include <hpdf.h>
#include <poppler/cpp/poppler-document.h>
#include <poppler/cpp/poppler-global.h>
#include <poppler/cpp/poppler-image.h>
#include <poppler/cpp/poppler-page-renderer.h>
#include <poppler/cpp/poppler-page.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <set>
#include <string_view>
#include <system_error>
#include <unordered_map>

#include "haru_impl.hpp"
#include "ncss/error.hpp"
#include "ncss/text.hpp"
#include "partial_file.hpp"
#include "text_rules.hpp"

namespace ncss {

namespace {

namespace fs = std::filesystem;

constexpr char32_t kGeta = U'\u3013';  // 〓: a character that cannot be drawn
constexpr char32_t kEllipsis = U'\u2026';

// Page geometry in points (see chart.hpp for the page size).
constexpr double kLabelLeft = 16;
constexpr double kLabelRight = 216;  // labels are right-aligned here
constexpr double kBarLeft = 226;
constexpr double kBarWidth = 480;  // 100 %
constexpr double kBarHeight = 14;
constexpr double kTitleSize = 16;
constexpr double kSubtitleSize = 9;
constexpr double kLabelSize = 10;
constexpr double kAxisSize = 9;

struct Rgb {
  double r, g, b;
};
constexpr Rgb kBarColour{0.27, 0.51, 0.78};
constexpr Rgb kEmphasisColour{0.11, 0.27, 0.49};
constexpr Rgb kGridColour{0.85, 0.85, 0.85};
constexpr Rgb kAxisColour{0.35, 0.35, 0.35};
constexpr Rgb kTextColour{0.1, 0.1, 0.1};
constexpr Rgb kSubtleColour{0.38, 0.38, 0.38};

// The characters to draw: anything the font cannot show (or that is not UTF-8) becomes 〓.
std::u32string drawable(const std::string& text, const CjkFont& font) {
  std::u32string out;
  for (std::size_t i = 0; i < text.size();) {
    char32_t cp = 0;
    std::size_t len = decode_utf8(text, i, cp);
    if (len == 0) {
      out += kGeta;
      ++i;
      continue;
    }
    i += len;
    if (cp == U'\n' || cp == U'\t') cp = U' ';
    out += (cp < 0x20 || cp == 0x7F || !font.covers(cp)) ? kGeta : cp;
  }
  return out;
}

std::string utf8(const std::u32string& text) {
  std::string out;
  for (char32_t cp : text) append_utf8(out, cp);
  return out;
}

std::string percent(double share) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f%%", share * 100);
  return buf;
}

using detail::HaruDocument;
using detail::HaruErrors;
using detail::MemoryFile;

class Painter {
 public:
  Painter(HPDF_Page page, HPDF_Font font, HaruErrors& errors)
      : page_(page), font_(font), errors_(errors) {}

  void check(HPDF_STATUS status, const char* what) { detail::haru_check(status, what, errors_); }

  double width(const std::u32string& text, double size) {
    double total = 0;
    for (char32_t cp : text) {
      auto it = widths_.find(cp);
      if (it == widths_.end()) {
        std::string s;
        append_utf8(s, cp);
        HPDF_TextWidth tw = HPDF_Font_TextWidth(font_, reinterpret_cast<const HPDF_BYTE*>(s.data()),
                                                static_cast<HPDF_UINT>(s.size()));
        check(HPDF_OK, "measure text");
        it = widths_.emplace(cp, static_cast<double>(tw.width)).first;
      }
      total += it->second;
    }
    return total * size / 1000;
  }

  // The text, cut with … to fit `max_width`.
  std::u32string fit(std::u32string text, double size, double max_width) {
    if (width(text, size) <= max_width) return text;
    while (!text.empty() && width(text + kEllipsis, size) > max_width) text.pop_back();
    return text + kEllipsis;
  }

  enum class Align { Left, Centre, Right };

  void text(const std::u32string& t, double x, double baseline, double size, Align align,
            Rgb colour) {
    if (t.empty()) return;
    double w = width(t, size);
    if (align == Align::Centre) x -= w / 2;
    if (align == Align::Right) x -= w;
    check(HPDF_Page_SetRGBFill(page_, static_cast<HPDF_REAL>(colour.r),
                               static_cast<HPDF_REAL>(colour.g), static_cast<HPDF_REAL>(colour.b)),
          "set a colour");
    check(HPDF_Page_BeginText(page_), "begin text");
    check(HPDF_Page_SetFontAndSize(page_, font_, static_cast<HPDF_REAL>(size)), "set the font");
    check(HPDF_Page_TextOut(page_, static_cast<HPDF_REAL>(x), static_cast<HPDF_REAL>(baseline),
                            utf8(t).c_str()),
          "draw text");
    check(HPDF_Page_EndText(page_), "end text");
  }

  void rect(double x, double y, double w, double h, Rgb colour) {
    check(HPDF_Page_SetRGBFill(page_, static_cast<HPDF_REAL>(colour.r),
                               static_cast<HPDF_REAL>(colour.g), static_cast<HPDF_REAL>(colour.b)),
          "set a colour");
    check(HPDF_Page_Rectangle(page_, static_cast<HPDF_REAL>(x), static_cast<HPDF_REAL>(y),
                              static_cast<HPDF_REAL>(w), static_cast<HPDF_REAL>(h)),
          "draw a bar");
    check(HPDF_Page_Fill(page_), "fill a bar");
  }

  void line(double x1, double y1, double x2, double y2, double width, Rgb colour) {
    check(
        HPDF_Page_SetRGBStroke(page_, static_cast<HPDF_REAL>(colour.r),
                               static_cast<HPDF_REAL>(colour.g), static_cast<HPDF_REAL>(colour.b)),
        "set a colour");
    check(HPDF_Page_SetLineWidth(page_, static_cast<HPDF_REAL>(width)), "set a line width");
    check(HPDF_Page_MoveTo(page_, static_cast<HPDF_REAL>(x1), static_cast<HPDF_REAL>(y1)),
          "draw a line");
    check(HPDF_Page_LineTo(page_, static_cast<HPDF_REAL>(x2), static_cast<HPDF_REAL>(y2)),
          "draw a line");
    check(HPDF_Page_Stroke(page_), "stroke a line");
  }

 private:
  HPDF_Page page_;
  HPDF_Font font_;
  HaruErrors& errors_;
  std::unordered_map<char32_t, double> widths_;
};

void draw(Painter& p, const BarChart& chart, const std::u32string& title,
          const std::u32string& subtitle, const std::vector<std::u32string>& labels,
          double height) {
  const double page_width = kChartWidth;
  p.text(p.fit(title, kTitleSize, page_width - 40), page_width / 2, height - 32, kTitleSize,
         Painter::Align::Centre, kTextColour);
  p.text(p.fit(subtitle, kSubtitleSize, page_width - 40), page_width / 2, height - 54,
         kSubtitleSize, Painter::Align::Centre, kSubtleColour);

  const double plot_top = height - kChartTop;
  const double plot_bottom = kChartBottom;
  for (int k = 0; k <= 5; ++k) {
    double x = kBarLeft + kBarWidth * k / 5;
    p.line(x, plot_bottom, x, plot_top + 4, k == 0 ? 1.0 : 0.5, k == 0 ? kAxisColour : kGridColour);
    std::u32string tick;
    for (char c : std::to_string(k * 20) + "%") tick += static_cast<char32_t>(c);
    p.text(tick, x, plot_bottom - 16, kAxisSize, Painter::Align::Centre, kSubtleColour);
  }
  for (std::size_t i = 0; i < chart.bars.size(); ++i) {
    const ChartBar& bar = chart.bars[i];
    const double row_top = plot_top - kChartRow * static_cast<double>(i);
    const double centre = row_top - kChartRow / 2.0;
    if (bar.emphasis && i > 0) {
      p.line(kLabelLeft, row_top, kBarLeft + kBarWidth + 60, row_top, 0.8, kAxisColour);
    }
    const double share = std::clamp(bar.value, 0.0, 1.0);
    const Rgb colour = bar.emphasis ? kEmphasisColour : kBarColour;
    if (share > 0) p.rect(kBarLeft, centre - kBarHeight / 2, kBarWidth * share, kBarHeight, colour);
    const double baseline = centre - kLabelSize * 0.35;
    p.text(p.fit(labels[i], kLabelSize, kLabelRight - kLabelLeft), kLabelRight, baseline,
           kLabelSize, Painter::Align::Right, kTextColour);
    std::u32string value;
    for (char c : percent(share)) value += static_cast<char32_t>(c);
    p.text(value, kBarLeft + kBarWidth * share + 5, baseline, kLabelSize, Painter::Align::Left,
           bar.emphasis ? kEmphasisColour : kTextColour);
  }
}

}  // namespace

ImageSize bar_chart_png_size(std::size_t bars) {
  const int scale = kChartDpi / 72;
  return {kChartWidth * scale,
          (kChartTop + kChartRow * static_cast<int>(bars) + kChartBottom) * scale};
}

std::string bar_chart_pdf(const BarChart& chart, const CjkFont& font) {
  if (chart.bars.empty()) throw Error::invalid_input("a chart needs at least one bar");
  if (chart.bars.size() > kChartMaxBars) {
    throw Error::invalid_input("a chart holds at most " + std::to_string(kChartMaxBars) +
                               " bars; this one has " + std::to_string(chart.bars.size()));
  }
  const std::u32string title = drawable(chart.title, font);
  const std::u32string subtitle = drawable(chart.subtitle, font);
  std::vector<std::u32string> labels;
  std::set<char32_t> used(title.begin(), title.end());
  used.insert(subtitle.begin(), subtitle.end());
  for (const ChartBar& bar : chart.bars) {
    labels.push_back(drawable(bar.label, font));
    used.insert(labels.back().begin(), labels.back().end());
  }
  for (char32_t cp : U"0123456789.% \u2026") {
    if (cp != 0 && font.covers(cp)) used.insert(cp);
  }
  MemoryFile font_file(font.subset(std::vector<char32_t>(used.begin(), used.end())),
                       "ncss-chart-font");

  HaruDocument doc(font_file.path());

  HPDF_Page page = HPDF_AddPage(doc.get());
  if (page == nullptr) doc.fail("add a page");
  const double height =
      kChartTop + kChartRow * static_cast<double>(chart.bars.size()) + kChartBottom;
  HPDF_Page_SetWidth(page, static_cast<HPDF_REAL>(kChartWidth));
  HPDF_Page_SetHeight(page, static_cast<HPDF_REAL>(height));
  if (doc.errors().error != 0) doc.fail("size the page");
  Painter painter(page, doc.font(), doc.errors());
  draw(painter, chart, title, subtitle, labels, height);
  return doc.save();
}

void save_bar_chart_png(const BarChart& chart, const fs::path& file, const CjkFont& font) {
  const std::string pdf = bar_chart_pdf(chart, font);
  poppler::set_debug_error_function([](const std::string&, void*) {}, nullptr);
  std::unique_ptr<poppler::document> doc(
      poppler::document::load_from_raw_data(pdf.data(), static_cast<int>(pdf.size())));
  if (!doc || doc->pages() != 1) throw Error::internal("poppler cannot read the chart's PDF");
  std::unique_ptr<poppler::page> page(doc->create_page(0));
  if (!page) throw Error::internal("poppler cannot read the chart's page");
  poppler::page_renderer renderer;
  renderer.set_render_hints(poppler::page_renderer::antialiasing |
                            poppler::page_renderer::text_antialiasing |
                            poppler::page_renderer::text_hinting);
  renderer.set_image_format(poppler::image::format_rgb24);
  poppler::image image = renderer.render_page(page.get(), kChartDpi, kChartDpi);
  const ImageSize expected = bar_chart_png_size(chart.bars.size());
  if (!image.is_valid() || image.width() != expected.width || image.height() != expected.height) {
    throw Error::internal("poppler rendered the chart at " + std::to_string(image.width()) + "x" +
                          std::to_string(image.height()) + " pixels, not " +
                          std::to_string(expected.width) + "x" + std::to_string(expected.height));
  }

  std::error_code ec;
  if (fs::is_directory(file, ec)) {
    throw Error::io("cannot write " + file.string() + ": it is a directory", EISDIR);
  }
  fs::path dir = file.parent_path().empty() ? fs::path(".") : file.parent_path();
  if (!fs::is_directory(dir, ec)) {
    throw Error::io(
        "cannot write " + file.string() + ": the directory " + dir.string() + " does not exist",
        ENOENT);
  }
  fs::path partial = start_partial_file(file);  // a name of its own, created exclusively
  if (!image.save(partial.string(), "png", kChartDpi)) {
    fs::remove(partial, ec);
    // poppler says only that it failed: name the likely reason.
    const bool writable = ::access(dir.c_str(), W_OK) == 0;
    throw Error::io("cannot write " + file.string() + " (as " + partial.string() + "): " +
                        (writable ? "the disk may be full" : "the directory is not writable"),
                    writable ? ENOSPC : EACCES);
  }
  fs::rename(partial, file, ec);
  if (ec) {
    std::error_code ignored;
    fs::remove(partial, ignored);
    throw Error::io("cannot write " + file.string() + ": " + ec.message(), ec.value());
  }
}

}  // namespace ncss
