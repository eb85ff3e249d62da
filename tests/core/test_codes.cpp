#include <catch2/catch.hpp>

#include "fixtures.hpp"
#include "ncss/codes.hpp"
#include "ncss/error.hpp"

TEST_CASE("codes: every code table of DOMAIN.md is seeded", "[codes]") {
  testkit::StoreFixture f;
  std::map<std::string, int> expected = {
      {"destination", 14}, {"destination_subtype", 18}, {"employer_nature", 14},
      {"degree_level", 4}, {"training_mode", 3},        {"job_category", 18},
      {"industry", 20},    {"termination_reason", 7},   {"withdrawal_reason", 4},
      {"company_size", 6}, {"archive_receipt", 3}};
  auto tables = ncss::list_code_tables(f.store);
  REQUIRE(tables.size() == expected.size());
  for (const auto& t : tables) {
    INFO(t.name);
    CHECK(t.entries == expected.at(t.name));
    CHECK(ncss::list_codes(f.store, t.name).size() == static_cast<std::size_t>(t.entries));
  }
}

TEST_CASE("codes: destination codes in the domain's order with names", "[codes]") {
  testkit::StoreFixture f;
  auto codes = ncss::list_codes(f.store, "destination");
  std::vector<std::string> got;
  for (const auto& c : codes) got.push_back(c.code);
  CHECK(got == std::vector<std::string>{"10", "11", "12", "27", "46", "50", "51", "75", "76", "80",
                                        "85", "70", "71", "72"});
  CHECK(codes[0].name == "签就业协议形式就业");
  CHECK(codes[7].note == "自主创业");
}

TEST_CASE("codes: lookups by code, name and roster word", "[codes]") {
  testkit::StoreFixture f;
  CHECK(ncss::find_code(f.store, "degree_level", "本科")->code == "31");
  CHECK(ncss::find_code(f.store, "degree_level", "01")->name == "博士生");
  CHECK(ncss::find_code(f.store, "employer_nature", "其他企业")->code == "39");
  CHECK(ncss::find_code(f.store, "destination_subtype", "三支一扶")->code == "50");
  CHECK_FALSE(ncss::find_code(f.store, "degree_level", "高中"));
}

TEST_CASE("codes: an unknown table is refused naming the known ones", "[codes]") {
  testkit::StoreFixture f;
  try {
    ncss::list_codes(f.store, "destinations; DROP TABLE schools");
    FAIL("unknown table accepted");
  } catch (const ncss::Error& e) {
    CHECK(e.code() == ncss::ErrorCode::NotFound);
    CHECK(std::string(e.what()).find("destination, destination_subtype") != std::string::npos);
  }
  CHECK(ncss::list_codes(f.store, "destination").size() == 14);
}
