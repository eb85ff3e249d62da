#include <SQLiteCpp/SQLiteCpp.h>
#include <iconv.h>
#include <xlsxwriter.h>

#include <catch2/catch.hpp>

#include "fixtures.hpp"
#include "ncss/error.hpp"
#include "ncss/identity.hpp"
#include "ncss/roster.hpp"
#include "store_impl.hpp"
#include "xlsxkit.hpp"

using ncss::ImportOptions;
using ncss::ImportReport;

namespace {

// An ID number with its right check digit: 17 digits in, 18 characters out.
const auto id = testkit::resident_id;

const std::string kHeader =
    "学生姓名,身份证号,毕业院校,院系,学历层次,专业,届别,培养方式,学号,性别,手机号码,电子邮箱\n";

struct RosterFixture : testkit::StoreFixture {
  ImportReport import_csv(const std::string& text, const ImportOptions& o = {}) {
    auto file = dir / ("roster" + std::to_string(++files) + ".csv");
    testkit::write_file(file, text);
    return ncss::import_roster(store, file, o, actor);
  }
  int count(const std::string& sql) {
    SQLite::Database db(path.string(), SQLite::OPEN_READONLY);
    return db.execAndGet(sql).getInt();
  }
  std::vector<std::string> codes(const ImportReport& r) {
    std::vector<std::string> out;
    for (const auto& p : r.problems) out.push_back(p.code);
    return out;
  }
  int files = 0;
};

std::string to_gb18030(const std::string& utf8) {
  iconv_t cd = iconv_open("GB18030", "UTF-8");
  std::string in = utf8, out(utf8.size() * 2, '\0');
  char* ip = in.data();
  char* op = out.data();
  size_t il = in.size(), ol = out.size();
  REQUIRE(iconv(cd, &ip, &il, &op, &ol) != static_cast<size_t>(-1));
  iconv_close(cd);
  out.resize(out.size() - ol);
  return out;
}

}  // namespace

TEST_CASE("roster: a clean CSV is imported with exact stored values", "[roster]") {
  RosterFixture f;
  std::string a = id("11010520030115001");  // 17th digit 1: 男
  std::string b = id("44030420021230002");  // 17th digit 2: 女
  auto r = f.import_csv(kHeader + "张三," + a +
                        ",北京大学,法学院,本科,法律（非法学）,2026,非定向,2022001,男,13812345678,"
                        "zhang@example.cn\n"
                        "艾尔肯·吐尔逊," +
                        b + ",10003,计算机系,硕士,软件工程,2026,定向,,,,\n");
  CHECK(r.problems.empty());
  CHECK(r.added == 2);
  CHECK(r.written);
  CHECK(r.header_row == 1);
  auto g = ncss::get_graduate(f.store, a);
  CHECK(g.name == "张三");
  CHECK(g.school_code == "10001");
  CHECK(g.major == "法律（非法学）");
  CHECK(g.degree_level == "31");
  CHECK(g.cohort == 2026);
  CHECK(g.student_no == "2022001");
  CHECK(g.phone == "13812345678");
  CHECK(g.email == "zhang@example.cn");
  auto h = ncss::get_graduate(f.store, b);
  CHECK(h.name == "艾尔肯·吐尔逊");
  CHECK(h.school_name == "清华大学");
  CHECK(h.gender == "女");  // derived from the ID number
  CHECK(h.training_mode == "定向");
  CHECK(h.degree_level == "11");
  auto events = ncss::list_events(f.store, "import");
  REQUIRE(events.size() == 1);
  CHECK(events[0].details["added"] == 2);
}

TEST_CASE("roster: BOM, CRLF, title row, quoted commas and newlines, reordered columns",
          "[roster]") {
  RosterFixture f;
  std::string a = id("11010520030115001");
  std::string b = id("11010520030115002");
  std::string text =
      "\xEF\xBB\xBF"
      "2026届毕业生名单,,,\r\n"
      ",,,\r\n"
      "　身份证号　, 毕业院校 ,备注,学生姓名,专业,届别\r\n" +
      a + ",北京大学,\"第一行\r\n第二行\",李四,\"经济学, 金融\",2026\r\n" + b +
      ",北京大学,,王五,数学,2026\r\n"
      ",,,,,\r\n";
  auto r = f.import_csv(text);
  CHECK(r.encoding == "utf-8-bom");
  CHECK(r.header_row == 3);
  CHECK(r.added == 2);
  CHECK(r.blank == 1);
  REQUIRE(r.warnings.size() == 1);
  CHECK(r.warnings[0].find("备注") != std::string::npos);
  CHECK(ncss::get_graduate(f.store, a).major == "经济学, 金融");
  CHECK(ncss::get_graduate(f.store, b).name == "王五");
}

TEST_CASE("roster: GBK/GB18030 CSV as Chinese Excel saves it", "[roster]") {
  RosterFixture f;
  std::string a = id("11010520030115001");
  auto bytes = to_gb18030("学生姓名,身份证号,毕业院校,专业\r\n赵六," + a +
                          ",武汉职业技术学院,机电一体化\r\n");
  auto file = f.dir / "gbk.csv";
  testkit::write_file(file, bytes);
  ImportOptions o;
  o.cohort = "2026";
  auto r = ncss::import_roster(f.store, file, o, f.actor);
  CHECK(r.encoding == "gb18030");
  CHECK(r.added == 1);
  auto g = ncss::get_graduate(f.store, a);
  CHECK(g.name == "赵六");
  CHECK(g.school_code == "10834");  // found by its former name
  CHECK(g.major == "机电一体化");
}

TEST_CASE("roster: English header aliases and --school/--cohort fill", "[roster]") {
  RosterFixture f;
  std::string a = id("11010520030115001");
  ImportOptions o;
  o.cohort = "2026";
  o.school = "北京大学";
  auto r = f.import_csv("name,id_number,major,cohort\n钱七," + a + ",化学,\n", o);
  CHECK(r.added == 1);
  auto g = ncss::get_graduate(f.store, a);
  CHECK(g.school_code == "10001");
  CHECK(g.cohort == 2026);
}

TEST_CASE("roster: every reason code refuses its row, and only its row", "[roster]") {
  RosterFixture f;
  std::string good = id("11010520030115001");
  std::string bad_check = good.substr(0, 17) + (good[17] == '1' ? "2" : "1");
  std::string bad_date = id("11010520030230001");
  std::string future = id("11010520300101001");
  std::string female = id("11010520030115002");
  std::string rows = kHeader;
  auto add = [&](const std::string& line) { rows += line + "\n"; };
  add("好人," + good + ",北京大学,,本科,,2026,,,,,");                         // row 2: valid
  add("," + id("11010520030115011") + ",北京大学,,,,2026,,,,,");              // 3 name_missing
  add("某,,北京大学,,,,2026,,,,,");                                           // 4 id_missing
  add("某,1101052003011500,北京大学,,,,2026,,,,,");                           // 5 id_length
  add("某,11010520030115A012,北京大学,,,,2026,,,,,");                         // 6 id_chars
  add("某," + bad_check + ",北京大学,,,,2026,,,,,");                          // 7 id_checksum
  add("某," + bad_date + ",北京大学,,,,2026,,,,,");                           // 8 id_birthdate
  add("某," + future + ",北京大学,,,,2026,,,,,");                             // 9 id_birth_future
  add("某,1.10105E+17,北京大学,,,,2026,,,,,");                                // 10 id_excel_number
  add("某," + id("11010520030115021") + ",北京大学,,,,2026,,,男女,,");        // 11 gender_invalid
  add("某," + female + ",北京大学,,,,2026,,,男,,");                           // 12 gender_mismatch
  add("某," + id("11010520030115031") + ",,,,,2026,,,,,");                    // 13 school_missing
  add("某," + id("11010520030115041") + ",北京野鸡大学,,,,2026,,,,,");        // 14 school_unknown
  add("某," + id("11010520030115051") + ",北京大学,,高中,,2026,,,,,");        // 15 level_invalid
  add("某," + id("11010520030115061") + ",北京大学,,,,2026,自费,,,,");        // 16 training_mode
  add("某," + id("11010520030115071") + ",北京大学,,,,,,,,,");                // 17 cohort_missing
  add("某," + id("11010520030115081") + ",北京大学,,,,26届,,,,,");            // 18 cohort_invalid
  add("某," + id("11010520030115091") + ",北京大学,,,,2026,,,,2381234567,");  // 19 phone_invalid
  add("某," + id("11010520030115101") + ",北京大学,,,,2026,,,,,a@b");         // 20 email_invalid
  add("重复," + good + ",北京大学,,,,2026,,,,,");                             // 21 duplicate
  auto r = f.import_csv(rows);
  std::vector<std::pair<std::size_t, std::string>> got;
  for (const auto& p : r.problems) {
    got.emplace_back(p.row, p.code);
    UNSCOPED_INFO(p.row << " " << p.code << " " << p.message);
  }
  std::vector<std::pair<std::size_t, std::string>> expected = {
      {3, "name_missing"},      {4, "id_missing"},
      {5, "id_length"},         {6, "id_chars"},
      {7, "id_checksum"},       {8, "id_birthdate"},
      {9, "id_birth_future"},   {10, "id_excel_number"},
      {11, "gender_invalid"},   {12, "gender_mismatch"},
      {13, "school_missing"},   {14, "school_unknown"},
      {15, "level_invalid"},    {16, "training_mode_invalid"},
      {17, "cohort_missing"},   {18, "cohort_invalid"},
      {19, "phone_invalid"},    {20, "email_invalid"},
      {21, "duplicate_in_file"}};
  CHECK(got == expected);
  CHECK(r.added == 1);
  CHECK(r.rejected == 19);
  CHECK(f.count("SELECT count(*) FROM graduates") == 1);
  // Problems name the column as the spreadsheet shows it.
  CHECK(r.problems[4].column == "B");
  CHECK(r.problems[4].header == "身份证号");
  CHECK(r.problems[4].message.find("check digit") != std::string::npos);
  CHECK(r.problems[18].message.find("row 2") != std::string::npos);
}

TEST_CASE("roster: an ID number's length is counted in characters", "[roster]") {
  RosterFixture f;
  auto r = f.import_csv(kHeader + "某,11010520030115001〇,北京大学,,,,2026,,,,,\n" + "某," +
                        "1101052003011500〇,北京大学,,,,2026,,,,,\n");
  CHECK(f.codes(r) == std::vector<std::string>{"id_chars", "id_length", "id_chars"});
  REQUIRE(r.problems.size() == 3);
  CHECK(r.problems[1].message.find("has 17 characters") != std::string::npos);
  // The ID is masked, so id_chars names the first bad character and where it stands.
  CHECK(r.problems[0].message.find("; character 18 is '〇'") != std::string::npos);
  CHECK(r.problems[2].message.find("; character 17 is '〇'") != std::string::npos);
  auto x = f.import_csv(kHeader + "某,11010520030115a01X,北京大学,,,,2026,,,,,\n");
  REQUIRE(x.problems.size() == 1);
  CHECK(x.problems[0].message.find("; character 15 is 'a'") != std::string::npos);
}

TEST_CASE("roster: a row with several defects reports all of them", "[roster]") {
  RosterFixture f;
  auto r = f.import_csv(kHeader + ",123,无名学校,,大专,,20266,,,,12345,not-mail\n");
  CHECK(f.codes(r) == std::vector<std::string>{"name_missing", "id_length", "school_unknown",
                                               "level_invalid", "cohort_invalid", "phone_invalid",
                                               "email_invalid"});
  CHECK(r.rejected == 1);
}

TEST_CASE("roster: re-import is unchanged, a changed field updates with an event", "[roster]") {
  RosterFixture f;
  std::string a = id("11010520030115001");
  std::string text = kHeader + "张三," + a + ",北京大学,法学院,本科,法学,2026,,,,13812345678,\n";
  REQUIRE(f.import_csv(text).added == 1);
  auto again = f.import_csv(text);
  CHECK(again.unchanged == 1);
  CHECK(again.added == 0);
  CHECK(ncss::list_events(f.store, "graduate").empty());
  auto changed =
      f.import_csv(kHeader + "张三," + a + ",北京大学,法学院,本科,法律,2026,,,,13900000000,\n");
  CHECK(changed.updated == 1);
  auto g = ncss::get_graduate(f.store, a);
  CHECK(g.major == "法律");
  CHECK(g.phone == "13900000000");
  auto events = ncss::list_events(f.store, "graduate", a);
  REQUIRE(events.size() == 1);
  CHECK(events[0].action == "graduate.update");
  CHECK(events[0].details["changes"]["major"]["old"] == "法学");
  CHECK(events[0].details["changes"]["major"]["new"] == "法律");
  CHECK(events[0].details["changes"].size() == 2);
  CHECK(f.count("SELECT count(*) FROM outbox WHERE template = 'graduate_record_changed'") == 1);
  // An empty cell never erases a stored value.
  auto sparse = f.import_csv("学生姓名,身份证号,毕业院校,届别\n张三," + a + ",北京大学,2026\n");
  CHECK(sparse.unchanged == 1);
}

TEST_CASE("roster: --dry-run and --all-or-nothing write nothing", "[roster]") {
  RosterFixture f;
  std::string text = kHeader + "张三," + id("11010520030115001") + ",北京大学,,,,2026,,,,,\n" +
                     "李四,123,北京大学,,,,2026,,,,,\n";
  ImportOptions dry;
  dry.dry_run = true;
  auto r = f.import_csv(text, dry);
  CHECK(r.added == 1);
  CHECK(r.rejected == 1);
  CHECK_FALSE(r.written);
  ImportOptions all;
  all.all_or_nothing = true;
  r = f.import_csv(text, all);
  CHECK_FALSE(r.written);
  CHECK(f.count("SELECT count(*) FROM graduates") == 0);
  CHECK(f.count("SELECT count(*) FROM imports") == 0);
  CHECK(f.count("SELECT count(*) FROM events") == 0);
  r = f.import_csv(text);
  CHECK(r.written);
  CHECK(f.count("SELECT count(*) FROM graduates") == 1);
}

TEST_CASE("roster: a 届别 typed as a date is refused showing the date, not its serial number",
          "[roster]") {
  RosterFixture f;
  lxw_workbook* wb = workbook_new((f.dir / "dates.xlsx").c_str());
  lxw_worksheet* ws = workbook_add_worksheet(wb, nullptr);
  lxw_format* date = workbook_add_format(wb);
  format_set_num_format(date, "yyyy/m/d");
  const char* headers[] = {"学生姓名", "身份证号", "毕业院校", "届别"};
  for (lxw_col_t c = 0; c < 4; ++c) worksheet_write_string(ws, 0, c, headers[c], nullptr);
  const std::string a = id("11010520030115001"), b = id("11010520030115011");
  worksheet_write_string(ws, 1, 0, "张三", nullptr);
  worksheet_write_string(ws, 1, 1, a.c_str(), nullptr);
  worksheet_write_string(ws, 1, 2, "北京大学", nullptr);
  worksheet_write_number(ws, 1, 3, 46203, date);  // 2026/6/30 as Excel shows it
  worksheet_write_string(ws, 2, 0, "李四", nullptr);
  worksheet_write_string(ws, 2, 1, b.c_str(), nullptr);
  worksheet_write_string(ws, 2, 2, "北京大学", nullptr);
  worksheet_write_number(ws, 2, 3, 2026, nullptr);  // a number in a General cell
  REQUIRE(workbook_close(wb) == LXW_NO_ERROR);
  auto r = ncss::import_roster(f.store, f.dir / "dates.xlsx", {}, f.actor);
  REQUIRE(r.problems.size() == 1);
  CHECK(r.problems[0].row == 2);
  CHECK(r.problems[0].code == "cell_value");
  CHECK(r.problems[0].message ==
        "届别 holds the date 2026-06-30 (its cell is formatted as a date); type the 届别 again in "
        "a cell formatted as text");
  CHECK(r.added == 1);
  CHECK(ncss::get_graduate(f.store, b).cohort == 2026);
}

TEST_CASE("roster: a 届别 outside 1900 to 2999 is its row's cohort_invalid, not a storage error",
          "[roster]") {
  RosterFixture f;
  std::string rows = kHeader;
  int n = 0;
  for (const char* year : {"1899", "1000", "3000", "0000", "1900", "2999"}) {
    rows += "某," + id("110105200301150" + std::to_string(10 + n++)) + ",北京大学,,,," + year +
            ",,,,,\n";
  }
  auto r = f.import_csv(rows);
  CHECK(f.codes(r) == std::vector<std::string>(4, "cohort_invalid"));
  REQUIRE_FALSE(r.problems.empty());
  CHECK(r.problems[0].message == "届别 '1899' must be a four-digit year from 1900 to 2999");
  CHECK(r.added == 2);
  CHECK(f.count("SELECT count(*) FROM graduates WHERE cohort IN (1900, 2999)") == 2);
  // --cohort holds to the same years.
  ImportOptions o;
  o.cohort = "1899";
  CHECK_THROWS_AS(f.import_csv(kHeader, o), ncss::Error);
  CHECK(ncss::parse_cohort("2026") == 2026);
  CHECK_FALSE(ncss::parse_cohort("２０２６"));
  CHECK_FALSE(ncss::parse_cohort("202"));
}

TEST_CASE("roster: files refused whole write nothing", "[roster]") {
  RosterFixture f;
  auto refuse = [&](const std::string& text, const std::string& phrase) {
    try {
      f.import_csv(text);
      FAIL("accepted: " + phrase);
    } catch (const ncss::Error& e) {
      CHECK(e.code() == ncss::ErrorCode::InvalidInput);
      INFO(e.what());
      CHECK(std::string(e.what()).find(phrase) != std::string::npos);
    }
  };
  refuse("姓名,学号\n张三,1\n",
         "expected the columns 学生姓名, 身份证号, 毕业院校 (毕业院校 may be left out when "
         "--school names the school); the first row holds: 姓名, 学号");
  refuse(
      kHeader.substr(0, kHeader.size() - 1) + ",身份证号\n",
      "row 1: columns B 身份证号 and M 身份证号 both name 身份证号; keep one, or rename the other");
  // Two other names for one field: which one is meant cannot be told either.
  refuse("姓名,学生名称,身份证号,毕业院校\n", "columns A 姓名 and B 学生名称 both name 学生姓名");
  // UTF-8 Chinese read as Latin-1 and saved again: the hint names the encoding.
  refuse("Ã¥Â­Â¦Ã§Â”ÂŸ,x\n1,2\n", "encoding");
  // GBK read as Latin-1 (学生姓名 -> Ñ§ÉúÐÕÃû): the same hint.
  refuse("Ñ§ÉúÐÕÃû,x\n1,2\n", "garbled");
  // UTF-8 read as GBK and saved again: Chinese-looking, and the hint says what it was.
  refuse("瀛︾敓濮撳悕,x\n1,2\n",
         "UTF-8 text was once read as GBK and saved again, so \"瀛︾敓濮撳悕\" is \"学生姓名\"");
  // Tab- or semicolon-separated text saved under .csv: the hint names the separator.
  refuse("学生姓名\t身份证号\t毕业院校\t届别\n张三\t1\t北京大学\t2026\n", "separated by tabs");
  refuse("学生姓名;身份证号;毕业院校;届别\n", "separated by semicolons");
  // No 届别 column and no --cohort: refused once for the file, not row by row.
  refuse("学生姓名,身份证号,毕业院校\n张三," + id("11010520030115001") + ",北京大学\n",
         "has no 届别 column; add one, or give --cohort");
  std::string deep;
  for (int i = 0; i < 25; ++i) deep += "title,,\n";
  refuse(deep + kHeader, "first 20 rows");
  CHECK(f.count("SELECT count(*) FROM imports") == 0);
}

TEST_CASE("roster: a field's own header wins over another name for it, which is ignored",
          "[roster]") {
  RosterFixture f;
  std::string a = id("11010520030115001");
  // 联系电话 (another name for 手机号码) beside 手机号码, before or after it: a landline, say.
  for (const std::string& header :
       {std::string("学生姓名,身份证号,毕业院校,届别,联系电话,手机号码"),
        std::string("学生姓名,身份证号,毕业院校,届别,手机号码,联系电话")}) {
    const bool phone_first = header.ends_with("联系电话");
    auto r = f.import_csv(header + "\n张三," + a + ",北京大学,2026," +
                          (phone_first ? "13812345678,010-62751234" : "010-62751234,13812345678") +
                          "\n");
    CHECK(r.problems.empty());
    REQUIRE(r.warnings.size() == 1);
    CHECK(r.warnings[0] ==
          (phone_first ? "column F 联系电话 ignored: 手机号码 is read from column E 手机号码"
                       : "column E 联系电话 ignored: 手机号码 is read from column F 手机号码"));
    CHECK(ncss::get_graduate(f.store, a).phone == "13812345678");
  }
}

TEST_CASE("roster: --school drops 毕业院校 from the expected headers, and its hint", "[roster]") {
  RosterFixture f;
  ImportOptions o;
  o.school = "北京大学";
  try {
    f.import_csv("姓名,学号\n张三,1\n", o);
    FAIL("a file without the headers was accepted");
  } catch (const ncss::Error& e) {
    std::string what = e.what();
    CHECK(what.find("expected the columns 学生姓名, 身份证号; the first row") != std::string::npos);
    CHECK(what.find("--school") == std::string::npos);
  }
}

TEST_CASE("roster: a BOM repeated before the headers (a file saved again) is not a header",
          "[roster]") {
  RosterFixture f;
  std::string a = id("11010520030115001");
  auto r =
      f.import_csv("\xEF\xBB\xBF\xEF\xBB\xBF\xEF\xBB\xBF学生姓名,身份证号,毕业院校,届别\n张三," +
                   a + ",北京大学,2026\n");
  CHECK(r.encoding == "utf-8-bom");
  CHECK(r.header_row == 1);
  CHECK(r.added == 1);
  CHECK(r.warnings.empty());
  CHECK(ncss::get_graduate(f.store, a).name == "张三");
  // Only at the start of a header: a BOM inside a value is still an invisible character.
  r = f.import_csv("学生姓名,身份证号,毕业院校,届别\n\xEF\xBB\xBF李四," + id("11010520030115002") +
                   ",北京大学,2026\n");
  CHECK(f.codes(r) == std::vector<std::string>{"hidden_character"});
}

TEST_CASE("roster: right UTF-8 with a middle dot gets no encoding hint", "[roster]") {
  RosterFixture f;
  try {
    f.import_csv("姓名,身份号,学校\n艾尔肯·吐尔逊,110105200301150010,北京大学\n×2,°C,§\n");
    FAIL("a file without the headers was accepted");
  } catch (const ncss::Error& e) {
    std::string what = e.what();
    CHECK(what.find("expected the columns") != std::string::npos);
    CHECK(what.find("艾尔肯·吐尔逊") == std::string::npos);  // the first row is the header row
    CHECK(what.find("garbled") == std::string::npos);
  }
}

namespace {

// An ID number whose check character is X, and its full-width form with a lower-case ｘ.
std::string id_ending_in_x() {
  for (int n = 100; n < 1000; ++n) {
    std::string full = id("11010520030115" + std::to_string(n));
    if (full[17] == 'X') return full;
  }
  FAIL("no ID number ending in X");
  return "";
}

std::string full_width(const std::string& ascii) {
  std::string out;
  for (char c : ascii) {
    char32_t wide = c == 'X' ? U'ｘ' : static_cast<char32_t>(U'０' + (c - '0'));
    // Every full-width form here is U+FF10..U+FF5A: three UTF-8 bytes EF BC/BD xx.
    out += static_cast<char>(0xE0 | (wide >> 12));
    out += static_cast<char>(0x80 | ((wide >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (wide & 0x3F));
  }
  return out;
}

}  // namespace

TEST_CASE("roster: cells are trimmed and ID numbers normalised, in CSV and .xlsx", "[roster]") {
  RosterFixture f;
  const std::string x = id_ending_in_x();
  const std::string lower = x.substr(0, 17) + "x";
  // CSV: U+3000 and tabs around cells, the ID number full-width with a full-width ｘ.
  auto r = f.import_csv(kHeader + "\u3000吴十\u3000,\u3000" + full_width(x) +
                        "\t,\t北京大学 ,法学院\u3000,本科,法律（非法学）,2026,,,,,\n");
  CHECK(r.added == 1);
  CHECK(r.problems.empty());
  auto g = ncss::get_graduate(f.store, x);
  CHECK(g.name == "吴十");
  CHECK(g.id_number == x);
  CHECK(g.school_code == "10001");
  CHECK(g.department == "法学院");
  CHECK(g.major == "法律（非法学）");  // verbatim: no full-width folding outside the ID number

  // .xlsx: a lower-case x, and numbers as LibreOffice and older tools write them.
  auto path = f.dir / "numeric.xlsx";
  auto text = [](const char* ref, const std::string& v) {
    return std::string("<c r=\"") + ref + "\" t=\"inlineStr\"><is><t>" + v + "</t></is></c>";
  };
  std::string header = "<row r=\"1\">" + text("A1", "学生姓名") + text("B1", "身份证号") +
                       text("C1", "毕业院校") + text("D1", "届别") + text("E1", "手机号码") +
                       text("F1", "学号") + "</row>";
  std::string row = "<row r=\"2\">" + text("A2", "郑十一") + text("B2", "\u3000" + lower + " ") +
                    text("C2", "北京大学") + "<c r=\"D2\"><v>2026.0</v></c>" +
                    "<c r=\"E2\"><v>1.3812345678E+10</v></c>" +
                    "<c r=\"F2\"><v>20220001.0</v></c></row>";
  xlsxkit::write_xlsx(path, header + row);
  // The same person in another cohort would be a new record; in 2026 it is an update.
  r = ncss::import_roster(f.store, path, {}, f.actor);
  CHECK(r.problems.empty());
  CHECK(r.updated == 1);
  g = ncss::get_graduate(f.store, x);
  CHECK(g.name == "郑十一");
  CHECK(g.cohort == 2026);
  CHECK(g.phone == "13812345678");
  CHECK(g.student_no == "20220001");
}

TEST_CASE("roster: .xlsx with shared strings, numeric phone and lost-digit IDs", "[roster]") {
  RosterFixture f;
  auto path = f.dir / "roster.xlsx";
  std::string a = id("11010520030115001");
  {
    lxw_workbook* wb = workbook_new(path.c_str());
    lxw_worksheet* ws = workbook_add_worksheet(wb, "名单");
    worksheet_merge_range(ws, 0, 0, 0, 4, "2026届毕业生名单", nullptr);
    const char* headers[] = {"学生姓名", "身份证号", "毕业院校", "手机号码", "届别", "学号"};
    for (int c = 0; c < 6; ++c) worksheet_write_string(ws, 1, c, headers[c], nullptr);
    worksheet_write_string(ws, 2, 0, "孙八", nullptr);
    worksheet_write_string(ws, 2, 1, a.c_str(), nullptr);
    worksheet_write_string(ws, 2, 2, "北京大学", nullptr);
    worksheet_write_number(ws, 2, 3, 13812345678.0, nullptr);
    worksheet_write_number(ws, 2, 4, 2026, nullptr);
    worksheet_write_number(ws, 2, 5, 20220001, nullptr);
    worksheet_write_string(ws, 3, 0, "周九", nullptr);
    worksheet_write_number(ws, 3, 1, 110105200301150000.0, nullptr);
    worksheet_write_string(ws, 3, 2, "北京大学", nullptr);
    worksheet_write_number(ws, 3, 4, 2026, nullptr);
    REQUIRE(workbook_close(wb) == LXW_NO_ERROR);
  }
  auto r = ncss::import_roster(f.store, path, {}, f.actor);
  CHECK(r.format == "xlsx");
  CHECK(r.sheet == "名单");
  CHECK(r.header_row == 2);
  CHECK(r.added == 1);
  REQUIRE(r.problems.size() == 1);
  CHECK(r.problems[0].row == 4);
  CHECK(r.problems[0].code == "id_excel_number");
  CHECK(r.problems[0].message.find("format the column as text") != std::string::npos);
  auto g = ncss::get_graduate(f.store, a);
  CHECK(g.phone == "13812345678");
  CHECK(g.student_no == "20220001");
  CHECK(g.cohort == 2026);
}

TEST_CASE("roster: the same person on two cohorts' rosters", "[roster]") {
  RosterFixture f;
  std::string a = id("11010519980115001");
  f.import_csv(kHeader + "张三," + a + ",北京大学,,本科,,2022,,,,,\n");
  f.import_csv(kHeader + "张三," + a + ",清华大学,,硕士,,2025,,,,,\n");
  CHECK(f.count("SELECT count(*) FROM graduates") == 2);
  CHECK_THROWS_AS(ncss::get_graduate(f.store, a), ncss::Error);
  CHECK(ncss::get_graduate(f.store, a, 2025).school_code == "10003");
}

TEST_CASE("roster: foreign keys are on again after an import, and none is broken", "[roster]") {
  // The import checks references itself, with enforcement off for its transaction only.
  RosterFixture f;
  auto& db = ncss::database(f.store);
  auto fk_on = [&] { return db.execAndGet("PRAGMA foreign_keys").getInt() == 1; };
  REQUIRE(fk_on());
  auto r =
      f.import_csv(kHeader + "张三," + id("11010520030115001") + ",北京大学,,本科,,2026,,,,,\n" +
                   "李四," + id("44030420021230002") + ",北京野鸡大学,,本科,,2026,,,,,\n" +
                   "王五," + id("11010520030115011") + ",北京大学,,高中,,2026,,,,,\n" + "赵六," +
                   id("11010520030115021") + ",北京大学,,,,2026,自费,,,,\n");
  CHECK(r.added == 1);
  CHECK(f.codes(r) ==
        std::vector<std::string>{"school_unknown", "level_invalid", "training_mode_invalid"});
  CHECK(fk_on());
  CHECK(f.count("SELECT count(*) FROM pragma_foreign_key_check") == 0);
  // A file refused whole, and an unknown --school, leave enforcement on as well.
  CHECK_THROWS_AS(f.import_csv("no,header\n1,2\n"), ncss::Error);
  CHECK(fk_on());
  ImportOptions o;
  o.school = "北京野鸡大学";
  CHECK_THROWS_AS(f.import_csv(kHeader, o), ncss::Error);
  CHECK(fk_on());
  // Enforcement is really back: a graduate of an unknown school is refused by the database.
  CHECK_THROWS(
      db.exec("INSERT INTO graduates (id_number, cohort, name, school_code, gender, created_at, "
              "updated_at) VALUES ('110105200301150999', 2026, 'x', '99999', '男', 't', 't')"));
}

TEST_CASE("roster: a repeated graduate is refused whether new or already stored", "[roster]") {
  RosterFixture f;
  std::string a = id("11010520030115001");
  std::string b = id("44030420021230002");
  REQUIRE(f.import_csv(kHeader + "张三," + a + ",北京大学,,本科,法学,2026,,,,,\n").added == 1);
  // Row 2 matches the stored 张三 (updated), row 3 is new, rows 4 and 5 repeat them: refused,
  // naming the row that came first; row 6 repeats 张三 and also has a bad phone: both reported.
  auto r = f.import_csv(kHeader + "张三," + a + ",北京大学,,本科,法律,2026,,,,,\n" +  // 2
                        "李四," + b + ",北京大学,,本科,,2026,,,,,\n" +                // 3
                        "张三," + a + ",北京大学,,本科,经济学,2026,,,,,\n" +          // 4
                        "李四," + b + ",北京大学,,本科,,2026,,,,,\n" +                // 5
                        "张三," + a + ",北京大学,,,,2026,,,,123,\n");                 // 6
  std::vector<std::pair<std::size_t, std::string>> got;
  for (const auto& p : r.problems) got.emplace_back(p.row, p.code);
  CHECK(got == std::vector<std::pair<std::size_t, std::string>>{{4, "duplicate_in_file"},
                                                                {5, "duplicate_in_file"},
                                                                {6, "phone_invalid"},
                                                                {6, "duplicate_in_file"}});
  REQUIRE(r.problems.size() == 4);
  CHECK(r.problems[0].message.find("row 2;") != std::string::npos);
  CHECK(r.problems[1].message.find("row 3;") != std::string::npos);
  CHECK(r.problems[3].message.find("row 2;") != std::string::npos);
  CHECK(r.updated == 1);
  CHECK(r.added == 1);
  CHECK(r.rejected == 3);
  CHECK(ncss::get_graduate(f.store, a).major == "法律");  // the first occurrence won
  // The same ID number for two cohorts in one file is two graduates, not a repeat.
  auto two =
      f.import_csv(kHeader + "王五," + id("11010519980115011") + ",北京大学,,本科,,2022,,,,,\n" +
                   "王五," + id("11010519980115011") + ",清华大学,,硕士,,2025,,,,,\n");
  CHECK(two.added == 2);
  CHECK(two.problems.empty());
  // A first row refused for another defect still comes first: the later copy is refused too.
  std::string c = id("11010520030115021");
  auto refused = f.import_csv(kHeader + "赵六," + c + ",北京大学,,,,2026,,,,123,\n" +  // 2
                              "赵六," + c + ",北京大学,,,,2026,,,,,\n" +               // 3
                              "赵六," + c + ",北京大学,,,,2026,,,,,bad\n");            // 4
  got.clear();
  for (const auto& p : refused.problems) got.emplace_back(p.row, p.code);
  CHECK(got == std::vector<std::pair<std::size_t, std::string>>{{2, "phone_invalid"},
                                                                {3, "duplicate_in_file"},
                                                                {4, "email_invalid"},
                                                                {4, "duplicate_in_file"}});
  // Nothing of row 2 was kept, and the message says so rather than "the first is kept".
  CHECK(refused.problems[1].message ==
        "身份证号 " + ncss::mask_resident_id(c) +
            " already appears on row 2, which was rejected: an ID number is taken from its first "
            "row only, so correct that row rather than repeat it");
  CHECK(refused.problems.back().message.find("row 2, which was rejected") != std::string::npos);
  CHECK(refused.added == 0);
  CHECK(refused.rejected == 3);
}

TEST_CASE("roster: a repeat far down a long file names the first row", "[roster]") {
  // More rows than the import buffers before writing them to its temporary file.
  RosterFixture f;
  std::string text = kHeader;
  std::vector<std::string> ids;
  for (int i = 0; i < 40000; ++i) {
    char digits[18];
    std::snprintf(digits, sizeof digits, "1101052003%02d%02d%03d", 1 + i / 28000, 1 + i / 1000 % 28,
                  i % 1000);
    ids.push_back(id(digits));
    text += "某" + std::to_string(i) + "," + ids.back() + ",北京大学,,,,2026,,,,,\n";
  }
  text += "重复," + ids[7] + ",北京大学,,,,2026,,,,,\n";      // row 40002: first was row 9
  text += "重复," + ids[39990] + ",北京大学,,,,2026,,,,,\n";  // row 40003: first was row 39992
  auto r = f.import_csv(text);
  CHECK(r.added == 40000);
  REQUIRE(r.problems.size() == 2);
  CHECK(r.problems[0].row == 40002);
  CHECK(r.problems[0].message.find("row 9;") != std::string::npos);
  CHECK(r.problems[1].row == 40003);
  CHECK(r.problems[1].message.find("row 39992;") != std::string::npos);
}

TEST_CASE("roster: an unknown --school or malformed --cohort refuses the file", "[roster]") {
  RosterFixture f;
  ImportOptions o;
  o.school = "不存在大学";
  CHECK_THROWS_AS(f.import_csv("学生姓名,身份证号\n", o), ncss::Error);
  o = {};
  o.cohort = "26";
  CHECK_THROWS_AS(f.import_csv(kHeader, o), ncss::Error);
  CHECK(f.count("SELECT count(*) FROM imports") == 0);
}

TEST_CASE("roster: a --school filter takes any name of the school and refuses an unknown one",
          "[roster]") {
  RosterFixture f;
  std::string a = id("11010519980115001");
  std::string b = id("11010519990115002");
  f.import_csv(kHeader + "张三," + a + ",北京大学,,本科,,2026,,,,,\n" + "李四," + b +
               ",清华大学,,本科,,2026,,,,,\n");
  auto listed = [&](const std::string& school) {
    std::vector<std::string> ids;
    ncss::GraduateFilter filter;
    filter.school = school;
    ncss::for_each_graduate(f.store, filter,
                            [&](const ncss::Graduate& g) { ids.push_back(g.id_number); });
    return ids;
  };
  const std::vector<std::string> only_a{a};
  // Code, MOE identifier and name, with ASCII and ideographic spaces trimmed.
  CHECK(listed("10001") == only_a);
  CHECK(listed("4111010001") == only_a);
  CHECK(listed(" 北京大学\u3000") == only_a);
  CHECK(listed("").size() == 2);
  // A school nobody knows is an error, not an empty list.
  try {
    listed("某某大学");
    FAIL("an unknown school was accepted");
  } catch (const ncss::Error& e) {
    CHECK(e.code() == ncss::ErrorCode::NotFound);
    CHECK(std::string(e.what()).find("unknown school '某某大学'") != std::string::npos);
  }
}

TEST_CASE("roster: a dry-run session keeps files for each other, then writes nothing", "[roster]") {
  RosterFixture f;
  std::string a = id("11010520030115001");
  std::string text = kHeader + "张三," + a + ",北京大学,法学院,本科,法学,2026,,,,,\n";
  ImportOptions dry;
  dry.dry_run = true;
  {
    ncss::DryRunSession session(f.store);
    CHECK(f.import_csv(text, dry).added == 1);
    auto again = f.import_csv(text, dry);  // sees the first file
    CHECK(again.added == 0);
    CHECK(again.unchanged == 1);
    CHECK_FALSE(again.written);
    // An import that would write has no place in a session: refused, not silently undone.
    try {
      f.import_csv(text);
      FAIL("a writing import ran inside a dry-run session");
    } catch (const ncss::Error& e) {
      CHECK(e.code() == ncss::ErrorCode::Internal);
    }
  }
  CHECK(f.count("SELECT count(*) FROM graduates") == 0);
  CHECK(f.count("SELECT count(*) FROM imports") == 0);
  CHECK(f.import_csv(text).added == 1);  // the store is usable after the session
}

TEST_CASE("roster: unknown columns are named up to twenty, then counted", "[roster]") {
  RosterFixture f;
  std::string header = "学生姓名,身份证号,毕业院校,届别";
  for (int i = 1; i <= 30; ++i) header += ",备注" + std::to_string(i);
  auto r = f.import_csv(header + "\n张三," + id("11010520030115001") + ",北京大学,2026\n");
  CHECK(r.added == 1);
  REQUIRE(r.warnings.size() == 21);
  CHECK(r.warnings[0] == "unknown column E 备注1 ignored");
  CHECK(r.warnings[19] == "unknown column X 备注20 ignored");
  CHECK(r.warnings[20] == "and 10 more unknown columns ignored");
}

TEST_CASE("roster: hidden characters and Excel error or logical cells refuse their row",
          "[roster]") {
  RosterFixture f;
  const std::string a = id("11010520030115001"), b = id("11010520030115011"),
                    c = id("11010520030115021"), d = id("11010520030115031");
  // CSV: a line break inside a quoted name, a zero-width space in the ID number, a direction
  // override in the major; the no-break spaces around a good row's ID are trimmed.
  auto r = f.import_csv(kHeader + "\"张\n三\"," + a + ",北京大学,,,,2026,,,,,\n" + "李四," +
                        b.substr(0, 5) + "\u200B" + b.substr(5) + ",北京大学,,,,2026,,,,,\n" +
                        "王五," + c + ",北京大学,,,法\u202E学,2026,,,,,\n" + "赵六,\u00A0" + d +
                        "\u00A0,北京大学,,,,2026,,,,,\n");
  std::vector<std::pair<std::size_t, std::string>> got;
  for (const auto& p : r.problems) got.emplace_back(p.row, p.code);
  CHECK(got == std::vector<std::pair<std::size_t, std::string>>{
                   {2, "hidden_character"}, {3, "hidden_character"}, {4, "hidden_character"}});
  REQUIRE(r.problems.size() == 3);
  CHECK(r.problems[0].message.find("U+000A at character 2") != std::string::npos);
  CHECK(r.problems[1].message.find("U+200B at character 6") != std::string::npos);
  CHECK(r.problems[2].column == "F");
  CHECK(r.problems[2].message.find("U+202E") != std::string::npos);
  // No raw control character reaches a message.
  for (const auto& p : r.problems) CHECK(p.message.find('\n') == std::string::npos);
  CHECK(r.added == 1);
  CHECK(ncss::get_graduate(f.store, d).name == "赵六");

  // .xlsx: an error value in 学生姓名 and a logical value in 届别.
  auto path = f.dir / "cells.xlsx";
  auto text = [](const char* ref, const std::string& v) {
    return std::string("<c r=\"") + ref + "\" t=\"inlineStr\"><is><t>" + v + "</t></is></c>";
  };
  xlsxkit::write_xlsx(path, "<row r=\"1\">" + text("A1", "学生姓名") + text("B1", "身份证号") +
                                text("C1", "毕业院校") + text("D1", "届别") +
                                "</row><row r=\"2\"><c r=\"A2\" t=\"e\"><v>#REF!</v></c>" +
                                text("B2", a) + text("C2", "北京大学") +
                                "<c r=\"D2\" t=\"b\"><v>1</v></c></row>");
  r = ncss::import_roster(f.store, path, {}, f.actor);
  REQUIRE(r.problems.size() == 2);  // no name_missing or cohort_missing besides
  CHECK(r.problems[0].code == "cell_value");
  CHECK(r.problems[0].message.find("Excel error #REF!") != std::string::npos);
  CHECK(r.problems[1].code == "cell_value");
  CHECK(r.problems[1].message.find("logical value TRUE") != std::string::npos);
  CHECK(r.added == 0);
}

TEST_CASE("roster: numbers that lost digits are refused, text markers are unwrapped", "[roster]") {
  RosterFixture f;
  const std::string a = id("11010520030115001"), b = id("11010520030115011"),
                    c = id("11010520030115021");
  // CSV: Excel's scientific notation in 学号 and 手机号码; ="…" and a leading ' around numbers
  // kept as text.
  auto r = f.import_csv(kHeader + "张三," + a + ",北京大学,,,,2026,,1.23457E+11,,,\n" + "李四," +
                        b + ",北京大学,,,,2026,,,,1.38123E+10,\n" + "王五,=\"" + c +
                        "\",北京大学,,,,2026,,'20220001,,=\"13812345678\",\n");
  std::vector<std::pair<std::size_t, std::string>> got;
  for (const auto& p : r.problems) got.emplace_back(p.row, p.code);
  CHECK(got ==
        std::vector<std::pair<std::size_t, std::string>>{{2, "excel_number"}, {3, "excel_number"}});
  REQUIRE(r.problems.size() == 2);
  CHECK(r.problems[0].header == "学号");
  CHECK(r.problems[1].message.find("1.38123E+10") != std::string::npos);
  CHECK(r.added == 1);
  auto g = ncss::get_graduate(f.store, c);
  CHECK(g.student_no == "20220001");
  CHECK(g.phone == "13812345678");

  // .xlsx: a 学号 of 21 digits kept as a number has lost its last ones.
  auto path = f.dir / "long.xlsx";
  auto text = [](const char* ref, const std::string& v) {
    return std::string("<c r=\"") + ref + "\" t=\"inlineStr\"><is><t>" + v + "</t></is></c>";
  };
  xlsxkit::write_xlsx(path, "<row r=\"1\">" + text("A1", "学生姓名") + text("B1", "身份证号") +
                                text("C1", "毕业院校") + text("D1", "届别") + text("E1", "学号") +
                                "</row><row r=\"2\">" + text("A2", "张三") + text("B2", a) +
                                text("C2", "北京大学") + text("D2", "2026") +
                                "<c r=\"E2\"><v>1.23456789012345E+20</v></c></row>");
  r = ncss::import_roster(f.store, path, {}, f.actor);
  REQUIRE(r.problems.size() == 1);
  CHECK(r.problems[0].code == "excel_number");
  CHECK(r.problems[0].column == "E");
}

TEST_CASE("roster: whole numbers a program wrote with .0 lose it, an ID number with .0 is refused",
          "[roster]") {
  RosterFixture f;
  const std::string a = id("11010520030115001"), b = id("11010520030115011");
  // pandas and R write a number column holding a blank as floating point: 2026.0, 13812345678.0.
  auto r = f.import_csv(
      kHeader + "张三," + a + ",北京大学,,,,2026.0,,20220001.0,,13812345678.0,\n" + "李四," + b +
      ".0,北京大学,,,,2026,,,,,\n" + "王五," + b + ",北京大学,,,,2026,,1234567890123456.0,,,\n");
  std::vector<std::pair<std::size_t, std::string>> got;
  for (const auto& p : r.problems) got.emplace_back(p.row, p.code);
  CHECK(got == std::vector<std::pair<std::size_t, std::string>>{{3, "id_excel_number"},
                                                                {4, "excel_number"}});
  REQUIRE(r.problems.size() == 2);
  CHECK(r.problems[0].message.find("'11****************.0' was stored as a number") !=
        std::string::npos);  // masked, as personal numbers are in every message
  CHECK(r.problems[0].message.find(b) == std::string::npos);
  CHECK(r.problems[1].header == "学号");
  CHECK(r.added == 1);
  auto g = ncss::get_graduate(f.store, a);
  CHECK(g.cohort == 2026);
  CHECK(g.student_no == "20220001");
  CHECK(g.phone == "13812345678");
  // Only digits, a point and zeros: other text is the graduate's own, kept as typed.
  r = f.import_csv(kHeader + "张三," + a + ",北京大学,,,,2026,,2022.01,,,\n");
  CHECK(r.problems.empty());
  CHECK(ncss::get_graduate(f.store, a).student_no == "2022.01");
  // Leading zeros are typed, not a program's number: "0012.0" is kept, and "013812345678.0" is
  // not a phone number with its zero and ".0" taken off.
  r = f.import_csv(kHeader + "张三," + a + ",北京大学,,,,2026,,0012.0,,013812345678.0,\n");
  CHECK(f.codes(r) == std::vector<std::string>{"phone_invalid"});
  r = f.import_csv(kHeader + "张三," + a + ",北京大学,,,,2026,,0012.0,,,\n");
  CHECK(ncss::get_graduate(f.store, a).student_no == "0012.0");
  // A 学号 with an E in it is text too: a spreadsheet's exponent has one leading digit and a sign.
  r = f.import_csv(kHeader + "张三," + a + ",北京大学,,,,2026,,19E0101,,,\n");
  CHECK(r.problems.empty());
  CHECK(ncss::get_graduate(f.store, a).student_no == "19E0101");
}

TEST_CASE("roster: a header without rows, --sheet on a CSV and an empty .xlsx are explained",
          "[roster]") {
  RosterFixture f;
  auto r = f.import_csv(kHeader);
  CHECK(r.added == 0);
  REQUIRE(r.warnings.size() == 1);
  CHECK(r.warnings[0] == "no rows under the header (row 1): nothing to import");

  ImportOptions o;
  o.sheet = "名单";
  r = f.import_csv(kHeader + "张三," + id("11010520030115001") + ",北京大学,,,,2026,,,,,\n", o);
  CHECK(r.added == 1);
  REQUIRE(r.warnings.size() == 1);
  CHECK(r.warnings[0].find("--sheet does not apply to a CSV file") != std::string::npos);

  auto empty = f.dir / "empty.xlsx";
  testkit::write_file(empty, "");
  try {
    ncss::import_roster(f.store, empty, {}, f.actor);
    FAIL("an empty .xlsx was accepted");
  } catch (const ncss::Error& e) {
    CHECK(e.code() == ncss::ErrorCode::InvalidInput);
    CHECK(std::string(e.what()) == empty.string() + ": the file is empty");
  }
}

TEST_CASE("roster: a repeated header row is one problem", "[roster]") {
  RosterFixture f;
  auto r = f.import_csv(kHeader + "张三," + id("11010520030115001") + ",北京大学,,,,2026,,,,,\n" +
                        kHeader + "李四," + id("11010520030115011") + ",北京大学,,,,2026,,,,,\n");
  CHECK(f.codes(r) == std::vector<std::string>{"header_repeated"});
  REQUIRE(r.problems.size() == 1);
  CHECK(r.problems[0].row == 3);
  CHECK(r.problems[0].message.find("repeats the header row (row 1)") != std::string::npos);
  CHECK(r.added == 2);
}

TEST_CASE("roster: a stray control byte is its row's defect wherever it is; a DOS EOF mark ends",
          "[roster]") {
  RosterFixture f;
  auto rows = [&](int n, int bad) {
    std::string text = kHeader;
    for (int i = 0; i < n; ++i) {
      char first17[18];
      std::snprintf(first17, sizeof first17, "1101052003%02d%02d%03d", 1 + i / 28 % 12, 1 + i % 28,
                    i / 336);
      text += std::string(i + 2 == bad ? "张\x01三" : "张三") + "," + id(first17) +
              ",北京大学,,,,2026,,,,,\n";
    }
    return text;
  };
  // Row 3 (in the first block the encoding check reads) and row 3000: the same answer, the row
  // refused as hidden_character and the rest imported. Only the header line of a text file is
  // held to hold no control byte: a binary file shows itself there.
  for (int bad : {3, 3000}) {
    INFO("row " << bad);
    auto r = f.import_csv(rows(3000, bad));
    REQUIRE(r.problems.size() == 1);
    CHECK(r.problems[0].row == static_cast<std::size_t>(bad));
    CHECK(r.problems[0].code == "hidden_character");
    CHECK(r.added + r.unchanged == 2999);
  }
  // The DOS end-of-file mark, as old tools end a file: after the last line break, or right after
  // the last value. Neither is a row or part of a value.
  RosterFixture g;
  const std::string a = id("11010520030115001");
  auto r = g.import_csv(kHeader + "张三," + a + ",北京大学,,,,2026,,,,,\r\n\x1a");
  CHECK(r.problems.empty());
  CHECK(r.added == 1);
  CHECK(r.blank == 0);
  r = g.import_csv(kHeader + "张三," + a + ",北京大学,,,,2026,,,,13812345678,zs@pku.edu.cn\x1a");
  CHECK(r.problems.empty());
  CHECK(ncss::get_graduate(g.store, a).email == "zs@pku.edu.cn");
}
