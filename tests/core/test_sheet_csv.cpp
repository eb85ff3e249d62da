#include <iconv.h>

#include <algorithm>
#include <atomic>
#include <catch2/catch.hpp>
#include <memory>
#include <random>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "ncss/error.hpp"
#include "ncss/sheet.hpp"
#include "prefetch.hpp"
#include "testkit.hpp"

namespace {

using ncss::CellKind;
using ncss::ErrorCode;

std::vector<ncss::SheetRow> read_all(ncss::SheetReader& reader) {
  std::vector<ncss::SheetRow> rows;
  ncss::SheetRow row;
  while (reader.next(row)) rows.push_back(row);
  return rows;
}

std::vector<ncss::SheetRow> read_all(const std::filesystem::path& file,
                                     const ncss::SheetOptions& options = {}) {
  auto reader = ncss::open_sheet(file, options);
  return read_all(*reader);
}

// The texts of a row's cells, "" for Empty.
std::vector<std::string> texts(const ncss::SheetRow& row) {
  std::vector<std::string> out;
  for (const auto& cell : row.cells) out.push_back(cell.text);
  return out;
}

template <typename F>
void check_refused(F&& action, ErrorCode code, const std::string& phrase) {
  try {
    action();
    FAIL("no ncss::Error was thrown; expected one saying: " << phrase);
  } catch (const ncss::Error& e) {
    CHECK(e.code() == code);
    CHECK_THAT(std::string(e.what()), Catch::Matchers::Contains(phrase));
  }
}

std::string to_gb18030(const std::string& utf8) {
  iconv_t cd = iconv_open("GB18030", "UTF-8");
  if (cd == reinterpret_cast<iconv_t>(-1)) throw std::runtime_error("no GB18030 in iconv");
  std::string out(utf8.size() * 2 + 16, '\0');
  char* in = const_cast<char*>(utf8.data());
  std::size_t in_left = utf8.size();
  char* dst = out.data();
  std::size_t dst_left = out.size();
  std::size_t rc = iconv(cd, &in, &in_left, &dst, &dst_left);
  iconv_close(cd);
  if (rc == static_cast<std::size_t>(-1)) throw std::runtime_error("iconv failed");
  out.resize(out.size() - dst_left);
  return out;
}

const std::string kRoster =
    "学生姓名,身份证号,手机号\n"
    "张三,110105194912310016,13812345678\n"
    "李四,32010219900101002X,13912345678\n";

}  // namespace

TEST_CASE("csv: UTF-8 with and without a byte order mark", "[csv]") {
  testkit::TempDir dir;
  SECTION("without BOM") {
    testkit::write_file(dir / "roster.csv", kRoster);
    auto reader = ncss::open_sheet(dir / "roster.csv");
    CHECK(reader->format() == "csv");
    CHECK(reader->encoding() == "utf-8");
    CHECK(reader->sheet_name().empty());
    auto rows = read_all(*reader);
    REQUIRE(rows.size() == 3);
    CHECK(rows[0].number == 1);
    CHECK(texts(rows[0]) == std::vector<std::string>{"学生姓名", "身份证号", "手机号"});
    CHECK(texts(rows[2]) == std::vector<std::string>{"李四", "32010219900101002X", "13912345678"});
    CHECK(rows[2].number == 3);
    for (const auto& cell : rows[1].cells) CHECK(cell.kind == CellKind::Text);
  }
  SECTION("with BOM, which is reported and stripped") {
    testkit::write_file(dir / "roster.csv", "\xEF\xBB\xBF" + kRoster);
    auto reader = ncss::open_sheet(dir / "roster.csv");
    CHECK(reader->encoding() == "utf-8-bom");
    auto rows = read_all(*reader);
    REQUIRE(rows.size() == 3);
    CHECK(rows[0].cells[0].text == "学生姓名");
  }
  SECTION("a file named .txt is read as CSV too") {
    testkit::write_file(dir / "roster.txt", kRoster);
    CHECK(read_all(dir / "roster.txt").size() == 3);
  }
}

TEST_CASE("csv: GB18030 as Chinese Excel saves it is decoded exactly", "[csv]") {
  testkit::TempDir dir;
  SECTION("a small file") {
    testkit::write_file(dir / "gbk.csv", to_gb18030(kRoster));
    auto reader = ncss::open_sheet(dir / "gbk.csv");
    CHECK(reader->encoding() == "gb18030");
    auto rows = read_all(*reader);
    REQUIRE(rows.size() == 3);
    CHECK(texts(rows[0]) == std::vector<std::string>{"学生姓名", "身份证号", "手机号"});
    CHECK(texts(rows[1]) == std::vector<std::string>{"张三", "110105194912310016", "13812345678"});
  }
  SECTION("a header-only file") {
    testkit::write_file(dir / "head.csv", to_gb18030("姓名,学号\n"));
    auto reader = ncss::open_sheet(dir / "head.csv");
    CHECK(reader->encoding() == "gb18030");
    auto rows = read_all(*reader);
    REQUIRE(rows.size() == 1);
    CHECK(texts(rows[0]) == std::vector<std::string>{"姓名", "学号"});
  }
  SECTION("characters split across read blocks") {
    std::string utf8;
    std::string line = "欧阳娜娜,北京大学,计算机科学与技术,\"硕士,研究生\"\n";
    for (int i = 0; i < 8000; ++i) utf8 += line;  // about 330 KB of GB18030
    testkit::write_file(dir / "big.csv", to_gb18030(utf8));
    auto rows = read_all(dir / "big.csv");
    REQUIRE(rows.size() == 8000);
    for (const auto& row : rows) {
      REQUIRE(texts(row) ==
              std::vector<std::string>{"欧阳娜娜", "北京大学", "计算机科学与技术", "硕士,研究生"});
    }
    CHECK(rows.back().number == 8000);
  }
}

TEST_CASE("csv: line ends", "[csv]") {
  testkit::TempDir dir;
  SECTION("CRLF") {
    testkit::write_file(dir / "a.csv", "a,b\r\nc,d\r\n");
    auto rows = read_all(dir / "a.csv");
    REQUIRE(rows.size() == 2);
    CHECK(texts(rows[1]) == std::vector<std::string>{"c", "d"});
  }
  SECTION("lone CR") {
    testkit::write_file(dir / "a.csv", "a,b\rc,d\r");
    auto rows = read_all(dir / "a.csv");
    REQUIRE(rows.size() == 2);
    CHECK(texts(rows[1]) == std::vector<std::string>{"c", "d"});
  }
  SECTION("a trailing newline makes no extra row; a missing one loses nothing") {
    testkit::write_file(dir / "a.csv", "a\nb\n");
    CHECK(read_all(dir / "a.csv").size() == 2);
    testkit::write_file(dir / "b.csv", "a\nb");
    auto rows = read_all(dir / "b.csv");
    REQUIRE(rows.size() == 2);
    CHECK(rows[1].cells[0].text == "b");
  }
  SECTION("a blank line is a row of one Empty cell, counted") {
    testkit::write_file(dir / "a.csv", "a\n\nb,\n");
    auto rows = read_all(dir / "a.csv");
    REQUIRE(rows.size() == 3);
    REQUIRE(rows[1].cells.size() == 1);
    CHECK(rows[1].cells[0].kind == CellKind::Empty);
    CHECK(rows[2].number == 3);
    REQUIRE(rows[2].cells.size() == 2);
    CHECK(rows[2].cells[1].kind == CellKind::Empty);
  }
  SECTION("a CRLF split across read blocks") {
    std::string first(65535, 'x');
    first[0] = 'a';
    std::string content = first + "\r\nsecond\r\n";
    testkit::write_file(dir / "a.csv", content);
    auto rows = read_all(dir / "a.csv");
    REQUIRE(rows.size() == 2);
    CHECK(rows[1].cells[0].text == "second");
    CHECK(rows[1].number == 2);
  }
}

TEST_CASE("csv: RFC 4180 quoting", "[csv]") {
  testkit::TempDir dir;
  testkit::write_file(dir / "q.csv",
                      "name,note\n"
                      "\"Zhang, San\",\"he said \"\"hi\"\"\"\n"
                      "\"multi\nline\r\nfield\",x\n"
                      "after,\"\"\n"
                      "ab\"c,\"q\"tail\n");
  auto rows = read_all(dir / "q.csv");
  REQUIRE(rows.size() == 5);
  CHECK(texts(rows[1]) == std::vector<std::string>{"Zhang, San", "he said \"hi\""});
  CHECK(texts(rows[2]) == std::vector<std::string>{"multi\nline\r\nfield", "x"});
  SECTION("a record with line breaks is one row number") {
    CHECK(rows[2].number == 3);
    CHECK(rows[3].number == 4);
  }
  SECTION("an empty quoted field is Empty") { CHECK(rows[3].cells[1].kind == CellKind::Empty); }
  SECTION("stray quotes are kept leniently") {
    CHECK(texts(rows[4]) == std::vector<std::string>{"ab\"c", "qtail"});
  }
}

TEST_CASE("csv: refused files", "[csv]") {
  testkit::TempDir dir;
  SECTION("an empty file") {
    testkit::write_file(dir / "empty.csv", "");
    check_refused([&] { ncss::open_sheet(dir / "empty.csv"); }, ErrorCode::InvalidInput,
                  "empty.csv: the file is empty");
    testkit::write_file(dir / "bom.csv", "\xEF\xBB\xBF \r\n\n");
    check_refused([&] { ncss::open_sheet(dir / "bom.csv"); }, ErrorCode::InvalidInput,
                  "the file is empty");
  }
  SECTION("a PNG named .csv") {
    const char header[] = "\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x10";
    std::string png(header, sizeof header - 1);
    testkit::write_file(dir / "photo.csv", png + std::string(100, '\x7f'));
    check_refused([&] { ncss::open_sheet(dir / "photo.csv"); }, ErrorCode::InvalidInput,
                  "photo.csv: contains a NUL byte at byte 8; it looks like a binary file");
  }
  SECTION("control bytes at the start") {
    testkit::write_file(dir / "ctl.csv",
                        "ab\x03\x04"
                        "cd\n");
    check_refused([&] { ncss::open_sheet(dir / "ctl.csv"); }, ErrorCode::InvalidInput,
                  "looks like a binary file");
  }
  SECTION("UTF-16") {
    testkit::write_file(dir / "u16.csv", std::string("\xFF\xFE"
                                                     "a\0,\0b\0",
                                                     8));
    check_refused([&] { ncss::open_sheet(dir / "u16.csv"); }, ErrorCode::InvalidInput,
                  "is UTF-16 text");
  }
  SECTION("UTF-16 without a byte order mark") {
    // 学生姓名,身份证号 then a line break, in UTF-16LE: the comma and CR LF carry NUL high bytes.
    std::string le(
        "\x66\x5B\x1F\x75\xD3\x59\x0D\x54\x2C\x00\xAB\x8E\xFD\x4E\xC1\x8B\xF7\x53"
        "\x0D\x00\x0A\x00\x31\x00\x2C\x00\x32\x00",
        28);
    testkit::write_file(dir / "u16le.csv", le);
    check_refused([&] { ncss::open_sheet(dir / "u16le.csv"); }, ErrorCode::InvalidInput,
                  "looks like UTF-16 text without a byte order mark");
  }
  SECTION("an empty zip named .csv") {
    std::string zip("PK\x05\x06", 4);
    zip += std::string(18, '\0');
    testkit::write_file(dir / "archive.csv", zip);
    check_refused([&] { ncss::open_sheet(dir / "archive.csv"); }, ErrorCode::InvalidInput,
                  "archive.csv: contains the control byte 0x05 at byte 2; it looks like a binary");
  }
  SECTION("UTF-8 with a stray byte is not silently read as GB18030") {
    testkit::write_file(dir / "mixed.csv", kRoster +
                                               "王五,\xFF"
                                               "1,2\n" +
                                               kRoster);
    check_refused([&] { ncss::open_sheet(dir / "mixed.csv"); }, ErrorCode::InvalidInput,
                  "mixed.csv: is UTF-8 text except at line 4");
  }
  SECTION("a BOM followed by invalid UTF-8") {
    testkit::write_file(dir / "bad.csv",
                        "\xEF\xBB\xBF"
                        "a\n\xC3\x28\n");
    check_refused([&] { ncss::open_sheet(dir / "bad.csv"); }, ErrorCode::InvalidInput,
                  "byte order mark but line 2 is not valid UTF-8");
  }
  SECTION("a missing file is an I/O error") {
    check_refused([&] { ncss::open_sheet(dir / "missing.csv"); }, ErrorCode::Io,
                  "missing.csv: cannot open the file");
  }
}

TEST_CASE("csv: limits and broken records name the record", "[csv]") {
  testkit::TempDir dir;
  ncss::SheetOptions options;
  SECTION("a field over the limit") {
    options.limits.max_field_bytes = 10;
    testkit::write_file(dir / "a.csv", "a,b\n\"x\ny\",0123456789A\n");
    auto reader = ncss::open_sheet(dir / "a.csv", options);
    ncss::SheetRow row;
    REQUIRE(reader->next(row));
    check_refused([&] { reader->next(row); }, ErrorCode::InvalidInput,
                  "a.csv: record 2 (line 2): field 2 is longer than the limit of 10 bytes");
    SECTION("and the reader stays failed") {
      check_refused([&] { reader->next(row); }, ErrorCode::InvalidInput, "record 2");
    }
  }
  SECTION("a field over the default limit of 128 KiB") {
    testkit::write_file(dir / "a.csv", "a\n" + std::string(200000, 'x') + "\n");
    check_refused([&] { read_all(dir / "a.csv"); }, ErrorCode::InvalidInput,
                  "record 2 (line 2): field 1 is longer than the limit of 131072 bytes");
  }
  SECTION("a record over the limit") {
    options.limits.max_record_bytes = 50;
    std::string wide;
    for (int i = 0; i < 30; ++i) wide += "ab,";
    testkit::write_file(dir / "a.csv", "a\n\"1\n2\"\n" + wide + "\n");
    check_refused([&] { read_all(dir / "a.csv", options); }, ErrorCode::InvalidInput,
                  "a.csv: record 3 (line 4) is longer than the limit of 50 bytes");
  }
  SECTION("a quote never closed runs into a limit: the message says where it opened") {
    options.limits.max_field_bytes = 100;
    std::string text = "a,b\nc,\"open\n";
    for (int i = 0; i < 50; ++i) text += "x,y\n";
    testkit::write_file(dir / "a.csv", text);
    check_refused([&] { read_all(dir / "a.csv", options); }, ErrorCode::InvalidInput,
                  "a.csv: record 2 (line 2): field 2 is longer than the limit of 100 bytes; it is "
                  "inside a quoted field that opened on line 2, whose closing quote (\") is "
                  "probably missing");
    // A field too long after its quote closed says nothing of quotes.
    testkit::write_file(dir / "b.csv", "a,b\n\"x\",\"y\"" + std::string(200, 'z') + "\n");
    try {
      read_all(dir / "b.csv", options);
      FAIL("accepted");
    } catch (const ncss::Error& e) {
      CHECK(std::string(e.what()).find("longer than the limit") != std::string::npos);
      CHECK(std::string(e.what()).find("quote") == std::string::npos);
    }
  }
  SECTION("an unterminated quoted field") {
    testkit::write_file(dir / "a.csv", "a,b\nc,\"open\nstill open,\n");
    check_refused([&] { read_all(dir / "a.csv"); }, ErrorCode::InvalidInput,
                  "a.csv: record 2 (line 2): a quoted field is not closed before the end");
  }
}

TEST_CASE("csv: many rows come out in order", "[csv]") {
  testkit::TempDir dir;
  std::string content = "序号,姓名\n";
  for (int i = 1; i <= 100000; ++i)
    content += std::to_string(i) + ",学生" + std::to_string(i) + "\r\n";
  testkit::write_file(dir / "many.csv", content);
  auto reader = ncss::open_sheet(dir / "many.csv");
  ncss::SheetRow row;
  REQUIRE(reader->next(row));
  std::size_t expected = 1;
  while (reader->next(row)) {
    ++expected;
    REQUIRE(row.number == expected);
    REQUIRE(row.cells.size() == 2);
    REQUIRE(row.cells[0].text == std::to_string(expected - 1));
  }
  CHECK(expected == 100001);
}

// A sheet read through the roster import's read-ahead queue (detail::Prefetch).
struct ReadAhead {
  explicit ReadAhead(const std::filesystem::path& file)
      : reader(ncss::open_sheet(file)),
        rows([r = reader.get()](ncss::SheetRow& row) { return r->next(row); },
             ncss::sheet_row_bytes) {}
  bool next(ncss::SheetRow& row) { return rows.next(row); }
  std::unique_ptr<ncss::SheetReader> reader;
  ncss::detail::Prefetch<ncss::SheetRow> rows;  // last: its thread stops before the reader goes
};

TEST_CASE("read ahead: the same rows, then the same error, from another thread", "[csv]") {
  testkit::TempDir dir;
  // More rows than a batch holds; every tenth is over 30 KB, so batches end on their byte limit
  // and oversized row slots are freed before they are used again.
  std::string content = "序号,文本\n";
  for (int i = 1; i <= 1200; ++i) {
    std::size_t width = i % 10 == 0 ? 30000 + static_cast<std::size_t>(i) : i % 100;
    content += std::to_string(i) + "," + std::string(width, 'x') + "\n";
  }
  testkit::write_file(dir / "long.csv", content);
  auto direct = read_all(dir / "long.csv");
  ReadAhead ahead(dir / "long.csv");
  std::vector<ncss::SheetRow> rows;
  ncss::SheetRow row;
  while (ahead.next(row)) rows.push_back(row);
  REQUIRE(rows.size() == direct.size());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    REQUIRE(rows[i].number == direct[i].number);
    REQUIRE(texts(rows[i]) == texts(direct[i]));
  }
  CHECK_FALSE(ahead.next(row));

  SECTION("an error comes after the rows before it, and again on every later call") {
    std::string broken = "a,b\n";
    for (int i = 1; i <= 1000; ++i) broken += std::to_string(i) + ",y\n";
    broken += "c,\"open\n";
    testkit::write_file(dir / "broken.csv", broken);
    ReadAhead reader(dir / "broken.csv");
    std::size_t read = 0;
    check_refused(
        [&] {
          while (reader.next(row)) ++read;
        },
        ErrorCode::InvalidInput, "record 1002 (line 1002): a quoted field is not closed");
    CHECK(read == 1001);
    check_refused([&] { reader.next(row); }, ErrorCode::InvalidInput, "record 1002");
  }
  SECTION("dropped before the end, it stops its thread") {
    auto reader = std::make_unique<ReadAhead>(dir / "long.csv");
    REQUIRE(reader->next(row));
    reader.reset();  // returns: the worker waiting for a free batch is woken and joined
    SUCCEED();
  }
}

// The worker finishes a batch only while the caller has batches waiting; the caller finishes the
// rest itself. Every item comes out once, in order, finished exactly once by one of the two.
TEST_CASE("read ahead: the worker finishes items only while the caller is behind", "[csv]") {
  struct Item {
    int n = 0;
    int finished = 0;  // times finish ran to the end on this item
    bool by_worker = false;
  };
  constexpr int kItems = 3000;
  std::atomic<int> filled{0};
  std::atomic<int> throw_at{-1};
  auto make = [&] {
    return std::make_unique<ncss::detail::Prefetch<Item>>(
        [&](Item& item) {
          const int n = filled.load();
          if (n == kItems) return false;
          item.n = n + 1;
          item.finished = 0;
          item.by_worker = false;
          filled.store(n + 1);
          return true;
        },
        [](const Item&, bool) { return std::size_t{1}; },
        [&](Item& item) {
          if (item.n == throw_at.load()) throw std::runtime_error("no");
          item.by_worker = true;
          ++item.finished;
        });
  };
  SECTION("a caller that waits gets finished batches; one that is served at once does the work") {
    auto rows = make();
    // The first batch is handed on unfinished (nothing was waiting); once the third has begun,
    // the second was made while the first waited, so it was finished.
    using P = ncss::detail::Prefetch<Item>;
    while (filled.load() <= static_cast<int>(2 * P::kRows)) std::this_thread::yield();
    Item item;
    int expected = 0, by_worker = 0;
    while (rows->next(item)) {
      REQUIRE(item.n == ++expected);
      if (item.by_worker) ++by_worker;
      if (item.finished == 0) ++item.finished;  // the caller's share
      CHECK(item.finished == 1);
      if (item.n <= static_cast<int>(P::kRows)) CHECK_FALSE(item.by_worker);
      if (item.n > static_cast<int>(P::kRows) && item.n <= static_cast<int>(2 * P::kRows)) {
        CHECK(item.by_worker);
      }
    }
    CHECK(expected == kItems);
    CHECK(by_worker >= static_cast<int>(ncss::detail::Prefetch<Item>::kRows));
  }
  SECTION("finish throwing stops the worker's share of that batch, not the items") {
    using P = ncss::detail::Prefetch<Item>;
    throw_at = static_cast<int>(P::kRows) + 10;  // in the second batch, which the worker finishes
    auto rows = make();
    while (filled.load() <= static_cast<int>(2 * P::kRows)) std::this_thread::yield();
    Item item;
    int expected = 0;
    while (rows->next(item)) {
      REQUIRE(item.n == ++expected);
      const int in_second = item.n - static_cast<int>(P::kRows);
      if (in_second >= 1 && in_second < 10) CHECK(item.by_worker);
      if (in_second >= 10 && in_second <= static_cast<int>(P::kRows)) {
        CHECK_FALSE(item.by_worker);  // left to the caller
        CHECK(item.finished == 0);
      }
    }
    CHECK(expected == kItems);
  }
}

// The encoding check reads every byte with a fast path (eight ASCII bytes or a whole 2- or 3-byte
// character a step) and the careful one for everything else. Random texts across several 64 KiB
// blocks, valid or with one defect, must come out as the careful check alone says: UTF-8, or a
// refusal naming the first invalid byte's line, or the first NUL's offset.
TEST_CASE("csv: the encoding check finds the first defect wherever it falls", "[csv]") {
  testkit::TempDir dir;
  const std::vector<std::string> pieces = {"a",
                                           "张三",
                                           ",",
                                           "\n",
                                           "2026",
                                           "\r\n",
                                           "é",
                                           "，",
                                           "😀",
                                           "\xE0\xA0\x80",  // U+0800
                                           " ",
                                           "\xED\x9F\xBF" /* U+D7FF */,
                                           "\xF4\x8F\xBF\xBF" /* U+10FFFF */,
                                           "abcdefghij"};
  struct Defect {
    std::string bytes;
    std::size_t bad;  // the offset within `bytes` of the byte the check stops at
  };
  const std::vector<Defect> defects = {{"\xFF", 0},
                                       {"\xE4\xB8"
                                        "a",
                                        2},                      // a 3-byte character cut short
                                       {"\xC0\x80", 0},          // overlong
                                       {"\xED\xA0\x80", 1},      // a surrogate
                                       {"\xF5\x80\x80\x80", 0},  // past U+10FFFF
                                       {"\x80", 0}};             // a stray continuation
  std::mt19937 random(20261127);
  for (int round = 0; round < 60; ++round) {
    std::string text = "学生姓名,身份证号,毕业院校\n";
    const std::size_t target = 140000 + random() % 60000;
    while (text.size() < target) text += pieces[random() % pieces.size()];
    const int kind = round % 4;  // 0 valid, 1 and 2 a defect, 3 a NUL
    std::size_t at = std::string::npos;
    if (kind != 0) {
      std::size_t where = text.size() / 3 + random() % (text.size() / 2);
      while ((static_cast<unsigned char>(text[where]) & 0xC0) == 0x80) ++where;  // a boundary
      if (kind == 3) {
        text.insert(where, 1, '\0');
        at = where;
      } else {
        const auto& d = defects[random() % defects.size()];
        text.insert(where, d.bytes);
        at = where + d.bad;
      }
    }
    INFO("round " << round << ", defect at byte " << at);
    auto file = dir / ("r" + std::to_string(round) + ".csv");
    testkit::write_file(file, text);
    if (kind == 0) {
      CHECK(ncss::open_sheet(file)->encoding() == "utf-8");
    } else if (kind == 3) {
      check_refused([&] { ncss::open_sheet(file); }, ErrorCode::InvalidInput,
                    "contains a NUL byte at byte " + std::to_string(at) + ";");
    } else {
      const auto line = 1 + std::count(text.begin(), text.begin() + static_cast<long>(at), '\n');
      check_refused([&] { ncss::open_sheet(file); }, ErrorCode::InvalidInput,
                    "is UTF-8 text except at line " + std::to_string(line) + ",");
    }
  }
}
