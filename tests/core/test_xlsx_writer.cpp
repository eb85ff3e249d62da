#include <zip.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <map>
#include <regex>
#include <stdexcept>
#include <string>
#include <vector>

#include "ncss/error.hpp"
#include "ncss/roster.hpp"
#include "ncss/roster_template.hpp"
#include "ncss/xlsx_writer.hpp"
#include "testkit.hpp"

namespace {

namespace fs = std::filesystem;

std::string zip_part(const fs::path& path, const std::string& name) {
  int error = 0;
  zip_t* zip = zip_open(path.c_str(), ZIP_RDONLY, &error);
  if (!zip) throw std::runtime_error("not a zip: " + path.string());
  zip_file_t* file = zip_fopen(zip, name.c_str(), 0);
  if (!file) {
    zip_discard(zip);
    throw std::runtime_error("no part " + name + " in " + path.string());
  }
  std::string out;
  char buffer[65536];
  zip_int64_t n;
  while ((n = zip_fread(file, buffer, sizeof buffer)) > 0) out.append(buffer, n);
  zip_fclose(file);
  zip_discard(zip);
  return out;
}

std::string unescape(std::string s) {
  const std::pair<std::string, std::string> entities[] = {
      {"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}, {"&apos;", "'"}, {"&amp;", "&"}};
  for (const auto& [from, to] : entities) {
    for (std::size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + 1)) {
      s.replace(at, from.size(), to);
    }
  }
  return s;
}

std::string attribute(const std::string& attrs, const std::string& name) {
  std::smatch m;
  if (std::regex_search(attrs, m, std::regex("\\b" + name + "=\"([^\"]*)\""))) return m[1];
  return "";
}

// A cell as the sheet XML holds it: its attributes, whether it has a formula, and its text.
struct XmlCell {
  std::string attrs;
  bool formula = false;
  std::string text;
};

// The cells of one sheet part by reference (A1, B2, ...), strings resolved through the shared
// strings part when the workbook has one.
std::map<std::string, XmlCell> sheet_cells(const fs::path& file, int sheet) {
  std::vector<std::string> shared;
  try {
    std::string sst = zip_part(file, "xl/sharedStrings.xml");
    std::regex si("<si>(.*?)</si>");
    std::regex t("<t[^>]*>(.*?)</t>");
    for (auto it = std::sregex_iterator(sst.begin(), sst.end(), si); it != std::sregex_iterator();
         ++it) {
      std::string item = (*it)[1];
      std::smatch m;
      shared.push_back(std::regex_search(item, m, t) ? unescape(m[1]) : "");
    }
  } catch (const std::runtime_error&) {
    // constant-memory workbooks have no shared strings: every string is inline
  }
  std::string xml = zip_part(file, "xl/worksheets/sheet" + std::to_string(sheet) + ".xml");
  std::map<std::string, XmlCell> cells;
  std::regex cell("<c r=\"([A-Z]+[0-9]+)\"([^>]*?)(/>|>(.*?)</c>)");
  for (auto it = std::sregex_iterator(xml.begin(), xml.end(), cell); it != std::sregex_iterator();
       ++it) {
    XmlCell c;
    c.attrs = (*it)[2];
    std::string inner = (*it)[4];
    c.formula = inner.find("<f") != std::string::npos;
    std::smatch m;
    std::string type = attribute(c.attrs, "t");
    if (type == "s" && std::regex_search(inner, m, std::regex("<v>([0-9]+)</v>"))) {
      c.text = shared.at(std::stoul(m[1]));
    } else if (type == "inlineStr" &&
               std::regex_search(inner, m, std::regex("<t[^>]*>(.*?)</t>"))) {
      c.text = unescape(m[1]);
    } else if (std::regex_search(inner, m, std::regex("<v>(.*?)</v>"))) {
      c.text = unescape(m[1]);
    }
    cells[(*it)[1]] = c;
  }
  return cells;
}

bool is_string_cell(const XmlCell& cell) {
  std::string type = attribute(cell.attrs, "t");
  return (type == "s" || type == "inlineStr") && !cell.formula;
}

std::string column_letter(std::size_t index) {
  std::string s;
  for (++index; index > 0; index = (index - 1) / 26) {
    s.insert(s.begin(), static_cast<char>('A' + (index - 1) % 26));
  }
  return s;
}

// The number format id of each cell style (xf) in styles.xml, in order.
std::vector<std::string> cell_style_formats(const fs::path& file) {
  std::string styles = zip_part(file, "xl/styles.xml");
  std::smatch section;
  REQUIRE(std::regex_search(styles, section, std::regex("<cellXfs[^>]*>(.*?)</cellXfs>")));
  std::string xfs = section[1];
  std::vector<std::string> formats;
  std::regex xf("<xf ([^>]*?)/?>");
  for (auto it = std::sregex_iterator(xfs.begin(), xfs.end(), xf); it != std::sregex_iterator();
       ++it) {
    formats.push_back(attribute((*it)[1], "numFmtId"));
  }
  return formats;
}

// The style index of each column (1-based) from the sheet's <cols>.
std::map<int, int> column_styles(const std::string& sheet_xml) {
  std::map<int, int> styles;
  std::regex col("<col ([^>]*?)/>");
  for (auto it = std::sregex_iterator(sheet_xml.begin(), sheet_xml.end(), col);
       it != std::sregex_iterator(); ++it) {
    std::string attrs = (*it)[1];
    std::string style = attribute(attrs, "style");
    int first = std::stoi(attribute(attrs, "min")), last = std::stoi(attribute(attrs, "max"));
    for (int c = first; c <= last; ++c) styles[c] = style.empty() ? 0 : std::stoi(style);
  }
  return styles;
}

template <typename F>
void check_io_error(F&& action, const std::string& phrase) {
  try {
    action();
    FAIL("no ncss::Error was thrown; expected one saying: " << phrase);
  } catch (const ncss::Error& e) {
    CHECK(e.code() == ncss::ErrorCode::Io);
    CHECK_THAT(std::string(e.what()), Catch::Matchers::Contains(phrase));
  }
}

}  // namespace

TEST_CASE("xlsx_writer: every cell is a string, even one that looks like a formula or a number",
          "[xlsx_writer]") {
  testkit::TempDir dir;
  fs::path file = dir / "report.xlsx";
  ncss::XlsxTableWriter writer(file, "报表", {"学生姓名", "身份证号", "备注"});
  writer.row({"张三", "110105194912310021", "=1+1"});
  writer.row({"", "000123456789012345678901234567890", "@SUM(A1:A9)"});
  writer.row({"-2+3", "+8613812345678", "a < b & \"c\""});
  writer.row({"只有一列"});
  writer.row({"_x0041_", "bell\x07"});
  CHECK(writer.rows_written() == 5);
  CHECK_FALSE(fs::exists(file));  // nothing at the target until close
  writer.close();
  writer.close();  // a second close does nothing
  REQUIRE(fs::exists(file));
  CHECK(std::distance(fs::directory_iterator(dir.path()), fs::directory_iterator()) == 1);

  auto cells = sheet_cells(file, 1);
  SECTION("the header row is bold and frozen") {
    CHECK(cells["A1"].text == "学生姓名");
    CHECK(cells["B1"].text == "身份证号");
    CHECK(cells["C1"].text == "备注");
    std::string xf = attribute(cells["A1"].attrs, "s");
    REQUIRE_FALSE(xf.empty());
    std::string styles = zip_part(file, "xl/styles.xml");
    CHECK(styles.find("<b/>") != std::string::npos);
    std::string xml = zip_part(file, "xl/worksheets/sheet1.xml");
    CHECK(xml.find("state=\"frozen\"") != std::string::npos);
    CHECK(xml.find("ySplit=\"1\"") != std::string::npos);
    CHECK(zip_part(file, "xl/workbook.xml").find("name=\"报表\"") != std::string::npos);
  }
  SECTION("cells keep their text, as strings, with no formula") {
    std::string xml = zip_part(file, "xl/worksheets/sheet1.xml");
    CHECK(xml.find("<f>") == std::string::npos);
    CHECK(xml.find("<f ") == std::string::npos);
    for (const auto& [ref, cell] : cells) {
      INFO(ref);
      CHECK(is_string_cell(cell));
    }
    CHECK(cells["A2"].text == "张三");
    CHECK(cells["B2"].text == "110105194912310021");
    CHECK(cells["C2"].text == "=1+1");
    CHECK(cells.count("A3") == 0);  // an empty string leaves the cell blank
    CHECK(cells["B3"].text == "000123456789012345678901234567890");
    CHECK(cells["C3"].text == "@SUM(A1:A9)");
    CHECK(cells["A4"].text == "-2+3");
    CHECK(cells["B4"].text == "+8613812345678");
    CHECK(cells["C4"].text == "a < b & \"c\"");
    CHECK(cells["A5"].text == "只有一列");
    CHECK(cells.count("B5") == 0);
    // Readers decode _xHHHH_: a literal one is written with its underscore escaped, and a control
    // character (not allowed in XML) as its escape.
    CHECK(cells["A6"].text == "_x005F_x0041_");
    CHECK(cells["B6"].text == "bell_x0007_");
  }
}

TEST_CASE("xlsx_writer: failures name the file and leave nothing half-written", "[xlsx_writer]") {
  testkit::TempDir dir;

  SECTION("a directory that does not exist") {
    fs::path file = dir / "missing" / "report.xlsx";
    check_io_error([&] { ncss::XlsxTableWriter writer(file, "Sheet1", {"a"}); }, file.string());
  }
  SECTION("the target is a directory") {
    fs::create_directory(dir / "report.xlsx");
    check_io_error([&] { ncss::XlsxTableWriter writer(dir / "report.xlsx", "Sheet1", {"a"}); },
                   "directory");
  }
  SECTION("a sheet name Excel refuses") {
    check_io_error([&] { ncss::XlsxTableWriter writer(dir / "r.xlsx", "a/b", {"a"}); },
                   (dir / "r.xlsx").string());
    CHECK(fs::is_empty(dir.path()));
  }
  SECTION("a cell longer than Excel allows") {
    ncss::XlsxTableWriter writer(dir / "r.xlsx", "Sheet1", {"a", "b"});
    check_io_error([&] { writer.row({"x", std::string(40000, 'y')}); }, "cell B2");
  }
  SECTION("abandoned without close: an existing file is kept as it was") {
    testkit::write_file(dir / "r.xlsx", "old");
    {
      ncss::XlsxTableWriter writer(dir / "r.xlsx", "Sheet1", {"a"});
      writer.row({"new"});
    }
    CHECK(testkit::read_file(dir / "r.xlsx") == "old");
    CHECK(std::distance(fs::directory_iterator(dir.path()), fs::directory_iterator()) == 1);
  }
}

TEST_CASE("xlsx_writer: typed rows write numbers only where marked, percentages formatted",
          "[xlsx_writer]") {
  testkit::TempDir dir;
  fs::path file = dir / "rate.xlsx";
  ncss::XlsxTableWriter writer(file, "去向落实率", {"名称", "毕业生数", "落实率"});
  writer.typed_row({ncss::XlsxCell::of_text("=1+1"), ncss::XlsxCell::of_number(120),
                    ncss::XlsxCell::of_percent(0.9125)});
  writer.typed_row({ncss::XlsxCell::of_text("42"), ncss::XlsxCell::of_number(0)});
  writer.row({"合计", "120"});  // row() still writes text only
  CHECK(writer.rows_written() == 3);
  writer.close();
  auto cells = sheet_cells(file, 1);
  CHECK(is_string_cell(cells["A2"]));  // text that looks like a formula stays text
  CHECK(cells["A2"].text == "=1+1");
  CHECK(is_string_cell(cells["A3"]));  // and text that looks like a number
  for (const char* ref : {"B2", "C2", "B3"}) {
    INFO(ref);
    CHECK_FALSE(is_string_cell(cells[ref]));
    CHECK_FALSE(cells[ref].formula);
  }
  CHECK(cells["B2"].text == "120");
  CHECK(cells["C2"].text == "0.9125");
  CHECK(cells["B3"].text == "0");
  CHECK(is_string_cell(cells["B4"]));
  // The percentage's style is a custom number format 0.0%; the count's is the default.
  std::string styles = zip_part(file, "xl/styles.xml");
  std::smatch m;
  REQUIRE(std::regex_search(styles, m,
                            std::regex("<numFmt numFmtId=\"([0-9]+)\" "
                                       "formatCode=\"0\\.0%\"")));
  auto formats = cell_style_formats(file);
  int xf = std::stoi(attribute(cells["C2"].attrs, "s"));
  REQUIRE(xf < static_cast<int>(formats.size()));
  CHECK(formats[static_cast<std::size_t>(xf)] == m[1].str());
  CHECK(attribute(cells["B2"].attrs, "s").empty());
  CHECK_THROWS_AS(writer.typed_row({}), ncss::Error);  // after close
}

TEST_CASE("roster template: the headers, text columns, drop-downs and instructions",
          "[xlsx_writer]") {
  testkit::TempDir dir;
  fs::path file = dir / "template.xlsx";
  ncss::write_roster_template(file);
  const auto& fields = ncss::roster_fields();
  REQUIRE(fields.size() >= 12);
  std::map<std::string, std::string> letter;  // header -> column letter
  for (std::size_t i = 0; i < fields.size(); ++i) letter[fields[i].header] = column_letter(i);

  std::string workbook = zip_part(file, "xl/workbook.xml");
  auto roster_at = workbook.find("name=\"毕业生名单\"");
  auto guide_at = workbook.find("name=\"填写说明\"");
  REQUIRE(roster_at != std::string::npos);
  REQUIRE(guide_at != std::string::npos);
  CHECK(roster_at < guide_at);

  std::string sheet = zip_part(file, "xl/worksheets/sheet1.xml");
  auto cells = sheet_cells(file, 1);

  SECTION("the header row holds roster_fields() in order, and no example row") {
    for (std::size_t i = 0; i < fields.size(); ++i) {
      std::string ref = column_letter(i) + "1";
      INFO(ref);
      CHECK(cells[ref].text == fields[i].header);
      CHECK(is_string_cell(cells[ref]));
    }
    CHECK(sheet.find("<row r=\"2\"") == std::string::npos);
    CHECK(sheet.find("state=\"frozen\"") != std::string::npos);
  }
  SECTION("身份证号, 手机号码, 学号 and 届别 are text columns (number format @)") {
    auto formats = cell_style_formats(file);
    auto styles = column_styles(sheet);
    auto number_format = [&](const std::string& header) {
      int column = static_cast<int>(letter.at(header)[0] - 'A') + 1;
      int style = styles.count(column) ? styles[column] : 0;
      return static_cast<std::size_t>(style) < formats.size() ? formats[style] : "";
    };
    for (const char* header : {"身份证号", "手机号码", "学号", "届别"}) {
      INFO(header);
      CHECK(number_format(header) == "49");  // 49 is the built-in "@"
    }
    for (const char* header : {"学生姓名", "毕业院校", "学历层次"}) {
      INFO(header);
      CHECK(number_format(header) != "49");
    }
  }
  SECTION("drop-down lists for 学历层次, 培养方式 and 性别") {
    auto list_for = [&](const std::string& header) {
      std::string col = letter.at(header);
      std::regex validation("<dataValidation ([^>]*[^/])>(.*?)</dataValidation>");
      for (auto it = std::sregex_iterator(sheet.begin(), sheet.end(), validation);
           it != std::sregex_iterator(); ++it) {
        std::string attrs = (*it)[1];
        if (attribute(attrs, "type") != "list") continue;
        if (attribute(attrs, "sqref").rfind(col + "2:" + col, 0) != 0) continue;
        std::smatch m;
        std::string body = (*it)[2];
        if (std::regex_search(body, m, std::regex("<formula1>(.*?)</formula1>"))) {
          return unescape(m[1]);
        }
      }
      return std::string();
    };
    CHECK(list_for("学历层次") == "\"博士,硕士,本科,专科\"");
    CHECK(list_for("培养方式") == "\"非定向,定向,委培\"");
    CHECK(list_for("性别") == "\"男,女\"");
    CHECK(list_for("学生姓名").empty());
  }
  SECTION("the instructions sheet has a line per column") {
    auto guide = sheet_cells(file, 2);
    CHECK(guide["A1"].text == "列名");
    CHECK(guide["B1"].text == "是否必填");
    for (std::size_t i = 0; i < fields.size(); ++i) {
      std::string row = std::to_string(i + 2);
      INFO(fields[i].header);
      CHECK(guide["A" + row].text == fields[i].header);
      CHECK_THAT(guide["B" + row].text,
                 Catch::Matchers::StartsWith(fields[i].required ? "必填" : "选填"));
      CHECK_FALSE(guide["C" + row].text.empty());  // what is accepted
    }
    auto rules_of = [&](const std::string& header) {
      for (std::size_t i = 0; i < fields.size(); ++i) {
        if (fields[i].header == header) return guide["D" + std::to_string(i + 2)].text;
      }
      return std::string();
    };
    CHECK_THAT(rules_of("身份证号"), Catch::Matchers::Contains("校验"));
    CHECK_THAT(rules_of("身份证号"), Catch::Matchers::Contains("文本"));
    CHECK_THAT(rules_of("届别"), Catch::Matchers::Contains("四位"));
    CHECK_THAT(rules_of("毕业院校"), Catch::Matchers::Contains("教育部"));
  }
  SECTION("an unwritable place is an Io error naming the file") {
    check_io_error([&] { ncss::write_roster_template(dir / "no" / "t.xlsx"); },
                   (dir / "no" / "t.xlsx").string());
  }
}
