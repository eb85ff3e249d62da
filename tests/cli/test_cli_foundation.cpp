// End-to-end: the built ncssctl on temporary databases, for the foundation's commands and every
// bad input the foundation must refuse.
#include <SQLiteCpp/SQLiteCpp.h>
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>

#include "testkit.hpp"

using testkit::read_file;
using testkit::run_ncssctl;
using testkit::TempDir;

namespace {

using testkit::contains;

std::string init_db(const TempDir& dir) {
  std::string db = (dir / "ncss.db").string();
  auto r = run_ncssctl({"--db", db, "init"});
  REQUIRE(r.exit_code == 0);
  return db;
}

// Every match of `pattern` in `text`, as its capture groups.
std::vector<std::vector<std::string>> matches(const std::string& text, const std::string& pattern) {
  std::regex re(pattern);
  std::vector<std::vector<std::string>> out;
  for (std::sregex_iterator it(text.begin(), text.end(), re), end; it != end; ++it) {
    std::vector<std::string> groups;
    for (std::size_t i = 1; i < it->size(); ++i) groups.push_back((*it)[i]);
    out.push_back(groups);
  }
  return out;
}

}  // namespace

TEST_CASE("cli: init creates the database and says so, a second init keeps it", "[cli]") {
  TempDir dir;
  std::string db = (dir / "ncss.db").string();
  auto r = run_ncssctl({"--db", db, "init"});
  CHECK(r.exit_code == 0);
  CHECK(contains(r.err, "created"));
  struct stat st;
  REQUIRE(::stat(db.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);

  REQUIRE(run_ncssctl({"--db", db, "--actor", "admin", "school", "add", "--code", "99001", "--name",
                       "示例职业学院", "--level", "专科"})
              .exit_code == 0);
  r = run_ncssctl({"--db", db, "init"});
  CHECK(r.exit_code == 0);
  CHECK(contains(r.err, "nothing changed"));
  r = run_ncssctl({"--db", db, "school", "show", "99001", "--format", "csv"});
  CHECK(r.exit_code == 0);
  CHECK(contains(r.out, "示例职业学院"));
}

TEST_CASE("cli: a missing database is refused, pointing at init, creating nothing", "[cli]") {
  TempDir dir;
  auto db = dir / "missing.db";
  for (auto args : std::vector<std::vector<std::string>>{
           {"codes"}, {"school", "list"}, {"db", "check"}, {"db", "migrate"}}) {
    args.insert(args.begin(), {"--db", db.string()});
    auto r = run_ncssctl(args);
    CHECK(r.exit_code == 7);
    CHECK(contains(r.err, "does not exist"));
    CHECK(contains(r.err, "ncssctl init"));
    CHECK(r.out.empty());
    CHECK_FALSE(std::filesystem::exists(db));
  }
  // The environment names the database as --db does.
  auto r = run_ncssctl({"codes"}, {{"NCSSCTL_DB", db.string()}});
  CHECK(r.exit_code == 7);
  CHECK(contains(r.err, db.string()));
}

TEST_CASE("cli: a file that is not SQLite is refused and keeps its bytes", "[cli]") {
  TempDir dir;
  auto path = dir / "roster.db";
  std::string bytes = "学生姓名,身份证号\n张三,11010519491231002X\n";
  testkit::write_file(path, bytes);
  for (auto cmd : std::vector<std::vector<std::string>>{{"codes"}, {"init"}, {"db", "migrate"}}) {
    cmd.insert(cmd.begin(), {"--db", path.string()});
    auto r = run_ncssctl(cmd);
    CHECK(r.exit_code == 7);
    CHECK(contains(r.err, "not an SQLite database"));
  }
  CHECK(read_file(path) == bytes);
  CHECK_FALSE(std::filesystem::exists(dir / "roster.db-wal"));
}

TEST_CASE("cli: a newer schema is refused naming both versions, never downgraded", "[cli]") {
  TempDir dir;
  std::string db = init_db(dir);
  {
    SQLite::Database raw(db, SQLite::OPEN_READWRITE);
    raw.exec("PRAGMA user_version = 42");
  }
  for (auto cmd : std::vector<std::vector<std::string>>{{"codes"}, {"db", "migrate"}, {"init"}}) {
    cmd.insert(cmd.begin(), {"--db", db});
    auto r = run_ncssctl(cmd);
    CHECK(r.exit_code == 7);
    CHECK(contains(r.err, "42"));
    CHECK(std::regex_search(r.err, std::regex("this ncssctl's [0-9]+")));
  }
  SQLite::Database raw(db, SQLite::OPEN_READONLY);
  CHECK(raw.execAndGet("PRAGMA user_version").getInt() == 42);
}

TEST_CASE("cli: codes destination --format json prints the 14 destination codes", "[cli]") {
  TempDir dir;
  std::string db = init_db(dir);
  auto r = run_ncssctl({"--db", db, "codes", "destination", "--format", "json"});
  REQUIRE(r.exit_code == 0);
  auto j = nlohmann::json::parse(r.out);
  REQUIRE(j.size() == 14);
  CHECK(j[0]["code"] == "10");
  CHECK(j[0]["name"] == "签就业协议形式就业");
  CHECK(j[13]["code"] == "72");
  // Global options may come before the subcommand too; CSV is the default off a terminal.
  r = run_ncssctl({"--format", "csv", "--db", db, "codes", "degree_level"});
  CHECK(r.out ==
        "code,name,note\n01,博士生,博士\n11,硕士生,硕士\n31,本科生,本科\n41,专科生,专科\n");
  r = run_ncssctl({"--db", db, "codes", "training_mode"});
  CHECK(contains(r.out, "code,name,note\n"));
}

TEST_CASE("cli: school show 10001 prints 北京大学", "[cli]") {
  TempDir dir;
  std::string db = init_db(dir);
  auto r = run_ncssctl({"--db", db, "school", "show", "10001"});
  REQUIRE(r.exit_code == 0);
  CHECK(contains(r.out, "北京大学"));
  r = run_ncssctl({"--db", db, "school", "show", "深圳职业技术学院", "--format", "json"});
  REQUIRE(r.exit_code == 0);
  CHECK(nlohmann::json::parse(r.out)[0]["name"] == "深圳职业技术大学");
  r = run_ncssctl({"--db", db, "school", "list", "--province", "西藏自治区", "--format", "jsonl"});
  REQUIRE(r.exit_code == 0);
  std::size_t lines = std::count(r.out.begin(), r.out.end(), '\n');
  CHECK(lines >= 7);
  CHECK(contains(r.out, "西藏大学"));
  // A filter that names nothing is exit 2, not an empty list.
  r = run_ncssctl({"--db", db, "school", "list", "--province", "西藏"});
  CHECK(r.exit_code == 2);
  CHECK(contains(r.err, "西藏"));
  CHECK(run_ncssctl({"--db", db, "school", "list", "--level", "bogus"}).exit_code == 2);
  CHECK(run_ncssctl({"--db", db, "school", "list", "--level", "专科"}).exit_code == 0);
}

TEST_CASE("cli: unknown code table, school and option give the usage status", "[cli]") {
  TempDir dir;
  std::string db = init_db(dir);
  auto r = run_ncssctl({"--db", db, "codes", "nationality"});
  CHECK(r.exit_code == 2);
  CHECK(contains(r.err, "unknown code table 'nationality'"));
  CHECK(r.out.empty());
  r = run_ncssctl({"--db", db, "school", "show", "某某大学"});
  CHECK(r.exit_code == 2);
  CHECK(contains(r.err, "unknown school '某某大学'"));
  r = run_ncssctl({"--db", db, "codes", "--colour"});
  CHECK(r.exit_code == 2);
  CHECK(contains(r.err, "--colour"));
  r = run_ncssctl({"--db", db, "frobnicate"});
  CHECK(r.exit_code == 2);
  CHECK(contains(r.err, "'frobnicate' is not a command of ncssctl; its commands: init, db,"));
  r = run_ncssctl({"--db", db, "export", "students"});
  CHECK(r.exit_code == 2);
  CHECK(contains(r.err,
                 "'students' is not a command of ncssctl export; its commands: graduates, "
                 "signings, registrations, terminations"));
  r = run_ncssctl({"--db", db, "codes", "--format", "xml"});
  CHECK(r.exit_code == 2);
  // A number option given a word, a fraction or a number too large for it: said in words.
  r = run_ncssctl({"--db", db, "invite", "issue", "--valid-days", "abc"});
  CHECK(r.exit_code == 2);
  CHECK(contains(r.err, "ncssctl: --valid-days: 'abc' is not a whole number\n"));
  r = run_ncssctl({"--db", db, "invite", "issue", "--valid-days", "1.5"});
  CHECK(contains(r.err, "--valid-days: '1.5' is not a whole number"));
  r = run_ncssctl({"--db", db, "invite", "issue", "--valid-days", "99999999999999"});
  CHECK(r.exit_code == 2);
  CHECK(contains(r.err, "--valid-days: 99999999999999 is out of range for a whole number"));
  r = run_ncssctl({"--db", db, "--now", "next tuesday", "school", "add", "--code", "99002",
                   "--name", "x", "--level", "专科"});
  CHECK(r.exit_code == 2);
  CHECK(contains(r.err, "--now"));
  r = run_ncssctl(
      {"--db", db, "school", "add", "--code", "10001", "--name", "重复", "--level", "本科"});
  CHECK(r.exit_code == 6);
  r = run_ncssctl(
      {"--db", db, "school", "add", "--code", "1x001", "--name", "坏", "--level", "本科"});
  CHECK(r.exit_code == 3);
  CHECK(contains(r.err, "5 digits"));
}

TEST_CASE("cli: events carry --actor and --now from options or environment", "[cli]") {
  TempDir dir;
  std::string db = init_db(dir);
  auto r = run_ncssctl(
      {"--db", db, "school", "add", "--code", "99003", "--name", "环境学院", "--level", "其他"},
      {{"NCSSCTL_ACTOR", "office-7"}, {"NCSSCTL_NOW", "2026-07-01T08:30:00"}});
  REQUIRE(r.exit_code == 0);
  SQLite::Database raw(db, SQLite::OPEN_READONLY);
  SQLite::Statement q(raw, "SELECT actor, at FROM events WHERE subject_id = '99003'");
  REQUIRE(q.executeStep());
  CHECK(q.getColumn(0).getString() == "office-7");
  CHECK(q.getColumn(1).getString() == "2026-07-01T00:30:00Z");
}

TEST_CASE("cli: arguments and NCSSCTL_* that are not UTF-8 are refused before anything runs",
          "[cli]") {
  TempDir dir;
  std::string db = init_db(dir);
  auto events = [&] {
    SQLite::Database raw(db, SQLite::OPEN_READONLY);
    return raw.execAndGet("SELECT count(*) FROM events").getInt();
  };
  const int before = events();
  // A value after its option, and one joined with '=': the message names the option and counts
  // the byte in the value as typed.
  auto r = run_ncssctl(
      {"--db", db, "school", "add", "--code", "99004", "--name", "学院\xff", "--level", "其他"});
  CHECK(r.exit_code == 3);
  CHECK(contains(r.err, "the value of --name (argument 8) is not UTF-8 text (byte 7 is 0xFF)"));
  r = run_ncssctl({"--db", db, "--actor=a\xC0\xAF", "school", "add", "--code", "99004", "--name",
                   "学院", "--level", "其他"});
  CHECK(r.exit_code == 3);
  CHECK(contains(r.err, "the value of --actor (argument 3) is not UTF-8 text (byte 2 is 0xC0)"));
  // A truncated character at the end, and an encoded surrogate.
  CHECK(run_ncssctl({"--db", db, "school", "show", "北\xE4\xBA"}).exit_code == 3);
  CHECK(run_ncssctl({"--db", db, "school", "show", "\xED\xA0\x80"}).exit_code == 3);
  r = run_ncssctl(
      {"--db", db, "school", "add", "--code", "99004", "--name", "学院", "--level", "其他"},
      {{"NCSSCTL_ACTOR", "\xB0\xEC\xB9\xAB"}});  // 办公 in GBK
  CHECK(r.exit_code == 3);
  CHECK(contains(r.err, "the environment variable NCSSCTL_ACTOR is not UTF-8 text"));
  CHECK(events() == before);
  // The same command in UTF-8 runs.
  CHECK(run_ncssctl({"--db", db, "--actor", "办公", "school", "add", "--code", "99004", "--name",
                     "学院", "--level", "其他"})
            .exit_code == 0);
  CHECK(events() == before + 1);
}

TEST_CASE("cli: db check passes a healthy database and fails a broken one", "[cli]") {
  TempDir dir;
  std::string db = init_db(dir);
  auto r = run_ncssctl({"--db", db, "db", "check"});
  CHECK(r.exit_code == 0);
  CHECK(contains(r.out, "status,ok"));
  {
    SQLite::Database raw(db, SQLite::OPEN_READWRITE);
    raw.exec("PRAGMA foreign_keys = OFF");
    raw.exec("INSERT INTO school_aliases VALUES ('幽灵学院', '00000')");
  }
  r = run_ncssctl({"--db", db, "db", "check"});
  CHECK(r.exit_code == 9);
  CHECK(contains(r.out, "school_aliases"));
}

TEST_CASE("cli: init where the directory does not exist is an I/O error", "[cli]") {
  TempDir dir;
  auto r = run_ncssctl({"--db", (dir / "no/such/dir/ncss.db").string(), "init"});
  CHECK(r.exit_code == 8);
  CHECK(contains(r.err, "cannot create database"));
}

TEST_CASE("cli: --version and --help", "[cli]") {
  auto r = run_ncssctl({"--version"});
  CHECK(r.exit_code == 0);
  CHECK(std::regex_search(r.out, std::regex("^ncssctl [0-9]+\\.[0-9]+\\.[0-9]+")));
  r = run_ncssctl({"--help"});
  CHECK(r.exit_code == 0);
  CHECK(contains(r.out, "EXIT STATUS"));
  CHECK(contains(r.out, "NCSSCTL_DB"));
}

// The man page and --help are checked against each other: every option, subcommand, exit status
// and environment variable of one appears in the other.
TEST_CASE("cli: man/ncssctl.1 matches --help", "[cli][man]") {
  std::string man = read_file(testkit::source_dir() / "man/ncssctl.1");
  man = std::regex_replace(man, std::regex(R"(\\-)"), "-");
  man = std::regex_replace(man, std::regex(R"(\\f[BIRP])"), "");
  auto help = run_ncssctl({"--help"}).out;

  std::set<std::string> help_options;
  for (const auto& g : matches(help, R"(\n  (-[-\w,]+))")) {
    const std::string& spec = g[0];
    std::stringstream ss(spec);
    std::string name;
    while (std::getline(ss, name, ',')) help_options.insert(name);
  }
  REQUIRE(help_options.count("--db"));
  for (const auto& o : help_options) {
    INFO(o);
    CHECK(contains(man, o));
  }
  // Walk the whole command tree from --help: every command path and each of its options is in
  // the man page.
  std::vector<std::vector<std::string>> pending = {{}};
  std::size_t commands = 0;
  while (!pending.empty()) {
    auto path = pending.back();
    pending.pop_back();
    auto args = path;
    args.push_back("--help");
    auto text = run_ncssctl(args).out;
    std::string joined;
    for (const auto& p : path) joined += (joined.empty() ? "" : " ") + p;
    if (!path.empty()) {
      INFO(joined);
      CHECK(contains(man, joined));
      ++commands;
    }
    auto sub_at = text.find("\nSubcommands:\n");
    std::string options_part = text.substr(0, sub_at);
    if (!path.empty()) {
      for (const auto& g : matches(options_part, R"(\n  (--?[-\w]+(?:,--[-\w]+)?))")) {
        std::stringstream names(g[0]);
        std::string name;
        while (std::getline(names, name, ',')) {
          if (name == "-h" || name == "--help") continue;
          INFO(joined + " " + name);
          CHECK(contains(man, name));
        }
      }
    }
    if (sub_at == std::string::npos) continue;
    std::string subs = text.substr(sub_at);
    subs = subs.substr(0, subs.find("\n\n", 1));
    for (const auto& g : matches(subs, R"(\n  ([a-z][-a-z]*) )")) {
      auto child = path;
      child.push_back(g[0]);
      pending.push_back(child);
    }
  }
  CHECK(commands >= 30);
  // EXIT STATUS: the same numbers with the same names.
  std::map<int, std::string> help_status, man_status;
  std::string help_exit = help.substr(help.find("EXIT STATUS:"));
  for (const auto& g : matches(help_exit, R"(\n  ([0-9]+) +([a-z_]+) )")) {
    help_status[std::stoi(g[0])] = g[1];
  }
  std::string man_exit = man.substr(man.find(".SH EXIT STATUS"));
  man_exit = man_exit.substr(0, man_exit.find(".SH ENVIRONMENT"));
  for (const auto& g : matches(man_exit, R"(\.B ([0-9]+)\n([a-z_]+):)")) {
    man_status[std::stoi(g[0])] = g[1];
  }
  CHECK(help_status.size() >= 10);
  CHECK(help_status == man_status);
  // ENVIRONMENT: the same variables.
  std::set<std::string> help_env, man_env;
  for (const auto& g : matches(help, R"(\n  (NCSSCTL_\w+))")) help_env.insert(g[0]);
  for (const auto& g : matches(man, R"(\n\.B (NCSSCTL_\w+))")) man_env.insert(g[0]);
  CHECK(help_env.size() == 5);
  CHECK(help_env == man_env);
}

TEST_CASE("cli: the man page renders with man -l", "[cli][man]") {
  std::string cmd = "MANWIDTH=80 man -l '" + (testkit::source_dir() / "man/ncssctl.1").string() +
                    "' 2>&1 >/dev/null";
  FILE* p = popen(cmd.c_str(), "r");
  REQUIRE(p);
  std::string warnings;
  char buf[512];
  while (fgets(buf, sizeof buf, p)) warnings += buf;
  int status = pclose(p);
  CHECK(status == 0);
  CHECK(warnings.empty());
}

TEST_CASE("cli: --quiet silences notes, errors still appear", "[cli]") {
  TempDir dir;
  std::string db = (dir / "ncss.db").string();
  auto r = run_ncssctl({"--db", db, "--quiet", "init"});
  CHECK(r.exit_code == 0);
  CHECK(r.err.empty());
  r = run_ncssctl({"--db", db, "-q", "codes", "nope"});
  CHECK(r.exit_code == 2);
  CHECK(contains(r.err, "unknown code table"));
}

TEST_CASE("cli: a write waits --busy-timeout for another writer, then gives up", "[cli]") {
  TempDir dir;
  std::string db = init_db(dir);
  auto holder = std::make_unique<SQLite::Database>(db, SQLite::OPEN_READWRITE);
  holder->exec("BEGIN IMMEDIATE");
  auto start = std::chrono::steady_clock::now();
  auto r = run_ncssctl({"--db", db, "--busy-timeout", "300", "school", "add", "--code", "99004",
                        "--name", "等待学院", "--level", "其他"});
  auto waited = std::chrono::steady_clock::now() - start;
  CHECK(r.exit_code == 7);
  CHECK(contains(r.err, "locked"));
  // It names the database and what to do.
  CHECK(contains(r.err, "database '" + db + "': the database is busy"));
  CHECK(contains(r.err, "--busy-timeout"));
  CHECK(waited >= std::chrono::milliseconds(300));
  holder.reset();  // closing the connection ends its transaction
  r = run_ncssctl(
      {"--db", db, "school", "add", "--code", "99004", "--name", "等待学院", "--level", "其他"});
  CHECK(r.exit_code == 0);
}
