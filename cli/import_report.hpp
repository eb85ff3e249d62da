// The --report file of the import commands (student import, favorite import): every problem,
// then a summary row per file; CSV (UTF-8 with BOM, for Excel) or .xlsx by extension.
#pragma once

#include <fstream>
#include <memory>
#include <string>
#include <vector>

namespace ncss {
class XlsxTableWriter;
}

namespace cli {

class ImportReportFile {
 public:
  // An empty path writes nothing. Throws Usage for another extension, Io when it cannot write.
  explicit ImportReportFile(const std::string& path);
  ~ImportReportFile();
  // file, sheet, row, column, header, code, message
  void row(const std::vector<std::string>& cells);
  void close();

 private:
  void write_csv(const std::vector<std::string>& cells);
  std::string path_;
  std::unique_ptr<ncss::XlsxTableWriter> xlsx_;
  std::ofstream csv_;
};

}  // namespace cli
