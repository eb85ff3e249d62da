// libharu helpers shared by the PDF writer and the chart: its error callback, a document set up
// for UTF-8 text in one embedded font, and a font as a file libharu can open by name without
// touching the disk.
#pragma once

#include <hpdf.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <type_traits>

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

// Throws for a failed libharu step, with the first error of the document (else the step's own
// status), in hex as libharu's documentation lists them: "error 0x1025 (detail 0)".
[[noreturn]] inline void haru_fail(const char* what, const HaruErrors& errors,
                                   HPDF_STATUS status = 0) {
  char code[16];
  std::snprintf(code, sizeof code, "0x%04X",
                static_cast<unsigned>(errors.error != 0 ? errors.error : status));
  throw Error::internal(std::string("libharu failed to ") + what + ": error " + code + " (detail " +
                        std::to_string(errors.detail) + ")");
}

// Checks one drawing call: its status and any error the callback has recorded.
inline void haru_check(HPDF_STATUS status, const char* what, const HaruErrors& errors) {
  if (status != HPDF_OK || errors.error != 0) haru_fail(what, errors, status);
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

// A compressed libharu document writing UTF-8 text in the TrueType font at font_path (a subset,
// embedded), freed on every path. Not movable: libharu holds the address of errors().
class HaruDocument {
 public:
  explicit HaruDocument(const std::string& font_path) : doc_(HPDF_New(on_haru_error, &errors_)) {
    if (!doc_) throw Error::internal("libharu could not create a document");
    HPDF_SetCompressionMode(get(), HPDF_COMP_ALL);
    HPDF_UseUTFEncodings(get());
    HPDF_SetCurrentEncoder(get(), "UTF-8");
    if (errors_.error != 0) fail("select the UTF-8 encoder");
    const char* font_name = HPDF_LoadTTFontFromFile(get(), font_path.c_str(), HPDF_TRUE);
    if (font_name == nullptr) fail("load the subset font");
    font_ = HPDF_GetFont(get(), font_name, "UTF-8");
    if (font_ == nullptr) fail("use the subset font with UTF-8");
  }
  HaruDocument(const HaruDocument&) = delete;
  HaruDocument& operator=(const HaruDocument&) = delete;

  HPDF_Doc get() const { return doc_.get(); }
  HPDF_Font font() const { return font_; }
  HaruErrors& errors() { return errors_; }
  [[noreturn]] void fail(const char* what) const { haru_fail(what, errors_); }

  // The finished PDF's bytes.
  std::string save() {
    if (HPDF_SaveToStream(get()) != HPDF_OK) fail("write the PDF");
    std::string out(HPDF_GetStreamSize(get()), '\0');
    auto size = static_cast<HPDF_UINT32>(out.size());
    if (HPDF_ReadFromStream(get(), reinterpret_cast<HPDF_BYTE*>(out.data()), &size) != HPDF_OK &&
        errors_.error != HPDF_STREAM_EOF) {
      fail("read the PDF back");
    }
    out.resize(size);
    return out;
  }

 private:
  struct Free {
    void operator()(HPDF_Doc doc) const { HPDF_Free(doc); }
  };
  HaruErrors errors_;  // first: its address is given to HPDF_New
  // Freed even when the constructor throws.
  std::unique_ptr<std::remove_pointer_t<HPDF_Doc>, Free> doc_;
  HPDF_Font font_ = nullptr;
};

}  // namespace ncss::detail
