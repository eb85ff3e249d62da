// What the fuzz targets share: the input as a file the readers can open, and the checks that
// turn a wrong answer (not only a sanitizer report) into a crash libFuzzer keeps.
#pragma once

#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <string_view>

#include "ncss/error.hpp"

namespace fuzz {

// Stops the run with a message; libFuzzer saves the input as a crash.
[[noreturn]] inline void fail(const std::string& what) {
  std::fprintf(stderr, "fuzz check failed: %s\n", what.c_str());
  std::abort();
}

inline void check(bool ok, const char* what) {
  if (!ok) fail(what);
}

// The readers open files by path; one memfd per process, rewritten for every input, is a file
// in memory they can open as /proc/self/fd/N.
class MemoryFile {
 public:
  MemoryFile() : fd_(::memfd_create("ncss-fuzz", MFD_CLOEXEC)) {
    if (fd_ < 0) fail("memfd_create failed");
    path_ = "/proc/self/fd/" + std::to_string(fd_);
  }
  MemoryFile(const MemoryFile&) = delete;
  MemoryFile& operator=(const MemoryFile&) = delete;

  const std::filesystem::path& write(const void* data, std::size_t size) {
    if (::ftruncate(fd_, 0) != 0) fail("ftruncate failed");
    const char* p = static_cast<const char*>(data);
    std::size_t done = 0;
    while (done < size) {
      ssize_t n = ::pwrite(fd_, p + done, size - done, static_cast<off_t>(done));
      if (n <= 0) fail("pwrite failed");
      done += static_cast<std::size_t>(n);
    }
    return path_;
  }

 private:
  int fd_;
  std::filesystem::path path_;
};

// A refusal must be the documented one: InvalidInput. Io means the disk failed, which a file in
// memory never does; anything else (or another exception type) is a bug.
inline void check_refusal(const ncss::Error& e) {
  if (e.code() != ncss::ErrorCode::InvalidInput) {
    fail(std::string("refused with an error other than InvalidInput: ") + e.what());
  }
}

// RFC 3629 UTF-8: what every cell and message of the readers is.
inline bool valid_utf8(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    auto b = static_cast<unsigned char>(s[i]);
    std::size_t n = b < 0x80                 ? 1
                    : b >= 0xC2 && b <= 0xDF ? 2
                    : b >= 0xE0 && b <= 0xEF ? 3
                    : b >= 0xF0 && b <= 0xF4 ? 4
                                             : 0;
    if (n == 0 || i + n > s.size()) return false;
    for (std::size_t k = 1; k < n; ++k) {
      auto c = static_cast<unsigned char>(s[i + k]);
      unsigned char lo = 0x80, hi = 0xBF;
      if (k == 1 && b == 0xE0) lo = 0xA0;
      if (k == 1 && b == 0xED) hi = 0x9F;
      if (k == 1 && b == 0xF0) lo = 0x90;
      if (k == 1 && b == 0xF4) hi = 0x8F;
      if (c < lo || c > hi) return false;
    }
    i += n;
  }
  return true;
}

}  // namespace fuzz
