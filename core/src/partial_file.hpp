// Where a workbook is written before it is renamed over its name: ".<name>.part" beside it, so a
// reader never sees half a file.
#pragma once

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>
#include <system_error>

#include "ncss/error.hpp"

namespace ncss {

// Creates the partial file for `file`, empty, and returns its path. Failing here, before any
// work, names the reason (no such directory, permission) in our words, where libxlsxwriter would
// print its own "[ERROR] workbook_close()" to stderr at the end.
inline std::filesystem::path start_partial_file(const std::filesystem::path& file) {
  std::error_code ec;
  if (std::filesystem::is_directory(file, ec)) {
    throw Error::io("cannot write " + file.string() + ": it is a directory", EISDIR);
  }
  std::filesystem::path dir = file.parent_path().empty() ? "." : file.parent_path();
  std::filesystem::path partial = dir / ("." + file.filename().string() + ".part");
  std::FILE* probe = std::fopen(partial.c_str(), "wb");
  if (probe == nullptr) {
    int err = errno;
    throw Error::io("cannot write " + file.string() + ": " + std::strerror(err), err);
  }
  std::fclose(probe);
  return partial;
}

}  // namespace ncss
