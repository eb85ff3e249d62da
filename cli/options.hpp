// Checks shared by the subcommands' options.
#pragma once

#include <CLI/CLI.hpp>

namespace cli {

// 届别 (--cohort): a four-digit year, as rosters hold it. Without the check a typo such as 26
// matched no graduate, so a listing printed nothing and exited 0; now it is exit 2.
inline const CLI::Range kCohortYear{1900, 2999, "YEAR"};

}  // namespace cli
