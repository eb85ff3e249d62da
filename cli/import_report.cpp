#include "import_report.hpp"

#include <cerrno>
#include <filesystem>

#include "format.hpp"
#include "ncss/error.hpp"
#include "ncss/xlsx_writer.hpp"

namespace cli {

namespace {
const std::vector<std::string> kReportHeaders = {"file",   "sheet", "row",    "column",
                                                 "header", "code",  "message"};
}  // namespace

ImportReportFile::ImportReportFile(const std::string& path) : path_(path) {
  if (path.empty()) return;
  std::string ext = std::filesystem::path(path).extension().string();
  for (auto& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (ext == ".xlsx") {
    xlsx_ = std::make_unique<ncss::XlsxTableWriter>(path, "导入报告", kReportHeaders);
  } else if (ext == ".csv") {
    csv_.open(path, std::ios::binary | std::ios::trunc);
    if (!csv_) throw ncss::Error::io("cannot write the report '" + path + "'", errno);
    csv_ << "\xEF\xBB\xBF";  // so that Excel opens the Chinese text as UTF-8
    write_csv(kReportHeaders);
  } else {
    throw ncss::Error::usage("--report '" + path + "' must end in .csv or .xlsx");
  }
}

ImportReportFile::~ImportReportFile() = default;

void ImportReportFile::row(const std::vector<std::string>& cells) {
  if (xlsx_) xlsx_->row(cells);
  if (csv_.is_open()) write_csv(cells);
}

void ImportReportFile::close() {
  if (xlsx_) xlsx_->close();
  if (csv_.is_open()) {
    csv_.close();
    if (!csv_) throw ncss::Error::io("cannot write the report '" + path_ + "'");
  }
}

void ImportReportFile::write_csv(const std::vector<std::string>& cells) {
  for (std::size_t i = 0; i < cells.size(); ++i) csv_ << (i ? "," : "") << csv_field(cells[i]);
  csv_ << "\r\n";
}

}  // namespace cli
