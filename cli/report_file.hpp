// The --report file of the import commands (student import, favorite import): every problem,
// then a summary row per file; CSV (UTF-8 with BOM, for Excel) or .xlsx by extension, written as
// the exports are: to a temporary file renamed over FILE by close(), so an import that fails or
// is killed leaves no half report; text a spreadsheet would run as a formula is kept as text.
#pragma once

#include <memory>
#include <string>
#include <vector>

namespace ncss {
class CsvTableWriter;
class XlsxTableWriter;
}  // namespace ncss

namespace cli {

// Whether `a` and `b` name one file: the same file when both exist, else the same place once
// made absolute and normalised (symlinks of the existing part resolved).
bool same_file(const std::string& a, const std::string& b);

// The lower-case extension of `path` (".xlsx", ".csv", or "").
std::string lower_extension(const std::string& path);

// An import template (student template, favorite template) is a workbook: its drop-down lists
// and text-formatted ID column cannot be held by a CSV. Throws Usage unless `path` ends in .xlsx.
void require_template_name(const std::string& path);

class ImportReportFile {
 public:
  // One sheet's 1,048,576 rows less the header and room for 10,000 summary rows.
  static constexpr std::size_t kXlsxProblemRows = 1048576 - 1 - 10000;

  // An empty path writes nothing. Throws Usage for another extension or for a path that is one
  // of the `inputs` (it would be emptied before it is read), Io when it cannot write.
  // `xlsx_problem_rows`: how many problem rows an .xlsx report holds (tests set it small).
  explicit ImportReportFile(const std::string& path, const std::vector<std::string>& inputs = {},
                            std::size_t xlsx_problem_rows = kXlsxProblemRows);
  ~ImportReportFile();
  // file, sheet, row, column, header, code, message. In an .xlsx report, problem rows stop short
  // of the sheet's 1,048,576 rows, leaving room for the summary rows; the problems beyond are
  // counted, not written, and close() ends the sheet with a report_truncated row saying so.
  void problem(const std::vector<std::string>& cells);
  void summary(const std::vector<std::string>& cells);
  void close();
  std::size_t omitted() const { return omitted_; }
  // Whether a write of the report failed (then it takes no more rows: the run stops).
  bool failed() const { return failed_; }

 private:
  std::string path_;
  std::unique_ptr<ncss::XlsxTableWriter> xlsx_;
  std::unique_ptr<ncss::CsvTableWriter> csv_;
  std::size_t xlsx_problem_rows_;
  std::size_t problems_ = 0;
  std::size_t omitted_ = 0;
  bool failed_ = false;
  template <typename Fn>
  void writing(Fn&& fn);
};

}  // namespace cli
