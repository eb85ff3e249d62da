// Standard output written with write(2) through a buffer of our own, so that a failure to write
// it (a full disk, a closed descriptor, a pipe whose reader left) is seen, with its reason, and
// turned into exit 8 instead of being lost in std::cout's error state.
#pragma once

namespace cli {

// Makes std::cout write through the checked buffer, and keeps descriptors 0, 1 and 2 from being
// reused by a file the command opens when the caller started ncssctl with one of them closed
// (writes to such a standard output then fail with EBADF). Call once, first thing in main.
void install_checked_stdout();

// Flushes std::cout. Throws ncss::Error (Io) "cannot write standard output: REASON" when any of
// what was written to it since start-up could not be written; the error is reported once.
void flush_stdout();

// At the end of main: flushes std::cout. Returns the exit status: `status` when all of standard
// output was written or the failure was already reported (thrown by flush_stdout()), else, after
// an error line on stderr, 8 (io) unless `status` already says a worse failure than 4 (partial).
// When output was lost and `committed` (the command's changes to the database were committed),
// a line on stderr says so: a script that sees exit 8 must not run the command again blindly.
int finish_stdout(int status, bool committed);

}  // namespace cli
