// Check characters of the national identifiers: the resident ID number (GB 11643-1999, ISO 7064
// MOD 11-2) and the unified social credit code (GB 32100-2015, MOD 31, with its embedded
// GB 11714 organisation code).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ncss/time.hpp"

namespace ncss {

enum class IdDefect {
  Length,       // not 18 characters
  Characters,   // not 17 digits and a digit or X
  CheckDigit,   // MOD 11-2 check character wrong
  BirthDate,    // digits 7-14 are not a real date
  BirthFuture,  // the birth date is after today
};

struct ResidentIdInfo {
  int birth_year = 0, birth_month = 0, birth_day = 0;
  bool male = false;  // the 17th digit is odd
};

// Full-width digits and letters to ASCII and 'x' to 'X', spaces trimmed: the only normalisation
// an ID number gets.
std::string normalize_resident_id(std::string_view raw);
// The defects of an (already normalised) ID number, all of them; empty when valid. `today` is the
// date in China for the birth-date check.
std::vector<IdDefect> check_resident_id(std::string_view id, Timestamp now);
// Gender and birth date, for an ID number with no Length/Characters/BirthDate defect.
std::optional<ResidentIdInfo> resident_id_info(std::string_view id);
char resident_id_check_char(std::string_view first17);
// 110105********002X: the human form unless unmasked.
std::string mask_resident_id(std::string_view id);
std::string mask_phone(std::string_view phone);  // 138****5678

enum class CreditCodeDefect {
  Length,            // not 18 characters
  Characters,        // outside 0-9 A-H J-N P-R T U W-Y
  CheckCharacter,    // MOD 31 check character wrong
  OrganisationCode,  // characters 9-17: the GB 11714 check wrong
};

// Spaces trimmed and ASCII letters upper-cased: GB 32100 codes are written in capitals.
std::string normalize_credit_code(std::string_view raw);
std::vector<CreditCodeDefect> check_credit_code(std::string_view code);
char credit_code_check_char(std::string_view first17);

}  // namespace ncss
