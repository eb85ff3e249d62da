// Finding the header row of a spreadsheet import and naming cells by it: shared by roster import
// and favourites import, so both read the same files the same way.
#pragma once

#include <cstddef>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ncss/roster.hpp"
#include "ncss/sheet.hpp"

namespace ncss {

// The column of one field: its index in the sheet and its header as the file writes it.
struct FieldColumn {
  std::size_t index = 0;
  std::string header;
};

class HeaderRow {
 public:
  std::size_t number = 0;                           // the header's row number
  std::vector<std::optional<FieldColumn>> columns;  // by field index
  std::vector<std::string> warnings;                // unknown columns, ignored

  // The field's cell in `row`, or nullptr when the column is missing or the cell empty.
  const Cell* cell(const SheetRow& row, std::size_t field) const;
  // A problem on `row` in the field's column (letter and header), `fields` naming it when the
  // file has no such column.
  RowProblem problem(std::size_t row, std::size_t field, const std::vector<RosterField>& fields,
                     const std::string& code, const std::string& message) const;

  // Whether `row` is the header row again (two lists pasted together): at least two of its
  // columns (the one, when only one was found) hold their header's text. header_repeated's message
  // and the warning for a header with no rows under it.
  bool repeated_in(const SheetRow& row) const;
  std::string repeated_message() const;
  std::string no_rows_warning() const;
};

// The warning for --sheet given with a CSV file (one table, read whole), or nullopt.
std::optional<std::string> sheet_option_warning(const SheetReader& reader,
                                                const std::string& sheet);

constexpr std::size_t kHeaderSearchRows = 20;
// How often an import tells its ImportProgress the rows done.
constexpr std::size_t kImportProgressEvery = 4096;

// Opens an import's file (the named sheet of an .xlsx, or its first when `sheet` is empty) and
// fills the report's file, format, encoding and sheet.
std::unique_ptr<SheetReader> open_import_sheet(const std::filesystem::path& file,
                                               const std::string& sheet, ImportReport& report);

// Reads rows until the first, within the first kHeaderSearchRows, whose headers (or their
// aliases, trimmed, in any order) include every field in `required`; rows above it, such as a
// merged title, are skipped. Refuses (InvalidInput, naming the file) a header named twice and a
// file without such a row: the message lists the expected headers (with `hint`, if any, after them)
// and the first row's text, and hints at the encoding when the text looks garbled.
HeaderRow find_header_row(SheetReader& reader, SheetRow& row,
                          const std::vector<RosterField>& fields,
                          const std::vector<std::size_t>& required,
                          const std::filesystem::path& file, std::string_view hint = {});

// Why no field of an import can take this cell, or nullopt: an .xlsx error value or logical
// value ("cell_value"), or text holding a control or invisible character ("hidden_character").
// `text` is the cell's trimmed text; `header` names the field in the message.
struct CellRefusal {
  std::string code;
  std::string message;
};
std::optional<CellRefusal> refuse_cell(const Cell& cell, std::string_view text,
                                       const std::string& header);

// ="110105…" (a CSV trick that keeps Excel from turning digits into a number) and a leading
// apostrophe (Excel's own text marker, which some exports keep) removed from a number kept as
// text; other text as it is.
std::string_view unwrap_text_marker(std::string_view text);

// duplicate_in_file's message: `what` ("身份证号 110105********0011") already appears on `row`,
// whose row was kept, or rejected (then nothing of it was kept: the first row is to be corrected).
std::string earlier_row_message(const std::string& what, std::size_t row, bool rejected);

// A 身份证号 kept as a number has lost digits (a spreadsheet keeps 15 of its 18): an .xlsx number
// cell, or text a program wrote from a number (1.10105E+17, 110105200301150012.0). The refusal
// id_excel_number, or nullopt. `cell` may be null (no cell); `text` is the trimmed text.
std::optional<CellRefusal> refuse_id_number_kept_as_number(const Cell* cell,
                                                           const std::string& text);

}  // namespace ncss
