// Streaming readers for the spreadsheets a school sends in: CSV (UTF-8 or the GB18030 that
// Chinese Excel saves) and .xlsx. Rows come out one at a time with bounded memory; hostile or
// broken files are refused whole with ncss::Error(InvalidInput).
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace ncss {

enum class CellKind { Empty, Text, Number, Boolean, Error, Date };

// `text` is never reformatted:
// - Text: the string in UTF-8 (never empty: an empty string is an Empty cell).
// - Number: the value exactly as stored in the sheet XML, e.g. "13812345678",
//   "1.10105194912310E+17", "110105194912310000", "45123".
// - Date: a number in a cell formatted as a date or time, as the date it shows: "2026-06-30", or
//   "2026-06-30 09:30:00" with a time of day (xlsx only).
// - Boolean: "TRUE" or "FALSE".
// - Error: an error value as Excel shows it, "#N/A", "#REF!", "#DIV/0!" (a formula that failed).
// Formula cells give their cached value with its cached type. CSV cells are always Text or
// Empty.
struct Cell {
  CellKind kind = CellKind::Empty;
  std::string text;
};

struct SheetRow {
  // 1-based, as a spreadsheet program shows it: xlsx the row's r attribute (counted when absent);
  // CSV the record number (a quoted field with line breaks is one record).
  std::size_t number = 0;
  // Indexed by column (A = 0), gaps filled with Empty. Rows may be shorter or longer than the
  // header row: a column past the end is Empty (xlsx rows end at their last non-empty cell; CSV
  // rows have one cell per field). Rows whose cells are all Empty are returned too.
  std::vector<Cell> cells;
};

// The defaults accept any real roster (a 1,000,000-row, 12-column sheet is far inside them) and
// refuse a zip bomb after reading at most max_compression_ratio times its compressed size.
struct SheetLimits {
  // xlsx: a zip part may decompress to at most this many bytes (4 GiB; the sheet XML of a
  // 1,000,000-row, 12-column roster is about 0.5 GiB).
  std::uint64_t max_part_bytes = std::uint64_t{4} << 30;
  // xlsx: decompressed bytes of a part divided by its compressed size, counted while reading
  // (the declared size in the zip header is not trusted). Real sheets stay well under 100;
  // deflate's ceiling is about 1030. Parts under 1 MiB decompressed are not checked.
  double max_compression_ratio = 200.0;
  // CSV and xlsx: one cell, in UTF-8 bytes (128 KiB: Excel's 32,767-character cell limit of
  // Chinese text is 96 KiB).
  std::size_t max_field_bytes = std::size_t{128} << 10;
  // CSV: one record in decoded bytes including separators; xlsx: the text of all cells of one
  // row (1 MiB).
  std::size_t max_record_bytes = std::size_t{1} << 20;
};

struct SheetOptions {
  // xlsx: the sheet to read by name (exact, else ignoring ASCII case); empty = the first
  // worksheet in workbook order. Ignored for CSV.
  std::string sheet_name;
  SheetLimits limits;
};

class SheetReader {
 public:
  virtual ~SheetReader() = default;
  // Fills `row` with the next row; false at the end. Throws ncss::Error(InvalidInput) naming
  // the file, and the record or the part and row, when the rest of the file cannot be read
  // (or Io when the disk fails); after a throw every call throws the same error again.
  virtual bool next(SheetRow& row) = 0;
  // "csv" or "xlsx".
  virtual std::string format() const = 0;
  // csv: "utf-8", "utf-8-bom" or "gb18030"; xlsx: "utf-8".
  virtual std::string encoding() const = 0;
  // xlsx: the name of the sheet read; csv: "".
  virtual std::string sheet_name() const = 0;
};

// Opens `file` by content: a zip ("PK\x03\x04") is read as xlsx, anything else as CSV, except
// that a file named .xlsx/.xlsm that is not a zip, or a legacy .xls (OLE2) file, is refused.
// Throws ncss::Error(InvalidInput) naming the file and what is wrong, or ncss::Error(Io, errno)
// when the file cannot be opened or read at all.
std::unique_ptr<SheetReader> open_sheet(const std::filesystem::path& file,
                                        const SheetOptions& options = {});

// The text a row holds: its cells' sizes, or with `capacity` what their buffers hold.
std::size_t sheet_row_bytes(const SheetRow& row, bool capacity);

}  // namespace ncss
