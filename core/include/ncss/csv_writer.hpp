// Writing .csv tables (exports) a row at a time with flat memory, whatever the row count: the
// CSV twin of xlsx_writer.hpp.
#pragma once

#include <cstddef>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace ncss {

// One cell as a CSV file holds it. Text that a spreadsheet program would run as a formula (it
// starts with =, +, -, @, a tab or a carriage return) gets a leading apostrophe, the OWASP
// "CSV injection" defence, so "=1+1" is shown as text; then the cell is quoted as RFC 4180 says
// when it holds a comma, a double quote, CR or LF (quotes doubled).
std::string csv_cell(std::string_view text);

// UTF-8 with a byte order mark, so that Excel on Chinese Windows opens the Chinese text as UTF-8
// and not as GBK; records end in CRLF (RFC 4180); a header row, then data rows, every cell
// through csv_cell().
//
// Rows are streamed to a temporary file beside `file` (a name no other writer uses, mode 0666
// less the umask) which close() syncs and renames over it, so a failed or abandoned write never
// leaves a half-written file behind. Errors throw ncss::Error(Io) naming the file.
class CsvTableWriter {
 public:
  CsvTableWriter(const std::filesystem::path& file, const std::vector<std::string>& headers);
  // Without close() nothing is written and the temporary file is removed.
  ~CsvTableWriter();
  CsvTableWriter(const CsvTableWriter&) = delete;
  CsvTableWriter& operator=(const CsvTableWriter&) = delete;

  void row(const std::vector<std::string>& cells);
  // Flushes, syncs and moves the file to `file`. Further calls do nothing.
  void close();

  std::size_t rows_written() const;  // data rows, the header not counted

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ncss
