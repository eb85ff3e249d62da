// The CSV reader (core/src/sheet_csv.cpp) on any bytes: every file is either read, each record
// well formed, or refused with InvalidInput; then the roster importer's header search runs on it.
//
// The reader works in 64 KiB blocks, and what crosses a block boundary (a quoted field, a CR LF,
// a GB18030 character) is where streaming code goes wrong. An input starting with two NUL bytes
// (which the reader would refuse at once) is therefore read as: the next two bytes choose an
// offset, and the rest is placed that many bytes before the end of the first block, after
// filler records.
#include <cstddef>
#include <cstdint>
#include <exception>
#include <string>
#include <vector>

#include "fuzz_support.hpp"
#include "ncss/error.hpp"
#include "ncss/roster.hpp"
#include "ncss/sheet.hpp"
#include "sheet_header.hpp"
#include "sheet_internal.hpp"

namespace {

constexpr std::size_t kBlockBytes = 64 * 1024;  // sheet_csv.cpp's block

ncss::SheetOptions fuzz_options() {
  ncss::SheetOptions options;
  // Small limits, so that inputs of a few KiB reach the refusals too.
  options.limits.max_field_bytes = 2048;
  options.limits.max_record_bytes = 8192;
  return options;
}

std::string file_bytes(const std::uint8_t* data, std::size_t size) {
  if (size < 4 || data[0] != 0 || data[1] != 0) {
    return std::string(reinterpret_cast<const char*>(data), size);
  }
  std::size_t offset = ((std::size_t{data[2]} << 8) | data[3]) % 4096;
  std::string out;
  out.reserve(kBlockBytes + size);
  while (out.size() < kBlockBytes - offset) out += "ab,cd\r\n";
  out.resize(kBlockBytes - offset);
  out.append(reinterpret_cast<const char*>(data + 4), size - 4);
  return out;
}

void check_row(const ncss::SheetRow& row, std::size_t expected_number,
               const ncss::SheetOptions& options) {
  fuzz::check(row.number == expected_number, "CSV record numbers count 1, 2, 3, ...");
  fuzz::check(!row.cells.empty(), "a CSV record has at least one field");
  for (const auto& cell : row.cells) {
    fuzz::check(cell.kind == ncss::CellKind::Empty || cell.kind == ncss::CellKind::Text,
                "CSV cells are Text or Empty");
    fuzz::check((cell.kind == ncss::CellKind::Empty) == cell.text.empty(),
                "an Empty cell has no text and a Text cell has some");
    fuzz::check(cell.text.size() <= options.limits.max_field_bytes, "a field is over the limit");
    fuzz::check(fuzz::valid_utf8(cell.text), "a cell is not valid UTF-8");
  }
}

// Reads every record; true when the file was read to its end.
bool read_all(const std::filesystem::path& path, const ncss::SheetOptions& options) {
  std::unique_ptr<ncss::SheetReader> reader;
  try {
    reader = ncss::sheet_detail::open_csv(path, options);
  } catch (const ncss::Error& e) {
    fuzz::check_refusal(e);
    return false;
  }
  std::string encoding = reader->encoding();
  fuzz::check(encoding == "utf-8" || encoding == "utf-8-bom" || encoding == "gb18030",
              "unknown encoding");
  ncss::SheetRow row;
  std::size_t count = 0;
  try {
    while (reader->next(row)) check_row(row, ++count, options);
  } catch (const ncss::Error& e) {
    fuzz::check_refusal(e);
    // After a refusal, every later call is refused the same way.
    try {
      reader->next(row);
      fuzz::fail("a reader went on after refusing the file");
    } catch (const ncss::Error& again) {
      fuzz::check(std::string(again.what()) == e.what(), "a second refusal differs");
    }
    return false;
  }
  fuzz::check(!reader->next(row), "a reader gave a row after its end");
  return true;
}

// As roster import reads it: the header row, then each field's cell by column.
void read_as_roster(const std::filesystem::path& path, const ncss::SheetOptions& options) {
  const auto& fields = ncss::roster_fields();
  std::vector<std::size_t> required;
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (fields[i].key == "id_number") required.push_back(i);
  }
  auto reader = ncss::sheet_detail::open_csv(path, options);
  ncss::SheetRow row;
  try {
    ncss::HeaderRow header = ncss::find_header_row(*reader, row, fields, required, path);
    fuzz::check(header.columns.size() == fields.size(), "a header row without every field");
    while (reader->next(row)) {
      for (std::size_t f = 0; f < fields.size(); ++f) {
        if (const ncss::Cell* cell = header.cell(row, f)) {
          fuzz::check(cell->kind != ncss::CellKind::Empty, "HeaderRow::cell gave an empty cell");
        }
      }
    }
  } catch (const ncss::Error& e) {
    fuzz::check_refusal(e);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static fuzz::MemoryFile file;
  static const ncss::SheetOptions options = fuzz_options();
  std::string bytes = file_bytes(data, size);
  const auto& path = file.write(bytes.data(), bytes.size());
  if (read_all(path, options)) read_as_roster(path, options);
  return 0;
}
