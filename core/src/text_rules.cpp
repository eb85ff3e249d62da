#include "text_rules.hpp"

#include <algorithm>
#include <cstdio>

#include "employer_impl.hpp"
#include "ncss/error.hpp"
#include "ncss/identity.hpp"
#include "ncss/text.hpp"

namespace ncss {

namespace {

bool ascii_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// U+3000 IDEOGRAPHIC SPACE is E3 80 80 in UTF-8.
bool ideographic_space_at(std::string_view s, std::size_t i) {
  return i + 2 < s.size() && static_cast<unsigned char>(s[i]) == 0xE3 &&
         static_cast<unsigned char>(s[i + 1]) == 0x80 &&
         static_cast<unsigned char>(s[i + 2]) == 0x80;
}

// U+00A0 NO-BREAK SPACE: what text copied from a web page or Word brings along.
bool no_break_space_at(std::string_view s, std::size_t i) {
  return i + 1 < s.size() && static_cast<unsigned char>(s[i]) == 0xC2 &&
         static_cast<unsigned char>(s[i + 1]) == 0xA0;
}

}  // namespace

std::string_view trim_view(std::string_view s) {
  std::size_t b = 0, e = s.size();
  for (;;) {
    if (b < e && ascii_space(s[b])) {
      ++b;
    } else if (e - b >= 3 && ideographic_space_at(s, b)) {
      b += 3;
    } else if (e - b >= 2 && no_break_space_at(s, b)) {
      b += 2;
    } else {
      break;
    }
  }
  for (;;) {
    if (e > b && ascii_space(s[e - 1])) {
      --e;
    } else if (e - b >= 3 && ideographic_space_at(s, e - 3)) {
      e -= 3;
    } else if (e - b >= 2 && no_break_space_at(s, e - 2)) {
      e -= 2;
    } else {
      break;
    }
  }
  return s.substr(b, e - b);
}

std::string trim(const std::string& s) { return std::string(trim_view(s)); }

void append_utf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

std::optional<HiddenCharacter> find_hidden_character(std::string_view s) {
  std::size_t position = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    auto b = static_cast<unsigned char>(s[i]);
    if ((b & 0xC0) != 0x80) ++position;
    if (b < 0x20 || b == 0x7F) return HiddenCharacter{b, position};
    if (b < 0xC2 || b > 0xEF || i + 1 >= s.size()) continue;
    auto b1 = static_cast<unsigned char>(s[i + 1]);
    if (b == 0xC2 && b1 >= 0x80 && b1 <= 0x9F) return HiddenCharacter{b1, position};  // C1
    if (i + 2 >= s.size() || (b != 0xE2 && b != 0xEF)) continue;
    char32_t cp = (static_cast<char32_t>(b & 0x0F) << 12) |
                  (static_cast<char32_t>(b1 & 0x3F) << 6) |
                  (static_cast<unsigned char>(s[i + 2]) & 0x3F);
    bool hidden = (cp >= 0x200B && cp <= 0x200F) ||  // zero-width, direction marks
                  (cp >= 0x202A && cp <= 0x202E) ||  // direction embeddings and overrides
                  (cp >= 0x2060 && cp <= 0x2064) ||  // word joiner, invisible operators
                  (cp >= 0x2066 && cp <= 0x2069) ||  // direction isolates
                  cp == 0xFEFF;                      // byte order mark inside the text
    if (hidden) return HiddenCharacter{cp, position};
  }
  return std::nullopt;
}

std::string code_point_name(char32_t cp) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "U+%04X", static_cast<unsigned>(cp));
  return buf;
}

std::optional<RefusedCharacter> find_refused_character(std::string_view s, TextLines lines) {
  std::size_t before = 0;  // characters of the lines before this one, with their line breaks
  for (std::size_t line = 1;; ++line) {
    const std::size_t end = lines == TextLines::Multi ? s.find('\n') : std::string_view::npos;
    std::string_view text = s.substr(0, end);
    const bool crlf = end != std::string_view::npos && !text.empty() && text.back() == '\r';
    if (crlf) text.remove_suffix(1);  // CR LF is one line break, as a Windows file has it
    if (auto hidden = find_hidden_character(text)) {
      return RefusedCharacter{hidden->code_point, before + hidden->position, line,
                              hidden->position};
    }
    if (end == std::string_view::npos) return std::nullopt;
    before += utf8_length(text) + (crlf ? 2 : 1);
    s.remove_prefix(end + 1);
  }
}

std::string refused_character_message(std::string_view field, const RefusedCharacter& found,
                                      TextLines lines, bool at_line) {
  const char32_t cp = found.code_point;
  const std::string name = code_point_name(cp);
  std::string what, advice = "delete it";
  if ((cp == U'\n' || cp == U'\r') && lines == TextLines::Single) {
    what = "a line break (" + name + ")";
    advice = "it is one line: type it without one";
  } else if (cp == U'\r') {
    what = "a carriage return (" + name + ") that is not part of a CR LF line break";
    advice = "end lines with LF or CR LF";
  } else if (cp == U'\t') {
    what = "a tab (" + name + ")";
    advice = "type a space instead";
  } else if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F)) {
    what = "the control character " + name;
  } else {
    what = "the invisible character " + name;
    advice =
        "delete it (a zero-width, direction or format character, often pasted in with the "
        "text)";
  }
  std::string where = "at character " + std::to_string(found.position);
  if (at_line) {
    where +=
        " (line " + std::to_string(found.line) + ", column " + std::to_string(found.column) + ")";
  }
  return std::string(field) + " holds " + what + " " + where + "; " + advice;
}

std::string checked_text(std::string_view text, std::string_view field, TextLines lines) {
  if (auto found = find_refused_character(text, lines)) {
    throw Error::invalid_input(refused_character_message(field, *found, lines));
  }
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    // Only a CR before an LF is left in a Multi text: the line break is stored as LF.
    if (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n') continue;
    out += text[i];
  }
  return out;
}

std::size_t decode_utf8(std::string_view s, std::size_t i, char32_t& out) {
  auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char lead = byte(i);
  if (lead < 0x80) {
    out = lead;
    return 1;
  }
  std::size_t len;
  char32_t cp;
  char32_t min;
  if (lead >= 0xC2 && lead <= 0xDF) {
    len = 2, cp = lead & 0x1F, min = 0x80;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    len = 3, cp = lead & 0x0F, min = 0x800;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    len = 4, cp = lead & 0x07, min = 0x10000;
  } else {
    return 0;
  }
  if (i + len > s.size()) return 0;
  for (std::size_t k = 1; k < len; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (byte(i + k) & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  out = cp;
  return len;
}

std::optional<std::size_t> invalid_utf8_at(std::string_view s) {
  char32_t cp;
  for (std::size_t i = 0; i < s.size();) {
    std::size_t n = decode_utf8(s, i, cp);
    if (n == 0) return i;
    i += n;
  }
  return std::nullopt;
}

std::size_t utf8_length(std::string_view s) {
  std::size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

std::vector<std::string_view> utf8_characters(std::string_view s) {
  std::vector<std::string_view> out;
  for (std::size_t i = 0; i < s.size();) {
    std::size_t j = i + 1;
    while (j < s.size() && (static_cast<unsigned char>(s[j]) & 0xC0) == 0x80) ++j;
    out.push_back(s.substr(i, j - i));
    i = j;
  }
  return out;
}

std::string column_letter(std::size_t index) {
  std::string s;
  ++index;
  while (index > 0) {
    s.insert(s.begin(), static_cast<char>('A' + (index - 1) % 26));
    index = (index - 1) / 26;
  }
  return s;
}

std::string header_key(const std::string& text) {
  std::string t = trim(text);
  // A byte order mark left before the first header: the file's own BOM is taken off by the
  // reader, but a UTF-8 file with a BOM saved again by a tool that adds one starts with two.
  constexpr std::string_view kBom = "\xEF\xBB\xBF";
  while (t.starts_with(kBom)) t.erase(0, kBom.size());
  // Templates often mark required columns with an asterisk.
  while (!t.empty() && t.back() == '*') t.pop_back();
  while (!t.empty() && t.front() == '*') t.erase(t.begin());
  t = trim(t);
  for (char& c : t) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return t;
}

bool all_ascii_digits(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool is_scientific(const std::string& s) {
  // One digit before the point, then the exponent with its sign: "1.10105E+17" as Excel, WPS and
  // LibreOffice write it, "1.10105e+17" as a script's floats. A 学号 such as 19E0101 is text.
  if (s.size() < 4 || s[0] < '1' || s[0] > '9') return false;
  std::size_t i = 1;
  if (s[i] == '.') {
    ++i;
    const std::size_t digits = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    if (i == digits) return false;
  }
  if (i + 2 >= s.size() || (s[i] != 'E' && s[i] != 'e')) return false;
  if (s[i + 1] != '+' && s[i + 1] != '-') return false;
  return all_ascii_digits(s.substr(i + 2));
}

bool is_point_zero(const std::string& s) {
  if (s.empty() || s.back() != '0') return false;  // most text, cheaply
  std::size_t point = s.find('.');
  if (point == 0 || point == std::string::npos || point + 1 == s.size()) return false;
  if (s[0] == '0' && point > 1) return false;  // "0012.0": a program writes no leading zeros
  return s.find_first_not_of("0123456789") == point &&
         s.find_first_not_of('0', point + 1) == std::string::npos;
}

bool valid_email(const std::string& s) {
  auto at = s.find('@');
  if (at == std::string::npos || at == 0 || s.find('@', at + 1) != std::string::npos) return false;
  for (char c : s) {
    if (static_cast<unsigned char>(c) < 0x21) return false;
  }
  std::string domain = s.substr(at + 1);
  auto dot = domain.rfind('.');
  if (dot == std::string::npos || dot == 0) return false;
  std::string tld = domain.substr(dot + 1);
  if (tld.size() < 2) return false;
  for (char c : tld) {
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))) return false;
  }
  return domain.find("..") == std::string::npos && domain.front() != '.';
}

bool valid_mobile(const std::string& s) {
  return s.size() == 11 && all_ascii_digits(s) && s[0] == '1';
}

bool valid_landline(const std::string& s) {
  int digits = 0;
  for (char c : s) {
    if (c >= '0' && c <= '9') {
      ++digits;
    } else if (c != '-' && c != '+' && c != ' ' && c != '(' && c != ')') {
      return false;
    }
  }
  // A bare number from 1 is a mobile number, which has 11 digits (a landline's area code starts
  // with 0, a local number with 2-9): 1381234567 is a mobile number short of a digit.
  if (!s.empty() && s.front() == '1' && all_ascii_digits(s)) return false;
  return digits >= 7 && digits <= 20;
}

std::unordered_map<std::string, std::string> load_school_names(SQLite::Database& db) {
  std::unordered_map<std::string, std::string> names;
  SQLite::Statement q(db,
                      "SELECT code, code FROM schools UNION ALL SELECT moe_id, code FROM schools "
                      "WHERE moe_id IS NOT NULL UNION ALL SELECT name, code FROM schools "
                      "UNION ALL SELECT name, school_code FROM school_aliases");
  while (q.executeStep()) names.emplace(q.getColumn(0).getString(), q.getColumn(1).getString());
  return names;
}

std::string school_filter_code(SQLite::Database& db, const std::string& filter) {
  if (trim(filter).empty()) return "";
  return school_filter_code(load_school_names(db), filter);
}

std::string employer_filter_code(SQLite::Database& db, const std::string& filter) {
  if (trim(filter).empty()) return "";
  std::string code = normalize_credit_code(filter);
  SQLite::Statement q(db, "SELECT 1 FROM employers WHERE credit_code = :code");
  q.bind(":code", code);
  if (!q.executeStep()) throw employer_not_found(trim(filter));
  return code;
}

std::string graduate_filter_id(SQLite::Database& db, const std::string& filter) {
  if (trim(filter).empty()) return "";
  std::string id = normalize_resident_id(filter);
  SQLite::Statement q(db, "SELECT 1 FROM graduates WHERE id_number = :id LIMIT 1");
  q.bind(":id", id);
  if (!q.executeStep()) {
    throw Error(ErrorCode::NotFound,
                "graduate not found: no roster holds the ID number " + mask_resident_id(id));
  }
  return id;
}

std::string school_filter_code(const std::unordered_map<std::string, std::string>& names,
                               const std::string& filter) {
  std::string key = trim(filter);
  if (key.empty()) return "";
  auto it = names.find(key);
  if (it == names.end()) {
    throw Error(ErrorCode::NotFound, "unknown school '" + key +
                                         "': not a code, identifier, name or former name on the "
                                         "national list; add it with `ncssctl school add`");
  }
  return it->second;
}

std::vector<IdRefusal> id_refusals(const std::string& id, Timestamp now) {
  std::vector<IdRefusal> out;
  const auto defects = check_resident_id(id, now);
  if (defects.empty()) return out;  // the message text is made only for an ID that needs one
  const std::string quoted = "身份证号 '" + mask_resident_id(id) + "'";
  for (auto d : defects) {
    switch (d) {
      case IdDefect::Length:
        out.push_back({"id_length", quoted + " has " + std::to_string(utf8_length(id)) +
                                        " characters; it must have 18"});
        break;
      case IdDefect::Characters: {
        // The ID is masked, so name the first character that cannot be in one.
        std::string message = quoted + " must be 17 digits followed by a digit or X";
        const auto chars = utf8_characters(id);
        for (std::size_t i = 0; i < chars.size(); ++i) {
          const std::string_view c = chars[i];
          const bool ok =
              c.size() == 1 && ((c[0] >= '0' && c[0] <= '9') || (i == 17 && c[0] == 'X'));
          if (!ok) {
            message += "; character " + std::to_string(i + 1) + " is '" + std::string(c) + "'";
            break;
          }
        }
        out.push_back({"id_chars", message});
        break;
      }
      case IdDefect::CheckDigit:
        out.push_back(
            {"id_checksum", quoted + " has a wrong check digit (the last character should be " +
                                std::string(1, resident_id_check_char(id)) + ")"});
        break;
      case IdDefect::BirthDate:
        out.push_back({"id_birthdate", quoted + " holds the birth date " + id.substr(6, 8) +
                                           ", which does not exist"});
        break;
      case IdDefect::BirthFuture:
        out.push_back({"id_birth_future", quoted + " holds the birth date " + id.substr(6, 8) +
                                              ", which is in the future"});
        break;
    }
  }
  return out;
}

}  // namespace ncss
