#include "import_report.hpp"

#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>

#include "context.hpp"
#include "exit_codes.hpp"
#include "format.hpp"
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

ImportReportFile::ImportReportFile(const std::string& path, const std::vector<std::string>& inputs)
    : path_(path) {
  if (path.empty()) return;
  for (const auto& input : inputs) {
    std::error_code ec, ec_a, ec_b;
    bool same = std::filesystem::equivalent(path, input, ec);
    if (ec) {  // one of them does not exist (yet): compare where they would be
      same = std::filesystem::weakly_canonical(path, ec_a) ==
                 std::filesystem::weakly_canonical(input, ec_b) &&
             !ec_a && !ec_b;
    }
    if (same) {
      throw ncss::Error::usage("--report '" + path + "' is the input file '" + input +
                               "': writing the report would destroy it; name another file");
    }
  }
  std::string ext = lower_extension(path);
  if (ext == ".xlsx") {
    xlsx_ = std::make_unique<ncss::XlsxTableWriter>(path, "导入报告", kReportHeaders);
  } else if (ext == ".csv") {
    csv_.open(path, std::ios::binary | std::ios::trunc);
    if (!csv_) {
      int err = errno;
      throw ncss::Error::io("cannot write the report '" + path + "': " + std::strerror(err), err);
    }
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

namespace cli {

namespace {

std::vector<Column> summary_columns(const std::vector<Column>& counts) {
  std::vector<Column> columns = {{"file", "文件"}, {"status", "结果"}};
  columns.insert(columns.end(), counts.begin(), counts.end());
  columns.push_back({"header_row", "表头行", true});
  columns.push_back({"encoding", "编码"});
  columns.push_back({"sheet", "工作表"});
  return columns;
}

}  // namespace

ImportRun::ImportRun(Context& ctx, const std::string& report_path,
                     const std::vector<std::string>& inputs,
                     const std::vector<Column>& count_columns, bool dry_run)
    : ctx_(ctx),
      report_(report_path, inputs),
      summary_(ctx.out(), ctx.format(), summary_columns(count_columns)),
      count_columns_(count_columns.size()),
      dry_run_(dry_run) {}

void ImportRun::file(const std::string& path,
                     const std::function<Outcome(const ncss::ProblemSink& sink)>& import_one) {
  auto sink = [&](const ncss::RowProblem& p) {
    std::string where = path + ":" + std::to_string(p.row) + ":";
    if (!p.column.empty() || !p.header.empty()) where += " " + p.column + " " + p.header + ":";
    ctx_.note(where + " " + p.code + ": " + p.message);
    report_.row({path, p.sheet, std::to_string(p.row), p.column, p.header, p.code, p.message});
  };
  try {
    Outcome r = import_one(sink);
    for (const auto& w : r.warnings) ctx_.note(path + ": warning: " + w);
    std::string status, verdict;
    if (dry_run_) {
      status = r.rejected ? "dry_run_rejected_rows" : "dry_run_ok";
      verdict = " (dry run: nothing written)";
      any_rejected_ |= r.rejected > 0;
    } else if (!r.written) {
      status = "refused";  // --all-or-nothing with rejected rows
      verdict = " (--all-or-nothing: nothing written)";
      any_refused_ = true;
    } else {
      status = r.rejected ? "partial" : "ok";
      any_rejected_ |= r.rejected > 0;
    }
    ctx_.note(path + ": " + r.counts_text + verdict);
    std::vector<std::string> row = {path, status};
    row.insert(row.end(), r.counts.begin(), r.counts.end());
    row.insert(row.end(), {std::to_string(r.header_row), r.encoding, r.sheet});
    summary_.row(row);
    report_.row({path, r.sheet, "", "", "", "summary", r.counts_text + verdict});
  } catch (const ncss::Error& e) {
    if (e.code() != ncss::ErrorCode::InvalidInput && e.code() != ncss::ErrorCode::Io) throw;
    // This file is refused whole; the others still run.
    ctx_.error(e.what());
    any_refused_ = true;
    std::vector<std::string> row = {path, "refused"};
    row.insert(row.end(), count_columns_, "0");
    row.insert(row.end(), {"", "", ""});
    summary_.row(row);
    report_.row({path, "", "", "", "", "file_refused", e.what()});
  }
}

void ImportRun::finish() {
  summary_.finish();
  report_.close();
  if (any_refused_) {
    ctx_.exit_status = exit_status_for(ncss::ErrorCode::InvalidInput);
  } else if (any_rejected_) {
    ctx_.exit_status = exit_status_for(ncss::ErrorCode::Partial);
  }
}

}  // namespace cli
