// Hostile files at the command line, at scale (issue 9): every refusal of the import issue
// re-checked through the built ncssctl, with its wall time and peak memory (the child's maximum
// resident set, from wait4) asserted: at most 10 s and 512 MiB each, nothing written.
#include <SQLiteCpp/SQLiteCpp.h>
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "testkit.hpp"
#include "xlsxkit.hpp"

namespace {

namespace fs = std::filesystem;
using testkit::contains;
using testkit::TempDir;

constexpr double kMaxSeconds = 10;
constexpr long kMaxRssKiB = 512L * 1024;

struct Measured {
  int exit_code = -1;
  double seconds = 0;
  long max_rss_kib = 0;
  std::string err;
};

// Runs ncssctl with `args`, standard output discarded, standard error kept.
Measured measure(const std::vector<std::string>& args, const fs::path& err_file) {
  std::vector<std::string> all{NCSSCTL_BINARY};
  all.insert(all.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : all) argv.push_back(a.data());
  argv.push_back(nullptr);
  auto start = std::chrono::steady_clock::now();
  pid_t pid = ::fork();
  if (pid == 0) {
    int err = ::open(err_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    int null = ::open("/dev/null", O_WRONLY);
    ::dup2(err, STDERR_FILENO);
    ::dup2(null, STDOUT_FILENO);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  Measured m;
  int status = 0;
  struct rusage usage {};
  REQUIRE(::wait4(pid, &status, 0, &usage) == pid);
  m.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  m.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  m.max_rss_kib = usage.ru_maxrss;  // KiB on Linux
  m.err = testkit::read_file(err_file);
  return m;
}

struct Database {
  TempDir dir;
  std::string path = (dir / "ncss.db").string();
  Database() { REQUIRE(testkit::run_ncssctl({"--db", path, "init"}).exit_code == 0); }
  int count(const std::string& table) {
    SQLite::Database db(path, SQLite::OPEN_READONLY);
    return db.execAndGet("SELECT count(*) FROM " + table).getInt();
  }
};

// Imports `file`, which must be refused whole (exit 3) naming it, in bounded time and memory.
Measured refused_within_limits(const fs::path& file, const std::string& why) {
  Database db;
  int events = db.count("events");
  auto m = measure({"--db", db.path, "student", "import", file.string()}, db.dir / "err.txt");
  // Shown with -s, and kept for the README's reliability section.
  WARN(file.filename().string() << " (" << fs::file_size(file) << " bytes): exit " << m.exit_code
                                << ", " << m.seconds << " s, peak " << m.max_rss_kib / 1024
                                << " MiB");
  INFO(m.err);
  CHECK(m.exit_code == 3);
  CHECK(contains(m.err, file.filename().string()));
  CHECK(contains(m.err, why));
  CHECK(m.seconds <= kMaxSeconds);
  CHECK(m.max_rss_kib <= kMaxRssKiB);
  CHECK(db.count("graduates") == 0);
  CHECK(db.count("events") == events);
  return m;
}

std::string header_row() { return "学生姓名,身份证号,毕业院校,届别\n"; }

}  // namespace

TEST_CASE("hostile at scale: a 1 GiB zip bomb in the sheet", "[cli][hostile]") {
  TempDir dir;
  // 1 GiB of blanks inside <sheetData>, deflated at level 9 to about 1 MiB: a ratio near 1000.
  const std::string sheet = xlsxkit::worksheet("");
  xlsxkit::StreamedPart bomb{sheet.substr(0, sheet.find("</sheetData>")), std::string(4096, ' '),
                             "</sheetData></worksheet>", std::uint64_t{1} << 18};
  auto parts = xlsxkit::workbook_parts({{"Sheet1", ""}});
  std::erase_if(parts, [](const xlsxkit::Part& p) { return p.name == "xl/worksheets/sheet1.xml"; });
  xlsxkit::write_zip(dir / "bomb.xlsx", parts, &bomb, "xl/worksheets/sheet1.xml", 9);
  refused_within_limits(dir / "bomb.xlsx", "expands more than 200 times");
}

TEST_CASE("hostile at scale: a 1 GiB zip bomb in the shared strings", "[cli][hostile]") {
  TempDir dir;
  const std::string table = xlsxkit::sst("");
  xlsxkit::StreamedPart bomb{table.substr(0, table.find("</sst>")),
                             "<si><t>" + std::string(4080, 'a') + "</t></si>", "</sst>",
                             std::uint64_t{1} << 18};
  auto parts = xlsxkit::workbook_parts(
      {{"Sheet1", xlsxkit::worksheet("<row><c t=\"s\"><v>0</v></c></row>")}}, "<sst/>");
  std::erase_if(parts, [](const xlsxkit::Part& p) { return p.name == "xl/sharedStrings.xml"; });
  xlsxkit::write_zip(dir / "sst-bomb.xlsx", parts, &bomb, "xl/sharedStrings.xml", 9);
  refused_within_limits(dir / "sst-bomb.xlsx", "expands more than 200 times");
}

TEST_CASE("hostile at scale: entity expansion (billion laughs) and an external entity",
          "[cli][hostile]") {
  TempDir dir;
  std::string entities = "<!ENTITY l0 \"lol\">";
  for (int i = 1; i <= 30; ++i) {
    entities += "<!ENTITY l" + std::to_string(i) + " \"";
    for (int k = 0; k < 10; ++k) entities += "&l" + std::to_string(i - 1) + ";";
    entities += "\">";
  }
  std::string laughs =
      "<?xml version=\"1.0\"?><!DOCTYPE worksheet [" + entities +
      "]><worksheet><sheetData><row><c t=\"inlineStr\"><is><t>&l30;</t></is></c></row>"
      "</sheetData></worksheet>";
  xlsxkit::write_zip(dir / "laughs.xlsx", xlsxkit::workbook_parts({{"Sheet1", laughs}}));
  refused_within_limits(dir / "laughs.xlsx", "DOCTYPE");

  std::string xxe =
      "<?xml version=\"1.0\"?><!DOCTYPE sst [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
      "<sst><si><t>&x;</t></si></sst>";
  xlsxkit::write_zip(dir / "xxe.xlsx",
                     xlsxkit::workbook_parts({{"Sheet1", xlsxkit::worksheet("")}}, xxe));
  refused_within_limits(dir / "xxe.xlsx", "DOCTYPE");
}

TEST_CASE("hostile at scale: XML nested millions deep, or of millions of different names",
          "[cli][hostile]") {
  // Expat keeps a record of every open element and of every distinct name it has met: 5,000,000
  // nested elements in 0.2 MB of zip took 721 MB, 10,000,000 names 870 MB, before the limits.
  TempDir dir;
  const std::string sheet = xlsxkit::worksheet("<row r=\"1\"><c><v>1</v></c></row>");
  const std::string head = sheet.substr(0, sheet.find("</sheetData>"));
  xlsxkit::StreamedPart deep{head, "<a>", "</sheetData></worksheet>", 5000000};
  auto parts = xlsxkit::workbook_parts({{"Sheet1", ""}});
  std::erase_if(parts, [](const xlsxkit::Part& p) { return p.name == "xl/worksheets/sheet1.xml"; });
  xlsxkit::write_zip(dir / "deep.xlsx", parts, &deep, "xl/worksheets/sheet1.xml", 9);
  auto m = refused_within_limits(dir / "deep.xlsx", "nested more than 256 deep");
  CHECK(m.max_rss_kib <= 64 * 1024);

  std::string names = head;
  for (int i = 0; i < 3000000; ++i) names += "<a n" + std::to_string(i) + "=\"\"/>";
  names += "</sheetData></worksheet>";
  xlsxkit::write_zip(dir / "names.xlsx", xlsxkit::workbook_parts({{"Sheet1", names}}));
  m = refused_within_limits(dir / "names.xlsx", "would take more than 16 MiB to parse");
  CHECK(m.max_rss_kib <= 64 * 1024);
}

TEST_CASE("hostile at scale: 10 MB lines and fields in a CSV", "[cli][hostile]") {
  TempDir dir;
  {
    std::ofstream out(dir / "long-field.csv", std::ios::binary);
    out << header_row() << "\"" << std::string(10'000'000, 'x')
        << "\",110105200301150012,北京大学,2026\n";
  }
  refused_within_limits(dir / "long-field.csv",
                        "record 2 (line 2): field 1 is longer than the limit");
  {
    std::ofstream out(dir / "long-line.csv", std::ios::binary);
    // 10 MB, no line break at all; fields of 100 bytes, so the line's limit comes before the
    // limit of fields in a record.
    for (int i = 0; i < 100'000; ++i) out << std::string(99, 'x') << ",";
  }
  refused_within_limits(dir / "long-line.csv", "record 1 (line 1) is longer than the limit");
  {
    // Within the byte limits, a million fields: commas only. Every empty cell costs memory, so
    // a record may hold as many fields as a spreadsheet has columns (16,384).
    std::ofstream out(dir / "many-fields.csv", std::ios::binary);
    out << header_row();
    for (int i = 0; i < 50; ++i) out << std::string(1'040'000, ',') << "\n";
  }
  refused_within_limits(dir / "many-fields.csv", "record 2 (line 2) has more than 16384 fields");
  {
    // An open quote that never closes: the rest of the file would be one field.
    std::ofstream out(dir / "open-quote.csv", std::ios::binary);
    out << header_row() << "\"张三,";
    for (int i = 0; i < 1'000'000; ++i) out << "110105200301150012,北京大学,2026\n";
  }
  refused_within_limits(dir / "open-quote.csv", "record 2 (line 2): field 1 is longer");
  {
    // The same long field after 5,000 good rows: those rows have been read, checked and written
    // in many batches (on two threads) by the time it is met, and all of it is rolled back.
    std::ofstream out(dir / "late-field.csv", std::ios::binary);
    out << "学生姓名,身份证号,毕业院校,届别\n";
    for (int i = 0; i < 5000; ++i) {
      char first17[18];  // 5,000 different birth dates and sequence numbers
      std::snprintf(first17, sizeof first17, "1101052003%02d%02d%03d", 1 + i / 28 % 12, 1 + i % 28,
                    i / 336);
      out << "学生" << i << "," << testkit::resident_id(first17) << ",北京大学,2026\n";
    }
    out << "\"" << std::string(10'000'000, 'x') << "\",110105200301150012,北京大学,2026\n";
  }
  refused_within_limits(dir / "late-field.csv",
                        "record 5002 (line 5002): field 1 is longer than the limit");
}

namespace {

// A database with one verified employer, for the streaming tests below.
struct EmployerDatabase : Database {
  EmployerDatabase() {
    REQUIRE(testkit::run_ncssctl({"--db",          path,
                                  "employer",      "register",
                                  "--name",        "甲公司",
                                  "--short-name",  "甲",
                                  "--credit-code", "91110108749352307A",
                                  "--nature",      "39",
                                  "--industry",    "I",
                                  "--size",        "1",
                                  "--province",    "北京市",
                                  "--city",        "北京市",
                                  "--street",      "中关村"})
                .exit_code == 0);
    SQLite::Database raw(path, SQLite::OPEN_READWRITE);
    raw.exec("UPDATE employers SET verification = 'verified'");
  }
  // A list of `rows` graduates that no roster holds, each with a different valid ID number.
  std::string list(const std::string& name, int rows) {
    std::ofstream out(dir / name, std::ios::binary);
    out << "学生姓名,身份证号,毕业院校\n";
    for (int i = 0; i < rows; ++i) {
      char first17[18];  // birth dates over 1990-2009, then a sequence number
      std::snprintf(first17, sizeof first17, "110105%04d%02d%02d%03d", 1990 + i / 20000 % 20,
                    1 + i / 1000 % 12, 1 + i / 36 % 28, i % 1000);
      out << "学生," << testkit::resident_id(first17) << ",北京大学\n";
    }
    return (dir / name).string();
  }
  // Peak memory of the command on a list of 30,000 rows and of 300,000: every row's ID number
  // is remembered (for duplicate_in_file) and the row refused as graduate_not_found (exit 4).
  std::pair<long, long> peaks(const std::vector<std::string>& command) {
    long peak[2] = {0, 0};
    int i = 0;
    for (int rows : {30'000, 300'000}) {
      std::vector<std::string> args = {"--db", path, "--quiet"};
      args.insert(args.end(), command.begin(), command.end());
      args.push_back(list("list.csv", rows));
      auto m = measure(args, dir / "err.txt");
      CHECK(m.exit_code == 4);
      peak[i++] = m.max_rss_kib;
    }
    WARN(command[0] << " " << command[1] << ": 30,000 rows peak " << peak[0] / 1024
                    << " MiB, 300,000 rows " << peak[1] / 1024 << " MiB");
    return {peak[0], peak[1]};
  }
};

}  // namespace

TEST_CASE("streaming: rows of empty cells are counted against the read-ahead's bytes",
          "[cli][hostile][student]") {
  // 2,000 rows of 16,000 empty fields each (the most a record may have is 16,384): blank rows,
  // but each holds 16,000 cells. Read ahead a thousand at a time they took gigabytes; the
  // read-ahead counts each cell's own bytes, so the import stays small.
  Database db;
  {
    std::ofstream out(db.dir / "wide.csv", std::ios::binary);
    out << header_row();
    for (int i = 0; i < 2000; ++i) out << std::string(16'000, ',') << "\n";
  }
  auto m = measure({"--db", db.path, "student", "import", (db.dir / "wide.csv").string()},
                   db.dir / "err.txt");
  WARN("wide.csv: exit " << m.exit_code << ", peak " << m.max_rss_kib / 1024 << " MiB");
  CHECK(m.exit_code == 0);
  CHECK(contains(m.err, "2000 blank"));
  CHECK(m.max_rss_kib <= 64 * 1024);
}

// Ten times the rows must not take noticeably more memory: a map of the ID numbers seen grew by
// some 26 MiB from 30,000 rows to 300,000, the list of invitations to make as much again.
TEST_CASE("streaming: favourites import keeps what it has seen outside memory",
          "[cli][hostile][favorite]") {
  EmployerDatabase db;
  auto [small, large] = db.peaks({"favorite", "import", "--employer", "91110108749352307A"});
  CHECK(large - small <= 8 * 1024);
  CHECK(db.count("favorites") == 0);
}

TEST_CASE("streaming: invite issue --from-file reads the list as it issues",
          "[cli][hostile][invite]") {
  EmployerDatabase db;
  auto [small, large] =
      db.peaks({"invite", "issue", "--employer", "91110108749352307A", "--job-category", "13",
                "--contact", "张经理", "--position", "研发工程师", "--from-file"});
  CHECK(large - small <= 8 * 1024);
  CHECK(db.count("invitations") == 0);
}
