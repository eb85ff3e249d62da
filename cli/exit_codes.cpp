#include "exit_codes.hpp"

#include <fmt/core.h>

#include "ncss/signing_state.hpp"

namespace cli {

const std::vector<ExitStatus>& exit_statuses() {
  static const std::vector<ExitStatus> all = {
      {0, "ok", "success"},
      {1, "internal", "internal error (a bug: please report it)"},
      {2, "usage",
       "bad command line: unknown option, value or subcommand, or an argument that "
       "names nothing known (code table, school, record)"},
      {3, "invalid_input", "input refused whole (a bad value or file); nothing was written"},
      {4, "partial", "some rows or items were refused, the rest were done"},
      {5, "refused", "a rule of the workflow refuses the action"},
      {6, "conflict", "it exists already, or was changed meanwhile"},
      {7, "storage",
       "the database cannot be used: missing, not SQLite, wrong schema version, "
       "busy or damaged"},
      {8, "io", "a file or standard output could not be read or written"},
      {9, "check_failed",
       "`db check` found problems, or `agreement verify` an agreement not valid"},
      {10, "contact_graduate",
       "withdrawal refused: the graduate has accepted; ask them to abort (请联系学生中止签约)"},
  };
  return all;
}

int exit_status_for(ncss::ErrorCode code) {
  using ncss::ErrorCode;
  switch (code) {
    case ErrorCode::Internal:
      return 1;
    case ErrorCode::Usage:
    case ErrorCode::NotFound:
      return 2;
    case ErrorCode::InvalidInput:
      return 3;
    case ErrorCode::Partial:
      return 4;
    case ErrorCode::InvalidTransition:
      return 5;
    case ErrorCode::Conflict:
      return 6;
    case ErrorCode::Storage:
      return 7;
    case ErrorCode::Io:
      return 8;
    case ErrorCode::CheckFailed:
      return 9;
  }
  return 1;
}

int exit_status_for(const ncss::Error& error) {
  if (error.code() == ncss::ErrorCode::InvalidTransition &&
      error.detail() == static_cast<int>(ncss::RefusalKind::ContactGraduateToAbort)) {
    return 10;
  }
  return exit_status_for(error.code());
}

std::string exit_status_help() {
  std::string text = "EXIT STATUS:\n";
  for (const auto& s : exit_statuses()) {
    text += fmt::format("  {:<3} {:<14} {}\n", s.status, s.name, s.meaning);
  }
  return text;
}

}  // namespace cli
