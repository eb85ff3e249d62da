// What the import commands (student import, favorite import) share: their options, the per-file
// run with its summary rows, problem lines and exit status, and the --report file.
#pragma once

#include <CLI/CLI.hpp>
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "format.hpp"
#include "ncss/roster.hpp"
#include "ncss/store.hpp"
#include "report_file.hpp"

namespace cli {

class Context;

// Shows an import's rows done and their rate on stderr when it is a terminal (and not --quiet),
// overwriting one line that is cleared before any note; silent otherwise.
class TerminalProgress : public ncss::ImportProgress {
 public:
  // Draws "LABEL: N UNIT, R UNIT/s".
  TerminalProgress(Context& ctx, std::string label, std::string unit = "rows");
  ~TerminalProgress() override;
  TerminalProgress(const TerminalProgress&) = delete;
  TerminalProgress& operator=(const TerminalProgress&) = delete;
  void rows_done(std::size_t rows) override;

 private:
  Context& ctx_;
  std::string label_;
  std::string unit_;
  bool enabled_;
  bool shown_ = false;
  std::chrono::steady_clock::time_point start_, last_;
};

// One import command's run over its files (student import, favorite import):
// - each problem on stderr as FILE:ROW: COLUMN HEADER: CODE: message and in the --report file;
//   problems and warnings appear even with --quiet, which silences the per-file counts only;
// - one summary row per file on stdout; a file refused whole is reported and skipped;
// - the exit status: 3 when a file was refused (or written nothing under --all-or-nothing),
//   else 4 when rows were rejected.
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

    // The outcome of one file's import: the command's own counts, the rest from the report.
    static Outcome of(const ncss::ImportReport& r, std::vector<std::string> counts,
                      std::string counts_text) {
      return {std::move(counts), std::move(counts_text),
              r.rejected,        r.written,
              r.header_row,      r.encoding,
              r.sheet,           r.warnings};
    }
  };

  // `inputs`: the files to import, which the report must not overwrite. A dry run holds one
  // DryRunSession for all the files, so each sees the ones before it as in the real run, and
  // answers as the real run would: with `all_or_nothing`, a file with a rejected row is
  // dry_run_refused (exit 3), as the real run refuses it.
  ImportRun(Context& ctx, const std::string& report_path, const std::vector<std::string>& inputs,
            const std::vector<Column>& count_columns, bool dry_run, bool all_or_nothing);
  void file(const std::string& path,
            const std::function<Outcome(const ncss::ProblemSink& sink)>& import_one);
  // Closes the outputs and sets the context's exit status.
  void finish();
  // Whether some file was committed (a real run); the report failing then does not undo it.
  bool any_written() const { return any_written_; }

 private:
  Context& ctx_;
  ImportReportFile report_;
  RowWriter summary_;
  std::size_t count_columns_;
  std::size_t rejected_column_;  // among the count columns; count_columns_ when none is
  bool dry_run_;
  bool all_or_nothing_;
  std::optional<ncss::DryRunSession> dry_run_session_;  // rolled back when the run ends
  bool any_refused_ = false;
  bool any_rejected_ = false;
  bool any_written_ = false;  // some file committed: a report that then fails says so
};

// The options that end every import command's list (student import, favorite import):
// --sheet, --dry-run, --all-or-nothing and --report. `Options` is the core's options struct.
template <typename Options>
void add_import_options(CLI::App* cmd, Options& import, std::string& report) {
  cmd->add_option("--sheet", import.sheet,
                  ".xlsx: the sheet to read (default the first that is not hidden)");
  cmd->add_flag("--dry-run", import.dry_run,
                "validate and report as the real run would (several files see each other; "
                "with --all-or-nothing a file with a rejected row is dry_run_refused, exit 3); "
                "write nothing");
  cmd->add_flag("--all-or-nothing", import.all_or_nothing,
                "write nothing from a file if any of its rows is rejected");
  cmd->add_option("--report", report,
                  "write every rejected row and the counts to FILE.csv or FILE.xlsx");
}

}  // namespace cli
