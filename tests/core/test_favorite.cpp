#include <SQLiteCpp/SQLiteCpp.h>

#include <catch2/catch.hpp>

#include "fixtures.hpp"
#include "ncss/error.hpp"
#include "ncss/favorite.hpp"
#include "ncss/identity.hpp"
#include "ncss/roster.hpp"
#include "ncss/sheet.hpp"

namespace {

const auto id = testkit::resident_id;

const std::string kVerified = "91110108749352307A";
const std::string kUnverified = "91110108MA01ABCD2X";
const std::string kA = id("11010520030115001");
const std::string kB = id("44030420021230002");
const std::string kC = id("11010520030401003");

struct FavoriteFixture : testkit::StoreFixture {
  FavoriteFixture() {
    exec(testkit::employers_sql({{kVerified, "甲公司", true, "北京市", "北京市", "中关村"},
                                 {kUnverified, "乙公司", false, "北京市", "北京市", "海淀"}}));
    auto file = dir / "roster.csv";
    testkit::write_file(file, "学生姓名,身份证号,毕业院校,届别\n张三," + kA +
                                  ",北京大学,2026\n李四," + kB + ",清华大学,2026\n王五," + kC +
                                  ",北京大学,2025\n");
    REQUIRE(ncss::import_roster(store, file, {}, actor).added == 3);
    testkit::write_file(file, "学生姓名,身份证号,毕业院校,届别\n王五," + kC + ",北京大学,2026\n");
    REQUIRE(ncss::import_roster(store, file, {}, actor).added == 1);
  }
  void exec(const std::string& sql) {
    SQLite::Database db(path.string(), SQLite::OPEN_READWRITE);
    db.exec(sql);
  }
  int count(const std::string& sql) {
    SQLite::Database db(path.string(), SQLite::OPEN_READONLY);
    return db.execAndGet(sql).getInt();
  }
  ncss::ErrorCode add_error(const std::string& employer, ncss::FavoriteRequest r,
                            std::string* message = nullptr) {
    try {
      ncss::add_favorite(store, employer, r, actor);
    } catch (const ncss::Error& e) {
      if (message) *message = e.what();
      return e.code();
    }
    FAIL("no error");
    return ncss::ErrorCode::Internal;
  }
  ncss::ImportReport import(const std::string& text, ncss::FavoriteImportOptions o = {}) {
    auto file = dir / ("fav" + std::to_string(++files) + ".csv");
    testkit::write_file(file, text);
    return ncss::import_favorites(store, kVerified, file, o, actor);
  }
  int files = 0;
};

}  // namespace

TEST_CASE("favorite: an exact match on name, ID and school is added to its cohort", "[favorite]") {
  FavoriteFixture f;
  // Normalisation: a lower-case x, spaces, the school by code.
  auto fav = ncss::add_favorite(f.store, kVerified, {" 张三 ", kA, "10001"}, f.actor);
  CHECK(fav.name == "张三");
  CHECK(fav.cohort == 2026);
  CHECK(fav.school_name == "北京大学");
  CHECK(f.count("SELECT count(*) FROM favorites") == 1);
  CHECK(f.count("SELECT count(*) FROM events WHERE action = 'favorite.add'") == 1);
  auto list = ncss::list_favorites(f.store, kVerified);
  REQUIRE(list.size() == 1);
  CHECK(list[0].id_number == kA);
  CHECK(ncss::list_favorites(f.store, kVerified, 2025).empty());
  // An unregistered employer has no list: the same words as every other --employer.
  try {
    ncss::list_favorites(f.store, "91110000000000000X");
    FAIL("listed the favourites of an unknown employer");
  } catch (const ncss::Error& e) {
    CHECK(e.code() == ncss::ErrorCode::NotFound);
    CHECK(std::string(e.what()).find("unknown employer '91110000000000000X'") != std::string::npos);
  }
}

TEST_CASE("favorite: refusals say which field did not match and write nothing", "[favorite]") {
  FavoriteFixture f;
  std::string msg;
  SECTION("unverified employer") {
    CHECK(f.add_error(kUnverified, {"张三", kA, "北京大学"}, &msg) ==
          ncss::ErrorCode::InvalidTransition);
    CHECK(msg.find("身份认证") != std::string::npos);
  }
  SECTION("unknown employer") {
    CHECK(f.add_error("91110000000000000X", {"张三", kA, "北京大学"}) == ncss::ErrorCode::NotFound);
  }
  SECTION("unknown ID") {
    CHECK(f.add_error(kVerified, {"张三", id("11010520030115011"), "北京大学"}, &msg) ==
          ncss::ErrorCode::NotFound);
    CHECK(msg.find("no graduate") != std::string::npos);
  }
  SECTION("name differs: the stored name is not revealed") {
    CHECK(f.add_error(kVerified, {"张四", kA, "北京大学"}, &msg) == ncss::ErrorCode::NotFound);
    CHECK(msg.find("学生姓名") != std::string::npos);
    CHECK(msg.find("张三") == std::string::npos);
  }
  SECTION("school differs: the stored school is not revealed") {
    CHECK(f.add_error(kVerified, {"张三", kA, "清华大学"}, &msg) == ncss::ErrorCode::NotFound);
    CHECK(msg.find("毕业院校 does not match") != std::string::npos);
    CHECK(msg.find("北京大学") == std::string::npos);
  }
  SECTION("malformed ID") {
    CHECK(f.add_error(kVerified, {"张三", "110105", "北京大学"}) == ncss::ErrorCode::InvalidInput);
  }
  SECTION("unknown school: names nothing known, as a --school filter") {
    CHECK(f.add_error(kVerified, {"张三", kA, "不存在大学"}, &msg) == ncss::ErrorCode::NotFound);
    CHECK(msg.find("unknown school '不存在大学'") != std::string::npos);
  }
  SECTION("empty school") {
    CHECK(f.add_error(kVerified, {"张三", kA, " \t"}) == ncss::ErrorCode::InvalidInput);
  }
  SECTION("several cohorts need --cohort") {
    CHECK(f.add_error(kVerified, {"王五", kC, "北京大学"}) == ncss::ErrorCode::Usage);
  }
  SECTION("an invalid graduate") {
    f.exec("UPDATE graduates SET status = 'invalid' WHERE id_number = '" + kA + "'");
    CHECK(f.add_error(kVerified, {"张三", kA, "北京大学"}) == ncss::ErrorCode::InvalidTransition);
  }
  CHECK(f.count("SELECT count(*) FROM favorites") == 0);
  CHECK(f.count("SELECT count(*) FROM events WHERE action LIKE 'favorite.%'") == 0);
}

TEST_CASE("favorite: a cohort picks one of several rosters, twice is a conflict", "[favorite]") {
  FavoriteFixture f;
  auto fav = ncss::add_favorite(f.store, kVerified, {"王五", kC, "北京大学", 2025}, f.actor);
  CHECK(fav.cohort == 2025);
  CHECK(f.add_error(kVerified, {"王五", kC, "北京大学", 2025}) == ncss::ErrorCode::Conflict);
  CHECK(f.count("SELECT count(*) FROM favorites") == 1);
}

TEST_CASE("favorite: import reports each row with its reason code", "[favorite]") {
  FavoriteFixture f;
  ncss::add_favorite(f.store, kVerified, {"李四", kB, "清华大学"}, f.actor);
  auto r =
      f.import("说明\n学生姓名,身份证号,毕业院校\n张三," + kA + ",北京大学\n李四," + kB +
               ",清华大学\n张三," + kA + ",北京大学\n赵六," + id("11010520030115011") +
               ",北京大学\n张四," + kC + ",北京大学\n,,\n," + id("11010520030115021") +
               ",北京大学\n张三,123,北京大学\n张三," + id("11010520030115031") + ",某某学院\n");
  std::vector<std::string> codes;
  for (const auto& p : r.problems) codes.push_back(p.code);
  CHECK(codes == std::vector<std::string>{"already_favorite", "duplicate_in_file",
                                          "graduate_not_found", "name_mismatch", "name_missing",
                                          "id_length", "school_unknown"});
  CHECK(r.header_row == 2);
  CHECK(r.added == 1);
  CHECK(r.blank == 1);
  CHECK(r.rejected == 7);
  CHECK(r.written);
  CHECK(r.problems[0].row == 4);
  CHECK(r.problems[0].column == "B");
  CHECK(r.problems[0].header == "身份证号");
  CHECK(f.count("SELECT count(*) FROM favorites") == 2);
}

TEST_CASE("favorite: import says when the first row of a repeated ID number was rejected",
          "[favorite]") {
  FavoriteFixture f;
  auto r = f.import("学生姓名,身份证号,毕业院校\n张叁," + kA + ",北京大学\n张三," + kA +
                    ",北京大学\n李四," + kB + ",清华大学\n李四," + kB + ",清华大学\n");
  REQUIRE(r.problems.size() == 3);
  CHECK(r.problems[0].code == "name_mismatch");
  CHECK(r.problems[1].code == "duplicate_in_file");
  CHECK(r.problems[1].message ==
        "身份证号 " + ncss::mask_resident_id(kA) +
            " already appears on row 2, which was rejected: an ID number is taken from its first "
            "row only, so correct that row rather than repeat it");
  CHECK(r.problems[2].message == "身份证号 " + ncss::mask_resident_id(kB) +
                                     " already appears on row 4; the first occurrence is kept");
  CHECK(r.added == 1);
}

TEST_CASE("favorite: import reads as the roster import does: a repeated header, --sheet, no rows",
          "[favorite]") {
  FavoriteFixture f;
  const std::string header = "学生姓名,身份证号,毕业院校\n";
  auto r = f.import(header + "李四," + kB + ",清华大学\n" + header + "张三," + kA + ",北京大学\n");
  REQUIRE(r.problems.size() == 1);  // one problem for the pasted header, not one per column
  CHECK(r.problems[0].row == 3);
  CHECK(r.problems[0].code == "header_repeated");
  CHECK(r.problems[0].message ==
        "this row repeats the header row (row 1), as when two lists are pasted together; delete "
        "it");
  CHECK(r.added == 2);
  ncss::FavoriteImportOptions o;
  o.sheet = "名单";
  r = f.import(header, o);
  CHECK(r.warnings == std::vector<std::string>{
                          "--sheet does not apply to a CSV file (one table); it was read whole",
                          "no rows under the header (row 1): nothing to import"});
}

TEST_CASE("favorite: import --dry-run and --all-or-nothing write nothing", "[favorite]") {
  FavoriteFixture f;
  std::string text =
      "学生姓名,身份证号,毕业院校\n张三," + kA + ",北京大学\n李四," + kB + ",北京大学\n";
  ncss::FavoriteImportOptions o;
  SECTION("dry run") { o.dry_run = true; }
  SECTION("all or nothing") { o.all_or_nothing = true; }
  auto r = f.import(text, o);
  CHECK(r.added == 1);
  CHECK(r.rejected == 1);
  CHECK_FALSE(r.written);
  CHECK(f.count("SELECT count(*) FROM favorites") == 0);
}

TEST_CASE("favorite: a file without the header is refused whole", "[favorite]") {
  FavoriteFixture f;
  CHECK_THROWS_AS(f.import("a,b,c\n1,2,3\n"), ncss::Error);
  CHECK(f.count("SELECT count(*) FROM favorites") == 0);
}

TEST_CASE("favorite: remove deletes one and records it, unknown is NotFound", "[favorite]") {
  FavoriteFixture f;
  ncss::add_favorite(f.store, kVerified, {"张三", kA, "北京大学"}, f.actor);
  ncss::remove_favorite(f.store, kVerified, kA, 0, f.actor);
  CHECK(f.count("SELECT count(*) FROM favorites") == 0);
  CHECK(f.count("SELECT count(*) FROM events WHERE action = 'favorite.remove'") == 1);
  CHECK_THROWS_AS(ncss::remove_favorite(f.store, kVerified, kA, 0, f.actor), ncss::Error);
}

TEST_CASE("favorite: the template has the three headers", "[favorite]") {
  testkit::TempDir dir;
  auto file = dir / "t.xlsx";
  ncss::write_favorite_template(file);
  auto reader = ncss::open_sheet(file);
  ncss::SheetRow row;
  REQUIRE(reader->next(row));
  REQUIRE(row.cells.size() == 3);
  CHECK(row.cells[0].text == "学生姓名");
  CHECK(row.cells[1].text == "身份证号");
  CHECK(row.cells[2].text == "毕业院校");
}

TEST_CASE("favorite: import refuses hidden characters like the roster import", "[favorite]") {
  FavoriteFixture f;
  auto r = f.import("学生姓名,身份证号,毕业院校\n张\u200B三," + kA + ",北京大学\n\"张\n三\"," + kA +
                    ",北京大学\n张三," + kA + ",北京\u202E大学\n");
  std::vector<std::string> codes;
  for (const auto& p : r.problems) codes.push_back(p.code);
  CHECK(codes ==
        std::vector<std::string>{"hidden_character", "hidden_character", "hidden_character"});
  REQUIRE(r.problems.size() == 3);
  CHECK(r.problems[0].message.find("U+200B at character 2") != std::string::npos);
  CHECK(r.problems[2].header == "毕业院校");
  CHECK(r.rejected == 3);
  CHECK(f.count("SELECT count(*) FROM favorites") == 0);
}

TEST_CASE("favorite: import reads ID numbers kept as text and refuses them kept as numbers",
          "[favorite]") {
  FavoriteFixture f;
  const std::string kNumber = id("11010520030115011");  // ends in a digit, as a number would
  // ="…" and a leading ' keep Excel from making a number of the ID: both are read as the ID.
  // 110105….0 and 1.10105E+17 are what a program writes from a number: the digits are gone.
  auto r = f.import("学生姓名,身份证号,毕业院校\n张三,=\"" + kA + "\",北京大学\n李四,'" + kB +
                    ",清华大学\n王五," + kNumber + ".0,北京大学\n王五,1.10105E+17,北京大学\n");
  std::vector<std::string> codes;
  for (const auto& p : r.problems) codes.push_back(p.code);
  CHECK(codes == std::vector<std::string>{"id_excel_number", "id_excel_number"});
  REQUIRE(r.problems.size() == 2);
  CHECK(r.problems[0].row == 4);
  CHECK(r.problems[0].message.find("'11****************.0' was stored as a number") !=
        std::string::npos);  // masked, as personal numbers are in every message
  CHECK(r.problems[0].message.find(kNumber) == std::string::npos);
  CHECK(r.added == 2);
  CHECK(f.count("SELECT count(*) FROM favorites") == 2);
}
