// The CSV reader and open_sheet. A first pass checks the encoding (UTF-8 when the whole file is
// valid UTF-8, else GB18030 as Chinese Excel saves "CSV") and refuses binary or empty files; the
// second pass decodes block by block and splits RFC 4180 records, so memory stays bounded by the
// block size and the record limit.
#include <fcntl.h>
#include <iconv.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <exception>
#include <string>
#include <string_view>
#include <vector>

#include "ncss/error.hpp"
#include "ncss/sheet.hpp"
#include "sheet_internal.hpp"

namespace ncss {
namespace sheet_detail {
namespace {

constexpr std::size_t kBlockBytes = 64 * 1024;
// At most this many fields in a record: Excel's columns, A to XFD.
constexpr std::size_t kMaxCsvFields = 16384;

[[noreturn]] void throw_io(const std::filesystem::path& file, const char* action, int err) {
  throw Error::io(file.string() + ": cannot " + action + ": " + std::strerror(err), err);
}

// A read-only file descriptor that reads in blocks and can start over.
class InputFile {
 public:
  explicit InputFile(const std::filesystem::path& file) : file_(file) {
    fd_ = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd_ < 0) throw_io(file_, "open the file", errno);
    struct stat st {};
    if (::fstat(fd_, &st) == 0 && S_ISDIR(st.st_mode)) {
      ::close(fd_);
      fd_ = -1;
      throw_io(file_, "read the file", EISDIR);
    }
  }
  ~InputFile() {
    if (fd_ >= 0) ::close(fd_);
  }
  InputFile(const InputFile&) = delete;
  InputFile& operator=(const InputFile&) = delete;

  // Reads up to `size` bytes, fewer only at the end of the file.
  std::size_t read(char* buffer, std::size_t size) {
    std::size_t done = 0;
    while (done < size) {
      ssize_t n = ::read(fd_, buffer + done, size - done);
      if (n < 0) {
        if (errno == EINTR) continue;
        throw_io(file_, "read the file", errno);
      }
      if (n == 0) break;
      done += static_cast<std::size_t>(n);
    }
    return done;
  }

  void rewind() {
    if (::lseek(fd_, 0, SEEK_SET) < 0) throw_io(file_, "read the file twice", errno);
  }

 private:
  std::filesystem::path file_;
  int fd_ = -1;
};

// iconv from GB18030 to UTF-8, closed on destruction.
class Gb18030Decoder {
 public:
  Gb18030Decoder() {
    cd_ = ::iconv_open("UTF-8", "GB18030");
    if (cd_ == reinterpret_cast<iconv_t>(-1)) {
      throw Error::internal("iconv cannot convert GB18030 to UTF-8");
    }
  }
  ~Gb18030Decoder() { ::iconv_close(cd_); }
  Gb18030Decoder(const Gb18030Decoder&) = delete;
  Gb18030Decoder& operator=(const Gb18030Decoder&) = delete;

  enum class Result { Done, Incomplete, Invalid };

  // Appends the UTF-8 of `in` to `out`; on Incomplete or Invalid, `consumed` tells how many input
  // bytes were decoded before the sequence that stopped it.
  Result decode(const char* in, std::size_t size, std::string& out, std::size_t& consumed) {
    char* src = const_cast<char*>(in);
    std::size_t src_left = size;
    while (src_left > 0) {
      std::size_t old = out.size();
      out.resize(old + src_left * 2 + 16);
      char* dst = out.data() + old;
      std::size_t dst_left = out.size() - old;
      std::size_t rc = ::iconv(cd_, &src, &src_left, &dst, &dst_left);
      int err = errno;
      out.resize(out.size() - dst_left);
      consumed = size - src_left;
      if (rc == static_cast<std::size_t>(-1)) {
        if (err == E2BIG) continue;
        ::iconv(cd_, nullptr, nullptr, nullptr, nullptr);
        return err == EINVAL ? Result::Incomplete : Result::Invalid;
      }
    }
    consumed = size;
    return Result::Done;
  }

 private:
  iconv_t cd_;
};

// A streaming UTF-8 check (RFC 3629: no overlongs, surrogates or code points past U+10FFFF).
class Utf8Check {
 public:
  // Feeds one byte; false when it makes the text invalid (the check then starts afresh).
  bool feed(unsigned char b) {
    if (need_ > 0) {
      if (b >= lo_ && b <= hi_) {
        lo_ = 0x80;
        hi_ = 0xBF;
        if (--need_ == 0 && long_sequence_) ++long_sequences_;
        return true;
      }
      need_ = 0;
      ++invalid_;
      if (b >= 0x80 && b <= 0xBF) return false;
      feed(b);
      return false;
    }
    if (b < 0x80) return true;
    lo_ = 0x80;
    hi_ = 0xBF;
    long_sequence_ = true;
    if (b >= 0xC2 && b <= 0xDF) {
      need_ = 1;
      long_sequence_ = false;
    } else if (b == 0xE0) {
      need_ = 2;
      lo_ = 0xA0;
    } else if ((b >= 0xE1 && b <= 0xEC) || b == 0xEE || b == 0xEF) {
      need_ = 2;
    } else if (b == 0xED) {
      need_ = 2;
      hi_ = 0x9F;
    } else if (b == 0xF0) {
      need_ = 3;
      lo_ = 0x90;
    } else if (b >= 0xF1 && b <= 0xF3) {
      need_ = 3;
    } else if (b == 0xF4) {
      need_ = 3;
      hi_ = 0x8F;
    } else {
      ++invalid_;
      return false;
    }
    return true;
  }
  // Skips valid, NUL-free UTF-8 from p[i] on while no sequence is open (counting what feed()
  // would) and returns where it stopped: at n, or at a byte for feed(): a NUL, an invalid byte, a
  // sequence that crosses n, or a lead byte with narrower rules (E0, ED, F0–F4). Eight ASCII bytes
  // or a whole 2- or 3-byte character a step: the encoding check reads every byte of the file
  // before the import begins.
  std::size_t skip_valid(const unsigned char* p, std::size_t i, std::size_t n) {
    if (need_ != 0) return i;
    constexpr std::uint64_t kHigh = 0x8080808080808080ULL;
    constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
    while (i < n) {
      if (n - i >= 8) {
        std::uint64_t w;
        std::memcpy(&w, p + i, 8);
        if ((w & kHigh) == 0 && ((w - kOnes) & ~w & kHigh) == 0) {  // ASCII, no NUL
          i += 8;
          continue;
        }
      }
      const unsigned char b = p[i];
      if (b < 0x80) {
        if (b == 0) return i;
        ++i;
      } else if (b >= 0xC2 && b <= 0xDF && n - i >= 2 && (p[i + 1] & 0xC0) == 0x80) {
        i += 2;
      } else if (((b >= 0xE1 && b <= 0xEC) || b == 0xEE || b == 0xEF) && n - i >= 3 &&
                 (p[i + 1] & 0xC0) == 0x80 && (p[i + 2] & 0xC0) == 0x80) {
        i += 3;
        ++long_sequences_;
      } else {
        return i;
      }
    }
    return i;
  }
  // False when the text ended inside a sequence.
  bool finish() {
    if (need_ == 0) return true;
    need_ = 0;
    ++invalid_;
    return false;
  }
  std::uint64_t invalid() const { return invalid_; }
  std::uint64_t long_sequences() const { return long_sequences_; }

 private:
  int need_ = 0;
  unsigned char lo_ = 0x80;
  unsigned char hi_ = 0xBF;
  bool long_sequence_ = false;
  std::uint64_t invalid_ = 0;
  std::uint64_t long_sequences_ = 0;
};

// The line feeds in [p, end).
std::uint64_t newlines(const unsigned char* p, const unsigned char* end) {
  std::uint64_t n = 0;
  while (p < end) {
    p = static_cast<const unsigned char*>(std::memchr(p, '\n', static_cast<std::size_t>(end - p)));
    if (p == nullptr) break;
    ++n;
    ++p;
  }
  return n;
}

bool is_blank(unsigned char b) {
  return b == ' ' || b == '\t' || b == '\r' || b == '\n' || b == '\f' || b == '\v';
}

// Control bytes that never occur in a text roster (tab, line ends and the DOS end-of-file mark
// excepted).
bool is_binary_control(unsigned char b) { return b < 0x20 && !is_blank(b) && b != 0x1A; }

class CsvReader final : public SheetReader {
 public:
  CsvReader(const std::filesystem::path& file, const SheetLimits& limits)
      : file_(file), limits_(limits), input_(file), block_(kBlockBytes) {
    detect_encoding();
    input_.rewind();
    if (encoding_ == "gb18030") decoder_ = std::make_unique<Gb18030Decoder>();
  }

  bool next(SheetRow& row) override {
    if (error_) std::rethrow_exception(error_);
    try {
      return read_record(row);
    } catch (...) {
      error_ = std::current_exception();
      throw;
    }
  }
  std::string format() const override { return "csv"; }
  std::string encoding() const override { return encoding_; }
  std::string sheet_name() const override { return ""; }

 private:
  enum class State { FieldStart, Unquoted, Quoted, QuoteInQuoted };

  void detect_encoding();
  bool read_record(SheetRow& row);
  bool fill();
  void append(Cell& cell, const char* bytes, std::size_t size, std::size_t field);
  [[noreturn]] void fail(const std::string& what) const {
    throw Error::invalid_input(file_.string() + ": " + what);
  }
  // Counts bytes consumed into the current record, refusing it past the limit.
  void add_record_bytes(std::size_t n) {
    record_bytes_ += n;
    if (record_bytes_ > limits_.max_record_bytes) {
      fail(record_label() + " is longer than the limit of " +
           std::to_string(limits_.max_record_bytes) + " bytes" + open_quote_hint());
    }
  }
  // A record or field over its limit inside quotes is most often a quote never closed.
  std::string open_quote_hint() const {
    if (quote_line_ == 0) return "";
    return "; it is inside a quoted field that opened on line " + std::to_string(quote_line_) +
           ", whose closing quote (\") is probably missing";
  }

  std::string record_label() const {
    return "record " + std::to_string(record_) + " (line " + std::to_string(record_line_) + ")";
  }

  std::filesystem::path file_;
  SheetLimits limits_;
  InputFile input_;
  std::string encoding_;
  std::unique_ptr<Gb18030Decoder> decoder_;

  std::vector<char> block_;
  std::string pending_;  // undecoded bytes carried over to the next block (GB18030)
  bool first_block_ = true;
  bool input_done_ = false;
  std::uint64_t decoded_lines_ = 0;

  std::string text_;  // decoded UTF-8 not yet split into records
  std::size_t pos_ = 0;

  bool done_ = false;
  bool after_cr_ = false;  // the last record ended with CR: skip an LF that follows
  std::size_t record_ = 0;
  std::size_t record_line_ = 1;  // the line where record_ starts
  std::size_t line_ = 1;         // the line at pos_
  std::size_t quote_line_ = 0;   // the line where the open quoted field began; 0: none is open
  std::size_t record_bytes_ = 0;
  std::exception_ptr error_;  // a failed read fails again rather than resuming mid-record
};

void CsvReader::detect_encoding() {
  Utf8Check utf8;
  bool bom = false;
  bool any_text = false;
  std::uint64_t offset = 0;
  std::uint64_t line = 1;
  std::uint64_t first_invalid_line = 0;
  std::vector<char> first_block;
  for (;;) {
    std::size_t n = input_.read(block_.data(), block_.size());
    if (n == 0) break;
    std::size_t start = 0;
    if (offset == 0) {
      const auto* b = reinterpret_cast<const unsigned char*>(block_.data());
      if (n >= 2 && ((b[0] == 0xFF && b[1] == 0xFE) || (b[0] == 0xFE && b[1] == 0xFF))) {
        fail("is UTF-16 text (Excel's \"Unicode Text\"); save it as \"CSV UTF-8\" instead");
      }
      if (n >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF) {
        bom = true;
        start = 3;
      }
      // UTF-16 without its byte order mark: the high bytes of ASCII characters (commas, line
      // breaks, digits) are NULs, all on the same side of each pair.
      std::size_t nuls[2] = {0, 0};
      for (std::size_t i = start; i < std::min<std::size_t>(n, 4096); ++i) nuls[i % 2] += b[i] == 0;
      if (nuls[0] + nuls[1] >= 4 && (nuls[0] == 0 || nuls[1] == 0)) {
        fail(
            "looks like UTF-16 text without a byte order mark (Excel's \"Unicode Text\"); save "
            "it as \"CSV UTF-8\" instead");
      }
      // A binary file shows itself in its first bytes (a magic number, a header); the header
      // line of a text file holds no control byte. A stray one further down is a bad cell of its
      // row (hidden_character), wherever it is. (A NUL anywhere is reported below.)
      for (std::size_t i = start; i < n && b[i] != 0 && b[i] != '\n'; ++i) {
        if (!is_binary_control(b[i])) continue;
        char hex[8];
        std::snprintf(hex, sizeof hex, "0x%02x", b[i]);
        fail(std::string("contains the control byte ") + hex + " at byte " + std::to_string(i) +
             "; it looks like a binary file, not CSV text");
      }
      first_block.assign(block_.begin() + static_cast<std::ptrdiff_t>(start),
                         block_.begin() + static_cast<std::ptrdiff_t>(n));
    }
    const auto* p = reinterpret_cast<const unsigned char*>(block_.data());
    for (std::size_t i = start; i < n; ++i) {
      if (std::size_t j = utf8.skip_valid(p, i, n); j > i) {
        if (!any_text) any_text = std::any_of(p + i, p + j, [](auto c) { return !is_blank(c); });
        i = j - 1;
        continue;
      }
      auto b = p[i];
      if (b == 0) {
        fail("contains a NUL byte at byte " + std::to_string(offset + i) +
             "; it looks like a binary file, not CSV text");
      }
      if (!any_text && !is_blank(b)) any_text = true;
      if (!utf8.feed(b) && first_invalid_line == 0) {
        first_invalid_line = line + newlines(p + start, p + i + 1);  // this byte's line
      }
    }
    line += newlines(p + start, p + n);  // counted per block, not per byte
    offset += n;
  }
  if (!utf8.finish() && first_invalid_line == 0) first_invalid_line = line;
  if (!any_text) fail("the file is empty");

  if (utf8.invalid() == 0) {
    encoding_ = bom ? "utf-8-bom" : "utf-8";
    return;
  }
  std::string where = "line " + std::to_string(first_invalid_line);
  if (bom) fail("starts with a UTF-8 byte order mark but " + where + " is not valid UTF-8");
  // GBK text forms a valid 3- or 4-byte UTF-8 sequence only by chance (about one character in
  // a hundred, never more than one per invalid spot); UTF-8 text with a few stray bytes has far
  // more of them than invalid spots. Decoding that as GB18030 would garble every name in it.
  if (utf8.long_sequences() >= 8 && utf8.long_sequences() >= 4 * utf8.invalid()) {
    fail("is UTF-8 text except at " + where +
         ", which is not; the file mixes encodings (save it again as \"CSV UTF-8\")");
  }
  Gb18030Decoder probe;
  std::string decoded;
  std::size_t consumed = 0;
  if (probe.decode(first_block.data(), first_block.size(), decoded, consumed) ==
      Gb18030Decoder::Result::Invalid) {
    fail("is neither UTF-8 nor GB18030 text; it looks like a binary file, not CSV");
  }
  encoding_ = "gb18030";
}

// Replaces text_ with the next decoded block; false at the end of the input.
bool CsvReader::fill() {
  text_.clear();
  pos_ = 0;
  while (text_.empty()) {
    if (input_done_) return false;
    std::size_t n = input_.read(block_.data(), block_.size());
    if (n == 0) {
      input_done_ = true;
      if (!pending_.empty()) {
        fail("line " + std::to_string(decoded_lines_ + 1) +
             " ends the file in the middle of a GB18030 character");
      }
      return false;
    }
    std::size_t start = 0;
    if (first_block_) {
      first_block_ = false;
      if (encoding_ == "utf-8-bom") start = 3;
    }
    if (!decoder_) {
      text_.assign(block_.data() + start, n - start);
      continue;
    }
    pending_.append(block_.data(), n);
    std::size_t consumed = 0;
    auto result = decoder_->decode(pending_.data(), pending_.size(), text_, consumed);
    decoded_lines_ += static_cast<std::uint64_t>(std::count(text_.begin(), text_.end(), '\n'));
    if (result == Gb18030Decoder::Result::Invalid) {
      fail("line " + std::to_string(decoded_lines_ + 1) + " is neither UTF-8 nor GB18030 text");
    }
    pending_.erase(0, consumed);
  }
  return true;
}

void CsvReader::append(Cell& cell, const char* bytes, std::size_t size, std::size_t field) {
  cell.text.append(bytes, size);
  if (cell.text.size() > limits_.max_field_bytes) {
    fail(record_label() + ": field " + std::to_string(field) + " is longer than the limit of " +
         std::to_string(limits_.max_field_bytes) + " bytes" + open_quote_hint());
  }
}

bool CsvReader::read_record(SheetRow& row) {
  if (done_) return false;
  State state = State::FieldStart;
  std::size_t cells = 0;
  bool started = false;
  auto begin_field = [&]() -> Cell& {
    // As many columns as a spreadsheet has (XFD): a line of commas within the byte limits would
    // otherwise hold a million empty cells, tens of bytes each, in every row read ahead.
    if (cells == kMaxCsvFields) {
      fail(record_label() + " has more than " + std::to_string(kMaxCsvFields) +
           " fields (a spreadsheet's last column is XFD); it is not a roster");
    }
    if (cells == row.cells.size()) row.cells.emplace_back();
    Cell& cell = row.cells[cells++];
    cell.text.clear();
    return cell;
  };
  auto end_field = [&]() {
    Cell& cell = row.cells[cells - 1];
    cell.kind = cell.text.empty() ? CellKind::Empty : CellKind::Text;
  };
  auto finish_record = [&]() {
    row.cells.resize(cells);
    row.number = record_;
  };

  for (;;) {
    if (pos_ == text_.size() && !fill()) {
      done_ = true;
      if (!started) return false;
      if (state == State::Quoted) {
        fail(record_label() + ": a quoted field is not closed before the end of the file");
      }
      // DOS's end-of-file mark (0x1A), which old tools still write as the file's last byte: the
      // end, not text. Alone on the last line it is no record at all.
      if (std::string& last = row.cells[cells - 1].text; !last.empty() && last.back() == '\x1A') {
        last.pop_back();
        if (cells == 1 && last.empty()) return false;
      }
      end_field();
      finish_record();
      return true;
    }
    if (!started) {
      if (after_cr_) {
        after_cr_ = false;
        if (text_[pos_] == '\n') {
          ++pos_;
          continue;
        }
      }
      started = true;
      ++record_;
      record_line_ = line_;
      record_bytes_ = 0;
      begin_field();
    }
    std::size_t field = cells;
    Cell& cell = row.cells[cells - 1];
    const char* data = text_.data();
    std::size_t size = text_.size();
    std::size_t start = pos_;
    char c = data[pos_];
    switch (state) {
      case State::FieldStart:
      case State::Unquoted: {
        if (state == State::FieldStart && c == '"') {
          state = State::Quoted;
          quote_line_ = line_;
          ++pos_;
          break;
        }
        state = State::Unquoted;
        // A stray quote inside an unquoted field is kept as text.
        std::size_t end = pos_;
        while (end < size && data[end] != ',' && data[end] != '\n' && data[end] != '\r') ++end;
        append(cell, data + pos_, end - pos_, field);
        pos_ = end;
        if (pos_ == size) break;
        c = data[pos_++];
        end_field();
        if (c == ',') {
          begin_field();
          state = State::FieldStart;
          break;
        }
        ++line_;
        after_cr_ = c == '\r';
        add_record_bytes(pos_ - start);
        finish_record();
        return true;
      }
      case State::Quoted: {
        const void* quote = std::memchr(data + pos_, '"', size - pos_);
        std::size_t end =
            quote ? static_cast<std::size_t>(static_cast<const char*>(quote) - data) : size;
        line_ += static_cast<std::size_t>(std::count(data + pos_, data + end, '\n'));
        append(cell, data + pos_, end - pos_, field);
        pos_ = end;
        if (pos_ < size) {
          ++pos_;
          state = State::QuoteInQuoted;
        }
        break;
      }
      case State::QuoteInQuoted:
        ++pos_;
        if (c != '"') quote_line_ = 0;  // the quote closed
        if (c == '"') {
          append(cell, "\"", 1, field);
          state = State::Quoted;
        } else if (c == ',') {
          end_field();
          begin_field();
          state = State::FieldStart;
        } else if (c == '\n' || c == '\r') {
          end_field();
          ++line_;
          after_cr_ = c == '\r';
          add_record_bytes(pos_ - start);
          finish_record();
          return true;
        } else {
          // Text after a closing quote ("ab"c) joins the field, as Excel reads it.
          append(cell, &c, 1, field);
          state = State::Unquoted;
        }
        break;
    }
    add_record_bytes(pos_ - start);
  }
}

std::string lower_extension(const std::filesystem::path& file) {
  std::string ext = file.extension().string();
  for (char& c : ext) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return ext;
}

}  // namespace

std::unique_ptr<SheetReader> open_csv(const std::filesystem::path& file,
                                      const SheetOptions& options) {
  return std::make_unique<CsvReader>(file, options.limits);
}

}  // namespace sheet_detail

std::size_t sheet_row_bytes(const SheetRow& row, bool capacity) {
  // Each cell's own bytes count too: a row of empty cells is not free.
  std::size_t n = (capacity ? row.cells.capacity() : row.cells.size()) * sizeof(Cell);
  for (const auto& c : row.cells) n += capacity ? c.text.capacity() : c.text.size();
  return n;
}

std::unique_ptr<SheetReader> open_sheet(const std::filesystem::path& file,
                                        const SheetOptions& options) {
  char magic[8] = {};
  std::size_t n = 0;
  {
    sheet_detail::InputFile input(file);
    n = input.read(magic, sizeof magic);
  }
  std::string_view head(magic, n);
  if (head.substr(0, 4) == std::string_view("PK\x03\x04", 4)) {
    return sheet_detail::open_xlsx(file, options);
  }
  if (head == std::string_view("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8)) {
    throw Error::invalid_input(file.string() +
                               ": is a legacy .xls workbook or a password-protected one; save it "
                               "as .xlsx (without a password) or as CSV");
  }
  std::string ext = sheet_detail::lower_extension(file);
  if (n == 0) throw Error::invalid_input(file.string() + ": the file is empty");
  if (ext == ".xlsx" || ext == ".xlsm") {
    if (head.substr(0, 2) == "PK") {
      return sheet_detail::open_xlsx(file, options);  // an empty or spanned zip: libzip says why
    }
    throw Error::invalid_input(file.string() + ": is named " + ext +
                               " but is not an Excel workbook (not a zip package)");
  }
  return sheet_detail::open_csv(file, options);
}

}  // namespace ncss
