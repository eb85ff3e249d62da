// Reading a workbook in a fuzz target: every row checked against what sheet.hpp promises, every
// refusal an InvalidInput. Shared by fuzz_xlsx (any bytes) and fuzz_xlsx_parts (zip parts).
#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include "fuzz_support.hpp"
#include "ncss/error.hpp"
#include "ncss/sheet.hpp"
#include "sheet_internal.hpp"

namespace fuzz {

inline ncss::SheetOptions xlsx_options(std::string sheet_name = "") {
  ncss::SheetOptions options;
  options.sheet_name = std::move(sheet_name);
  // A zip bomb in a few KiB of input is refused after 16 MiB rather than 4 GiB; small field and
  // row limits so that small inputs reach those refusals too.
  options.limits.max_part_bytes = std::uint64_t{16} << 20;
  options.limits.max_field_bytes = 2048;
  options.limits.max_record_bytes = 8192;
  return options;
}

inline void check_xlsx_row(const ncss::SheetRow& row, const ncss::SheetOptions& options) {
  check(row.number >= 1 && row.number <= (std::size_t{1} << 31), "a row number out of range");
  check(row.cells.size() <= 16384, "a row past column XFD");
  std::size_t text_bytes = 0;
  for (const auto& cell : row.cells) {
    switch (cell.kind) {
      case ncss::CellKind::Empty:
        check(cell.text.empty(), "an Empty cell with text");
        break;
      case ncss::CellKind::Text:
      case ncss::CellKind::Number:
        check(!cell.text.empty(), "a Text or Number cell without text");
        break;
      case ncss::CellKind::Boolean:
        check(cell.text == "TRUE" || cell.text == "FALSE", "a Boolean cell not TRUE or FALSE");
        break;
      case ncss::CellKind::Error:
        check(!cell.text.empty(), "an Error cell without text");
        break;
      case ncss::CellKind::Date:
        // "YYYY-MM-DD", or with " HH:MM:SS"; years 1900 to 9999.
        check((cell.text.size() == 10 || cell.text.size() == 19) && cell.text[4] == '-' &&
                  cell.text[7] == '-' && cell.text.compare(0, 4, "1900") >= 0,
              "a Date cell that is not a date");
        break;
    }
    check(cell.text.size() <= options.limits.max_field_bytes, "a cell over the field limit");
    check(valid_utf8(cell.text), "a cell is not valid UTF-8");
    text_bytes += cell.text.size();
  }
  check(text_bytes <= options.limits.max_record_bytes, "a row over the record limit");
}

inline void read_xlsx(const std::filesystem::path& path, const ncss::SheetOptions& options) {
  std::unique_ptr<ncss::SheetReader> reader;
  try {
    reader = ncss::sheet_detail::open_xlsx(path, options);
  } catch (const ncss::Error& e) {
    check_refusal(e);
    return;
  }
  check(reader->format() == "xlsx" && reader->encoding() == "utf-8", "format or encoding");
  ncss::SheetRow row;
  try {
    while (reader->next(row)) check_xlsx_row(row, options);
  } catch (const ncss::Error& e) {
    check_refusal(e);
    try {
      reader->next(row);
      fail("a reader went on after refusing the file");
    } catch (const ncss::Error& again) {
      check(std::string(again.what()) == e.what(), "a second refusal differs");
    }
    return;
  }
  check(!reader->next(row), "a reader gave a row after its end");
}

}  // namespace fuzz
