// fuzz_seeds SOURCE_DIR OUT_DIR: writes the seed corpus of every fuzz target into
// OUT_DIR/<target>/, made from the project's own fixtures, so that the seeds follow the tests:
// the sample files under samples/ and templates/, and the string literals of the unit tests that
// feed each parser (adjacent literals joined, as the compiler joins them).
#include <zip.h>

#include <cctype>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "xlsxkit.hpp"

namespace fs = std::filesystem;

namespace {

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path.string());
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

class Corpus {
 public:
  Corpus(fs::path dir) : dir_(std::move(dir)) { fs::create_directories(dir_); }

  // Named by content (FNV-1a), so a seed given twice is written once.
  void add(const std::string& bytes) {
    std::uint64_t h = 1469598103934665603ull;
    for (unsigned char c : bytes) h = (h ^ c) * 1099511628211ull;
    char name[32];
    std::snprintf(name, sizeof name, "seed-%016llx", static_cast<unsigned long long>(h));
    std::ofstream out(dir_ / name, std::ios::binary);
    out << bytes;
    if (!out) throw std::runtime_error("cannot write " + (dir_ / name).string());
    ++count_;
  }
  std::size_t count() const { return count_; }

 private:
  fs::path dir_;
  std::size_t count_ = 0;
};

// The string literals of a C++ source, adjacent ones joined: "a" "b" gives "ab". Handles the
// escapes the tests use (\n \t \r \" \\ \' \0, \xHH, octal) and raw strings R"d(...)d".
std::vector<std::string> string_literals(const std::string& src) {
  std::vector<std::string> out;
  std::string current;
  bool open = false;  // current holds literals not yet followed by something else
  auto close = [&] {
    if (open) out.push_back(current);
    current.clear();
    open = false;
  };
  auto hex = [](char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::size_t i = 0;
  while (i < src.size()) {
    char c = src[i];
    if (c == '/' && i + 1 < src.size() && src[i + 1] == '/') {
      i = src.find('\n', i);
      if (i == std::string::npos) break;
      continue;
    }
    if (c == '/' && i + 1 < src.size() && src[i + 1] == '*') {
      i = src.find("*/", i + 2);
      if (i == std::string::npos) break;
      i += 2;
      continue;
    }
    if (c == ' ' || c == '\n' || c == '\t' || c == '\r') {
      ++i;
      continue;
    }
    if (c == 'R' && i + 1 < src.size() && src[i + 1] == '"' &&
        (i == 0 || !(std::isalnum(static_cast<unsigned char>(src[i - 1])) || src[i - 1] == '_'))) {
      std::size_t paren = src.find('(', i + 2);
      if (paren == std::string::npos) break;
      std::string end = ")" + src.substr(i + 2, paren - i - 2) + "\"";
      std::size_t stop = src.find(end, paren + 1);
      if (stop == std::string::npos) break;
      current += src.substr(paren + 1, stop - paren - 1);
      open = true;
      i = stop + end.size();
      continue;
    }
    if (c == '\'') {  // a character literal: skipped, so '"' does not open a string
      close();
      ++i;
      while (i < src.size() && src[i] != '\'') i += src[i] == '\\' ? 2 : 1;
      ++i;
      continue;
    }
    if (c != '"') {
      close();
      ++i;
      continue;
    }
    open = true;
    for (++i; i < src.size() && src[i] != '"'; ++i) {
      if (src[i] != '\\' || i + 1 >= src.size()) {
        current += src[i];
        continue;
      }
      char e = src[++i];
      if (e == 'n') {
        current += '\n';
      } else if (e == 't') {
        current += '\t';
      } else if (e == 'r') {
        current += '\r';
      } else if (e == 'x') {
        int v = 0;
        while (i + 1 < src.size() && hex(src[i + 1]) >= 0) v = v * 16 + hex(src[++i]);
        current += static_cast<char>(v);
      } else if (e >= '0' && e <= '7') {
        int v = e - '0';
        for (int k = 0; k < 2 && i + 1 < src.size() && src[i + 1] >= '0' && src[i + 1] <= '7';
             ++k) {
          v = v * 8 + (src[++i] - '0');
        }
        current += static_cast<char>(v);
      } else {
        current += e;  // \" \\ \' \?
      }
    }
    ++i;
  }
  close();
  return out;
}

std::vector<std::string> literals_of(const fs::path& top, const std::vector<std::string>& files) {
  std::vector<std::string> out;
  for (const auto& f : files) {
    auto found = string_literals(read_file(top / f));
    out.insert(out.end(), found.begin(), found.end());
  }
  return out;
}

std::vector<fs::path> samples_with(const fs::path& dir, const std::string& extension) {
  std::vector<fs::path> out;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.path().extension() == extension) out.push_back(entry.path());
  }
  return out;
}

// The zip entries of a workbook, in order.
std::vector<xlsxkit::Part> zip_parts(const fs::path& file) {
  int error = 0;
  zip_t* zip = zip_open(file.c_str(), ZIP_RDONLY, &error);
  if (!zip) throw std::runtime_error("cannot open " + file.string());
  std::vector<xlsxkit::Part> parts;
  for (zip_int64_t i = 0; i < zip_get_num_entries(zip, 0); ++i) {
    std::string name = zip_get_name(zip, static_cast<zip_uint64_t>(i), 0);
    parts.push_back({name, xlsxkit::read_zip_entry(file, name)});
  }
  zip_discard(zip);
  return parts;
}

// fuzz_xlsx_parts' input format: "==> NAME <==\n" and the part's bytes, for each part.
std::string parts_text(const std::vector<xlsxkit::Part>& parts, const std::string& sheet = "") {
  std::string out;
  for (const auto& part : parts) out += "==> " + part.name + " <==\n" + part.bytes + "\n";
  if (!sheet.empty()) out += "==> #sheet <==\n" + sheet;
  return out;
}

bool contains(const std::string& s, const char* what) { return s.find(what) != std::string::npos; }

void make_csv(const fs::path& top, Corpus& corpus) {
  std::vector<std::string> files;
  for (const auto& path : samples_with(top / "samples", ".csv")) files.push_back(read_file(path));
  for (const auto& s :
       literals_of(top, {"tests/core/test_sheet_csv.cpp", "tests/core/test_roster.cpp",
                         "tests/core/test_favorite.cpp"})) {
    if (s.size() >= 4 && (contains(s, ",") || contains(s, "\n"))) files.push_back(s);
  }
  for (const auto& f : files) corpus.add(f);
  // fuzz_csv's block-boundary form: two NUL bytes, a 16-bit offset, the file; the samples split
  // 1, 2, 3 and 5 bytes into them (inside a GB18030 character of the GBK sample's header).
  for (const auto& path : samples_with(top / "samples", ".csv")) {
    for (char offset : {1, 2, 3, 5}) {
      corpus.add(std::string("\0\0\0", 3) + offset + read_file(path));
    }
  }
}

void make_xlsx(const fs::path& top, const fs::path& out, Corpus& raw, Corpus& parts) {
  for (const auto& path : samples_with(top / "samples", ".xlsx")) {
    raw.add(read_file(path));
    parts.add(parts_text(zip_parts(path)));
  }
  // The sheet data and shared strings of test_sheet_xlsx.cpp, in the tests' minimal workbook
  // (xlsxkit, as the tests build it), both as parts and as a deflated zip.
  std::string any_strings = xlsxkit::sst("<si><t>学生姓名</t></si><si><t>身份证号</t></si>");
  std::string uses_strings =
      "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"B1\" t=\"s\"><v>1</v></c></row>";
  int n = 0;
  for (const auto& s : literals_of(top, {"tests/core/test_sheet_xlsx.cpp"})) {
    std::vector<xlsxkit::Part> workbook;
    if (contains(s, "<row") || contains(s, "<c ")) {
      workbook = xlsxkit::workbook_parts(
          {{"Sheet1", contains(s, "<worksheet") ? s : xlsxkit::worksheet(s)}}, any_strings);
    } else if (contains(s, "<si")) {
      workbook = xlsxkit::workbook_parts({{"Sheet1", xlsxkit::worksheet(uses_strings)}},
                                         contains(s, "<sst") ? s : xlsxkit::sst(s));
    } else {
      continue;
    }
    parts.add(parts_text(workbook));
    fs::path zip = out / ("xlsx-" + std::to_string(n++) + ".tmp");
    xlsxkit::write_zip(zip, workbook);
    raw.add(read_file(zip));
    fs::remove(zip);
  }
  // Two sheets, the second asked for by name.
  parts.add(parts_text(
      xlsxkit::workbook_parts({{"学生名单", xlsxkit::worksheet(uses_strings)},
                               {"说明", xlsxkit::worksheet("<row><c t=\"inlineStr\"><is><t>请勿修改"
                                                           "</t></is></c></row>")}},
                              any_strings),
      "说明"));
}

void make_identity(const fs::path& top, Corpus& corpus) {
  for (const auto& s :
       literals_of(top, {"tests/core/test_identity.cpp", "tests/core/test_employer.cpp"})) {
    if (!s.empty() && s.size() <= 64) corpus.add(s);
  }
  // Every 18-character field of the sample rosters: their ID numbers.
  for (const auto& path : samples_with(top / "samples", ".csv")) {
    std::istringstream lines(read_file(path));
    for (std::string line; std::getline(lines, line);) {
      std::istringstream fields(line);
      for (std::string f; std::getline(fields, f, ',');) {
        if (f.size() == 18) corpus.add(f);
      }
    }
  }
}

void make_agreement_template(const fs::path& top, Corpus& corpus) {
  corpus.add(read_file(top / "templates/agreement.json"));
  for (const auto& s : literals_of(top, {"tests/core/test_agreement.cpp"})) {
    if (contains(s, "{")) corpus.add(s);
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: fuzz_seeds SOURCE_DIR OUT_DIR\n";
    return 2;
  }
  try {
    fs::path top = argv[1], out = argv[2];
    Corpus csv(out / "csv"), xlsx(out / "xlsx"), xlsx_parts(out / "xlsx_parts"),
        identity(out / "identity"), agreement_template(out / "agreement_template");
    make_csv(top, csv);
    make_xlsx(top, out, xlsx, xlsx_parts);
    make_identity(top, identity);
    make_agreement_template(top, agreement_template);
    std::cout << "seeds: csv " << csv.count() << ", xlsx " << xlsx.count() << ", xlsx_parts "
              << xlsx_parts.count() << ", identity " << identity.count() << ", agreement_template "
              << agreement_template.count() << "\n";
  } catch (const std::exception& e) {
    std::cerr << "fuzz_seeds: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
