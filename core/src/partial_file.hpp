// Where an output is written before it is renamed over its name: ".<name>.partial-<pid>-<n>"
// beside it, so a reader never sees half a file and an existing file is replaced only whole.
#pragma once

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <string>
#include <system_error>

#include "ncss/error.hpp"

namespace ncss {

inline std::atomic<unsigned> partial_file_counter{0};

[[noreturn]] inline void throw_cannot_write(const std::filesystem::path& file, int err) {
  throw Error::io("cannot write " + file.string() + ": " + std::strerror(err), err);
}

// Refuses a target that is a directory, in our words.
inline void require_not_directory(const std::filesystem::path& file) {
  std::error_code ec;
  if (std::filesystem::is_directory(file, ec)) {
    throw Error::io("cannot write " + file.string() + ": it is a directory", EISDIR);
  }
}

// Creates the partial file of `file`, empty, mode 0666 less the umask, and returns its
// descriptor, its path in `partial`. O_EXCL makes it a name no other writer has (another process,
// another writer in this one) and never a symlink planted there: a name taken (by a writer of
// the same pid killed long ago) is passed over for the next.
inline int create_partial_file(const std::filesystem::path& file, std::filesystem::path& partial) {
  require_not_directory(file);
  for (int attempt = 0;; ++attempt) {
    partial = file;
    partial.replace_filename("." + file.filename().string() + ".partial-" +
                             std::to_string(::getpid()) + "-" +
                             std::to_string(partial_file_counter++));
    int fd = ::open(partial.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd >= 0) return fd;
    if (errno != EEXIST || attempt >= 100) throw_cannot_write(file, errno);
  }
}

// For a library that writes by name (libxlsxwriter, poppler): creates the partial file as
// create_partial_file() does and returns its path, for the library to write and the caller to
// rename over `file` (or remove). Failing here, before any work, names the reason (no such
// directory, permission) in our words, where libxlsxwriter would print its own "[ERROR]
// workbook_close()" to stderr at the end.
inline std::filesystem::path start_partial_file(const std::filesystem::path& file) {
  std::filesystem::path partial;
  ::close(create_partial_file(file, partial));
  return partial;
}

}  // namespace ncss
