// The one map from core error codes to exit statuses. Released meanings never change.
#pragma once

#include <string>
#include <vector>

#include "ncss/error.hpp"

namespace cli {

struct ExitStatus {
  int status;
  const char* name;
  const char* meaning;
};

// Every exit status ncssctl uses, in order; the man page's EXIT STATUS lists the same.
const std::vector<ExitStatus>& exit_statuses();
int exit_status_for(ncss::ErrorCode code);
// As above, and 10 for a withdrawal refused because the graduate has accepted.
int exit_status_for(const ncss::Error& error);
// The statuses that are not errors of the core.
constexpr int kExitOk = 0;
constexpr int kExitInternal = 1;
constexpr int kExitUsage = 2;

// "EXIT STATUS" as --help prints it.
std::string exit_status_help();

}  // namespace cli
