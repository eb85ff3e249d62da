#include "sheet_header.hpp"

#include <iconv.h>

#include <optional>
#include <unordered_map>

#include "ncss/error.hpp"
#include "ncss/identity.hpp"
#include "ncss/text.hpp"
#include "text_rules.hpp"

namespace ncss {

namespace {

// Unknown columns named one by one; a file with more gets one line for the rest.
constexpr std::size_t kUnknownColumnWarnings = 20;

// U+FFFD, or GB18030 read as UTF-8 the other way round ("锟斤拷"), or a cell of Latin-1 letters
// and no Chinese (学生 in GBK read as Latin-1 is "Ñ§Éú": every Chinese character becomes two
// Latin-1 ones): what a wrongly decoded file looks like. One Latin-1 character among Chinese
// text is typography, as the middle dot in 艾尔肯·吐尔逊.
bool looks_like_mojibake(const std::string& s) {
  if (s.find("\xEF\xBF\xBD") != std::string::npos) return true;
  if (s.find("锟斤拷") != std::string::npos) return true;
  std::size_t latin1 = 0;
  for (std::size_t i = 0; i + 1 < s.size(); ++i) {
    auto b = static_cast<unsigned char>(s[i]);
    auto n = static_cast<unsigned char>(s[i + 1]);
    if ((b == 0xC3 || b == 0xC2) && n >= 0x80 && n <= 0xBF) ++latin1;  // U+0080..U+00FF
    if (b >= 0xE3 && b <= 0xEF) return false;  // U+3000 and up: CJK, full-width forms
  }
  return latin1 >= 2;
}

// UTF-8 text once read as GBK and saved again as UTF-8 ("学生姓名" becomes "瀛︾敓濮撳悕"):
// valid, Chinese-looking, and wrong. Encoding it back to GB18030 gives the original UTF-8 bytes;
// the original when those bytes are valid UTF-8, else nothing.
std::optional<std::string> undo_gbk_reading(const std::string& text) {
  iconv_t cd = ::iconv_open("GB18030", "UTF-8");
  if (cd == reinterpret_cast<iconv_t>(-1)) return std::nullopt;
  std::string out(text.size() * 2 + 4, '\0');
  char* in = const_cast<char*>(text.data());
  std::size_t in_left = text.size();
  char* to = out.data();
  std::size_t to_left = out.size();
  const bool ok = ::iconv(cd, &in, &in_left, &to, &to_left) != static_cast<std::size_t>(-1);
  ::iconv_close(cd);
  if (!ok || in_left != 0) return std::nullopt;
  out.resize(out.size() - to_left);
  if (out == text || invalid_utf8_at(out)) return std::nullopt;
  return out;
}

[[noreturn]] void refuse_no_header(const std::vector<SheetRow>& seen,
                                   const std::vector<RosterField>& fields,
                                   const std::vector<std::size_t>& required,
                                   const std::filesystem::path& file, std::string_view hint,
                                   const std::string& sheet) {
  std::string expected;
  for (auto f : required) expected += (expected.empty() ? "" : ", ") + fields[f].header;
  if (!hint.empty()) expected += " (" + std::string(hint) + ")";
  std::string first;
  bool mojibake = false;
  std::string garbled_header,
      header;             // a cell that reads as a header once its GBK reading is undone
  std::string separator;  // "tabs" or "semicolons" when the headers are there, wrongly separated
  for (const auto& r : seen) {
    std::string line;
    for (const auto& c : r.cells) {
      if (c.kind == CellKind::Empty) continue;
      if (looks_like_mojibake(c.text)) mojibake = true;
      if (garbled_header.empty()) {
        if (auto original = undo_gbk_reading(c.text)) {
          for (const auto& f : fields) {
            if (original->find(f.header) == std::string::npos) continue;
            garbled_header = c.text;
            header = *original;
            break;
          }
        }
      }
      line += (line.empty() ? "" : ", ") + c.text;
      for (auto f : required) {
        if (c.text.find(fields[f].header) == std::string::npos) continue;
        if (c.text.find('\t') != std::string::npos) separator = "tabs";
        if (c.text.find(';') != std::string::npos) separator = "semicolons";
      }
    }
    if (first.empty() && !line.empty()) first = line.substr(0, 200);
  }
  std::string msg = file.string() + ": " + (sheet.empty() ? "" : "sheet \"" + sheet + "\" has ") +
                    "no header row in the first " + std::to_string(kHeaderSearchRows) +
                    " rows; expected the columns " + expected;
  if (!first.empty()) msg += "; the first row holds: " + first;
  if (!sheet.empty()) msg += ". (--sheet NAME reads another sheet of the workbook.)";
  if (!separator.empty()) {
    msg += ". The columns are separated by " + separator +
           ", not commas: save the file as CSV (comma-separated) or as .xlsx";
  }
  if (!garbled_header.empty()) {
    msg +=
        ". The text is garbled (mojibake): UTF-8 text was once read as GBK and saved again, so "
        "\"" +
        garbled_header + "\" is \"" + header +
        "\"; go back to the original file, or save it again as CSV UTF-8 from the program "
        "that opened it correctly";
  } else if (mojibake) {
    msg +=
        ". The text looks garbled (mojibake): the file is probably in another encoding; "
        "save it as CSV UTF-8 or as .xlsx";
  }
  throw Error::invalid_input(msg);
}

}  // namespace

std::optional<CellRefusal> refuse_cell(const Cell& cell, std::string_view text,
                                       const std::string& header) {
  if (cell.kind == CellKind::Error) {
    return CellRefusal{"cell_value", header + " holds the Excel error " + std::string(text) +
                                         ": the formula behind it failed; correct it or type "
                                         "the value"};
  }
  if (cell.kind == CellKind::Date) {
    return CellRefusal{"cell_value", header + " holds the date " + std::string(text) +
                                         " (its cell is formatted as a date); type the " + header +
                                         " again in a cell formatted as text"};
  }
  if (cell.kind == CellKind::Boolean) {
    return CellRefusal{
        "cell_value", header + " holds the logical value " + std::string(text) + ", not " + header};
  }
  if (auto hidden = find_hidden_character(text)) {
    return CellRefusal{"hidden_character",
                       header + " holds the invisible character " +
                           code_point_name(hidden->code_point) + " at character " +
                           std::to_string(hidden->position) +
                           " (a line break, tab, control or direction character, often pasted in "
                           "with the text); delete it"};
  }
  return std::nullopt;
}

std::string earlier_row_message(const std::string& what, std::size_t row, bool rejected) {
  if (rejected) {
    return what + " already appears on row " + std::to_string(row) +
           ", which was rejected: an ID number is taken from its first row only, so correct that "
           "row rather than repeat it";
  }
  return what + " already appears on row " + std::to_string(row) + "; the first occurrence is kept";
}

std::string_view unwrap_text_marker(std::string_view text) {
  if (text.size() >= 3 && text.substr(0, 2) == "=\"" && text.back() == '"') {
    return trim_view(text.substr(2, text.size() - 3));
  }
  if (text.size() >= 2 && text.front() == '\'') return trim_view(text.substr(1));
  return text;
}

std::optional<CellRefusal> refuse_id_number_kept_as_number(const Cell* cell,
                                                           const std::string& text) {
  if ((cell && cell->kind == CellKind::Number) || is_scientific(text) || is_point_zero(text)) {
    return CellRefusal{"id_excel_number",
                       "身份证号 '" + mask_resident_id(text) +
                           "' was stored as a number, so the spreadsheet dropped its last digits "
                           "(it keeps 15); format the column as text and type the ID number "
                           "again"};
  }
  return std::nullopt;
}

const Cell* HeaderRow::cell(const SheetRow& row, std::size_t field) const {
  const auto& column = columns[field];
  if (!column || column->index >= row.cells.size()) return nullptr;
  const Cell& c = row.cells[column->index];
  return c.kind == CellKind::Empty ? nullptr : &c;
}

bool HeaderRow::repeated_in(const SheetRow& row) const {
  std::size_t found = 0, same = 0;
  for (std::size_t f = 0; f < columns.size(); ++f) {
    if (!columns[f]) continue;
    ++found;
    const Cell* c = cell(row, f);
    if (c && trim_view(c->text) == columns[f]->header) ++same;
  }
  return same > 0 && same >= std::min<std::size_t>(found, 2);
}

std::string HeaderRow::repeated_message() const {
  return "this row repeats the header row (row " + std::to_string(number) +
         "), as when two lists are pasted together; delete it";
}

std::string HeaderRow::no_rows_warning() const {
  return "no rows under the header (row " + std::to_string(number) + "): nothing to import";
}

std::optional<std::string> sheet_option_warning(const SheetReader& reader,
                                                const std::string& sheet) {
  if (sheet.empty() || reader.format() != "csv") return std::nullopt;
  return "--sheet does not apply to a CSV file (one table); it was read whole";
}

RowProblem HeaderRow::problem(std::size_t row, std::size_t field,
                              const std::vector<RosterField>& fields, const std::string& code,
                              const std::string& message) const {
  RowProblem p;
  p.row = row;
  if (field < columns.size() && columns[field]) {
    p.column = column_letter(columns[field]->index);
    p.header = columns[field]->header;
  } else if (field < fields.size()) {
    p.header = fields[field].header;
  }
  p.code = code;
  p.message = message;
  return p;
}

std::unique_ptr<SheetReader> open_import_sheet(const std::filesystem::path& file,
                                               const std::string& sheet, ImportReport& report) {
  SheetOptions options;
  options.sheet_name = sheet;
  auto reader = open_sheet(file, options);
  report.file = file.string();
  report.format = reader->format();
  report.encoding = reader->encoding();
  report.sheet = reader->sheet_name();
  return reader;
}

HeaderRow find_header_row(SheetReader& reader, SheetRow& row,
                          const std::vector<RosterField>& fields,
                          const std::vector<std::size_t>& required,
                          const std::filesystem::path& file, std::string_view hint) {
  // A field's own header (or English key) is exact; another name for it is an alias.
  struct Match {
    std::size_t field;
    bool exact;
  };
  std::unordered_map<std::string, Match> by_header;
  for (std::size_t i = 0; i < fields.size(); ++i) {
    by_header.emplace(header_key(fields[i].header), Match{i, true});
    by_header.emplace(header_key(fields[i].key), Match{i, true});
    for (const auto& a : fields[i].aliases) by_header.emplace(header_key(a), Match{i, false});
  }
  std::vector<SheetRow> seen;
  while (reader.next(row)) {
    if (row.number > kHeaderSearchRows) break;
    HeaderRow found;
    found.columns.resize(fields.size());
    std::vector<bool> exact(fields.size(), false);
    std::string duplicate;
    std::size_t unknown = 0;
    for (std::size_t c = 0; c < row.cells.size(); ++c) {
      if (row.cells[c].kind == CellKind::Empty) continue;
      std::string key = header_key(row.cells[c].text);
      if (key.empty()) continue;
      auto it = by_header.find(key);
      if (it == by_header.end()) {
        if (++unknown <= kUnknownColumnWarnings) {
          found.warnings.push_back("unknown column " + column_letter(c) + " " +
                                   trim(row.cells[c].text) + " ignored");
        }
        continue;
      }
      const auto [f, is_exact] = it->second;
      auto& column = found.columns[f];
      FieldColumn here{c, trim(row.cells[c].text)};
      if (!column) {
        column = here;
        exact[f] = is_exact;
      } else if (is_exact != exact[f]) {
        // The field's own header wins over another name for it (手机号码 over 联系电话).
        const FieldColumn& alias = is_exact ? *column : here;
        const FieldColumn& own = is_exact ? here : *column;
        found.warnings.push_back("column " + column_letter(alias.index) + " " + alias.header +
                                 " ignored: " + fields[f].header + " is read from column " +
                                 column_letter(own.index) + " " + own.header);
        if (is_exact) {
          column = here;
          exact[f] = true;
        }
      } else {
        duplicate = "columns " + column_letter(column->index) + " " + column->header + " and " +
                    column_letter(c) + " " + here.header + " both name " + fields[f].header;
      }
    }
    bool complete = true;
    for (auto f : required) complete = complete && found.columns[f].has_value();
    if (complete) {
      if (!duplicate.empty()) {
        throw Error::invalid_input(file.string() + ": row " + std::to_string(row.number) + ": " +
                                   duplicate + "; keep one, or rename the other");
      }
      if (unknown > kUnknownColumnWarnings) {
        found.warnings.push_back("and " + std::to_string(unknown - kUnknownColumnWarnings) +
                                 " more unknown columns ignored");
      }
      found.number = row.number;
      return found;
    }
    seen.push_back(row);
  }
  refuse_no_header(seen, fields, required, file, hint, reader.sheet_name());
}

}  // namespace ncss
