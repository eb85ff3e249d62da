#include "context.hpp"

#include <pwd.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <csignal>
#include <ctime>
#include <iostream>

#include "ncss/audit.hpp"
#include "ncss/error.hpp"
#include "ncss/text.hpp"
#include "report_file.hpp"

namespace cli {

Context::Context() = default;

ncss::Store& Context::store() {
  if (!store_) store_.emplace(ncss::Store::open(options.db, store_options()));
  return *store_;
}

ncss::Timestamp Context::now() {
  if (!now_) {
    if (options.now.empty()) {
      now_ = ncss::Timestamp{static_cast<std::int64_t>(std::time(nullptr))};
    } else {
      auto parsed = ncss::parse_time(options.now);
      if (!parsed) {
        throw ncss::Error::usage("--now '" + options.now +
                                 "' is not an ISO-8601 time such as 2026-06-30T09:00:00+08:00");
      }
      now_ = parsed;
    }
  }
  return *now_;
}

ncss::Actor Context::actor() {
  std::string name = options.actor;
  if (name.empty()) {
    if (const passwd* pw = ::getpwuid(::geteuid())) name = pw->pw_name;
  }
  if (name.empty()) name = "uid:" + std::to_string(::geteuid());
  return {name, now()};
}

Format Context::format() const {
  if (options.format.empty()) return ::isatty(STDOUT_FILENO) ? Format::Table : Format::Csv;
  return parse_format(options.format);
}

bool Context::mask_personal_data(bool unmask, const std::string& subject_type,
                                 const std::string& subject_id, const std::string& command) {
  if (unmask) {
    // Nothing is shown in full unless its pii.unmask event can be recorded once the command has
    // succeeded: a read-only or busy database is refused (exit 7) before any output.
    if (unmasked_.empty()) {
      ncss::check_events_writable(store());
      // A reader that stops early (| head) must not end the command before its event is
      // written: a closed pipe becomes a failed write (exit 8 at the end) instead of SIGPIPE.
      std::signal(SIGPIPE, SIG_IGN);
    }
    unmasked_.push_back({subject_type, subject_id, command});
    return false;
  }
  return format() == Format::Table;
}

void Context::record_unmasking() {
  for (const auto& u : unmasked_) {
    ncss::record_event(store(), actor(), "pii.unmask", u.subject_type, u.subject_id, "",
                       {{"command", u.command}});
  }
  unmasked_.clear();
}

const std::string& Context::output_path(const std::string& path, const std::string& option) {
  if (path.empty()) return path;
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
    if (same_file(path, options.db + suffix)) {
      throw ncss::Error::usage(option + " '" + path + "' is the database file '" + options.db +
                               suffix +
                               "': writing it would destroy the database; name another "
                               "file");
    }
  }
  return path;
}

std::ostream& Context::out() { return std::cout; }

void Context::script_result(const std::vector<Column>& columns,
                            const std::vector<std::string>& row) {
  if (format() == Format::Table) return;
  RowWriter w(out(), format(), columns);
  w.row(row);
}

void Context::clear_progress_line() {
  if (!progress_line) return;
  std::cerr << "\r\033[K";
  progress_line = false;
}

void Context::note(const std::string& line) {
  if (options.quiet) return;
  clear_progress_line();
  std::cerr << printable(line) << '\n';
}

void Context::error(const std::string& line) {
  clear_progress_line();
  std::cerr << "ncssctl: " << styled(std::cerr, "1;31", "error:") << " " << printable(line) << '\n';
}

void Context::problem(const std::string& line) {
  clear_progress_line();
  std::cerr << printable(line) << '\n';
}

void Context::warn(const std::string& line) {
  clear_progress_line();
  std::cerr << "ncssctl: " << styled(std::cerr, "1;33", "warning:") << " " << printable(line)
            << '\n';
}

void register_global_options(CLI::App& app, Context& ctx) {
  auto& o = ctx.options;
  app.option_defaults()->always_capture_default();
  app.add_option("--db", o.db, "the database file")->envname("NCSSCTL_DB")->capture_default_str();
  app.add_option("--format", o.format,
                 "output: table (default on a terminal), csv (default otherwise), json or jsonl")
      ->check(CLI::IsMember({"table", "csv", "json", "jsonl"}));
  app.add_option("--now", o.now,
                 "the time to act at, ISO-8601 (2026-06-30T09:00:00+08:00; no offset means "
                 "+08:00); default the system clock")
      ->envname("NCSSCTL_NOW");
  app.add_option("--actor", o.actor,
                 "who acts, recorded on every event (one line; no control or invisible "
                 "characters); default the login name")
      ->envname("NCSSCTL_ACTOR");
  // The actor is stored with every event and printed as an agreement's 审核人: refused (exit 3)
  // before any command runs, as free text typed into any field is.
  app.parse_complete_callback([&ctx] {
    if (!ctx.options.actor.empty()) {
      ncss::checked_text(ctx.options.actor, "--actor (NCSSCTL_ACTOR)", ncss::TextLines::Single);
    }
  });
  app.add_option("--busy-timeout", o.busy_timeout_ms,
                 "milliseconds a write waits for another writer")
      ->envname("NCSSCTL_BUSY_TIMEOUT")
      ->check(CLI::Range(0, 3600000))
      ->capture_default_str();
  app.add_flag("-q,--quiet", o.quiet,
               "no notes or progress on stderr (errors, warnings and an import's rejected rows "
               "still appear)");
}

}  // namespace cli
