// The normalisation and validation rules shared by everything that reads what people type or
// paste: roster and favourite imports, employer registration, invitation templates.
#pragma once

#include <SQLiteCpp/SQLiteCpp.h>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "ncss/text.hpp"
#include "ncss/time.hpp"

namespace ncss {

// Trims ASCII space, tab, CR, LF, the no-break space U+00A0 and the ideographic space U+3000
// from both ends.
std::string trim(const std::string& s);
// The same, as a view into `s` (no copy: for per-cell loops).
std::string_view trim_view(std::string_view s);
// Appends the UTF-8 bytes of a code point (which the caller has checked is valid).
void append_utf8(std::string& out, char32_t cp);
// A character no one means to type into a roster cell: a control character (U+0000..U+001F,
// U+007F, U+0080..U+009F: line breaks, tabs, escapes), or an invisible format character (zero
// width spaces and joiners, direction marks, embeddings, overrides and isolates, U+FEFF).
struct HiddenCharacter {
  char32_t code_point;
  std::size_t position;  // 1-based, in characters
};
std::optional<HiddenCharacter> find_hidden_character(std::string_view s);
// The first character a field of `lines` refuses (checked_text in ncss/text.hpp): a hidden
// character, where a Multi field takes LF and CR LF. Its position counts every character of `s`
// from 1; line and column count lines from 1 and characters from 1 within the line.
struct RefusedCharacter {
  char32_t code_point;
  std::size_t position;
  std::size_t line;
  std::size_t column;
};
std::optional<RefusedCharacter> find_refused_character(std::string_view s, TextLines lines);
// "--note holds the control character U+0007 at character 5; delete it". `at_line` adds the line
// and column for text read from a file ("at character 40 (line 3, column 7)").
std::string refused_character_message(std::string_view field, const RefusedCharacter& found,
                                      TextLines lines, bool at_line = false);
// "U+001B".
std::string code_point_name(char32_t cp);
// Characters (code points) of UTF-8 text, as a form counts them ("at most 200 characters").
std::size_t utf8_length(std::string_view s);
// The same text cut into its characters (a lead byte and its continuation bytes each; a stray
// continuation byte stays with the character before it, or stands alone at the start).
std::vector<std::string_view> utf8_characters(std::string_view s);
// A, B, ..., Z, AA, ... for a 0-based column index, as spreadsheets name columns.
std::string column_letter(std::size_t index);
// A header cell as matched: trimmed, required-field asterisks dropped, ASCII lower-cased.
std::string header_key(const std::string& text);
bool all_ascii_digits(const std::string& s);
// "1.10105E+17": how Excel writes a long number into a CSV (its last digits are lost): one digit,
// an optional fraction, E or e, a sign and the exponent. "19E0101" is not (a 学号 may read so).
bool is_scientific(const std::string& s);
// "13812345678.0": digits, a point and only zeros, as a number column leaves a whole number in a
// CSV written by a program that keeps numbers as floating point (pandas, R, a "0.0" format).
// Not with leading zeros ("0012.0"): no program writes a number so, so it was typed as text.
bool is_point_zero(const std::string& s);
// local@domain.tld
bool valid_email(const std::string& s);
// A mobile number: 11 digits starting with 1.
bool valid_mobile(const std::string& s);
// A landline or fax: 7 to 20 digits with the separators people write (010-62751234,
// +86 10 6275 1234, 0755-86001234-123).
bool valid_landline(const std::string& s);
// Every way a roster may name a school (code, identifier, name, former name) → its code.
std::unordered_map<std::string, std::string> load_school_names(SQLite::Database& db);
// A --school filter (code, identifier, name or former name, trimmed) → its code; "" for an empty
// filter. An unknown school is NotFound: a filter naming nothing is a mistake, not an empty list.
std::string school_filter_code(SQLite::Database& db, const std::string& filter);
// An --employer filter → the credit code it names, normalised; "" for an empty filter. One that
// names no registered employer is NotFound, as an unknown school is: a typo is not an empty list.
std::string employer_filter_code(SQLite::Database& db, const std::string& filter);
// A --graduate filter (an ID number) → normalised; "" for an empty filter; NotFound when no
// roster holds it.
std::string graduate_filter_id(SQLite::Database& db, const std::string& filter);
// The same against names already loaded with load_school_names.
std::string school_filter_code(const std::unordered_map<std::string, std::string>& names,
                               const std::string& filter);

// One defect of an ID number as a stable reason code and plain words.
struct IdRefusal {
  std::string code;
  std::string message;
};
std::vector<IdRefusal> id_refusals(const std::string& normalized_id, Timestamp now);

}  // namespace ncss
