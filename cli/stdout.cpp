#include "stdout.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <iostream>
#include <streambuf>
#include <string>

#include "exit_codes.hpp"
#include "format.hpp"
#include "ncss/error.hpp"

namespace cli {

namespace {

// A streambuf without a put area: every insertion reaches xsputn() or overflow(), which keep the
// text until 64 KiB have gathered (or, on a terminal, a line is complete) and write it to
// descriptor 1. The first write error is kept; what follows it is dropped.
class CheckedStdout : public std::streambuf {
 public:
  CheckedStdout() : by_line_(::isatty(STDOUT_FILENO) == 1) {}

  int error() const { return error_; }
  bool reported = false;

 protected:
  int_type overflow(int_type c) override {
    if (traits_type::eq_int_type(c, traits_type::eof())) return drain() ? 0 : traits_type::eof();
    char ch = traits_type::to_char_type(c);
    return xsputn(&ch, 1) == 1 ? c : traits_type::eof();
  }

  std::streamsize xsputn(const char* s, std::streamsize n) override {
    if (error_ != 0) return 0;
    pending_.append(s, static_cast<std::size_t>(n));
    const bool line_done = by_line_ && std::memchr(s, '\n', static_cast<std::size_t>(n));
    if ((pending_.size() >= kBytes || line_done) && !drain()) return 0;
    return n;
  }

  int sync() override { return drain() ? 0 : -1; }

 private:
  static constexpr std::size_t kBytes = 64 * 1024;

  bool drain() {
    for (std::size_t done = 0; done < pending_.size() && error_ == 0;) {
      ssize_t n = ::write(STDOUT_FILENO, pending_.data() + done, pending_.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        error_ = n < 0 ? errno : EIO;
        break;
      }
      done += static_cast<std::size_t>(n);
    }
    pending_.clear();
    return error_ == 0;
  }

  bool by_line_;
  int error_ = 0;
  std::string pending_;
};

// Never destroyed: std::cout may be flushed at exit, after main's locals are gone.
CheckedStdout& checked() {
  static auto* buffer = new CheckedStdout;
  return *buffer;
}

std::string reason(int err) {
  return "cannot write standard output: " + std::string(std::strerror(err));
}

}  // namespace

void install_checked_stdout() {
  // Open in the direction that fails: writing to a standard output started closed gives EBADF.
  for (int fd = 0; fd <= 2; ++fd) {
    if (::fcntl(fd, F_GETFD) == -1 && errno == EBADF) {
      ::open("/dev/null", fd == 0 ? O_WRONLY : O_RDONLY);  // the lowest free descriptor: fd
    }
  }
  std::cout.rdbuf(&checked());
}

void flush_stdout() {
  std::cout.flush();
  CheckedStdout& out = checked();
  if (out.error() != 0 && !out.reported) {
    out.reported = true;
    throw ncss::Error::io(reason(out.error()), out.error());
  }
}

int finish_stdout(int status, bool committed) {
  std::cout.flush();
  CheckedStdout& out = checked();
  if (out.error() == 0) return status;
  const bool was_reported = out.reported;
  if (!was_reported) {
    out.reported = true;
    std::cerr << "ncssctl: " << styled(std::cerr, "1;31", "error:") << " "
              << printable(reason(out.error())) << '\n';
  }
  if (committed) {
    std::cerr << "ncssctl: note: the command's changes to the database were committed before "
                 "its output was lost (see them with a listing or `ncssctl history`)\n";
  }
  if (was_reported) return status;
  const bool worse = status != kExitOk && status != exit_status_for(ncss::ErrorCode::Partial);
  return worse ? status : exit_status_for(ncss::ErrorCode::Io);
}

}  // namespace cli
