// Checks shared by the subcommands' options.
#pragma once

#include <CLI/CLI.hpp>

#include "ncss/roster.hpp"

namespace cli {

// 届别 (--cohort): a four-digit year, as rosters hold it. Without the check a typo such as 26
// matched no graduate, so a listing printed nothing and exited 0; now it is exit 2.
inline const CLI::Range kCohortYear{ncss::kFirstCohort, ncss::kLastCohort, "YEAR"};

}  // namespace cli
