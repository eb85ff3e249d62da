// make_sample_xlsx OUT.xlsx TITLE < rows.tsv
//
// Writes a roster the way a school's office makes one in Excel, for samples/roster-2026.xlsx
// (samples/make-samples.sh feeds it): row 1 is TITLE merged across the columns, row 2 the header
// (the first TSV line, bold), then one row per TSV line. A cell written "#123" is a NUMBER cell
// (123), as Excel stores a phone number or a cohort year typed into a General column; any other
// cell is text; an empty cell is left blank. The file's dates are fixed, so the bytes depend only
// on the input.
#include <xlsxwriter.h>

#include <algorithm>
#include <cstdlib>
#include <ctime>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

namespace {

std::vector<std::string> split_tabs(const std::string& line) {
  std::vector<std::string> cells;
  std::stringstream in(line);
  std::string cell;
  while (std::getline(in, cell, '\t')) cells.push_back(cell);
  if (!line.empty() && line.back() == '\t') cells.emplace_back();
  return cells;
}

double display_width(const std::string& s) {
  double width = 0;
  for (std::size_t i = 0; i < s.size();) {
    auto lead = static_cast<unsigned char>(s[i]);
    std::size_t len = lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
    width += len >= 3 ? 2.1 : 1.1;
    i += len;
  }
  return width;
}

bool ok(lxw_error error, const std::string& what) {
  if (error == LXW_NO_ERROR) return true;
  std::cerr << "make_sample_xlsx: " << what << ": " << lxw_strerror(error) << "\n";
  return false;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: make_sample_xlsx OUT.xlsx TITLE < rows.tsv\n";
    return 2;
  }
  std::vector<std::vector<std::string>> rows;
  for (std::string line; std::getline(std::cin, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (!line.empty()) rows.push_back(split_tabs(line));
  }
  if (rows.empty()) {
    std::cerr << "make_sample_xlsx: no header line on stdin\n";
    return 2;
  }
  const std::size_t columns = rows.front().size();

  lxw_workbook* workbook = workbook_new(argv[1]);
  if (workbook == nullptr) return 1;
  lxw_doc_properties properties{};
  std::tm created{};
  created.tm_year = 2026 - 1900;
  created.tm_mon = 2;
  created.tm_mday = 2;
  created.tm_hour = 9;
  properties.created = timegm(&created);
  properties.author = const_cast<char*>("就业指导中心");
  if (!ok(workbook_set_properties(workbook, &properties), "properties")) return 1;

  lxw_worksheet* sheet = workbook_add_worksheet(workbook, "Sheet1");
  lxw_format* title = workbook_add_format(workbook);
  format_set_bold(title);
  format_set_font_size(title, 14);
  format_set_align(title, LXW_ALIGN_CENTER);
  format_set_align(title, LXW_ALIGN_VERTICAL_CENTER);
  lxw_format* header = workbook_add_format(workbook);
  format_set_bold(header);
  format_set_bg_color(header, 0xD9E1F2);
  format_set_border(header, LXW_BORDER_THIN);

  std::vector<double> widths(columns, 8);
  for (const auto& row : rows) {
    for (std::size_t c = 0; c < columns && c < row.size(); ++c) {
      widths[c] = std::max(widths[c], display_width(row[c]) + 2);
    }
  }
  for (std::size_t c = 0; c < columns; ++c) {
    auto col = static_cast<lxw_col_t>(c);
    worksheet_set_column(sheet, col, col, std::min(widths[c], 40.0), nullptr);
  }
  worksheet_set_row(sheet, 0, 24, nullptr);
  if (!ok(worksheet_merge_range(sheet, 0, 0, 0, static_cast<lxw_col_t>(columns - 1), argv[2],
                                title),
          "title")) {
    return 1;
  }
  for (std::size_t r = 0; r < rows.size(); ++r) {
    auto row = static_cast<lxw_row_t>(r + 1);
    for (std::size_t c = 0; c < rows[r].size(); ++c) {
      const std::string& cell = rows[r][c];
      auto col = static_cast<lxw_col_t>(c);
      lxw_format* format = r == 0 ? header : nullptr;
      lxw_error error = LXW_NO_ERROR;
      if (cell.empty()) {
        continue;
      } else if (r > 0 && cell[0] == '#') {
        error =
            worksheet_write_number(sheet, row, col, std::strtod(cell.c_str() + 1, nullptr), format);
      } else {
        error = worksheet_write_string(sheet, row, col, cell.c_str(), format);
      }
      if (!ok(error, "row " + std::to_string(row + 1))) return 1;
    }
  }
  return ok(workbook_close(workbook), argv[1]) ? 0 : 1;
}
