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

// The lower-case extension of `path` (".xlsx", ".csv", or "").
std::string lower_extension(const std::string& path);

// An import template (student template, favorite template) is a workbook: its drop-down lists
// and text-formatted ID column cannot be held by a CSV. Throws Usage unless `path` ends in .xlsx.
void require_template_name(const std::string& path);

class ImportReportFile {
 public:
  // An empty path writes nothing. Throws Usage for another extension or for a path that is one
  // of the `inputs` (it would be emptied before it is read), Io when it cannot write.
  explicit ImportReportFile(const std::string& path, const std::vector<std::string>& inputs = {});
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

#include <CLI/CLI.hpp>
#include <functional>

#include "format.hpp"
#include "ncss/roster.hpp"

namespace cli {

class Context;

// One import command's run over its files (student import, favorite import): each problem on
// stderr as FILE:ROW: COLUMN HEADER: CODE: message and in the --report file, one summary row per
// file on stdout, a file refused whole reported and skipped, and the exit status: 3 when a file
// was refused (or written nothing under --all-or-nothing), else 4 when rows were rejected.
class ImportRun {
 public:
  struct Outcome {
    std::vector<std::string> counts;  // values for the count columns, in order
    std::string counts_text;          // "34 new, 0 updated, ... 6 rejected"
    std::size_t rejected = 0;
    bool written = false;
    std::size_t header_row = 0;
    std::string encoding;
    std::string sheet;
    std::vector<std::string> warnings;
  };

  // `inputs`: the files to import, which the report must not overwrite.
  ImportRun(Context& ctx, const std::string& report_path, const std::vector<std::string>& inputs,
            const std::vector<Column>& count_columns, bool dry_run);
  void file(const std::string& path,
            const std::function<Outcome(const ncss::ProblemSink& sink)>& import_one);
  // Closes the outputs and sets the context's exit status.
  void finish();

 private:
  Context& ctx_;
  ImportReportFile report_;
  RowWriter summary_;
  std::size_t count_columns_;
  bool dry_run_;
  bool any_refused_ = false;
  bool any_rejected_ = false;
};

// The options that end every import command's list (student import, favorite import):
// --sheet, --dry-run, --all-or-nothing and --report. `Options` is the core's options struct.
template <typename Options>
void add_import_options(CLI::App* cmd, Options& import, std::string& report) {
  cmd->add_option("--sheet", import.sheet, ".xlsx: the sheet to read (default the first)");
  cmd->add_flag("--dry-run", import.dry_run,
                "validate and report as the real run would (several files see each other); "
                "write nothing");
  cmd->add_flag("--all-or-nothing", import.all_or_nothing,
                "write nothing from a file if any of its rows is rejected");
  cmd->add_option("--report", report,
                  "write every rejected row and the counts to FILE.csv or FILE.xlsx");
}

}  // namespace cli
