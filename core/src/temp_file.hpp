// An unnamed temporary file for spilling a long command's working data out of memory (the roster
// import's row numbers, a bulk issue's outcomes): created in $TMPDIR (else /tmp), unlinked at
// once, so it disappears with the process however it ends.
#pragma once

#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>

#include "ncss/error.hpp"

namespace ncss {

class TempFile {
 public:
  // `purpose` completes "cannot create a temporary file for ...".
  explicit TempFile(const std::string& purpose) {
    std::error_code ec;
    std::filesystem::path dir = std::filesystem::temp_directory_path(ec);
    if (ec) dir = "/tmp";
    std::string name = (dir / "ncss-XXXXXX").string();
    int fd = ::mkostemp(name.data(), O_CLOEXEC);
    if (fd >= 0) {
      ::unlink(name.c_str());
      file_ = ::fdopen(fd, "w+b");
      if (!file_) ::close(fd);
    }
    if (!file_) {
      int err = errno;
      throw Error::io("cannot create a temporary file in " + dir.string() + " for " + purpose +
                          ": " + std::strerror(err),
                      err);
    }
  }
  ~TempFile() { std::fclose(file_); }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;

  std::FILE* stream() const { return file_; }
  int fd() const { return ::fileno(file_); }

 private:
  std::FILE* file_ = nullptr;
};

}  // namespace ncss
