// The per-group man pages and the bash completion, generated at build time from the one command
// tree --help prints (CLI11) and the prose of man/ncssctl.1, so that they never disagree.
#pragma once

#include <CLI/CLI.hpp>
#include <filesystem>

namespace cli {

// Writes into `out_dir`: ncssctl-<group>.1 for every top-level command (NAME, SYNOPSIS,
// DESCRIPTION from the COMMANDS entries of `main_page` that start with the group's name,
// OPTIONS from the command tree, EXIT STATUS, ENVIRONMENT and FILES copied from `main_page`,
// EXAMPLES: the example lines of `main_page` that run the group, SEE ALSO), and ncssctl.bash,
// the completion of commands, options, fixed option values, code-table values (asked of
// `ncssctl codes` at completion time) and file names. Returns 0, or 1 after saying on stderr
// what could not be read or written.
int generate_docs(const CLI::App& app, const std::filesystem::path& main_page,
                  const std::filesystem::path& out_dir);

}  // namespace cli
