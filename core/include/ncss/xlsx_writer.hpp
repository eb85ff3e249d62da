// Writing .xlsx tables (reports, exports) a row at a time with flat memory, whatever the row count.
#pragma once

#include <cstddef>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace ncss {

// One worksheet: a bold, frozen header row, then data rows. Every cell is written as text, never
// as a number or a formula, so an ID number keeps its 18 digits and a cell such as "=1+1" stays
// the three characters a user typed (no formula injection). Empty strings leave the cell blank.
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
  // Finishes the workbook and moves it to `file`. Further calls do nothing.
  void close();

  std::size_t rows_written() const;  // data rows, the header not counted

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ncss
