#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>

#include "fixtures.hpp"
#include "ncss/audit.hpp"
#include "ncss/error.hpp"
#include "ncss/school.hpp"

namespace {

std::vector<std::vector<std::string>> read_csv_simple(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::vector<std::vector<std::string>> rows;
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    std::vector<std::string> cells;
    std::stringstream ss(line);
    std::string cell;
    while (std::getline(ss, cell, ',')) cells.push_back(cell);
    if (!line.empty() && line.back() == ',') cells.emplace_back();
    rows.push_back(cells);
  }
  return rows;
}

ncss::School sample_school() {
  ncss::School s;
  s.code = "99001";
  s.name = "示例职业学院";
  s.level = "专科";
  s.province = "北京市";
  return s;
}

}  // namespace

TEST_CASE("school: the seeded list equals data/schools.csv row for row", "[school]") {
  testkit::StoreFixture f;
  auto rows = read_csv_simple(testkit::source_dir() / "data/schools.csv");
  auto schools = ncss::list_schools(f.store);
  REQUIRE(rows.size() == 3167);
  REQUIRE(schools.size() == rows.size());
  std::map<std::string, ncss::School> by_code;
  for (auto& s : schools) by_code[s.code] = s;
  for (const auto& r : rows) {
    REQUIRE(r.size() == 7);
    const auto& s = by_code.at(r[0]);
    CHECK(std::vector<std::string>{s.code, s.moe_id, s.name, s.authority, s.province, s.city,
                                   s.level} == r);
  }
}

TEST_CASE("school: found by code, identifier, name and former name", "[school]") {
  testkit::StoreFixture f;
  CHECK(ncss::get_school(f.store, "10001").name == "北京大学");
  CHECK(ncss::get_school(f.store, "4111010001").name == "北京大学");
  CHECK(ncss::get_school(f.store, "北京大学").code == "10001");
  auto renamed = ncss::get_school(f.store, "武汉职业技术学院");
  CHECK(renamed.name == "武汉职业技术大学");
  CHECK(renamed.former_names == std::vector<std::string>{"武汉职业技术学院"});
  CHECK(ncss::get_school(f.store, "深圳职业技术学院").code == "11113");
  CHECK_FALSE(ncss::find_school(f.store, "北京"));
  CHECK_THROWS_AS(ncss::get_school(f.store, "99999"), ncss::Error);
}

TEST_CASE("school: add records the school and an event", "[school]") {
  testkit::StoreFixture f;
  ncss::add_school(f.store, sample_school(), f.actor);
  auto s = ncss::get_school(f.store, "示例职业学院");
  CHECK(s.code == "99001");
  CHECK(s.source == "added");
  auto events = ncss::list_events(f.store, "school", "99001");
  REQUIRE(events.size() == 1);
  CHECK(events[0].action == "school.add");
  CHECK(events[0].actor == "tester");
  CHECK(events[0].at == "2026-05-20T01:00:00Z");
  CHECK(events[0].details["name"] == "示例职业学院");
}

TEST_CASE("school: add refuses malformed and clashing schools, writing nothing", "[school]") {
  testkit::StoreFixture f;
  auto refuse = [&](ncss::School s, ncss::ErrorCode code) {
    try {
      ncss::add_school(f.store, s, f.actor);
      FAIL("accepted " + s.code + " " + s.name);
    } catch (const ncss::Error& e) {
      CHECK(e.code() == code);
    }
  };
  auto s = sample_school();
  s.code = "9900";
  refuse(s, ncss::ErrorCode::InvalidInput);
  s = sample_school();
  s.code = "99a01";
  refuse(s, ncss::ErrorCode::InvalidInput);
  s = sample_school();
  s.moe_id = "12345";
  refuse(s, ncss::ErrorCode::InvalidInput);
  s = sample_school();
  s.level = "大学";
  refuse(s, ncss::ErrorCode::InvalidInput);
  s = sample_school();
  s.name = "";
  refuse(s, ncss::ErrorCode::InvalidInput);
  s = sample_school();
  s.code = "10001";
  refuse(s, ncss::ErrorCode::Conflict);
  s = sample_school();
  s.name = "北京大学";
  refuse(s, ncss::ErrorCode::Conflict);
  s = sample_school();
  s.name = "武汉职业技术学院";  // a former name
  refuse(s, ncss::ErrorCode::Conflict);
  s = sample_school();
  s.moe_id = "4111010001";
  refuse(s, ncss::ErrorCode::Conflict);
  CHECK(ncss::list_schools(f.store).size() == 3167);
  CHECK(ncss::list_events(f.store).empty());
}
