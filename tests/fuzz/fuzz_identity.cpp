// The resident ID and credit-code validators (core/src/identity.cpp) and the reasons the
// importer and employer registration give (text_rules.cpp, employer.cpp), on any text, with
// their promises checked: a number that passes has the right check character and a real birth
// date; normalisation is idempotent and never turns bytes that are not UTF-8 into a valid number.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_support.hpp"
#include "ncss/employer.hpp"
#include "ncss/identity.hpp"
#include "ncss/time.hpp"
#include "text_rules.hpp"

namespace {

bool has(const auto& defects, auto defect) {
  for (auto d : defects) {
    if (d == defect) return true;
  }
  return false;
}

void fuzz_resident_id(std::string_view raw, ncss::Timestamp now) {
  std::string id = ncss::normalize_resident_id(raw);
  fuzz::check(ncss::normalize_resident_id(id) == id, "ID normalisation is not idempotent");
  if (!fuzz::valid_utf8(raw)) {
    // Stray bytes are kept, so the number is refused rather than silently repaired.
    fuzz::check(!fuzz::valid_utf8(id), "ID normalisation made bytes that are not UTF-8 valid");
  }
  auto defects = ncss::check_resident_id(id, now);
  auto refusals = ncss::id_refusals(id, now);
  fuzz::check(refusals.size() == defects.size(), "one refusal per ID defect");
  bool well_formed =
      !has(defects, ncss::IdDefect::Length) && !has(defects, ncss::IdDefect::Characters);
  if (well_formed) {
    fuzz::check((ncss::resident_id_check_char(id.substr(0, 17)) == id[17]) !=
                    has(defects, ncss::IdDefect::CheckDigit),
                "CheckDigit disagrees with resident_id_check_char");
  }
  auto info = ncss::resident_id_info(id);
  if (defects.empty()) {
    fuzz::check(id.size() == 18, "a valid ID number is not 18 characters");
    fuzz::check(info.has_value(), "a valid ID number has no birth date or gender");
    fuzz::check(info->male == ((id[16] - '0') % 2 == 1), "gender is not the 17th digit's parity");
  }
  if (info) {
    fuzz::check(info->birth_month >= 1 && info->birth_month <= 12 && info->birth_day >= 1 &&
                    info->birth_day <= 31,
                "resident_id_info gave an impossible date");
  }
  // Masks replace characters by '*', one each: never longer, and valid UTF-8 stays valid with
  // as many characters (a character is never cut in two).
  auto characters = [](const std::string& s) {
    std::size_t n = 0;
    for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    return n;
  };
  for (const std::string& masked : {ncss::mask_resident_id(id), ncss::mask_phone(id)}) {
    fuzz::check(masked.size() <= id.size(), "a mask is longer than what it masks");
    if (fuzz::valid_utf8(id)) {
      fuzz::check(fuzz::valid_utf8(masked), "a mask cut a character");
      fuzz::check(characters(masked) == characters(id), "a mask changes the character count");
    }
  }
}

void fuzz_credit_code(std::string_view raw) {
  std::string code = ncss::normalize_credit_code(raw);
  fuzz::check(ncss::normalize_credit_code(code) == code, "credit normalisation is not idempotent");
  auto defects = ncss::check_credit_code(code);
  auto words = ncss::describe_credit_code_defects(code);
  fuzz::check(words.size() == defects.size(), "one description per credit code defect");
  bool well_formed = !has(defects, ncss::CreditCodeDefect::Length) &&
                     !has(defects, ncss::CreditCodeDefect::Characters);
  if (well_formed) {
    fuzz::check((ncss::credit_code_check_char(code.substr(0, 17)) == code[17]) !=
                    has(defects, ncss::CreditCodeDefect::CheckCharacter),
                "CheckCharacter disagrees with credit_code_check_char");
  }
  if (defects.empty()) {
    fuzz::check(code.size() == 18, "a valid credit code is not 18 characters");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const ncss::Timestamp now = *ncss::parse_time("2026-05-20T09:00:00+08:00");
  std::string_view text(reinterpret_cast<const char*>(data), size);
  fuzz_resident_id(text, now);
  fuzz_credit_code(text);
  return 0;
}
