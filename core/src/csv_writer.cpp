#include "ncss/csv_writer.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <system_error>
#include <utility>

#include "ncss/error.hpp"
#include "partial_file.hpp"

namespace ncss {

namespace fs = std::filesystem;

std::string csv_cell(std::string_view text) {
  std::string cell;
  if (!text.empty() && std::string_view("=+-@\t\r").find(text.front()) != std::string_view::npos) {
    cell += '\'';
  }
  cell += text;
  if (cell.find_first_of(",\"\r\n") == std::string::npos) return cell;
  std::string quoted = "\"";
  for (char c : cell) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  return quoted + '"';
}

struct CsvTableWriter::Impl {
  static constexpr std::size_t kFlushBytes = 64 * 1024;

  fs::path file;
  fs::path partial;
  int fd = -1;
  std::string buffer;
  std::size_t rows = 0;
  bool closed = false;

  [[noreturn]] void fail(int err) {
    throw Error::io("cannot write " + file.string() + ": " + std::strerror(err), err);
  }

  void discard() noexcept {
    if (fd >= 0) ::close(fd);
    fd = -1;
    ::unlink(partial.c_str());
  }

  void flush() {
    for (std::size_t done = 0; done < buffer.size();) {
      ssize_t n = ::write(fd, buffer.data() + done, buffer.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) fail(n < 0 ? errno : EIO);
      done += static_cast<std::size_t>(n);
    }
    buffer.clear();
  }

  void record(const std::vector<std::string>& cells) {
    for (std::size_t i = 0; i < cells.size(); ++i) {
      if (i > 0) buffer += ',';
      buffer += csv_cell(cells[i]);
    }
    buffer += "\r\n";
    if (buffer.size() >= kFlushBytes) flush();
  }
};

CsvTableWriter::CsvTableWriter(const fs::path& file, const std::vector<std::string>& headers)
    : impl_(std::make_unique<Impl>()) {
  Impl& d = *impl_;
  d.file = file;
  d.fd = create_partial_file(file, d.partial);
  try {
    d.buffer = "\xEF\xBB\xBF";
    d.record(headers);
  } catch (...) {
    d.discard();
    throw;
  }
}

CsvTableWriter::~CsvTableWriter() {
  if (impl_ && !impl_->closed) impl_->discard();
}

void CsvTableWriter::row(const std::vector<std::string>& cells) {
  Impl& d = *impl_;
  if (d.closed) throw Error::internal("CsvTableWriter::row after close");
  try {
    d.record(cells);
  } catch (...) {
    d.discard();
    d.closed = true;
    throw;
  }
  ++d.rows;
}

void CsvTableWriter::close() {
  Impl& d = *impl_;
  if (d.closed) return;
  d.closed = true;
  try {
    d.flush();
    if (::fsync(d.fd) != 0) d.fail(errno);
    int fd = std::exchange(d.fd, -1);
    if (::close(fd) != 0) d.fail(errno);
    std::error_code ec;
    fs::rename(d.partial, d.file, ec);
    if (ec) d.fail(ec.value());
  } catch (...) {
    d.discard();
    throw;
  }
}

std::size_t CsvTableWriter::rows_written() const { return impl_->rows; }

}  // namespace ncss
