#include "format.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <iostream>
#include <nlohmann/json.hpp>
#include <ostream>

#include "ncss/error.hpp"
#include "ncss/identity.hpp"
#include "ncss/time.hpp"

namespace cli {

namespace {

// Symbols below U+FFFF that terminals draw as two-column emoji (Unicode's Emoji_Presentation:
// ✅ ⭐ ⌚ ⚽ ❌ ...).
bool is_bmp_emoji(char32_t c) {
  static constexpr std::pair<char32_t, char32_t> kRanges[] = {
      {0x231A, 0x231B}, {0x23E9, 0x23EC}, {0x23F0, 0x23F0}, {0x23F3, 0x23F3}, {0x25FD, 0x25FE},
      {0x2614, 0x2615}, {0x2648, 0x2653}, {0x267F, 0x267F}, {0x2693, 0x2693}, {0x26A1, 0x26A1},
      {0x26AA, 0x26AB}, {0x26BD, 0x26BE}, {0x26C4, 0x26C5}, {0x26CE, 0x26CE}, {0x26D4, 0x26D4},
      {0x26EA, 0x26EA}, {0x26F2, 0x26F3}, {0x26F5, 0x26F5}, {0x26FA, 0x26FA}, {0x26FD, 0x26FD},
      {0x2705, 0x2705}, {0x270A, 0x270B}, {0x2728, 0x2728}, {0x274C, 0x274C}, {0x274E, 0x274E},
      {0x2753, 0x2755}, {0x2757, 0x2757}, {0x2795, 0x2797}, {0x27B0, 0x27B0}, {0x27BF, 0x27BF},
      {0x2B1B, 0x2B1C}, {0x2B50, 0x2B50}, {0x2B55, 0x2B55}};
  if (c < 0x231A || c > 0x2B55) return false;
  for (const auto& [first, last] : kRanges) {
    if (c >= first && c <= last) return true;
  }
  return false;
}

bool is_wide(char32_t c) {
  return (c >= 0x1100 && c <= 0x115F) || (c >= 0x2E80 && c <= 0x303E) ||
         (c >= 0x3041 && c <= 0x33FF) || (c >= 0x3400 && c <= 0x4DBF) ||
         (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0xA000 && c <= 0xA4CF) ||
         (c >= 0xAC00 && c <= 0xD7A3) || (c >= 0xF900 && c <= 0xFAFF) ||
         (c >= 0xFE30 && c <= 0xFE4F) || (c >= 0xFF00 && c <= 0xFF60) ||
         (c >= 0xFFE0 && c <= 0xFFE6) || (c >= 0x1F300 && c <= 0x1F64F) ||
         (c >= 0x1F680 && c <= 0x1F6FF) || (c >= 0x1F900 && c <= 0x1F9FF) ||
         (c >= 0x1FA70 && c <= 0x1FAFF) || (c >= 0x20000 && c <= 0x3FFFD) || is_bmp_emoji(c);
}

// Marks drawn on the character before them: combining accents, zero-width joiners, variation
// selectors (the emoji form, U+FE0F) and skin tones.
bool is_zero_width(char32_t c) {
  return (c >= 0x0300 && c <= 0x036F) || (c >= 0x200B && c <= 0x200D) ||
         (c >= 0xFE00 && c <= 0xFE0F) || (c >= 0x1F3FB && c <= 0x1F3FF);
}

// A value as a table cell shows it: on one line (a line break as ↵), and with no control
// character reaching the terminal (printable's <U+XXXX>), so stored text can neither break a
// row nor recolour or retitle the terminal. CSV and JSON carry the value as it is.
std::string table_cell(const std::string& v) {
  if (v.find_first_of("\n\r") == std::string::npos) return printable(v);
  std::string one_line;
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (v[i] == '\r' && i + 1 < v.size() && v[i + 1] == '\n') continue;
    if (v[i] == '\n') {
      one_line += "↵";
    } else {
      one_line += v[i];
    }
  }
  return printable(one_line);
}

void pad(std::ostream& out, const std::string& text, std::size_t width) {
  out << text;
  for (std::size_t w = display_width(text); w < width; ++w) out << ' ';
}

}  // namespace

Format parse_format(const std::string& text) {
  if (text == "table") return Format::Table;
  if (text == "csv") return Format::Csv;
  if (text == "json") return Format::Json;
  if (text == "jsonl") return Format::Jsonl;
  throw ncss::Error::usage("unknown format '" + text + "': use table, csv, json or jsonl");
}

std::size_t display_width(const std::string& s) {
  std::size_t width = 0;
  for (std::size_t i = 0; i < s.size();) {
    unsigned char b = static_cast<unsigned char>(s[i]);
    char32_t c;
    std::size_t len;
    if (b < 0x80) {
      c = b;
      len = 1;
    } else if ((b >> 5) == 6) {
      c = b & 0x1F;
      len = 2;
    } else if ((b >> 4) == 14) {
      c = b & 0x0F;
      len = 3;
    } else {
      c = b & 0x07;
      len = 4;
    }
    for (std::size_t k = 1; k < len && i + k < s.size(); ++k) {
      c = (c << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    }
    i += len;
    width += is_zero_width(c) ? 0 : is_wide(c) ? 2 : 1;
  }
  return width;
}

namespace {

// An integer or decimal as JSON writes one: -?(0|[1-9][0-9]*)(\.[0-9]+)?
bool json_number(const std::string& v) {
  std::size_t i = v.size() > 1 && v[0] == '-' ? 1 : 0;
  const std::size_t start = i;
  while (i < v.size() && v[i] >= '0' && v[i] <= '9') ++i;
  const std::size_t digits = i - start;
  if (digits == 0 || (digits > 1 && v[start] == '0')) return false;
  if (i == v.size()) return true;
  if (v[i] != '.' || ++i == v.size()) return false;
  while (i < v.size() && v[i] >= '0' && v[i] <= '9') ++i;
  return i == v.size();
}

}  // namespace

std::string shown_time(const std::string& stored) {
  if (stored.empty()) return "";
  auto t = ncss::parse_time(stored);
  return t ? ncss::format_cst(*t) : stored;
}

std::string listed_time(bool human, const std::string& stored) {
  return human ? shown_time(stored) : stored;
}

namespace {

enum class Personal { No, IdNumber, Phone };

Personal personal_key(const std::string& key) {
  if (key == "id_number") return Personal::IdNumber;
  auto ends_with = [&](std::string_view end) {
    return key.size() > end.size() && key.compare(key.size() - end.size(), end.size(), end) == 0;
  };
  // A fax is a phone line too (employer user list masks it): masked alike.
  if (key == "phone" || key == "mobile" || key == "fax" || ends_with("_phone") ||
      ends_with("_fax")) {
    return Personal::Phone;
  }
  return Personal::No;
}

void mask_values(nlohmann::json& j, Personal kind) {
  if (j.is_string()) {
    const std::string v = j.get<std::string>();
    j = kind == Personal::IdNumber ? ncss::mask_resident_id(v) : ncss::mask_phone(v);
  } else if (j.is_structured()) {
    for (auto& child : j) mask_values(child, kind);  // {"old": ..., "new": ...}
  }
}

void mask_personal(nlohmann::json& j) {
  if (j.is_object()) {
    for (auto it = j.begin(); it != j.end(); ++it) {
      Personal kind = personal_key(it.key());
      if (kind != Personal::No) {
        mask_values(it.value(), kind);
      } else {
        mask_personal(it.value());  // {"changes": {"phone": {"old", "new"}}} and the like
      }
    }
  } else if (j.is_array()) {
    for (auto& child : j) mask_personal(child);
  }
}

}  // namespace

std::string masked_json_text(const std::string& text) {
  auto j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded()) return text;
  mask_personal(j);
  return j.dump();
}

std::string csv_field(const std::string& v) {
  if (v.find_first_of(",\"\r\n") == std::string::npos) return v;
  std::string q = "\"";
  for (char c : v) {
    if (c == '"') q += '"';
    q += c;
  }
  return q + "\"";
}

std::string json_string(const std::string& v) {
  return nlohmann::json(v).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string printable(const std::string& text) {
  auto shown = [](unsigned cp) {
    char buf[12];
    std::snprintf(buf, sizeof buf, "<U+%04X>", cp);
    return std::string(buf);
  };
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    auto b = static_cast<unsigned char>(text[i]);
    if ((b < 0x20 && b != '\n') || b == 0x7F) {
      out += shown(b);
    } else if (b == 0xC2 && i + 1 < text.size() &&
               static_cast<unsigned char>(text[i + 1]) >= 0x80 &&
               static_cast<unsigned char>(text[i + 1]) <= 0x9F) {
      out += shown(static_cast<unsigned char>(text[++i]));  // C1 controls
    } else if (b == 0xD8 && i + 1 < text.size() &&
               static_cast<unsigned char>(text[i + 1]) == 0x9C) {
      out += shown(0x061C);  // the Arabic letter mark, a direction mark
      ++i;
    } else if (b == 0xE2 && i + 2 < text.size()) {
      unsigned cp = ((b & 0x0Fu) << 12) | ((static_cast<unsigned char>(text[i + 1]) & 0x3Fu) << 6) |
                    (static_cast<unsigned char>(text[i + 2]) & 0x3Fu);
      // Direction marks and embeddings, and the line and paragraph separators.
      if (cp == 0x200E || cp == 0x200F || cp == 0x2028 || cp == 0x2029 ||
          (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069)) {
        out += shown(cp);
        i += 2;
      } else {
        out += text[i];
      }
    } else {
      out += text[i];
    }
  }
  return out;
}

RowWriter::RowWriter(std::ostream& out, Format format, std::vector<Column> columns,
                     std::size_t table_window)
    : out_(out),
      format_(format),
      columns_(std::move(columns)),
      table_window_(std::max<std::size_t>(table_window, 1)),
      uncaught_at_start_(std::uncaught_exceptions()) {}

RowWriter::~RowWriter() {
  // Unwinding from an error: a half listing is not completed as if it were whole.
  if (std::uncaught_exceptions() > uncaught_at_start_) return;
  try {
    finish();
  } catch (...) {
  }
}

void RowWriter::row(const std::vector<std::string>& values) {
  switch (format_) {
    case Format::Table: {
      std::vector<std::string> cells;
      cells.reserve(values.size());
      for (const auto& v : values) cells.push_back(table_cell(v));
      if (started_) {
        table_line(cells);
      } else {
        buffered_.push_back(std::move(cells));
        if (buffered_.size() == table_window_) draw_table();
      }
      return;
    }
    case Format::Csv:
      if (!started_) {
        for (std::size_t i = 0; i < columns_.size(); ++i) {
          out_ << (i ? "," : "") << csv_field(columns_[i].key);
        }
        out_ << '\n';
      }
      for (std::size_t i = 0; i < columns_.size(); ++i) {
        out_ << (i ? "," : "") << csv_field(i < values.size() ? values[i] : "");
      }
      out_ << '\n';
      break;
    case Format::Json:
    case Format::Jsonl: {
      if (format_ == Format::Json) out_ << (started_ ? ",\n  " : "[\n  ");
      out_ << '{';
      for (std::size_t i = 0; i < columns_.size(); ++i) {
        const std::string& v = i < values.size() ? values[i] : std::string();
        out_ << (i ? ", " : "") << json_string(columns_[i].key) << ": ";
        // A number column holds a JSON number, or null when the row has none (a refused row's
        // invitation_id); a value that is not a number stays a string rather than break the JSON.
        if (columns_[i].numeric && v.empty()) {
          out_ << "null";
        } else if (columns_[i].numeric && json_number(v)) {
          out_ << v;
        } else {
          out_ << json_string(v);
        }
      }
      out_ << '}';
      if (format_ == Format::Jsonl) out_ << '\n';
      break;
    }
  }
  started_ = true;
}

void RowWriter::finish() {
  if (finished_) return;
  finished_ = true;
  switch (format_) {
    case Format::Csv:
      if (!started_) {
        for (std::size_t i = 0; i < columns_.size(); ++i) {
          out_ << (i ? "," : "") << csv_field(columns_[i].key);
        }
        out_ << '\n';
      }
      break;
    case Format::Json:
      out_ << (started_ ? "\n]\n" : "[]\n");
      break;
    case Format::Jsonl:
      break;
    case Format::Table:
      if (!started_) draw_table();
      break;
  }
  out_.flush();
}

// The header, the rule and the buffered rows, with widths from the header and those rows.
void RowWriter::draw_table() {
  std::vector<std::string> headers;
  widths_.clear();
  for (const auto& c : columns_) {
    headers.push_back(c.label.empty() ? c.key : c.label + " " + c.key);
    widths_.push_back(display_width(headers.back()));
  }
  for (const auto& r : buffered_) {
    for (std::size_t i = 0; i < columns_.size() && i < r.size(); ++i) {
      widths_[i] = std::max(widths_[i], display_width(r[i]));
    }
  }
  table_line(headers, true);
  std::vector<std::string> rule;
  for (auto w : widths_) rule.emplace_back(w, '-');
  table_line(rule);
  for (const auto& r : buffered_) table_line(r);
  buffered_.clear();
  buffered_.shrink_to_fit();
  started_ = true;
}

void RowWriter::table_line(const std::vector<std::string>& cells, bool header) {
  const bool bold = header && colour_on(out_);
  if (bold) out_ << "\033[1m";
  for (std::size_t i = 0; i < columns_.size(); ++i) {
    const std::string& v = i < cells.size() ? cells[i] : std::string();
    if (i + 1 == columns_.size()) {
      out_ << v;
    } else {
      pad(out_, v, widths_[i]);
      out_ << "  ";
    }
  }
  if (bold) out_ << "\033[0m";
  out_ << '\n';
}

bool colour_on(const std::ostream& stream) {
  int fd = &stream == &std::cout ? STDOUT_FILENO : &stream == &std::cerr ? STDERR_FILENO : -1;
  if (fd < 0 || !::isatty(fd)) return false;
  const char* no_colour = std::getenv("NO_COLOR");
  if (no_colour != nullptr && *no_colour != '\0') return false;
  const char* term = std::getenv("TERM");
  return term == nullptr || std::string(term) != "dumb";
}

std::string styled(const std::ostream& stream, const char* sgr, const std::string& text) {
  if (!colour_on(stream)) return text;
  return std::string("\033[") + sgr + "m" + text + "\033[0m";
}

}  // namespace cli
