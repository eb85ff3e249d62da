// libharu helpers shared by the PDF writer and the chart: its error callback, and a font as a
// file libharu can open by name without touching the disk.
#pragma once

#include <hpdf.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "ncss/error.hpp"

namespace ncss::detail {

// The first libharu error of a document (the cause; later ones are its consequences).
struct HaruErrors {
  HPDF_STATUS error = 0;
  HPDF_STATUS detail = 0;
};

inline void on_haru_error(HPDF_STATUS error, HPDF_STATUS detail, void* user_data) {
  auto* errors = static_cast<HaruErrors*>(user_data);
  if (errors->error == 0) {
    errors->error = error;
    errors->detail = detail;
  }
}

// Bytes in a memfd, named by path() as /proc/self/fd/N for libharu's file-based font loader.
class MemoryFile {
 public:
  explicit MemoryFile(const std::string& bytes, const char* name = "ncss-font") {
    fd_ = memfd_create(name, MFD_CLOEXEC);
    if (fd_ < 0) throw Error::io(std::string("memfd_create: ") + std::strerror(errno), errno);
    for (std::size_t done = 0; done < bytes.size();) {
      ssize_t n = ::write(fd_, bytes.data() + done, bytes.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        int err = errno;
        ::close(fd_);
        throw Error::io(std::string("writing the font to a memfd: ") + std::strerror(err), err);
      }
      done += static_cast<std::size_t>(n);
    }
    path_ = "/proc/self/fd/" + std::to_string(fd_);
  }
  ~MemoryFile() { ::close(fd_); }
  MemoryFile(const MemoryFile&) = delete;
  MemoryFile& operator=(const MemoryFile&) = delete;
  const std::string& path() const { return path_; }

 private:
  int fd_ = -1;
  std::string path_;
};

}  // namespace ncss::detail
