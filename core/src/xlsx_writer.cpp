#include "ncss/xlsx_writer.hpp"

#include <xlsxwriter.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>
#include <system_error>
#include <utility>

#include "ncss/error.hpp"
#include "partial_file.hpp"

namespace ncss {

namespace {

namespace fs = std::filesystem;

// Display width of a header in Excel's character units: CJK characters are two wide.
double column_width(const std::string& header) {
  int width = 0;
  for (std::size_t i = 0; i < header.size();) {
    auto lead = static_cast<unsigned char>(header[i]);
    std::size_t len = lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
    width += len >= 3 ? 2 : 1;
    i += len;
  }
  return std::clamp(width + 4, 10, 40);
}

bool is_hex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

// Spreadsheet programs read "_xHHHH_" in cell text as an escaped character, and libxlsxwriter
// writes text as it is: a literal "_x0041_" would come back as "A". Escaping its underscore as
// "_x005F_" keeps it literal.
std::string protect_escapes(const std::string& text) {
  if (text.find("_x") == std::string::npos) return text;
  std::string out;
  out.reserve(text.size() + 12);
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '_' && i + 6 < text.size() && (text[i + 1] == 'x' || text[i + 1] == 'X') &&
        is_hex(text[i + 2]) && is_hex(text[i + 3]) && is_hex(text[i + 4]) && is_hex(text[i + 5]) &&
        text[i + 6] == '_') {
      out += "_x005F";
    }
    out += text[i];
  }
  return out;
}

std::string column_name(std::size_t col) {
  std::string name;
  for (++col; col > 0; col = (col - 1) / 26) {
    name.insert(name.begin(), static_cast<char>('A' + (col - 1) % 26));
  }
  return name;
}

}  // namespace

struct XlsxTableWriter::Impl {
  fs::path file;
  fs::path partial;    // the workbook while it is written, beside `file`
  std::string tmpdir;  // libxlsxwriter's row spill files: the target's directory, not /tmp
  lxw_workbook* workbook = nullptr;
  lxw_worksheet* sheet = nullptr;
  std::size_t next_row = 0;
  bool closed = false;
  lxw_format* percent = nullptr;  // 0.0%, made on the first typed_row

  [[noreturn]] void fail(const std::string& what, lxw_error error) {
    throw Error::io("cannot write " + file.string() + ": " + what + ": " + lxw_strerror(error));
  }

  void discard() noexcept {
    if (workbook != nullptr) {
      // Only workbook_close() closes the constant-memory spill file; lxw_workbook_free() leaks it.
      if (sheet != nullptr && sheet->optimize_tmpfile != nullptr) {
        std::fclose(sheet->optimize_tmpfile);
        sheet->optimize_tmpfile = nullptr;
        sheet->file = nullptr;
      }
      lxw_workbook_free(workbook);
      workbook = nullptr;
    }
    std::error_code ignored;
    fs::remove(partial, ignored);
  }

  void write_cells(const std::vector<std::string>& cells, lxw_format* format) {
    if (next_row >= kMaxRows) {
      throw Error::io("cannot write " + file.string() + ": more than " + std::to_string(kMaxRows) +
                      " rows, the most one sheet can hold");
    }
    if (cells.size() > LXW_COL_MAX) {
      throw Error::io("cannot write " + file.string() + ": row " + std::to_string(next_row + 1) +
                      " has " + std::to_string(cells.size()) + " cells, more than " +
                      std::to_string(LXW_COL_MAX) + " columns");
    }
    auto row = static_cast<lxw_row_t>(next_row);
    for (std::size_t col = 0; col < cells.size(); ++col) {
      if (cells[col].empty()) continue;
      // Always a string cell: never worksheet_write_number/formula, whatever the text looks like.
      lxw_error error = worksheet_write_string(sheet, row, static_cast<lxw_col_t>(col),
                                               protect_escapes(cells[col]).c_str(), format);
      if (error != LXW_NO_ERROR) {
        fail("cell " + column_name(col) + std::to_string(next_row + 1), error);
      }
    }
    ++next_row;
  }
};

XlsxTableWriter::XlsxTableWriter(const fs::path& file, const std::string& sheet_name,
                                 const std::vector<std::string>& headers)
    : impl_(std::make_unique<Impl>()) {
  Impl& d = *impl_;
  d.file = file;
  d.partial = start_partial_file(file);  // fails now, not after a million rows
  d.tmpdir = d.partial.parent_path().string();

  lxw_workbook_options options{};
  options.constant_memory = LXW_TRUE;
  options.tmpdir = d.tmpdir.data();
  options.use_zip64 = LXW_FALSE;
  d.workbook = workbook_new_opt(d.partial.c_str(), &options);
  if (d.workbook == nullptr) {
    d.discard();
    d.fail("cannot start the workbook", LXW_ERROR_MEMORY_MALLOC_FAILED);
  }
  try {
    if (lxw_error error = workbook_validate_sheet_name(d.workbook, sheet_name.c_str())) {
      d.fail("sheet name \"" + sheet_name + "\"", error);
    }
    d.sheet = workbook_add_worksheet(d.workbook, sheet_name.c_str());
    if (d.sheet == nullptr) d.fail("cannot add the sheet", LXW_ERROR_CREATING_TMPFILE);

    lxw_format* bold = workbook_add_format(d.workbook);
    format_set_bold(bold);
    for (std::size_t col = 0; col < headers.size() && col < LXW_COL_MAX; ++col) {
      auto c = static_cast<lxw_col_t>(col);
      worksheet_set_column(d.sheet, c, c, column_width(headers[col]), nullptr);
    }
    worksheet_freeze_panes(d.sheet, 1, 0);
    d.write_cells(headers, bold);
  } catch (...) {
    d.discard();
    throw;
  }
}

XlsxTableWriter::~XlsxTableWriter() {
  if (impl_ && !impl_->closed) impl_->discard();
}

void XlsxTableWriter::row(const std::vector<std::string>& cells) {
  if (impl_->closed) throw Error::internal("XlsxTableWriter::row after close");
  impl_->write_cells(cells, nullptr);
}

void XlsxTableWriter::typed_row(const std::vector<XlsxCell>& cells) {
  Impl& d = *impl_;
  if (d.closed) throw Error::internal("XlsxTableWriter::typed_row after close");
  std::vector<std::string> text;
  for (const XlsxCell& c : cells) text.push_back(c.kind == XlsxCell::Kind::Text ? c.text : "");
  d.write_cells(text, nullptr);  // checks the row and column limits, and advances the row
  if (d.percent == nullptr) {
    d.percent = workbook_add_format(d.workbook);
    format_set_num_format(d.percent, "0.0%");
  }
  auto row = static_cast<lxw_row_t>(d.next_row - 1);
  for (std::size_t col = 0; col < cells.size(); ++col) {
    const XlsxCell& c = cells[col];
    if (c.kind == XlsxCell::Kind::Text) continue;
    lxw_error error =
        worksheet_write_number(d.sheet, row, static_cast<lxw_col_t>(col), c.number,
                               c.kind == XlsxCell::Kind::Percent ? d.percent : nullptr);
    if (error != LXW_NO_ERROR) d.fail("cell " + column_name(col) + std::to_string(row + 1), error);
  }
}

void XlsxTableWriter::close() {
  Impl& d = *impl_;
  if (d.closed) return;
  d.closed = true;
  lxw_error error = workbook_close(std::exchange(d.workbook, nullptr));  // frees the workbook
  if (error != LXW_NO_ERROR) {
    d.discard();
    d.fail("cannot finish the workbook", error);
  }
  std::error_code ec;
  fs::rename(d.partial, d.file, ec);
  if (ec) {
    d.discard();
    throw Error::io("cannot write " + d.file.string() + ": " + ec.message(), ec.value());
  }
}

std::size_t XlsxTableWriter::rows_written() const {
  return impl_->next_row == 0 ? 0 : impl_->next_row - 1;
}

}  // namespace ncss
