#include <catch2/catch.hpp>

#include "ncss/identity.hpp"

using ncss::CreditCodeDefect;
using ncss::IdDefect;

namespace {
ncss::Timestamp now() { return *ncss::parse_time("2026-05-20T09:00:00+08:00"); }
}  // namespace

TEST_CASE("identity: DOMAIN.md's valid resident ID numbers pass", "[identity]") {
  for (const char* id : {"11010519491231002X", "44011320141005001X", "360426199101010071"}) {
    INFO(id);
    CHECK(ncss::check_resident_id(id, now()).empty());
  }
  auto info = ncss::resident_id_info("360426199101010071");
  REQUIRE(info);
  CHECK(info->birth_year == 1991);
  CHECK(info->male);
  CHECK_FALSE(ncss::resident_id_info("11010519491231002X")->male);
}

TEST_CASE("identity: DOMAIN.md's invalid resident ID numbers are refused", "[identity]") {
  CHECK(ncss::check_resident_id("110105194912310021", now()) ==
        std::vector<IdDefect>{IdDefect::CheckDigit});
  CHECK(ncss::check_resident_id("36042619910102009X", now()) ==
        std::vector<IdDefect>{IdDefect::CheckDigit});
}

TEST_CASE("identity: each resident ID defect has its own reason", "[identity]") {
  CHECK(ncss::check_resident_id("11010519491231002", now()) ==
        std::vector<IdDefect>{IdDefect::Length});
  CHECK(ncss::check_resident_id("1101051949123100A2", now()) ==
        std::vector<IdDefect>{IdDefect::Characters});
  CHECK(ncss::check_resident_id("11010519491231X02X", now()) ==
        std::vector<IdDefect>{IdDefect::Characters});
  // Eighteen characters, one of them not ASCII: a character defect, not a length one (the
  // length is counted in characters, not bytes).
  CHECK(ncss::check_resident_id("11010519491231002〇", now()) ==
        std::vector<IdDefect>{IdDefect::Characters});
  CHECK(ncss::check_resident_id("1101051949123100〇", now()) ==
        std::vector<IdDefect>{IdDefect::Length, IdDefect::Characters});
  // Length and characters together.
  CHECK(ncss::check_resident_id("ABC", now()) ==
        std::vector<IdDefect>{IdDefect::Length, IdDefect::Characters});
  // 1990-02-30 does not exist; give it a right check digit so only the date is wrong.
  std::string bad_date = "11010519900230002";
  bad_date += ncss::resident_id_check_char(bad_date);
  CHECK(ncss::check_resident_id(bad_date, now()) == std::vector<IdDefect>{IdDefect::BirthDate});
  std::string future = "11010520300101002";
  future += ncss::resident_id_check_char(future);
  CHECK(ncss::check_resident_id(future, now()) == std::vector<IdDefect>{IdDefect::BirthFuture});
  // Born today is not in the future.
  std::string today = "11010520260520002";
  today += ncss::resident_id_check_char(today);
  CHECK(ncss::check_resident_id(today, now()).empty());
  // "Today" is China's date: at 00:30 on the 21st in Beijing (still the 20th in UTC), someone
  // born on the 21st is born today; half an hour before midnight they are not born yet.
  std::string born21 = "11010520260521002";
  born21 += ncss::resident_id_check_char(born21);
  CHECK(ncss::check_resident_id(born21, *ncss::parse_time("2026-05-21T00:30:00+08:00")).empty());
  CHECK(ncss::check_resident_id(born21, *ncss::parse_time("2026-05-20T23:30:00+08:00")) ==
        std::vector<IdDefect>{IdDefect::BirthFuture});
}

TEST_CASE("identity: ID normalisation: full-width to ASCII, x to X, trimmed", "[identity]") {
  CHECK(ncss::normalize_resident_id("１１０１０５１９４９１２３１００２ｘ") ==
        "11010519491231002X");
  CHECK(ncss::normalize_resident_id(" 11010519491231002x\t") == "11010519491231002X");
  CHECK(ncss::normalize_resident_id("\xE3\x80\x80"
                                    "11010519491231002X") == "11010519491231002X");
}

TEST_CASE("identity: masks", "[identity]") {
  CHECK(ncss::mask_resident_id("11010519491231002X") == "110105********002X");
  CHECK(ncss::mask_phone("13812345678") == "138****5678");
  // Not a well-formed number: its ends, or nothing of four characters or fewer.
  CHECK(ncss::mask_resident_id("1101051949") == "11******49");
  CHECK(ncss::mask_resident_id("123") == "***");
  CHECK(ncss::mask_phone("138123") == "******");
  // Characters, never bytes: a cell's text is masked without cutting one in two.
  CHECK(ncss::mask_resident_id("110105２００３01150012") == "110105********0012");
  CHECK(ncss::mask_resident_id("11010520\u200B") == "11*****0\u200B");
  CHECK(ncss::mask_phone("138１２３４5678") == "138****5678");
}

TEST_CASE("identity: DOMAIN.md's credit codes", "[identity]") {
  for (const char* c :
       {"91110108749352307A", "91370214MA3D2M2T5C", "91310115MA1K3BTP2B", "9144030071526726XG"}) {
    INFO(c);
    CHECK(ncss::check_credit_code(c).empty());
  }
  CHECK(ncss::check_credit_code("91110000600037341N") ==
        std::vector<CreditCodeDefect>{CreditCodeDefect::CheckCharacter});
}

TEST_CASE("identity: each credit code defect has its own reason", "[identity]") {
  CHECK(ncss::check_credit_code("9111010874935230") ==
        std::vector<CreditCodeDefect>{CreditCodeDefect::Length});
  CHECK(ncss::check_credit_code("91110108749352307I") ==
        std::vector<CreditCodeDefect>{CreditCodeDefect::Characters});
  // Body changed so the organisation check fails, MOD 31 recomputed to isolate it.
  std::string body = "91110108749352308";
  std::string code = body + ncss::credit_code_check_char(body);
  CHECK(ncss::check_credit_code(code) ==
        std::vector<CreditCodeDefect>{CreditCodeDefect::OrganisationCode});
}

TEST_CASE("identity: stray bytes are never normalised into digits (fuzz regression)",
          "[identity][fuzz]") {
  // "\xEF|S" is not UTF-8, but its low bits spell U+FF13 (full-width 3): normalisation used to
  // turn it into '3', making a valid ID number out of garbage.
  std::string raw = "\xEF|S60426199101010071";
  std::string id = ncss::normalize_resident_id(raw);
  CHECK(id == raw);
  CHECK(ncss::check_resident_id(id, now()) ==
        std::vector<IdDefect>{IdDefect::Length, IdDefect::Characters});
  // The fuzzer's own input: stray bytes, then a full-width number.
  std::string found =
      "\xEF\xBC\x73\x10"
      "Cn０１０５１９４９１２３１００２ｘ";
  CHECK(ncss::normalize_resident_id(found) ==
        "\xEF\xBC\x73\x10"
        "Cn010519491231002X");
  // A real full-width digit still is one.
  CHECK(ncss::normalize_resident_id("３60426199101010071") == "360426199101010071");
}
