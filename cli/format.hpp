// Rendering of results: human tables (with Chinese labels), CSV and JSON for scripts. Rows are
// written as they come (CSV, JSON lines; tables after their first kTableWindow rows) so long
// listings stream.
#pragma once

#include <iosfwd>
#include <memory>
#include <string>
#include <vector>

namespace cli {

enum class Format { Table, Csv, Json, Jsonl };

// Parses table|csv|json|jsonl; throws ncss::Error(Usage) otherwise.
Format parse_format(const std::string& text);

struct Column {
  std::string key;    // stable machine name: CSV header, JSON key
  std::string label;  // Chinese label shown beside it in tables
  bool numeric = false;
};

class RowWriter {
 public:
  // A table is drawn once this many rows have come (or at finish()): their widths set the
  // columns', and later rows are written as they come, a wider cell widening its own line only.
  // Memory stays bounded however long the listing.
  static constexpr std::size_t kTableWindow = 1000;

  RowWriter(std::ostream& out, Format format, std::vector<Column> columns,
            std::size_t table_window = kTableWindow);
  ~RowWriter();
  void row(const std::vector<std::string>& values);
  // Ends the output (closes the JSON array, draws the table). Called by the destructor too.
  void finish();

 private:
  void draw_table();
  void table_line(const std::vector<std::string>& cells, bool header = false);

  std::ostream& out_;
  Format format_;
  std::vector<Column> columns_;
  std::size_t table_window_;
  std::vector<std::vector<std::string>> buffered_;  // tables only, until the window is full
  std::vector<std::size_t> widths_;                 // tables only, once drawn
  int uncaught_at_start_;
  bool started_ = false;
  bool finished_ = false;
};

// Terminal columns a UTF-8 string takes: wide (CJK, full-width) characters count two.
std::size_t display_width(const std::string& text);
// A stored UTC time as people read it (China Standard Time); empty stays empty, and text that is
// not a time is shown as it is.
std::string shown_time(const std::string& stored);
// A stored time as a listing gives it: shown_time in a table (`human`), and in CSV and JSON the
// stored ISO-8601 UTC text (2026-06-13T01:00:00Z), which scripts sort, compare and parse.
std::string listed_time(bool human, const std::string& stored);
std::string csv_field(const std::string& value);
// JSON text (event details, outbox payloads) as a table shows it: the values of ID-number keys
// (id_number, recipient_id of a graduate) and phone keys (phone, mobile, *_phone), or of their
// {"old", "new"} changes, masked; text that is not JSON stays as it is.
std::string masked_json_text(const std::string& json);
// Whether `stream` (std::cout or std::cerr) is a terminal that takes colour: never when NO_COLOR
// is set to anything (https://no-color.org) or TERM is dumb, never for files and pipes.
bool colour_on(const std::ostream& stream);
// `text` in the SGR style `sgr` ("1" bold, "31" red, "33" yellow) when colour_on(stream).
std::string styled(const std::ostream& stream, const char* sgr, const std::string& text);
std::string json_string(const std::string& value);
// `text` safe to write to a terminal: control characters other than line feed (an escape would
// recolour or clear the screen, a carriage return overwrite the line) and direction overrides
// and isolates (which reorder what follows them) shown as <U+001B>.
std::string printable(const std::string& text);

}  // namespace cli
