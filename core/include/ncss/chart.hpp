// Bar charts of shares (0–100 %) for office reports, with Chinese labels: drawn as a one-page PDF
// with libharu in the CJK font of the agreement PDFs, and rendered to PNG with poppler.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

#include "ncss/pdf_writer.hpp"

namespace ncss {

struct ChartBar {
  std::string label;      // drawn left of the bar, cut with … when longer than the label column
  double value = 0;       // a share: 0.923 is drawn as 92.3 %; clamped to [0, 1]
  bool emphasis = false;  // drawn darker, below a rule (a total)
};

// A horizontal bar chart: one row per bar, in order, the value as a percentage with one decimal
// at the bar's end, a 0–100 % axis with grid lines every 20 %. Characters the font cannot draw
// (and invalid UTF-8) are drawn as 〓.
struct BarChart {
  std::string title;
  std::string subtitle;  // a smaller second line (the filter, the definition, the date)
  std::vector<ChartBar> bars;
};

// The page: kChartWidth points wide, kChartTop + kChartRow per bar + kChartBottom high. The PNG
// is rendered at kChartDpi, so it is 2 pixels per point: 1600 pixels wide and 2 * (130 + 24 n)
// pixels high for n bars.
inline constexpr int kChartWidth = 800;
inline constexpr int kChartTop = 88;
inline constexpr int kChartRow = 24;
inline constexpr int kChartBottom = 42;
inline constexpr int kChartDpi = 144;
// libharu's page height is at most 14,400 points.
inline constexpr std::size_t kChartMaxBars = 500;

struct ImageSize {
  int width = 0;
  int height = 0;
};
// The PNG's size in pixels for `bars` bars.
ImageSize bar_chart_png_size(std::size_t bars);

// The chart as a one-page PDF. Throws Error(InvalidInput) for no bars or more than
// kChartMaxBars, Error(Internal) if libharu fails.
std::string bar_chart_pdf(const BarChart& chart, const CjkFont& font = CjkFont::standard());

// The chart as a PNG written to a temporary file beside `file` and renamed over it. Throws as
// bar_chart_pdf, and Error(Io) naming the file when it cannot be written.
void save_bar_chart_png(const BarChart& chart, const std::filesystem::path& file,
                        const CjkFont& font = CjkFont::standard());

}  // namespace ncss
