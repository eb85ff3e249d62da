#include "ncss/identity.hpp"

#include <array>
#include <string>
#include <vector>

#include "text_rules.hpp"

namespace ncss {

namespace {

constexpr std::array<int, 17> kIdWeights = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
constexpr std::string_view kIdCheck = "10X98765432";

constexpr std::string_view kCreditAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";
constexpr std::array<int, 17> kCreditWeights = {1,  3,  9,  27, 19, 26, 16, 17, 20,
                                                29, 25, 13, 8,  24, 10, 30, 28};
constexpr std::array<int, 8> kOrgWeights = {3, 7, 9, 10, 5, 8, 4, 2};

bool is_digit(char c) { return c >= '0' && c <= '9'; }

int credit_value(char c) {
  auto pos = kCreditAlphabet.find(c);
  return pos == std::string_view::npos ? -1 : static_cast<int>(pos);
}

// The value of an organisation-code character: digits 0-9, letters A-Z as 10-35.
int org_value(char c) {
  if (is_digit(c)) return c - '0';
  if (c >= 'A' && c <= 'Z') return c - 'A' + 10;
  return -1;
}

int digits(std::string_view s, std::size_t pos, std::size_t n) {
  int v = 0;
  for (std::size_t i = 0; i < n; ++i) v = v * 10 + (s[pos + i] - '0');
  return v;
}

}  // namespace

std::string normalize_resident_id(std::string_view raw) {
  std::string out;
  out.reserve(raw.size());
  for (std::size_t i = 0; i < raw.size();) {
    auto b = static_cast<unsigned char>(raw[i]);
    // Full-width forms U+FF01..U+FF5E are EF BC 81..EF BD 9E; U+3000 is E3 80 80.
    if (b == 0xEF && i + 2 < raw.size()) {
      auto b1 = static_cast<unsigned char>(raw[i + 1]);
      auto b2 = static_cast<unsigned char>(raw[i + 2]);
      unsigned cp = ((b & 0x0F) << 12) | ((b1 & 0x3F) << 6) | (b2 & 0x3F);
      // Only a well-formed sequence is a full-width character: without this check, stray bytes
      // such as "\xEF|Q" decoded to a digit ('1') and made a valid-looking ID (found by fuzzing).
      bool continuation = (b1 & 0xC0) == 0x80 && (b2 & 0xC0) == 0x80;
      if (continuation && cp >= 0xFF01 && cp <= 0xFF5E) {
        out += static_cast<char>(cp - 0xFF01 + 0x21);
        i += 3;
        continue;
      }
    }
    if (b == 0xE3 && i + 2 < raw.size() && static_cast<unsigned char>(raw[i + 1]) == 0x80 &&
        static_cast<unsigned char>(raw[i + 2]) == 0x80) {
      out += ' ';
      i += 3;
      continue;
    }
    out += raw[i];
    ++i;
  }
  std::size_t first = out.find_first_not_of(" \t");
  std::size_t last = out.find_last_not_of(" \t");
  out = first == std::string::npos ? std::string() : out.substr(first, last - first + 1);
  for (char& c : out) {
    if (c == 'x') c = 'X';
  }
  return out;
}

char resident_id_check_char(std::string_view first17) {
  int sum = 0;
  for (std::size_t i = 0; i < 17; ++i) sum += (first17[i] - '0') * kIdWeights[i];
  return kIdCheck[sum % 11];
}

namespace {

// `s` with every character but the first `front` and the last `back` replaced by '*'. Characters,
// not bytes: a refused cell may hold any text, and a cut character would garble the output.
std::string mask_middle(std::string_view s, std::size_t front, std::size_t back) {
  const auto chars = utf8_characters(s);
  std::string out;
  for (std::size_t i = 0; i < chars.size(); ++i) {
    if (i < front || i + back >= chars.size()) {
      out += chars[i];
    } else {
      out += '*';
    }
  }
  return out;
}

}  // namespace

std::vector<IdDefect> check_resident_id(std::string_view id, Timestamp now) {
  std::vector<IdDefect> defects;
  // Characters, not bytes: a full-width or other non-ASCII character in an otherwise 18-long
  // number is a character defect alone.
  if (utf8_length(id) != 18) {
    defects.push_back(IdDefect::Length);
  }
  bool chars_ok = true;
  for (std::size_t i = 0; i < id.size(); ++i) {
    bool ok = is_digit(id[i]) || (i == 17 && id[i] == 'X');
    if (!ok) chars_ok = false;
  }
  if (!chars_ok) defects.push_back(IdDefect::Characters);
  if (id.size() != 18 || !chars_ok) return defects;
  if (resident_id_check_char(id) != id[17]) defects.push_back(IdDefect::CheckDigit);
  int y = digits(id, 6, 4), m = digits(id, 10, 2), d = digits(id, 12, 2);
  if (!is_valid_date(y, m, d) || y < 1900) {
    defects.push_back(IdDefect::BirthDate);
  } else {
    // Today in China as a day number, against the birth date's (no text: this runs per row).
    const std::int64_t local = now.seconds + kChinaOffsetSeconds;
    const std::int64_t today = local >= 0 ? local / 86400 : (local - 86399) / 86400;
    if (days_from_civil(y, static_cast<unsigned>(m), static_cast<unsigned>(d)) > today) {
      defects.push_back(IdDefect::BirthFuture);
    }
  }
  return defects;
}

std::optional<ResidentIdInfo> resident_id_info(std::string_view id) {
  if (id.size() != 18) return std::nullopt;
  for (std::size_t i = 0; i < 17; ++i) {
    if (!is_digit(id[i])) return std::nullopt;
  }
  ResidentIdInfo info{digits(id, 6, 4), digits(id, 10, 2), digits(id, 12, 2),
                      (id[16] - '0') % 2 == 1};
  if (!is_valid_date(info.birth_year, info.birth_month, info.birth_day)) return std::nullopt;
  return info;
}

std::string mask_resident_id(std::string_view id) {
  const std::size_t n = utf8_length(id);
  if (n == 18) return mask_middle(id, 6, 4);
  // Not a well-formed number: show no more than its ends.
  return n <= 4 ? mask_middle(id, 0, 0) : mask_middle(id, 2, 2);
}

std::string mask_phone(std::string_view phone) {
  return utf8_length(phone) < 7 ? mask_middle(phone, 0, 0) : mask_middle(phone, 3, 4);
}

std::string normalize_credit_code(std::string_view raw) {
  std::size_t b = raw.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return "";
  std::size_t e = raw.find_last_not_of(" \t\r\n");
  std::string out(raw.substr(b, e - b + 1));
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return out;
}

char credit_code_check_char(std::string_view first17) {
  int sum = 0;
  for (std::size_t i = 0; i < 17; ++i) sum += credit_value(first17[i]) * kCreditWeights[i];
  return kCreditAlphabet[(31 - sum % 31) % 31];
}

std::vector<CreditCodeDefect> check_credit_code(std::string_view code) {
  std::vector<CreditCodeDefect> defects;
  if (code.size() != 18) defects.push_back(CreditCodeDefect::Length);
  bool chars_ok = true;
  for (char c : code) {
    if (credit_value(c) < 0) chars_ok = false;
  }
  if (!chars_ok) defects.push_back(CreditCodeDefect::Characters);
  if (code.size() != 18 || !chars_ok) return defects;
  if (credit_code_check_char(code) != code[17]) defects.push_back(CreditCodeDefect::CheckCharacter);
  // Characters 9-17 (index 8..16): 8 body characters and a check, GB 11714.
  int sum = 0;
  for (std::size_t i = 0; i < 8; ++i) {
    int v = org_value(code[8 + i]);
    sum += v * kOrgWeights[i];
  }
  int check = 11 - sum % 11;
  char expected = check == 10 ? 'X' : check == 11 ? '0' : static_cast<char>('0' + check);
  if (code[16] != expected) defects.push_back(CreditCodeDefect::OrganisationCode);
  return defects;
}

}  // namespace ncss
