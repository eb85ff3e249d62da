#include "import_report.hpp"

#include <unistd.h>

#include <algorithm>
#include <iostream>

#include "context.hpp"
#include "exit_codes.hpp"
#include "format.hpp"
#include "ncss/error.hpp"

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

TerminalProgress::TerminalProgress(Context& ctx, std::string label, std::string unit)
    : ctx_(ctx),
      label_(std::move(label)),
      unit_(std::move(unit)),
      enabled_(!ctx.options.quiet && ::isatty(STDERR_FILENO)),
      start_(std::chrono::steady_clock::now()) {}

TerminalProgress::~TerminalProgress() {
  if (ctx_.progress_line) std::cerr << "\r\033[K" << std::flush;
  ctx_.progress_line = false;
}

void TerminalProgress::rows_done(std::size_t rows) {
  if (!enabled_) return;
  auto now = std::chrono::steady_clock::now();
  if (shown_ && now - last_ < std::chrono::milliseconds(200)) return;
  last_ = now;
  double secs = std::chrono::duration<double>(now - start_).count();
  std::cerr << "\r\033[K" << label_ << ": " << rows << " " << unit_;
  if (secs > 0.2) std::cerr << ", " << static_cast<long>(rows / secs) << " " << unit_ << "/s";
  std::cerr << std::flush;
  shown_ = true;
  ctx_.progress_line = true;
}

ImportRun::ImportRun(Context& ctx, const std::string& report_path,
                     const std::vector<std::string>& inputs,
                     const std::vector<Column>& count_columns, bool dry_run, bool all_or_nothing)
    : ctx_(ctx),
      report_(ctx.output_path(report_path, "--report"), inputs),
      summary_(ctx.out(), ctx.format(), summary_columns(count_columns)),
      count_columns_(count_columns.size()),
      rejected_column_(std::find_if(count_columns.begin(), count_columns.end(),
                                    [](const Column& c) { return c.key == "rejected"; }) -
                       count_columns.begin()),
      dry_run_(dry_run),
      all_or_nothing_(all_or_nothing) {
  if (dry_run_) dry_run_session_.emplace(ctx.store());
}

void ImportRun::file(const std::string& path,
                     const std::function<Outcome(const ncss::ProblemSink& sink)>& import_one) {
  // Rows reported before a fault that refuses the file whole (problems come in row order).
  std::size_t rejected_rows = 0;
  std::size_t last_row = 0;
  std::string sheet;
  auto sink = [&](const ncss::RowProblem& p) {
    if (p.row != last_row) ++rejected_rows;
    last_row = p.row;
    sheet = p.sheet;
    std::string where = path + ":" + std::to_string(p.row) + ":";
    if (!p.column.empty() || !p.header.empty()) where += " " + p.column + " " + p.header + ":";
    ctx_.problem(where + " " + p.code + ": " + p.message);
    report_.problem({path, p.sheet, std::to_string(p.row), p.column, p.header, p.code, p.message});
  };
  bool written_now = false;  // this file committed
  // The report cannot be written: no use going on. The message says what was imported.
  auto report_failed = [&](const ncss::Error& e) {
    std::string what = written_now    ? path + " and the files before it were imported"
                       : any_written_ ? path + " was not imported, the files before it were"
                                      : "nothing was imported";
    return ncss::Error::io(std::string(e.what()) + "; " + what +
                           (written_now || any_written_ ? " (the summary above says what)" : ""));
  };
  std::vector<std::string> row, report_row;  // the file's summary, on stdout and in the report
  try {
    Outcome r = import_one(sink);
    for (const auto& w : r.warnings) ctx_.warn(path + ": " + w);
    std::string status, verdict;
    if (dry_run_ && all_or_nothing_ && r.rejected > 0) {
      status = "dry_run_refused";  // what the real run would answer
      verdict = " (dry run, --all-or-nothing: the real run would write nothing)";
      any_refused_ = true;
    } else if (dry_run_) {
      status = r.rejected ? "dry_run_rejected_rows" : "dry_run_ok";
      verdict = " (dry run: nothing written)";
      any_rejected_ |= r.rejected > 0;
    } else if (!r.written) {
      status = "refused";  // --all-or-nothing with rejected rows
      verdict = " (--all-or-nothing: nothing written)";
      any_refused_ = true;
    } else {
      written_now = true;
      status = r.rejected ? "partial" : "ok";
      any_rejected_ |= r.rejected > 0;
    }
    ctx_.note(path + ": " + r.counts_text + verdict);
    row = {path, status};
    row.insert(row.end(), r.counts.begin(), r.counts.end());
    row.insert(row.end(), {std::to_string(r.header_row), r.encoding, r.sheet});
    report_row = {path, r.sheet, "", "", "", "summary", r.counts_text + verdict};
  } catch (const ncss::Error& e) {
    if (report_.failed()) throw report_failed(e);
    if (e.code() != ncss::ErrorCode::InvalidInput && e.code() != ncss::ErrorCode::Io) throw;
    // This file is refused whole; the others still run. Rows rejected before the fault was found
    // have been listed: the summary counts them, and says that nothing was written.
    any_refused_ = true;
    std::string message = e.what();
    if (rejected_rows > 0) {
      message += "; nothing from the file was written (the " + std::to_string(rejected_rows) +
                 " rejected rows listed for it were read before this)";
    }
    ctx_.error(message);
    row = {path, "refused"};
    row.insert(row.end(), count_columns_, "0");
    if (rejected_column_ < count_columns_) {
      row[2 + rejected_column_] = std::to_string(rejected_rows);
    }
    row.insert(row.end(), {"", "", sheet});
    report_row = {path, sheet, "", "", "", "file_refused", message};
  }
  summary_.row(row);
  try {
    report_.summary(report_row);
  } catch (const ncss::Error& e) {
    if (report_.failed()) throw report_failed(e);
    throw;
  }
  any_written_ |= written_now;
}

void ImportRun::finish() {
  summary_.finish();
  try {
    report_.close();
  } catch (const ncss::Error& e) {
    // The files are committed by now: exit 8 must not read as "nothing was done".
    if (e.code() != ncss::ErrorCode::Io || !any_written_) throw;
    throw ncss::Error::io(std::string(e.what()) +
                          "; the import itself was written (the summary above says what), only "
                          "the report is missing: the same files with --dry-run --report FILE "
                          "list the same rejected rows");
  }
  if (report_.omitted() > 0) {
    ctx_.warn("the report lists the first problems only: " + std::to_string(report_.omitted()) +
              " more did not fit one .xlsx sheet (--report FILE.csv lists every one)");
  }
  if (any_refused_) {
    ctx_.exit_status = exit_status_for(ncss::ErrorCode::InvalidInput);
  } else if (any_rejected_) {
    ctx_.exit_status = exit_status_for(ncss::ErrorCode::Partial);
  }
}

}  // namespace cli
