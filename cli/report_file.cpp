#include "report_file.hpp"

#include <cctype>
#include <filesystem>

#include "ncss/csv_writer.hpp"
#include "ncss/error.hpp"
#include "ncss/xlsx_writer.hpp"

namespace cli {

namespace {
const std::vector<std::string> kReportHeaders = {"file",   "sheet", "row",    "column",
                                                 "header", "code",  "message"};
}  // namespace

std::string lower_extension(const std::string& path) {
  std::string ext = std::filesystem::path(path).extension().string();
  for (auto& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return ext;
}

void require_template_name(const std::string& path) {
  if (lower_extension(path) != ".xlsx") {
    throw ncss::Error::usage("-o '" + path +
                             "' must end in .xlsx: the template is a workbook (drop-down lists, "
                             "the ID column formatted as text), which CSV cannot hold");
  }
}

bool same_file(const std::string& a, const std::string& b) {
  std::error_code ec, ec_a, ec_b;
  bool same = std::filesystem::equivalent(a, b, ec);
  if (ec) {  // one of them does not exist (yet): compare where they would be
    same =
        std::filesystem::weakly_canonical(a, ec_a) == std::filesystem::weakly_canonical(b, ec_b) &&
        !ec_a && !ec_b;
  }
  return same;
}

ImportReportFile::ImportReportFile(const std::string& path, const std::vector<std::string>& inputs,
                                   std::size_t xlsx_problem_rows)
    : path_(path), xlsx_problem_rows_(xlsx_problem_rows) {
  if (path.empty()) return;
  for (const auto& input : inputs) {
    if (same_file(path, input)) {
      throw ncss::Error::usage("--report '" + path + "' is the input file '" + input +
                               "': writing the report would destroy it; name another file");
    }
  }
  std::string ext = lower_extension(path);
  if (ext == ".xlsx") {
    xlsx_ = std::make_unique<ncss::XlsxTableWriter>(path, "导入报告", kReportHeaders);
  } else if (ext == ".csv") {
    csv_ = std::make_unique<ncss::CsvTableWriter>(path, kReportHeaders);
  } else {
    throw ncss::Error::usage("--report '" + path + "' must end in .csv or .xlsx");
  }
}

ImportReportFile::~ImportReportFile() = default;

// Runs one write of the report, remembering a failure: a report that failed takes no more rows.
template <typename Fn>
void ImportReportFile::writing(Fn&& fn) {
  if (failed_) return;
  try {
    fn();
  } catch (...) {
    failed_ = true;
    throw;
  }
}

void ImportReportFile::problem(const std::vector<std::string>& cells) {
  if (xlsx_ && problems_ >= xlsx_problem_rows_) {
    ++omitted_;
    return;
  }
  ++problems_;
  if (xlsx_) {
    // The row number as a number, so that the report sorts by it (as text "10" comes before "9").
    std::vector<ncss::XlsxCell> typed;
    for (std::size_t i = 0; i < cells.size(); ++i) {
      const std::string& c = cells[i];
      const bool row_number = i == 2 && !c.empty() && c.size() < 16 &&
                              c.find_first_not_of("0123456789") == std::string::npos;
      typed.push_back(row_number ? ncss::XlsxCell::of_number(std::stod(c))
                                 : ncss::XlsxCell::of_text(c));
    }
    writing([&] { xlsx_->typed_row(typed); });
  }
  if (csv_) writing([&] { csv_->row(cells); });
}

void ImportReportFile::summary(const std::vector<std::string>& cells) {
  writing([&] {
    if (xlsx_) xlsx_->row(cells);
    if (csv_) csv_->row(cells);
  });
}

void ImportReportFile::close() {
  if (xlsx_ && omitted_ > 0) {
    xlsx_->row({"", "", "", "", "", "report_truncated",
                std::to_string(omitted_) +
                    " more problems are not listed: one sheet holds 1,048,576 rows; "
                    "--report FILE.csv lists every one"});
  }
  writing([&] {
    if (xlsx_) xlsx_->close();
    if (csv_) csv_->close();
  });
}

}  // namespace cli
