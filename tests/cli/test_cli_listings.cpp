// Issue 8: every listing and report in every machine format, parsed: the CSV has one header and
// rows of as many fields, the JSON is an array of objects with those keys, the JSON lines are
// one such object each. Run against the demo's database (samples/demo.sh), which has data of
// every kind.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "testkit.hpp"

namespace {

// RFC 4180 records of a CSV text (quoted fields may hold commas, quotes and line breaks).
std::vector<std::vector<std::string>> parse_csv(const std::string& text) {
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> row;
  std::string field;
  bool quoted = false, any = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c == '"') {
      quoted = true;
      any = true;
    } else if (c == ',') {
      row.push_back(field);
      field.clear();
      any = true;
    } else if (c == '\n' || c == '\r') {
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      row.push_back(field);
      rows.push_back(row);
      row.clear();
      field.clear();
      any = false;
    } else {
      field += c;
      any = true;
    }
  }
  REQUIRE(!quoted);
  if (any) {
    row.push_back(field);
    rows.push_back(row);
  }
  return rows;
}

// The demo's database (samples/demo.sh), which has data of every kind, made in `dir`.
std::string demo_db(const testkit::TempDir& dir) {
  auto demo = testkit::run_shell("NCSS_DEMO_DIR='" + (dir / "demo").string() + "' bash '" +
                                 (testkit::source_dir() / "samples/demo.sh").string() + "' '" +
                                 NCSSCTL_BINARY + "' >/dev/null 2>&1");
  REQUIRE(demo.status == 0);
  return (dir / "demo/ncss.db").string();
}

}  // namespace

TEST_CASE("cli: every listing in csv, json and jsonl parses, with the same keys",
          "[cli][listings]") {
  testkit::TempDir dir;
  const std::string db = demo_db(dir);
  const std::string employer = "91110108749352307A";
  const std::vector<std::vector<std::string>> listings = {
      {"codes"},
      {"codes", "destination"},
      {"school", "list", "--province", "北京市"},
      {"student", "list"},
      {"employer", "list"},
      {"employer", "user", "list", employer},
      {"favorite", "list", "--employer", employer},
      {"template", "list", "--employer", employer},
      {"invite", "list"},
      {"review", "list"},
      {"review", "queue"},
      {"history", "1"},
      {"history", "--graduate", "110108200311050362"},
      {"history", "--employer", employer},
      {"register", "history", "2"},
      {"template", "history", "job", "研发岗", "--employer", employer},
      {"outbox", "list", "--status", "all"},
      {"stats", "--cohort", "2026"},
      {"stats", "rate", "--cohort", "2026"},
      {"terminate", "list"},
      {"register", "list"},
      {"db", "check"},
      // Single records, shown as field/value rows.
      {"invite", "show", "1"},
      {"register", "show", "1"},
      {"terminate", "show", "1"},
      {"employer", "show", employer},
      {"employer", "verify", "show", employer},
      {"school", "show", "10001"},
      {"student", "show", "110108200311050362"},
      {"template", "show", "job", "研发岗", "--employer", employer},
      {"agreement", "show", "2"},
      {"agreement", "verify", (dir / "demo/agreements/20261000131000002_李浩然.pdf").string()},
  };
  for (const auto& listing : listings) {
    std::string what;
    for (const auto& w : listing) what += " " + w;
    INFO(what);
    auto run = [&](const std::string& format) {
      std::vector<std::string> args{"--db", db, "--format", format};
      args.insert(args.end(), listing.begin(), listing.end());
      auto r = testkit::run_ncssctl(args);
      INFO(format << ": " << r.err);
      REQUIRE(r.exit_code == 0);
      return r.out;
    };
    auto csv = parse_csv(run("csv"));
    REQUIRE(!csv.empty());
    const auto& header = csv.front();
    for (const auto& key : header) {
      CHECK(!key.empty());
      CHECK(key.find(' ') == std::string::npos);  // machine names, not labels
    }
    for (std::size_t i = 1; i < csv.size(); ++i) CHECK(csv[i].size() == header.size());

    auto json = nlohmann::json::parse(run("json"));
    REQUIRE(json.is_array());
    CHECK(json.size() == csv.size() - 1);
    for (const auto& object : json) {
      REQUIRE(object.is_object());
      CHECK(object.size() == header.size());
      for (const auto& key : header) CHECK(object.contains(key));
    }

    std::istringstream lines(run("jsonl"));
    std::string line;
    std::size_t n = 0;
    while (std::getline(lines, line)) {
      auto object = nlohmann::json::parse(line);
      CHECK(object.is_object());
      ++n;
    }
    CHECK(n == json.size());

    // Tables show times in China Standard Time, never the stored UTC; CSV and JSON give the
    // stored UTC, never China Standard Time (history and outbox carry JSON details whose own
    // times stay as recorded).
    if (listing[0] != "history" && listing[0] != "outbox") {
      static const std::regex utc(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)");
      static const std::regex cst(R"(\d\d:\d\d:\d\d \+08:00)");
      CHECK_FALSE(std::regex_search(run("table"), utc));
      CHECK_FALSE(std::regex_search(run("csv"), cst));
      CHECK_FALSE(std::regex_search(run("json"), cst));
    }
  }
  // sweep's report is one object in JSON (expired and invitation_ids) and
  // the invitations in CSV.
  auto sweep = testkit::run_ncssctl({"--db", db, "--format", "json", "sweep", "--dry-run"});
  REQUIRE(sweep.exit_code == 0);
  auto report = nlohmann::json::parse(sweep.out);
  CHECK(report.contains("expired"));
  CHECK(report["invitation_ids"].is_array());
  auto csv =
      parse_csv(testkit::run_ncssctl({"--db", db, "--format", "csv", "sweep", "--dry-run"}).out);
  REQUIRE(!csv.empty());
  CHECK(csv.size() - 1 == report["invitation_ids"].size());
}

TEST_CASE("cli: a filter naming no employer or graduate is exit 2, not an empty list",
          "[cli][listings]") {
  testkit::TempDir dir;
  const std::string db = (dir / "ncss.db").string();
  REQUIRE(testkit::run_ncssctl({"--db", db, "init"}).exit_code == 0);
  const std::string employer = "91110108749352307A", graduate = "110105200301150012";
  const std::vector<std::vector<std::string>> commands = {
      {"invite", "list", "--employer", employer},
      {"review", "list", "--employer", employer},
      {"terminate", "list", "--employer", employer},
      {"favorite", "list", "--employer", employer},
      {"agreement", "pdf", "--all", "--employer", employer, "-o", (dir / "pdf").string()},
      {"terminate", "list", "--graduate", graduate},
      {"register", "list", "--graduate", graduate},
  };
  for (const auto& command : commands) {
    std::vector<std::string> args{"--db", db};
    args.insert(args.end(), command.begin(), command.end());
    auto r = testkit::run_ncssctl(args);
    INFO(command[0] << " " << command[1] << " " << command[2] << ": " << r.err);
    CHECK(r.exit_code == 2);
    CHECK((testkit::contains(r.err, employer) ||
           testkit::contains(r.err, "no roster holds the ID number 110105********0012")));
    CHECK(r.out.empty());
  }
  // Without a filter the same listings are empty and fine.
  CHECK(testkit::run_ncssctl({"--db", db, "invite", "list"}).exit_code == 0);
  CHECK(testkit::run_ncssctl({"--db", db, "register", "list"}).exit_code == 0);
}

TEST_CASE("cli: write commands print their result for scripts, in every machine format",
          "[cli][listings]") {
  testkit::TempDir dir;
  const std::string db = demo_db(dir);
  const std::string a = "91110108749352307A", b = "91370214MA3D2M2T5C";
  // Each changes the demo's database once; the formats take turns.
  const std::vector<std::pair<std::string, std::vector<std::string>>> writes = {
      {"json", {"employer", "edit", a, "--website", "https://example.org"}},
      {"csv", {"employer", "correct", b, "--name", "青岛示例智能科技有限公司", "--reason", "更名"}},
      {"jsonl", {"employer", "user", "edit", "1", "--position", "招聘主管"}},
      {"json", {"employer", "user", "disable", "1"}},
      {"json", {"favorite", "remove", "--employer", b, "110108200311050362"}},
      {"csv", {"template", "remove", "job", "研发岗", "--employer", a}},
      {"json",
       {"school", "add", "--code", "99777", "--name", "测试用职业技术学院", "--level", "专科"}},
      {"json", {"init"}},
  };
  for (const auto& [format, command] : writes) {
    std::string what = format;
    for (const auto& w : command) what += " " + w;
    INFO(what);
    std::vector<std::string> args{"--db", db, "--format", format};
    args.insert(args.end(), command.begin(), command.end());
    auto r = testkit::run_ncssctl(args);
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    if (format == "csv") {
      auto rows = parse_csv(r.out);
      REQUIRE(rows.size() == 2);
      CHECK(rows[0].size() == rows[1].size());
    } else if (format == "jsonl") {
      CHECK(nlohmann::json::parse(r.out).is_object());
    } else {
      auto j = nlohmann::json::parse(r.out);
      REQUIRE(j.is_array());
      CHECK(j.size() == 1);
    }
  }
}
