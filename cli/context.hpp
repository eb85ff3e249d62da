// What every subcommand shares: the global options, the store (opened on first use), the clock
// and the acting user, and where output goes.
#pragma once

#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "format.hpp"
#include "ncss/audit.hpp"
#include "ncss/store.hpp"
#include "ncss/time.hpp"

namespace CLI {
class App;
}

namespace cli {

struct GlobalOptions {
  std::string db = "./ncss.db";
  std::string format;  // empty: table on a terminal, csv otherwise
  std::string now;     // empty: the system clock
  std::string actor;   // empty: the login name
  int busy_timeout_ms = 10000;
  bool quiet = false;
};

class Context {
 public:
  Context();
  GlobalOptions options;
  int exit_status = 0;

  // The database named by --db, opened (and checked) on first use.
  ncss::Store& store();
  // Makes `store` the command's store (init, which creates it rather than opening it), so that
  // committed_changes() knows of its writes.
  ncss::Store& adopt_store(ncss::Store store) { return store_.emplace(std::move(store)); }
  // Whether the command changed the database and committed (false when it never opened it).
  bool committed_changes() const { return store_ && store_->committed_changes(); }
  ncss::StoreOptions store_options() const { return {options.busy_timeout_ms}; }
  ncss::Timestamp now();
  ncss::Actor actor();
  Format format() const;

  // Whether ID numbers and phones are masked: in human tables, unless --unmask, whose use is
  // recorded as a pii.unmask event (who looked, at what, with which command) by
  // record_unmasking() once the command has run without an error: a command refused for a bad
  // filter or file has shown nothing, and leaves the database as it was.
  bool mask_personal_data(bool unmask, const std::string& subject_type,
                          const std::string& subject_id, const std::string& command);
  // Writes the pii.unmask events of this command (cli/main.cpp, after a command that did not
  // throw).
  void record_unmasking();

  // `path`, given to `option` (-o, --report) as a file to write, unless it is the database file
  // (or its -wal, -shm or -journal), which writing would destroy: then Usage, before any work.
  const std::string& output_path(const std::string& path, const std::string& option);

  std::ostream& out();
  // A write command's result for scripts: one row on standard output in CSV or JSON; nothing in
  // a table, where the command's note on stderr says it for a person.
  void script_result(const std::vector<Column>& columns, const std::vector<std::string>& row);
  // Set by a progress display while its line (no newline, on a terminal) is on stderr: note,
  // error and warn erase it first, so their lines do not run into it; it is drawn again on its
  // next update.
  bool progress_line = false;
  // A line for the human on stderr, unless --quiet.
  void note(const std::string& line);
  // An error on stderr ("ncssctl: error: ..."), even with --quiet.
  void error(const std::string& line);
  // A warning on stderr, even with --quiet.
  void warn(const std::string& line);
  // A problem with the input on stderr as it stands (FILE:ROW: ... of an import), even with
  // --quiet: a rejected row is an error of the data, not a note.
  void problem(const std::string& line);

 private:
  void clear_progress_line();

  std::optional<ncss::Store> store_;
  std::optional<ncss::Timestamp> now_;
  struct Unmasking {
    std::string subject_type, subject_id, command;
  };
  std::vector<Unmasking> unmasked_;  // to record once the command has succeeded
};

void register_global_options(CLI::App& app, Context& ctx);
// One per subcommand file; cli/main.cpp calls them all.
void register_init(CLI::App& app, Context& ctx);
void register_db(CLI::App& app, Context& ctx);
void register_codes(CLI::App& app, Context& ctx);
void register_school(CLI::App& app, Context& ctx);
void register_student(CLI::App& app, Context& ctx);
void register_employer(CLI::App& app, Context& ctx);
// Called by register_employer: `employer verify ...` lives in cli/employer_verify.cpp.
void register_employer_verify(CLI::App& employer, Context& ctx);
void register_favorite(CLI::App& app, Context& ctx);
void register_template(CLI::App& app, Context& ctx);
void register_invite(CLI::App& app, Context& ctx);
void register_review(CLI::App& app, Context& ctx);
void register_sweep(CLI::App& app, Context& ctx);
void register_history(CLI::App& app, Context& ctx);
void register_outbox(CLI::App& app, Context& ctx);
void register_stats(CLI::App& app, Context& ctx);
void register_terminate(CLI::App& app, Context& ctx);
void register_void(CLI::App& app, Context& ctx);
void register_register(CLI::App& app, Context& ctx);
void register_agreement(CLI::App& app, Context& ctx);
void register_export(CLI::App& app, Context& ctx);

}  // namespace cli
