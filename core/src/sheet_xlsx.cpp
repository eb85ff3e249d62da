// The xlsx reader: libzip opens the package, expat reads each part as a stream. The chosen
// sheet's rows come out one at a time by suspending the parser at each </row>, so memory holds
// one 64 KiB block of XML and one row, plus the shared-string table. Every part is read through
// a counter that refuses zip bombs, and every parser refuses DTDs and entities.
#include <expat.h>
#include <fcntl.h>
#include <unistd.h>
#include <zip.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <exception>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "ncss/error.hpp"
#include "ncss/sheet.hpp"
#include "prefetch.hpp"
#include "sheet_internal.hpp"
#include "text_rules.hpp"

namespace ncss {
namespace sheet_detail {

// ---------------------------------------------------------------------------------------------
// SharedStringTable

namespace {

constexpr std::size_t kChunkBytes = std::size_t{1} << 20;
constexpr std::size_t kWindowBytes = 4096;
constexpr std::size_t kWindowsPerFile = 8;
constexpr std::size_t kSpillBufferBytes = 256 * 1024;

}  // namespace

// An unlinked temporary file written by appending and read with pread.
class SharedStringTable::SpillFile {
 public:
  SpillFile() {
    std::error_code ec;
    std::filesystem::path dir = std::filesystem::temp_directory_path(ec);
    if (ec) dir = "/tmp";
    std::string name = (dir / "ncss-strings-XXXXXX").string();
    fd_ = ::mkostemp(name.data(), O_CLOEXEC);
    if (fd_ < 0) {
      int err = errno;
      throw Error::io("cannot create a temporary file in " + dir.string() +
                          " for the shared strings: " + std::strerror(err),
                      err);
    }
    ::unlink(name.c_str());
    buffer_.reserve(kSpillBufferBytes);
  }
  ~SpillFile() { ::close(fd_); }
  SpillFile(const SpillFile&) = delete;
  SpillFile& operator=(const SpillFile&) = delete;

  void append(const char* data, std::size_t size) {
    if (buffer_.size() + size > kSpillBufferBytes) {
      flush();
      if (size > kSpillBufferBytes) {
        write_all(data, size);
        return;
      }
    }
    buffer_.append(data, size);
  }

  void flush() {
    if (buffer_.empty()) return;
    write_all(buffer_.data(), buffer_.size());
    buffer_.clear();
  }

  std::uint64_t size() const { return written_; }

  void read(std::uint64_t offset, char* out, std::size_t size) const {
    while (size > 0) {
      ssize_t n = ::pread(fd_, out, size, static_cast<off_t>(offset));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        int err = n < 0 ? errno : EIO;
        throw Error::io(std::string("cannot read back the shared strings: ") + std::strerror(err),
                        err);
      }
      out += n;
      size -= static_cast<std::size_t>(n);
      offset += static_cast<std::uint64_t>(n);
    }
  }

 private:
  void write_all(const char* data, std::size_t size) {
    while (size > 0) {
      ssize_t n = ::pwrite(fd_, data, size, static_cast<off_t>(written_));
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        int err = errno;
        throw Error::io(std::string("cannot write the shared strings to a temporary file: ") +
                            std::strerror(err),
                        err);
      }
      data += n;
      size -= static_cast<std::size_t>(n);
      written_ += static_cast<std::uint64_t>(n);
    }
  }

  int fd_ = -1;
  std::string buffer_;
  std::uint64_t written_ = 0;
};

SharedStringTable::SharedStringTable(std::size_t memory_budget) : memory_budget_(memory_budget) {}

SharedStringTable::~SharedStringTable() = default;

void SharedStringTable::add(std::string_view text) {
  std::uint64_t after = memory_bytes_ + text.size() + 8 * (memory_count_ + 1);
  if (spill_count_ == 0 && after <= memory_budget_) {
    add_in_memory(text);
  } else {
    add_spilled(text);
  }
}

void SharedStringTable::add_in_memory(std::string_view text) {
  std::size_t done = 0;
  while (done < text.size()) {
    std::size_t chunk = memory_bytes_ / kChunkBytes;
    std::size_t offset = memory_bytes_ % kChunkBytes;
    if (chunk == chunks_.size()) chunks_.push_back(std::make_unique<char[]>(kChunkBytes));
    std::size_t n = std::min(text.size() - done, kChunkBytes - offset);
    std::memcpy(chunks_[chunk].get() + offset, text.data() + done, n);
    done += n;
    memory_bytes_ += n;
  }
  memory_ends_.push_back(memory_bytes_);
  ++memory_count_;
}

void SharedStringTable::add_spilled(std::string_view text) {
  if (!spill_text_) {
    spill_text_ = std::make_unique<SpillFile>();
    spill_ends_ = std::make_unique<SpillFile>();
  }
  spill_text_->append(text.data(), text.size());
  spill_bytes_ += text.size();
  char end[8];
  std::memcpy(end, &spill_bytes_, sizeof end);
  spill_ends_->append(end, sizeof end);
  ++spill_count_;
}

void SharedStringTable::get(std::size_t index, std::string& out) {
  if (index < memory_count_) {
    std::uint64_t begin = index == 0 ? 0 : memory_ends_[index - 1];
    std::uint64_t end = memory_ends_[index];
    out.resize(static_cast<std::size_t>(end - begin));
    std::size_t done = 0;
    while (begin + done < end) {
      std::uint64_t at = begin + done;
      std::size_t offset = static_cast<std::size_t>(at % kChunkBytes);
      std::size_t n = std::min(static_cast<std::size_t>(end - at), kChunkBytes - offset);
      std::memcpy(out.data() + done,
                  chunks_[static_cast<std::size_t>(at / kChunkBytes)].get() + offset, n);
      done += n;
    }
    return;
  }
  std::size_t spilled = index - memory_count_;
  spill_text_->flush();
  spill_ends_->flush();
  std::uint64_t bounds[2] = {0, 0};
  if (spilled == 0) {
    read_spilled(*spill_ends_, end_windows_, 0, 8, reinterpret_cast<char*>(&bounds[1]));
  } else {
    read_spilled(*spill_ends_, end_windows_, (spilled - 1) * 8, 16,
                 reinterpret_cast<char*>(bounds));
  }
  out.resize(static_cast<std::size_t>(bounds[1] - bounds[0]));
  read_spilled(*spill_text_, text_windows_, bounds[0], out.size(), out.data());
}

void SharedStringTable::read_spilled(SpillFile& file, std::deque<Window>& windows,
                                     std::uint64_t offset, std::size_t length, char* out) {
  if (length == 0) return;
  if (length > kWindowBytes / 2) {
    file.read(offset, out, length);
    return;
  }
  ++tick_;
  Window* hit = nullptr;
  for (Window& w : windows) {
    if (offset >= w.start && offset + length <= w.start + w.bytes.size()) {
      hit = &w;
      break;
    }
  }
  if (!hit) {
    if (windows.size() < kWindowsPerFile) {
      hit = &windows.emplace_back();
    } else {
      hit = &*std::min_element(
          windows.begin(), windows.end(),
          [](const Window& a, const Window& b) { return a.last_use < b.last_use; });
    }
    hit->start = offset - offset % (kWindowBytes / 2);  // so the window holds all `length` bytes
    hit->bytes.resize(
        static_cast<std::size_t>(std::min<std::uint64_t>(kWindowBytes, file.size() - hit->start)));
    file.read(hit->start, hit->bytes.data(), hit->bytes.size());
  }
  hit->last_use = tick_;
  std::memcpy(out, hit->bytes.data() + (offset - hit->start), length);
}

namespace {

// ---------------------------------------------------------------------------------------------
// Small helpers

constexpr std::size_t kBlockBytes = 64 * 1024;
// Parts under this size are not held to the compression-ratio limit.
constexpr std::uint64_t kRatioGraceBytes = std::uint64_t{1} << 20;
// Workbook and relationship parts are small; a big one is hostile.
constexpr std::uint64_t kMaxMetadataPartBytes = std::uint64_t{64} << 20;
// Expat keeps an incomplete token (a start tag, a comment) in memory until it ends.
constexpr std::uint64_t kMaxXmlTokenBytes = std::uint64_t{1} << 20;
constexpr std::size_t kMaxSheets = 10000;
// 1,048,576 rows of 16 distinct texts; also bounds the spill file of a hostile table of "<si/>".
constexpr std::size_t kMaxSharedStrings = std::size_t{1} << 24;
constexpr std::size_t kMaxNameBytes = 1024;
constexpr std::size_t kMaxColumns = 16384;  // Excel's last column, XFD
constexpr std::size_t kMaxRowNumber = std::size_t{1} << 31;

// Parts are parsed without namespace processing, which costs expat a third of its time; names
// are matched by local part, so "x:row" and "row" are the same element.
// One pass over the name (it runs for every element of a million-row sheet, twice).
std::string_view local_name(const XML_Char* name) {
  const XML_Char* local = name;
  const XML_Char* p = name;
  for (; *p; ++p) {
    if (*p == ':') local = p + 1;
  }
  return {local, static_cast<std::size_t>(p - local)};
}

// Whether `name` is the literal `word`: a length check and a comparison of known size, which the
// compiler inlines (std::string_view's == calls memcmp for every element and attribute).
template <std::size_t N>
bool is(std::string_view name, const char (&word)[N]) {
  return name.size() == N - 1 && std::memcmp(name.data(), word, N - 1) == 0;
}

// Whether the NUL-terminated `name` is exactly `word`, without measuring it first.
bool names_equal(const XML_Char* name, std::string_view word) {
  for (char c : word) {
    if (*name++ != c) return false;
  }
  return *name == '\0';
}

// The value of attribute `local`, with a prefix (such as r:id) when `prefixed`, else without.
const XML_Char* find_attr(const XML_Char** attrs, std::string_view local, bool prefixed = false) {
  for (; attrs && attrs[0]; attrs += 2) {
    if (!prefixed) {
      if (names_equal(attrs[0], local)) return attrs[1];
      continue;
    }
    std::string_view n(attrs[0]);
    if (n.size() > local.size() + 1 && n[n.size() - local.size() - 1] == ':' &&
        n.substr(n.size() - local.size()) == local) {
      return attrs[1];
    }
  }
  return nullptr;
}

bool ends_with(std::string_view s, std::string_view tail) {
  return s.size() >= tail.size() && s.substr(s.size() - tail.size()) == tail;
}

bool equal_ignoring_ascii_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

// The UTF-16 code unit of an "_xHHHH_" escape at s[i], if there is one.
std::optional<std::uint32_t> escape_at(std::string_view s, std::size_t i) {
  if (i + 7 > s.size() || s[i] != '_' || s[i + 1] != 'x' || s[i + 6] != '_') return std::nullopt;
  std::uint32_t unit = 0;
  for (std::size_t k = i + 2; k < i + 6; ++k) {
    char c = s[k];
    unit <<= 4;
    if (c >= '0' && c <= '9') {
      unit |= static_cast<std::uint32_t>(c - '0');
    } else if (c >= 'a' && c <= 'f') {
      unit |= static_cast<std::uint32_t>(c - 'a' + 10);
    } else if (c >= 'A' && c <= 'F') {
      unit |= static_cast<std::uint32_t>(c - 'A' + 10);
    } else {
      return std::nullopt;
    }
  }
  return unit;
}

// Decodes OOXML's "_xHHHH_" escapes (ST_Xstring), which Excel uses for characters XML cannot
// carry, such as "_x000D_" for a carriage return; "_x005F_" is a literal underscore.
void decode_escapes(std::string& s) {
  // Most cells have no underscore: a plain loop over a short text beats a call to memchr.
  if (std::none_of(s.begin(), s.end(), [](char c) { return c == '_'; })) return;
  if (s.find("_x") == std::string::npos) return;
  std::string out;
  out.reserve(s.size());
  std::string_view in(s);
  for (std::size_t i = 0; i < in.size();) {
    auto unit = escape_at(in, i);
    if (!unit || *unit == 0) {
      out += in[i++];
      continue;
    }
    i += 7;
    std::uint32_t cp = *unit;
    if (cp >= 0xD800 && cp <= 0xDBFF) {
      auto low = escape_at(in, i);
      if (low && *low >= 0xDC00 && *low <= 0xDFFF) {
        cp = 0x10000 + ((cp - 0xD800) << 10) + (*low - 0xDC00);
        i += 7;
      } else {
        cp = 0xFFFD;
      }
    } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
      cp = 0xFFFD;
    }
    append_utf8(out, cp);
  }
  s.swap(out);
}

// "worksheets/sheet1.xml" relative to "xl", or "/xl/worksheets/sheet1.xml", as a zip name.
std::string resolve_part(std::string_view base_dir, std::string_view target) {
  std::string joined;
  if (!target.empty() && target[0] == '/') {
    joined = std::string(target.substr(1));
  } else if (base_dir.empty()) {
    joined = std::string(target);
  } else {
    joined = std::string(base_dir) + "/" + std::string(target);
  }
  std::vector<std::string> segments;
  std::size_t start = 0;
  while (start <= joined.size()) {
    std::size_t slash = joined.find('/', start);
    if (slash == std::string::npos) slash = joined.size();
    std::string segment = joined.substr(start, slash - start);
    if (segment == "..") {
      if (!segments.empty()) segments.pop_back();
    } else if (!segment.empty() && segment != ".") {
      segments.push_back(std::move(segment));
    }
    start = slash + 1;
  }
  std::string out;
  for (const auto& segment : segments) {
    if (!out.empty()) out += '/';
    out += segment;
  }
  return out;
}

std::string directory_of(std::string_view part) {
  std::size_t slash = part.rfind('/');
  return slash == std::string_view::npos ? std::string() : std::string(part.substr(0, slash));
}

// "xl/workbook.xml" -> "xl/_rels/workbook.xml.rels"
std::string rels_part_for(std::string_view part) {
  std::size_t slash = part.rfind('/');
  if (slash == std::string_view::npos) return "_rels/" + std::string(part) + ".rels";
  return std::string(part.substr(0, slash)) + "/_rels/" + std::string(part.substr(slash + 1)) +
         ".rels";
}

std::string column_letters(std::size_t column) {
  std::string letters;
  for (std::size_t n = column + 1; n > 0; n = (n - 1) / 26) {
    letters.insert(letters.begin(), static_cast<char>('A' + (n - 1) % 26));
  }
  return letters;
}

// ---------------------------------------------------------------------------------------------
// Zip access

struct ZipCloser {
  void operator()(zip_t* zip) const { zip_discard(zip); }
};
using ZipHandle = std::unique_ptr<zip_t, ZipCloser>;

std::string zip_error_text(int code) {
  zip_error_t error;
  zip_error_init_with_code(&error, code);
  std::string text = zip_error_strerror(&error);
  zip_error_fini(&error);
  return text;
}

// Where a parser's bytes come from.
class ByteSource {
 public:
  virtual ~ByteSource() = default;
  // Reads up to `size` bytes; 0 at the end.
  virtual std::size_t read(char* buffer, std::size_t size) = 0;
};

// One part of the package, decompressed block by block under the size and ratio limits.
class PartStream : public ByteSource {
 public:
  PartStream(zip_t* zip, zip_uint64_t index, std::string context, std::uint64_t max_bytes,
             double max_ratio, std::uint64_t archive_bytes)
      : context_(std::move(context)), max_bytes_(max_bytes), max_ratio_(max_ratio) {
    zip_stat_t st;
    zip_stat_init(&st);
    if (zip_stat_index(zip, index, 0, &st) != 0) {
      throw Error::invalid_input(context_ + " cannot be read: " + zip_strerror(zip));
    }
    if ((st.valid & ZIP_STAT_ENCRYPTION_METHOD) && st.encryption_method != ZIP_EM_NONE) {
      throw Error::invalid_input(context_ + " is encrypted; save the workbook without a password");
    }
    compressed_ = (st.valid & ZIP_STAT_COMP_SIZE) ? st.comp_size : archive_bytes;
    compressed_ = std::max<std::uint64_t>(1, std::min(compressed_, archive_bytes));
    file_ = zip_fopen_index(zip, index, 0);
    if (!file_) {
      throw Error::invalid_input(context_ + " cannot be read: " + zip_strerror(zip));
    }
  }
  ~PartStream() { zip_fclose(file_); }
  PartStream(const PartStream&) = delete;
  PartStream& operator=(const PartStream&) = delete;

  const std::string& context() const { return context_; }

  // Reads up to `size` decompressed bytes; 0 at the end (after libzip has checked the CRC).
  std::size_t read(char* buffer, std::size_t size) override {
    zip_int64_t n = zip_fread(file_, buffer, size);
    if (n < 0) {
      zip_error_t* error = zip_file_get_error(file_);
      int code = zip_error_code_zip(error);
      std::string why = code == ZIP_ER_CRC ? "its CRC does not match (the file is corrupt)"
                        : code == ZIP_ER_COMPRESSED_DATA || code == ZIP_ER_ZLIB
                            ? "its compressed data is corrupt"
                            : std::string(zip_error_strerror(error));
      throw Error::invalid_input(context_ + " cannot be read: " + why);
    }
    total_ += static_cast<std::uint64_t>(n);
    if (total_ > max_bytes_) {
      throw Error::invalid_input(context_ + " decompresses to more than " +
                                 std::to_string(max_bytes_) +
                                 " bytes; refused as a possible zip bomb");
    }
    if (total_ > kRatioGraceBytes &&
        static_cast<double>(total_) > max_ratio_ * static_cast<double>(compressed_)) {
      char ratio[32];
      std::snprintf(ratio, sizeof ratio, "%g", max_ratio_);
      throw Error::invalid_input(context_ + " expands more than " + ratio + " times (" +
                                 std::to_string(compressed_) + " compressed bytes gave over " +
                                 std::to_string(total_) + "); refused as a possible zip bomb");
    }
    return static_cast<std::size_t>(n);
  }

 private:
  std::string context_;
  std::uint64_t max_bytes_;
  double max_ratio_;
  std::uint64_t compressed_ = 1;
  std::uint64_t total_ = 0;
  zip_file_t* file_ = nullptr;
};

// A part decompressed on a thread of its own, a few blocks ahead of its parser: the worksheet's
// inflating then runs beside expat rather than between its blocks (README "Performance"). The
// limits are PartStream's, checked on that thread; what it throws reaches read() after the
// blocks before it. Four batches of one block: at most 256 KiB wait.
class PrefetchedStream : public ByteSource {
 public:
  explicit PrefetchedStream(std::unique_ptr<PartStream> part)
      : part_(std::move(part)),
        blocks_(
            [this](std::string& block) {
              block.resize(kBlockBytes);
              block.resize(part_->read(block.data(), block.size()));
              return !block.empty();
            },
            [](const std::string& block, bool capacity) {
              return capacity ? block.capacity() : block.size();
            },
            kBlockBytes, kBlockBytes) {}

  std::size_t read(char* buffer, std::size_t size) override {
    if (offset_ == block_.size()) {
      if (!blocks_.next(block_)) return 0;
      offset_ = 0;
    }
    std::size_t n = std::min(size, block_.size() - offset_);
    std::memcpy(buffer, block_.data() + offset_, n);
    offset_ += n;
    return n;
  }

 private:
  std::unique_ptr<PartStream> part_;      // outlives the thread that reads it
  detail::Prefetch<std::string> blocks_;  // joined first on destruction
  std::string block_;
  std::size_t offset_ = 0;
};

// ---------------------------------------------------------------------------------------------
// Expat

class XmlParser;

// Receives one part's elements by local name (prefixes stripped).
class XmlHandler {
 public:
  virtual ~XmlHandler() = default;
  virtual void start(std::string_view name, const XML_Char** attrs) = 0;
  virtual void end(std::string_view name) = 0;
  virtual void text(std::string_view) {}

 protected:
  void fail(const std::string& message);  // stops the parser; `message` becomes the error
  void suspend();                         // pauses after this callback (a row is ready)
  std::uint64_t line() const;             // the line being parsed

 private:
  friend class XmlParser;
  XmlParser* parser_ = nullptr;
};

// What expat itself may hold for one part: its buffer, the open elements and every distinct
// element and attribute name it has met. An ordinary sheet needs well under 1 MiB; a small part of
// elements nested millions deep, or of millions of different names, would take gigabytes.
constexpr std::size_t kMaxXmlParserBytes = std::size_t{16} << 20;
// Elements open at once. A worksheet nests about six deep.
constexpr std::size_t kMaxXmlDepth = 256;

// Expat's allocations for one parser, counted against kMaxXmlParserBytes. Expat's allocator takes
// no context, so a block records its budget in front of itself, and a new block is charged to
// the budget of the parser whose call is running on this thread (XmlBudget::Charge).
struct XmlBudget {
  std::size_t used = 0;
  bool exceeded = false;

  class Charge {
   public:
    explicit Charge(XmlBudget& budget) : previous_(current) { current = &budget; }
    ~Charge() { current = previous_; }
    Charge(const Charge&) = delete;
    Charge& operator=(const Charge&) = delete;

   private:
    XmlBudget* previous_;
  };
  static thread_local XmlBudget* current;

  struct alignas(std::max_align_t) Header {
    std::size_t size;
    XmlBudget* budget;
  };
  bool take(std::size_t bytes) {
    if (bytes > kMaxXmlParserBytes - used) {
      exceeded = true;
      return false;
    }
    used += bytes;
    return true;
  }
  static void* XMLCALL allocate(std::size_t size) {
    XmlBudget* budget = current;
    if (!budget || !budget->take(size)) return nullptr;
    auto* header = static_cast<Header*>(std::malloc(sizeof(Header) + size));
    if (!header) {
      budget->used -= size;
      return nullptr;
    }
    *header = Header{size, budget};
    return header + 1;
  }
  static void* XMLCALL reallocate(void* block, std::size_t size) {
    if (!block) return allocate(size);
    auto* header = static_cast<Header*>(block) - 1;
    XmlBudget* budget = header->budget;
    const std::size_t old = header->size;
    if (size > old && !budget->take(size - old)) return nullptr;
    auto* moved = static_cast<Header*>(std::realloc(header, sizeof(Header) + size));
    if (!moved) {
      if (size > old) budget->used -= size - old;
      return nullptr;
    }
    if (size < old) budget->used -= old - size;
    moved->size = size;
    return moved + 1;
  }
  static void XMLCALL release(void* block) {
    if (!block) return;
    auto* header = static_cast<Header*>(block) - 1;
    header->budget->used -= header->size;
    std::free(header);
  }
};
thread_local XmlBudget* XmlBudget::current = nullptr;

class XmlParser {
 public:
  enum class Step { More, Suspended, Done };

  // `any_encoding`: read an encoding expat does not know as Latin-1 (for the prolog scan, which
  // looks only for ASCII markup) instead of failing.
  XmlParser(std::string context, XmlHandler& handler, bool any_encoding = false)
      : context_(std::move(context)), handler_(handler) {
    static const XML_Memory_Handling_Suite kMemory = {&XmlBudget::allocate, &XmlBudget::reallocate,
                                                      &XmlBudget::release};
    XmlBudget::Charge charge(budget_);
    parser_ = XML_ParserCreate_MM(nullptr, &kMemory, nullptr);
    if (!parser_) throw Error::internal("cannot create an XML parser");
    handler_.parser_ = this;
    XML_SetUserData(parser_, this);
    XML_SetParamEntityParsing(parser_, XML_PARAM_ENTITY_PARSING_NEVER);
    XML_SetElementHandler(parser_, &XmlParser::on_start, &XmlParser::on_end);
    XML_SetCharacterDataHandler(parser_, &XmlParser::on_text);
    XML_SetStartDoctypeDeclHandler(parser_, &XmlParser::on_doctype);
    XML_SetEntityDeclHandler(parser_, &XmlParser::on_entity);
    XML_SetExternalEntityRefHandler(parser_, &XmlParser::on_external_entity);
    if (any_encoding) XML_SetUnknownEncodingHandler(parser_, &XmlParser::as_latin1, nullptr);
  }
  ~XmlParser() { XML_ParserFree(parser_); }
  XmlParser(const XmlParser&) = delete;
  XmlParser& operator=(const XmlParser&) = delete;

  // Parses the next block of `stream`, or resumes after a suspension.
  Step step(ByteSource& stream) {
    if (done_) return Step::Done;
    XmlBudget::Charge charge(budget_);
    XML_Status status;
    if (suspended_) {
      suspend_requested_ = false;
      status = XML_ResumeParser(parser_);
    } else {
      void* buffer = XML_GetBuffer(parser_, static_cast<int>(kBlockBytes));
      if (!buffer) throw_xml_error();
      std::size_t n = stream.read(static_cast<char*>(buffer), kBlockBytes);
      fed_ += n;
      final_ = n == 0;
      status = XML_ParseBuffer(parser_, static_cast<int>(n), final_ ? XML_TRUE : XML_FALSE);
    }
    if (!error_.empty()) {
      parse_failed_ = true;
      throw Error::invalid_input(error_);
    }
    if (status == XML_STATUS_ERROR) throw_xml_error();
    if (status == XML_STATUS_SUSPENDED) {
      suspended_ = true;
      return Step::Suspended;
    }
    suspended_ = false;
    if (final_) {
      done_ = true;
      return Step::Done;
    }
    XML_Index parsed = XML_GetCurrentByteIndex(parser_);
    if (parsed >= 0 && fed_ - static_cast<std::uint64_t>(parsed) > kMaxXmlTokenBytes) {
      parse_failed_ = true;
      throw Error::invalid_input(context_ + " has an XML tag or comment longer than " +
                                 std::to_string(kMaxXmlTokenBytes) + " bytes at line " +
                                 std::to_string(XML_GetCurrentLineNumber(parser_)));
    }
    return Step::More;
  }

  void fail(const std::string& message) {
    if (error_.empty()) error_ = message;
    XML_StopParser(parser_, XML_FALSE);
  }

  void suspend() {
    if (suspend_requested_) return;
    suspend_requested_ = true;
    XML_StopParser(parser_, XML_TRUE);
  }

  const std::string& context() const { return context_; }
  std::uint64_t line() const { return XML_GetCurrentLineNumber(parser_); }
  // Whether step() threw for the XML itself (not for its stream), and whether for a DOCTYPE, an
  // entity declaration or an external entity.
  bool parse_failed() const { return parse_failed_; }
  bool refused_declaration() const { return refused_declaration_; }

 private:
  [[noreturn]] void throw_xml_error() {
    parse_failed_ = true;
    XML_Error code = XML_GetErrorCode(parser_);
    if (code == XML_ERROR_NO_MEMORY && budget_.exceeded) {
      throw Error::invalid_input(
          context_ + " would take more than " + std::to_string(kMaxXmlParserBytes >> 20) +
          " MiB to parse (elements nested very deep, or a great many different element or "
          "attribute names, near line " +
          std::to_string(XML_GetCurrentLineNumber(parser_)) +
          "): no spreadsheet needs that; refused");
    }
    if (code == XML_ERROR_NO_MEMORY) throw Error::internal(context_ + ": out of memory");
    throw Error::invalid_input(context_ + " is not well-formed XML: " + XML_ErrorString(code) +
                               " at line " + std::to_string(XML_GetCurrentLineNumber(parser_)) +
                               ", column " +
                               std::to_string(XML_GetCurrentColumnNumber(parser_) + 1));
  }

  static XmlParser& self(void* data) { return *static_cast<XmlParser*>(data); }
  static int XMLCALL as_latin1(void*, const XML_Char*, XML_Encoding* info) {
    for (int i = 0; i < 256; ++i) info->map[i] = i;
    info->data = nullptr;
    info->convert = nullptr;
    info->release = nullptr;
    return XML_STATUS_OK;
  }
  static void XMLCALL on_start(void* data, const XML_Char* name, const XML_Char** attrs) {
    XmlParser& p = self(data);
    if (++p.depth_ > kMaxXmlDepth) {
      p.fail(p.context_ + " has elements nested more than " + std::to_string(kMaxXmlDepth) +
             " deep at line " + std::to_string(p.line()) +
             " (a worksheet nests about six); refused");
    }
    if (p.error_.empty()) p.handler_.start(local_name(name), attrs);
  }
  static void XMLCALL on_end(void* data, const XML_Char* name) {
    XmlParser& p = self(data);
    --p.depth_;
    if (p.error_.empty()) p.handler_.end(local_name(name));
  }
  static void XMLCALL on_text(void* data, const XML_Char* text, int size) {
    XmlParser& p = self(data);
    if (p.error_.empty()) p.handler_.text(std::string_view(text, static_cast<std::size_t>(size)));
  }
  static void XMLCALL on_doctype(void* data, const XML_Char*, const XML_Char*, const XML_Char*,
                                 int) {
    XmlParser& p = self(data);
    p.refused_declaration_ = true;
    p.fail(p.context_ + " has a DOCTYPE declaration at line " + std::to_string(p.line()) +
           ", which no xlsx part has; refused (it could expand entities without bound)");
  }
  static void XMLCALL on_entity(void* data, const XML_Char* name, int, const XML_Char*, int,
                                const XML_Char*, const XML_Char*, const XML_Char*,
                                const XML_Char*) {
    XmlParser& p = self(data);
    p.refused_declaration_ = true;
    p.fail(p.context_ + " declares the XML entity \"" + std::string(name) +
           "\", which no xlsx part does; refused");
  }
  static int XMLCALL on_external_entity(XML_Parser parser, const XML_Char*, const XML_Char*,
                                        const XML_Char*, const XML_Char*) {
    XmlParser& p = self(XML_GetUserData(parser));
    p.refused_declaration_ = true;
    p.fail(p.context_ + " refers to an external XML entity; refused");
    return XML_STATUS_ERROR;
  }

  std::string context_;
  XmlHandler& handler_;
  XmlBudget budget_;  // before parser_, which it outlives
  XML_Parser parser_ = nullptr;
  std::size_t depth_ = 0;
  bool parse_failed_ = false;
  bool refused_declaration_ = false;
  std::string error_;
  std::uint64_t fed_ = 0;
  bool final_ = false;
  bool suspended_ = false;
  bool suspend_requested_ = false;
  bool done_ = false;
};

void XmlHandler::fail(const std::string& message) { parser_->fail(message); }
void XmlHandler::suspend() { parser_->suspend(); }
std::uint64_t XmlHandler::line() const { return parser_->line(); }

// ---------------------------------------------------------------------------------------------
// Package parts: relationships, workbook, shared strings

struct Relationship {
  std::string type;
  std::string target;
  bool external = false;
};

class RelationshipsHandler : public XmlHandler {
 public:
  // Keeps only the relationships `wanted` accepts, so a hostile part cannot fill memory.
  explicit RelationshipsHandler(
      std::function<bool(std::string_view id, std::string_view type)> wanted)
      : wanted_(std::move(wanted)) {}

  void start(std::string_view name, const XML_Char** attrs) override {
    if (name != "Relationship") return;
    const XML_Char* id = find_attr(attrs, "Id");
    const XML_Char* type = find_attr(attrs, "Type");
    const XML_Char* target = find_attr(attrs, "Target");
    const XML_Char* mode = find_attr(attrs, "TargetMode");
    if (!id || !type || !target || !wanted_(id, type)) return;
    Relationship& rel = rels[id];
    rel.type = type;
    rel.target = target;
    rel.external = mode && std::string_view(mode) == "External";
  }
  void end(std::string_view) override {}

  std::map<std::string, Relationship> rels;

 private:
  std::function<bool(std::string_view, std::string_view)> wanted_;
};

struct SheetEntry {
  std::string name;
  std::string rel_id;
  bool hidden = false;  // state="hidden" or "veryHidden": no tab shows it
};

class WorkbookHandler : public XmlHandler {
 public:
  explicit WorkbookHandler(std::string context) : context_(std::move(context)) {}

  void start(std::string_view name, const XML_Char** attrs) override {
    if (name == "workbookPr") {
      const XML_Char* flag = find_attr(attrs, "date1904");
      date1904 = flag && (names_equal(flag, "1") || names_equal(flag, "true"));
      return;
    }
    if (name == "sheets") {
      in_sheets_ = true;
      return;
    }
    if (name != "sheet" || !in_sheets_) return;
    const XML_Char* sheet_name = find_attr(attrs, "name");
    const XML_Char* rel_id = find_attr(attrs, "id", true);
    if (!sheet_name || !rel_id) {
      return fail(context_ + " lists a sheet without a name or relationship id (line " +
                  std::to_string(line()) + ")");
    }
    if (std::strlen(sheet_name) > kMaxNameBytes || std::strlen(rel_id) > kMaxNameBytes) {
      return fail(context_ + " has a sheet name or id longer than " +
                  std::to_string(kMaxNameBytes) + " bytes");
    }
    if (sheets.size() == kMaxSheets) {
      return fail(context_ + " lists more than " + std::to_string(kMaxSheets) + " sheets");
    }
    const XML_Char* state = find_attr(attrs, "state");
    sheets.push_back({sheet_name, rel_id, state && std::strcmp(state, "visible") != 0});
  }
  void end(std::string_view name) override {
    if (name == "sheets") in_sheets_ = false;
  }

  std::vector<SheetEntry> sheets;
  bool date1904 = false;

 private:
  std::string context_;
  bool in_sheets_ = false;
};

class SharedStringsHandler : public XmlHandler {
 public:
  SharedStringsHandler(std::string context, SharedStringTable& table, std::size_t max_bytes)
      : context_(std::move(context)), table_(table), max_bytes_(max_bytes) {}

  void start(std::string_view name, const XML_Char**) override {
    if (is(name, "si")) {
      in_si_ = true;
      text_.clear();
    } else if (is(name, "rPh")) {
      ++phonetic_depth_;
    } else if (is(name, "t") && in_si_ && phonetic_depth_ == 0) {
      in_t_ = true;
    }
  }
  void end(std::string_view name) override {
    if (is(name, "t")) {
      in_t_ = false;
    } else if (is(name, "rPh")) {
      if (phonetic_depth_ > 0) --phonetic_depth_;
    } else if (is(name, "si") && in_si_) {
      in_si_ = false;
      if (table_.size() == kMaxSharedStrings) {
        return fail(context_ + " has more than " + std::to_string(kMaxSharedStrings) +
                    " shared strings");
      }
      decode_escapes(text_);
      table_.add(text_);
    }
  }
  void text(std::string_view data) override {
    if (!in_t_) return;
    text_.append(data);
    if (text_.size() > max_bytes_) {
      fail(context_ + ": shared string " + std::to_string(table_.size()) +
           " is longer than the limit of " + std::to_string(max_bytes_) + " bytes");
    }
  }

 private:
  std::string context_;
  SharedStringTable& table_;
  std::size_t max_bytes_;
  std::string text_;
  bool in_si_ = false;
  bool in_t_ = false;
  int phonetic_depth_ = 0;
};

// ---------------------------------------------------------------------------------------------
// The worksheet

// Which cell formats (the index a cell's s attribute gives) show a number as a date or time, so
// that a date typed where text or a number belongs can be told apart from the number it is.
struct DateStyles {
  std::vector<bool> is_date;  // by cellXfs index
  bool date1904 = false;      // the workbook counts days from 1904-01-01 (old Mac Excel)
  bool any() const { return std::find(is_date.begin(), is_date.end(), true) != is_date.end(); }
  bool date(std::size_t style) const { return style < is_date.size() && is_date[style]; }
};

// Whether a number format code shows a date or time: a y, m, d, h or s outside quoted text,
// escapes and [...] (a colour or locale; [h], [mm], [ss] are elapsed time), in its first section.
bool is_date_format(std::string_view code) {
  for (std::size_t i = 0; i < code.size(); ++i) {
    char c = code[i];
    if (c == ';') return false;
    if (c == '"') {
      i = code.find('"', i + 1);
      if (i == std::string_view::npos) return false;
    } else if (c == '\\' || c == '_' || c == '*') {
      ++i;
    } else if (c == '[') {
      std::size_t end = code.find(']', i);
      if (end == std::string_view::npos) return false;
      std::string_view inner = code.substr(i + 1, end - i - 1);
      if (!inner.empty() && inner.find_first_not_of("hHmMsS") == std::string_view::npos) {
        return true;
      }
      i = end;
    } else if (std::strchr("yYmMdDhHsS", c) != nullptr) {
      return true;
    }
  }
  return false;
}

// Excel's built-in date and time formats, including the Chinese locale's 27-36 and 50-58.
bool is_builtin_date_format(long id) {
  return (id >= 14 && id <= 22) || (id >= 27 && id <= 36) || (id >= 45 && id <= 47) ||
         (id >= 50 && id <= 58);
}

class StylesHandler : public XmlHandler {
 public:
  explicit StylesHandler(std::string context, DateStyles& styles)
      : context_(std::move(context)), styles_(styles) {}

  void start(std::string_view name, const XML_Char** attrs) override {
    if (is(name, "numFmt")) {
      const XML_Char* id = find_attr(attrs, "numFmtId");
      const XML_Char* code = find_attr(attrs, "formatCode");
      if (id && code && is_date_format(code)) custom_dates_.push_back(std::atol(id));
    } else if (is(name, "cellXfs")) {
      in_cell_xfs_ = true;
    } else if (is(name, "xf") && in_cell_xfs_) {
      if (styles_.is_date.size() == kMaxCellFormats) {
        return fail(context_ + " has more than " + std::to_string(kMaxCellFormats) +
                    " cell formats");
      }
      const XML_Char* id = find_attr(attrs, "numFmtId");
      const long format = id ? std::atol(id) : 0;
      styles_.is_date.push_back(is_builtin_date_format(format) ||
                                std::find(custom_dates_.begin(), custom_dates_.end(), format) !=
                                    custom_dates_.end());
    }
  }
  void end(std::string_view name) override {
    if (is(name, "cellXfs")) in_cell_xfs_ = false;
  }

 private:
  static constexpr std::size_t kMaxCellFormats = 65536;  // Excel's limit is 64,000
  std::string context_;
  DateStyles& styles_;
  std::vector<long> custom_dates_;
  bool in_cell_xfs_ = false;
};

// A date cell's serial number as the date (and time) it shows, "2026-06-30" or
// "2026-06-30 09:30:00", or nullopt for a number no date format can show (below 1, or past
// 9999-12-31).
std::optional<std::string> serial_date(std::string_view value, bool date1904) {
  double serial = 0;
  auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), serial);
  if (ec != std::errc() || end != value.data() + value.size() || !(serial >= 1) ||
      serial >= 2958466) {
    return std::nullopt;
  }
  long days = static_cast<long>(serial);
  long seconds = std::lround((serial - static_cast<double>(days)) * 86400);
  if (seconds == 86400) ++days, seconds = 0;
  // Days since 1970-01-01. Excel's 1900 system counts a 29 February 1900 that never was (day
  // 60), as Lotus 1-2-3 did: days after it are one fewer.
  long z = date1904 ? days - 24107 : days - (days > 60 ? 25569 : 25568);
  if (!date1904 && days == 60) return std::string("1900-02-29");
  // Howard Hinnant's civil_from_days.
  z += 719468;
  const long era = (z >= 0 ? z : z - 146096) / 146097;
  const long doe = z - era * 146097;
  const long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const long mp = (5 * doy + 2) / 153;
  const long d = doy - (153 * mp + 2) / 5 + 1;
  const long m = mp < 10 ? mp + 3 : mp - 9;
  const long y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  char buf[96];  // room for any long, though a year here has four digits
  if (seconds == 0) {
    std::snprintf(buf, sizeof buf, "%04ld-%02ld-%02ld", y, m, d);
  } else {
    std::snprintf(buf, sizeof buf, "%04ld-%02ld-%02ld %02ld:%02ld:%02ld", y, m, d, seconds / 3600,
                  seconds / 60 % 60, seconds % 60);
  }
  return std::string(buf);
}

class WorksheetHandler : public XmlHandler {
 public:
  // `styles`: the workbook's date formats, or nullptr when it has none.
  WorksheetHandler(std::string context, SharedStringTable* strings, const DateStyles* styles,
                   const SheetLimits& limits)
      : context_(std::move(context)), strings_(strings), styles_(styles), limits_(limits) {}

  std::deque<SheetRow> ready;

  // A row the caller is done with: its buffers are reused for a later row.
  void recycle(SheetRow&& row) {
    if (spare_.size() < kSpareRows) spare_.push_back(std::move(row));
  }

  void start(std::string_view name, const XML_Char** attrs) override {
    if (is(name, "sheetData")) {
      in_sheet_data_ = true;
    } else if (!in_sheet_data_) {
      return;
    } else if (is(name, "row") && !in_row_) {
      start_row(attrs);
    } else if (is(name, "c") && in_row_ && !in_cell_) {
      start_cell(attrs);
    } else if (!in_cell_) {
      return;
    } else if (is(name, "v") && !in_is_) {
      in_v_ = true;
    } else if (is(name, "is")) {
      in_is_ = true;
    } else if (is(name, "rPh")) {
      ++phonetic_depth_;
    } else if (is(name, "t") && in_is_ && phonetic_depth_ == 0) {
      in_t_ = true;
    }
  }

  void end(std::string_view name) override {
    if (!in_sheet_data_) return;
    if (is(name, "sheetData")) {
      in_sheet_data_ = false;
    } else if (is(name, "row") && in_row_ && !in_cell_) {
      in_row_ = false;
      row_.cells.resize(used_);  // up to the last non-empty cell (shorter only rarely: no frees)
      ready.push_back(std::move(row_));
      if (spare_.empty()) {
        row_ = SheetRow();
      } else {
        row_ = std::move(spare_.back());
        spare_.pop_back();
      }
      suspend();
    } else if (!in_cell_) {
      return;
    } else if (is(name, "c")) {
      in_cell_ = false;
      finish_cell();
    } else if (is(name, "v")) {
      in_v_ = false;
    } else if (is(name, "is")) {
      in_is_ = false;
    } else if (is(name, "rPh")) {
      if (phonetic_depth_ > 0) --phonetic_depth_;
    } else if (is(name, "t")) {
      in_t_ = false;
    }
  }

  void text(std::string_view data) override {
    if (!in_v_ && !in_t_) return;
    value_.append(data);
    if (value_.size() > limits_.max_field_bytes) {
      fail(where() + ": cell " + cell_ref() + " is longer than the limit of " +
           std::to_string(limits_.max_field_bytes) + " bytes");
    }
  }

 private:
  enum class Type { Number, Shared, Inline, FormulaString, Boolean, Error, Other };

  std::string where() const { return context_ + " row " + std::to_string(row_.number); }
  std::string cell_ref() const { return column_letters(column_) + std::to_string(row_.number); }

  void start_row(const XML_Char** attrs) {
    in_row_ = true;
    std::size_t number = last_row_ + 1;
    if (const XML_Char* r = find_attr(attrs, "r")) {
      std::string_view digits(r);
      number = 0;
      bool ok = !digits.empty() && digits.size() <= 10;
      for (char c : digits) {
        ok = ok && c >= '0' && c <= '9';
        if (ok) number = number * 10 + static_cast<std::size_t>(c - '0');
      }
      if (!ok || number == 0 || number > kMaxRowNumber) {
        row_.number = last_row_ + 1;
        return fail(where() + ": the row number \"" + std::string(digits) + "\" is not valid");
      }
      if (number <= last_row_) {  // Excel writes each row once, top to bottom
        row_.number = number;
        return fail(where() + " comes again or after row " + std::to_string(last_row_) +
                    " (the file is damaged)");
      }
    }
    row_.number = number;
    // Cells are emptied, not destroyed: their strings keep their buffers for this row's text.
    for (auto& cell : row_.cells) {
      cell.kind = CellKind::Empty;
      cell.text.clear();
    }
    used_ = 0;
    row_bytes_ = 0;
    last_row_ = number;
    next_column_ = 0;
  }

  void start_cell(const XML_Char** attrs) {
    in_cell_ = true;
    in_v_ = in_is_ = in_t_ = false;
    phonetic_depth_ = 0;
    value_.clear();
    column_ = next_column_;
    if (const XML_Char* r = find_attr(attrs, "r")) {
      std::string_view ref(r);
      std::size_t i = 0, column = 0;
      while (i < ref.size() && column <= kMaxColumns &&
             ((ref[i] >= 'A' && ref[i] <= 'Z') || (ref[i] >= 'a' && ref[i] <= 'z'))) {
        char c = ref[i] >= 'a' ? static_cast<char>(ref[i] - 'a' + 'A') : ref[i];
        column = column * 26 + static_cast<std::size_t>(c - 'A' + 1);
        ++i;
      }
      bool digits = i < ref.size();
      for (std::size_t k = i; digits && k < ref.size(); ++k)
        digits = ref[k] >= '0' && ref[k] <= '9';
      if (i == 0 || !digits) {
        return fail(where() + ": the cell reference \"" + std::string(ref) + "\" is not valid");
      }
      if (column > kMaxColumns) {
        return fail(where() + ": the cell reference \"" + std::string(ref) +
                    "\" is past the last column, XFD");
      }
      column_ = column - 1;
      if (column_ < next_column_) {  // Excel writes a row's cells once each, left to right
        return fail(where() + ": the cell " + std::string(ref) +
                    " comes again or out of order in its row (the file is damaged)");
      }
    }
    if (column_ >= kMaxColumns) {
      return fail(where() + ": a cell is past the last column, XFD");
    }
    next_column_ = column_ + 1;
    std::string_view t;
    if (const XML_Char* type = find_attr(attrs, "t")) t = type;
    date_style_ = false;
    if (t.empty() || is(t, "n")) {
      type_ = Type::Number;
      if (styles_) {
        if (const XML_Char* style = find_attr(attrs, "s")) {
          date_style_ = styles_->date(static_cast<std::size_t>(std::atol(style)));
        }
      }
    } else if (is(t, "s")) {
      type_ = Type::Shared;
    } else if (is(t, "inlineStr")) {
      type_ = Type::Inline;
    } else if (is(t, "str")) {
      type_ = Type::FormulaString;
    } else if (is(t, "b")) {
      type_ = Type::Boolean;
    } else if (is(t, "e")) {
      type_ = Type::Error;
    } else {
      type_ = Type::Other;  // "d" (an ISO 8601 date) and anything newer: kept as text
    }
  }

  // Fills cell_ (a scratch cell whose buffer is reused), then swaps it into the row.
  void finish_cell() {
    Cell& cell = cell_;
    cell.kind = CellKind::Empty;
    cell.text.clear();
    auto set = [&cell](CellKind kind, std::string_view text) {
      cell.kind = kind;
      cell.text.assign(text);
    };
    switch (type_) {
      case Type::Number:
        if (value_.empty()) break;
        if (date_style_) {
          if (auto date = serial_date(value_, styles_->date1904)) {
            set(CellKind::Date, *date);
            break;
          }
        }
        set(CellKind::Number, value_);
        break;
      case Type::Shared: {
        if (value_.empty()) break;
        std::size_t index = 0;
        bool ok = value_.size() <= 12;
        for (char c : value_) {
          ok = ok && c >= '0' && c <= '9';
          index = index * 10 + static_cast<std::size_t>(c - '0');
        }
        if (!strings_) {
          return fail(where() + ": cell " + cell_ref() +
                      " refers to a shared string, but the workbook has no shared-strings part "
                      "(xl/sharedStrings.xml is missing: the file is damaged)");
        }
        std::size_t count = strings_->size();
        if (!ok || index >= count) {
          return fail(where() + ": cell " + cell_ref() + " refers to shared string \"" + value_ +
                      "\", but the workbook has " + std::to_string(count) + " shared strings");
        }
        cell.kind = CellKind::Text;
        strings_->get(index, cell.text);
        break;
      }
      case Type::Inline:
      case Type::FormulaString:
      case Type::Other:
        // An inline string's text comes from <is>; a few writers put it in <v> instead.
        set(CellKind::Text, value_);
        decode_escapes(cell.text);
        break;
      case Type::Boolean:
        if (value_ == "1" || value_ == "true") {
          set(CellKind::Boolean, "TRUE");
        } else if (value_ == "0" || value_ == "false") {
          set(CellKind::Boolean, "FALSE");
        } else if (!value_.empty()) {
          return fail(where() + ": cell " + cell_ref() + " has the boolean value \"" + value_ +
                      "\", which is neither 0 nor 1");
        }
        break;
      case Type::Error:
        if (!value_.empty()) set(CellKind::Error, value_);
        break;
    }
    if (cell.kind == CellKind::Text && cell.text.empty()) cell.kind = CellKind::Empty;
    if (cell.kind == CellKind::Empty) {
      if (column_ < row_.cells.size()) {
        row_.cells[column_].kind = CellKind::Empty;
        row_.cells[column_].text.clear();
      }
      return;
    }
    row_bytes_ += cell.text.size();
    if (row_bytes_ > limits_.max_record_bytes) {
      return fail(where() + " holds more than " + std::to_string(limits_.max_record_bytes) +
                  " bytes of text, the limit for one row");
    }
    if (column_ >= row_.cells.size()) row_.cells.resize(column_ + 1);
    std::swap(row_.cells[column_], cell);
    used_ = std::max(used_, column_ + 1);
  }

  static constexpr std::size_t kSpareRows = 4;

  std::string context_;
  SharedStringTable* strings_;
  const DateStyles* styles_;
  SheetLimits limits_;

  bool in_sheet_data_ = false;
  bool in_row_ = false;
  bool in_cell_ = false;
  bool in_v_ = false;
  bool in_is_ = false;
  bool in_t_ = false;
  int phonetic_depth_ = 0;

  SheetRow row_;
  std::size_t used_ = 0;  // row_'s cells up to its last non-empty one
  Cell cell_;
  std::vector<SheetRow> spare_;
  std::size_t row_bytes_ = 0;
  std::size_t last_row_ = 0;
  std::size_t column_ = 0;
  std::size_t next_column_ = 0;
  Type type_ = Type::Number;
  bool date_style_ = false;  // the cell's format shows a date or time
  std::string value_;
};

// ---------------------------------------------------------------------------------------------
// The reader

class XlsxReader final : public SheetReader {
 public:
  XlsxReader(const std::filesystem::path& file, const SheetOptions& options);

  bool next(SheetRow& row) override;
  std::string format() const override { return "xlsx"; }
  std::string encoding() const override { return "utf-8"; }
  std::string sheet_name() const override { return sheet_name_; }

 private:
  [[noreturn]] void fail(const std::string& what) const {
    throw Error::invalid_input(display_ + ": " + what);
  }
  std::optional<zip_uint64_t> locate(const std::string& part) const;
  std::unique_ptr<PartStream> open_part(zip_uint64_t index, const std::string& part,
                                        std::uint64_t max_bytes) const;
  void parse_whole(const std::string& part, std::uint64_t max_bytes, XmlHandler& handler) const;
  std::string find_workbook() const;
  void refuse_declarations() const;

  std::string display_;
  SheetLimits limits_;
  std::uint64_t archive_bytes_ = 0;
  ZipHandle zip_;
  std::string sheet_name_;
  std::string sheet_part_;
  std::unique_ptr<SharedStringTable> strings_;
  std::unique_ptr<DateStyles> styles_;  // only when some cell format shows a date
  std::unique_ptr<ByteSource> stream_;
  std::unique_ptr<WorksheetHandler> handler_;
  std::unique_ptr<XmlParser> parser_;
  bool finished_ = false;
  std::exception_ptr error_;
};

XlsxReader::XlsxReader(const std::filesystem::path& file, const SheetOptions& options)
    : display_(file.string()), limits_(options.limits) {
  std::error_code ec;
  archive_bytes_ = std::filesystem::file_size(file, ec);
  if (ec) throw Error::io(display_ + ": cannot read the file: " + ec.message(), ec.value());

  int code = 0;
  zip_.reset(zip_open(file.c_str(), ZIP_RDONLY | ZIP_CHECKCONS, &code));
  if (!zip_) {
    if (code == ZIP_ER_OPEN || code == ZIP_ER_READ || code == ZIP_ER_SEEK) {
      throw Error::io(display_ + ": cannot read the file: " + zip_error_text(code), errno);
    }
    std::string why = code == ZIP_ER_NOZIP ? "it is not a complete zip package (truncated?)"
                      : code == ZIP_ER_INCONS
                          ? "its zip directory is inconsistent (the file is corrupt)"
                      : code == ZIP_ER_EXISTS
                          ? "two of its parts have the same name (the package is damaged or was "
                            "altered)"
                          : zip_error_text(code);
    fail("is not a readable Excel workbook: " + why);
  }

  refuse_declarations();
  std::string workbook = find_workbook();
  WorkbookHandler workbook_handler(display_ + ": " + workbook);
  parse_whole(workbook, kMaxMetadataPartBytes, workbook_handler);
  const auto& sheets = workbook_handler.sheets;
  if (sheets.empty()) fail(workbook + " lists no sheets");

  std::string rels_part = rels_part_for(workbook);
  RelationshipsHandler rels_handler([&sheets](std::string_view id, std::string_view type) {
    if (ends_with(type, "/sharedStrings") || ends_with(type, "/styles")) return true;
    return std::any_of(sheets.begin(), sheets.end(),
                       [id](const SheetEntry& s) { return s.rel_id == id; });
  });
  if (!locate(rels_part)) fail("the workbook has no relationships part " + rels_part);
  parse_whole(rels_part, kMaxMetadataPartBytes, rels_handler);
  const auto& rels = rels_handler.rels;
  auto is_worksheet = [&rels](const SheetEntry& s) {
    auto it = rels.find(s.rel_id);
    return it != rels.end() && ends_with(it->second.type, "/worksheet");
  };

  const SheetEntry* chosen = nullptr;
  if (!options.sheet_name.empty()) {
    for (const auto& s : sheets) {
      if (s.name == options.sheet_name) chosen = &s;
    }
    for (const auto& s : sheets) {
      if (!chosen && equal_ignoring_ascii_case(s.name, options.sheet_name)) chosen = &s;
    }
    if (!chosen) {
      std::string names;
      for (const auto& s : sheets) names += (names.empty() ? "\"" : ", \"") + s.name + "\"";
      fail("has no sheet named \"" + options.sheet_name + "\"; its sheets are " + names);
    }
  } else {
    // The first worksheet whose tab shows: a hidden one in front (drop-down lists, say) is not
    // what the user sees as the first sheet. If every one is hidden, the first.
    auto it = std::find_if(sheets.begin(), sheets.end(),
                           [&](const SheetEntry& s) { return is_worksheet(s) && !s.hidden; });
    if (it == sheets.end()) it = std::find_if(sheets.begin(), sheets.end(), is_worksheet);
    if (it == sheets.end()) {
      for (const auto& s : sheets) {
        if (!rels.count(s.rel_id)) {
          fail("sheet \"" + s.name + "\" has no part (relationship " + s.rel_id +
               " is missing from " + rels_part + ")");
        }
      }
      fail("has no worksheet (only chart or dialog sheets)");
    }
    chosen = &*it;
  }
  sheet_name_ = chosen->name;
  auto rel = rels.find(chosen->rel_id);
  if (rel == rels.end()) {
    fail("sheet \"" + sheet_name_ + "\" has no part (relationship " + chosen->rel_id +
         " is missing from " + rels_part + ")");
  }
  if (!is_worksheet(*chosen)) fail("sheet \"" + sheet_name_ + "\" is not a worksheet");
  if (rel->second.external) fail("sheet \"" + sheet_name_ + "\" is stored outside the file");
  sheet_part_ = resolve_part(directory_of(workbook), rel->second.target);
  auto sheet_index = locate(sheet_part_);
  if (!sheet_index)
    fail("the part " + sheet_part_ + " of sheet \"" + sheet_name_ + "\" is missing");

  std::string strings_part;
  for (const auto& [id, r] : rels) {
    if (ends_with(r.type, "/sharedStrings") && !r.external) {
      strings_part = resolve_part(directory_of(workbook), r.target);
    }
  }
  if (strings_part.empty() && locate("xl/sharedStrings.xml")) strings_part = "xl/sharedStrings.xml";
  if (!strings_part.empty() && locate(strings_part)) {
    strings_ = std::make_unique<SharedStringTable>();
    SharedStringsHandler strings_handler(display_ + ": " + strings_part, *strings_,
                                         limits_.max_field_bytes);
    parse_whole(strings_part, limits_.max_part_bytes, strings_handler);
  }

  for (const auto& [id, r] : rels) {
    if (!ends_with(r.type, "/styles") || r.external) continue;
    std::string styles_part = resolve_part(directory_of(workbook), r.target);
    if (!locate(styles_part)) continue;
    auto styles = std::make_unique<DateStyles>();
    StylesHandler styles_handler(display_ + ": " + styles_part, *styles);
    parse_whole(styles_part, kMaxMetadataPartBytes, styles_handler);
    styles->date1904 = workbook_handler.date1904;
    if (styles->any()) styles_ = std::move(styles);
  }

  std::string context = display_ + ": " + sheet_part_;
  stream_ = std::make_unique<PrefetchedStream>(
      open_part(*sheet_index, sheet_part_, limits_.max_part_bytes));
  handler_ = std::make_unique<WorksheetHandler>(context, strings_.get(), styles_.get(), limits_);
  parser_ = std::make_unique<XmlParser>(context, *handler_);
}

std::optional<zip_uint64_t> XlsxReader::locate(const std::string& part) const {
  zip_int64_t index = zip_name_locate(zip_.get(), part.c_str(), 0);
  if (index < 0) index = zip_name_locate(zip_.get(), part.c_str(), ZIP_FL_NOCASE);
  if (index < 0) return std::nullopt;
  return static_cast<zip_uint64_t>(index);
}

// No xlsx part has a DOCTYPE or entity declarations, and the parts the import reads are refused
// for one as expat meets it. The others (an unselected sheet, [Content_Types].xml, themes, ...)
// are never parsed for their content, so nothing in them could be expanded; a workbook that
// carries one is refused all the same, as the issue asks of hostile XML. A declaration can only
// stand in the prolog, before the root element: expat reads each XML part that far, whatever its
// encoding and however long its comments. A part that is not XML up to its root is left alone:
// the import never reads it, and Excel repairs or drops such a part.
void XlsxReader::refuse_declarations() const {
  // Stops the parse at the root element.
  class PrologHandler : public XmlHandler {
   public:
    void start(std::string_view, const XML_Char**) override {
      root = true;
      suspend();
    }
    void end(std::string_view) override {}
    bool root = false;
  };
  constexpr zip_int64_t kMaxParts = 65536;
  const zip_int64_t parts = zip_get_num_entries(zip_.get(), 0);
  if (parts > kMaxParts) {
    fail("has " + std::to_string(parts) + " parts, more than any workbook (" +
         std::to_string(kMaxParts) + ")");
  }
  for (zip_int64_t i = 0; i < parts; ++i) {
    const char* raw = zip_get_name(zip_.get(), static_cast<zip_uint64_t>(i), 0);
    if (!raw) continue;
    const std::string_view name(raw);
    auto has_extension = [&name](std::string_view ext) {
      return name.size() >= ext.size() &&
             equal_ignoring_ascii_case(name.substr(name.size() - ext.size()), ext);
    };
    if (!has_extension(".xml") && !has_extension(".rels") && !has_extension(".vml")) continue;
    auto stream = open_part(static_cast<zip_uint64_t>(i), raw, kMaxMetadataPartBytes);
    PrologHandler handler;
    XmlParser parser(raw, handler, true);
    try {
      while (!handler.root && parser.step(*stream) != XmlParser::Step::Done) {
      }
    } catch (const Error& e) {
      if (parser.refused_declaration()) fail(e.what());
      if (!parser.parse_failed()) throw;  // the zip part itself: corrupt, a bomb, ...
    }
  }
}

std::unique_ptr<PartStream> XlsxReader::open_part(zip_uint64_t index, const std::string& part,
                                                  std::uint64_t max_bytes) const {
  return std::make_unique<PartStream>(zip_.get(), index, display_ + ": " + part,
                                      std::min(max_bytes, limits_.max_part_bytes),
                                      limits_.max_compression_ratio, archive_bytes_);
}

void XlsxReader::parse_whole(const std::string& part, std::uint64_t max_bytes,
                             XmlHandler& handler) const {
  auto index = locate(part);
  if (!index) fail("the part " + part + " is missing");
  auto stream = open_part(*index, part, max_bytes);
  XmlParser parser(stream->context(), handler);
  while (parser.step(*stream) != XmlParser::Step::Done) {
  }
}

// The workbook part named by the package relationships, else the usual xl/workbook.xml.
std::string XlsxReader::find_workbook() const {
  std::string workbook;
  if (locate("_rels/.rels")) {
    RelationshipsHandler handler(
        [](std::string_view, std::string_view type) { return ends_with(type, "/officeDocument"); });
    parse_whole("_rels/.rels", kMaxMetadataPartBytes, handler);
    for (const auto& [id, rel] : handler.rels) {
      if (!rel.external) workbook = resolve_part("", rel.target);
    }
  }
  if (workbook.empty() || !locate(workbook)) workbook = "xl/workbook.xml";
  if (!locate(workbook)) {
    fail("is a zip file but not an Excel workbook: it has no " + workbook +
         " (is it an .xlsb, .ods or another kind of zip?)");
  }
  return workbook;
}

bool XlsxReader::next(SheetRow& row) {
  if (error_) std::rethrow_exception(error_);
  try {
    for (;;) {
      if (!handler_->ready.empty()) {
        std::swap(row, handler_->ready.front());
        handler_->recycle(std::move(handler_->ready.front()));
        handler_->ready.pop_front();
        return true;
      }
      if (finished_) return false;
      if (parser_->step(*stream_) == XmlParser::Step::Done) finished_ = true;
    }
  } catch (...) {
    error_ = std::current_exception();
    throw;
  }
}

}  // namespace

std::unique_ptr<SheetReader> open_xlsx(const std::filesystem::path& file,
                                       const SheetOptions& options) {
  return std::make_unique<XlsxReader>(file, options);
}

}  // namespace sheet_detail
}  // namespace ncss
