// Writing .xlsx tables (reports, exports) a row at a time with flat memory, whatever the row count.
#pragma once

#include <cstddef>
#include <filesystem>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace ncss {

// A cell of XlsxTableWriter::typed_row: the caller says what it is, nothing is guessed from text.
struct XlsxCell {
  enum class Kind { Text, Number, Percent };
  Kind kind = Kind::Text;
  std::string text;   // Text: written as row() writes it
  double number = 0;  // Number: as it is; Percent: a share (0.923), shown as 92.3%

  static XlsxCell of_text(std::string t) { return {Kind::Text, std::move(t), 0}; }
  static XlsxCell of_number(double n) { return {Kind::Number, {}, n}; }
  static XlsxCell of_percent(double share) { return {Kind::Percent, {}, share}; }
};

// One worksheet: a bold, frozen header row, then data rows. Every cell is written as text, never
// as a number or a formula, so an ID number keeps its 18 digits and a cell such as "=1+1" stays
// the three characters a user typed (no formula injection). Empty strings leave the cell blank.
// Only typed_row() writes numbers, and only where its caller marks a cell as one.
//
// The workbook is streamed to a temporary file beside `file` and renamed over it by close(), so a
// failed or abandoned write never leaves a half-written file behind. Errors throw
// ncss::Error(Io) naming the file.
class XlsxTableWriter {
 public:
  // Maximum rows of one sheet, the header row included (Excel's limit).
  static constexpr std::size_t kMaxRows = 1048576;

  XlsxTableWriter(const std::filesystem::path& file, const std::string& sheet_name,
                  const std::vector<std::string>& headers);
  // Without close() nothing is written and the temporary file is removed.
  ~XlsxTableWriter();
  XlsxTableWriter(const XlsxTableWriter&) = delete;
  XlsxTableWriter& operator=(const XlsxTableWriter&) = delete;

  // Appends a data row. Rows may be shorter or longer than the header row.
  void row(const std::vector<std::string>& cells);
  // Appends a report row: Number and Percent cells as numbers (Percent with the format 0.0%), so
  // that a spreadsheet sums and charts them; Text cells as row() writes them. Never a formula.
  void typed_row(const std::vector<XlsxCell>& cells);
  // Finishes the workbook and moves it to `file`. Further calls do nothing.
  void close();

  std::size_t rows_written() const;  // data rows, the header not counted

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ncss
