// The generated per-command man pages (build/man/ncssctl-<group>.1) say what --help says: every
// command and every option of the tree, with the same description.
#include <catch2/catch.hpp>
#include <filesystem>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "testkit.hpp"

namespace {

namespace fs = std::filesystem;
using testkit::contains;
using testkit::run_ncssctl;

// A man page's source as text: font escapes gone, \- and \e back to - and \.
std::string unroff(std::string text) {
  text = std::regex_replace(text, std::regex(R"(\\f[BIRP])"), "");
  text = std::regex_replace(text, std::regex(R"(\\-)"), "-");
  text = std::regex_replace(text, std::regex(R"(\\e)"), "\\");
  text = std::regex_replace(text, std::regex(R"(\\&)"), "");
  return text;
}

std::string squeeze(const std::string& s) {
  std::string out;
  bool space = false;
  for (char c : s) {
    if (c == ' ' || c == '\n' || c == '\t') {
      space = true;
      continue;
    }
    if (space && !out.empty()) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

struct HelpOption {
  std::string names;
  std::string description;
};

// The option lines of one --help text ("  -o,--output TEXT   the directory ...").
std::vector<HelpOption> options_of(const std::string& help) {
  std::vector<HelpOption> out;
  std::string part = help.substr(0, help.find("\nSubcommands:\n"));
  std::istringstream in(part);
  std::string line;
  static const std::regex option(
      R"(^  (-[-\w,]+|[a-z_]+)(?: [A-Z:{}\[\],.\- 0-9a-z_]*?)?  +(\S.*)$)");
  while (std::getline(in, line)) {
    std::smatch m;
    if (std::regex_match(line, m, option) && m[1] != "-h,--help") {
      out.push_back({m[1], m[2]});
    }
  }
  return out;
}

}  // namespace

TEST_CASE("cli: the per-command man pages match --help", "[cli][man]") {
  const fs::path dir = fs::path(NCSSCTL_BINARY).parent_path() / "man";
  REQUIRE(fs::is_directory(dir));
  auto top = run_ncssctl({"--help"}).out;
  std::vector<std::string> groups;
  {
    std::string subs = top.substr(top.find("\nSubcommands:\n"));
    std::smatch m;
    std::regex name(R"(\n  ([a-z][-a-z]*) )");
    for (auto it = std::sregex_iterator(subs.begin(), subs.end(), name);
         it != std::sregex_iterator(); ++it) {
      groups.push_back((*it)[1]);
    }
  }
  REQUIRE(groups.size() >= 19);
  std::size_t commands = 0, options = 0;
  for (const auto& group : groups) {
    INFO(group);
    auto file = dir / ("ncssctl-" + group + ".1");
    REQUIRE(fs::exists(file));
    const std::string page = squeeze(unroff(testkit::read_file(file)));
    CHECK(contains(page, "NAME ncssctl-" + group));
    for (const char* section : {"SYNOPSIS", "DESCRIPTION", "OPTIONS", "EXIT STATUS", "ENVIRONMENT",
                                "FILES", "EXAMPLES", "SEE ALSO"}) {
      CHECK(contains(page, std::string(".SH ") + section));
    }
    // Every command under the group, and each of its options with its --help description.
    std::vector<std::vector<std::string>> pending = {{group}};
    while (!pending.empty()) {
      auto path = pending.back();
      pending.pop_back();
      auto args = path;
      args.push_back("--help");
      auto help = run_ncssctl(args).out;
      std::string joined = "ncssctl";
      for (const auto& p : path) joined += " " + p;
      INFO(joined);
      CHECK(contains(page, joined));
      ++commands;
      for (const auto& o : options_of(help)) {
        INFO(o.names);
        CHECK(contains(page, o.names));
        CHECK(contains(page, squeeze(o.description)));
        ++options;
      }
      auto at = help.find("\nSubcommands:\n");
      if (at == std::string::npos) continue;
      std::string subs = help.substr(at);
      subs = subs.substr(0, subs.find("\n\n", 1));
      std::regex name(R"(\n  ([a-z][-a-z]*) )");
      for (auto it = std::sregex_iterator(subs.begin(), subs.end(), name);
           it != std::sregex_iterator(); ++it) {
        auto child = path;
        child.push_back((*it)[1]);
        pending.push_back(child);
      }
    }
    auto warnings =
        testkit::run_shell("MANWIDTH=100 man -l '" + file.string() + "' 2>&1 >/dev/null");
    CHECK(warnings.text.empty());
  }
  CHECK(commands >= 50);
  CHECK(options >= 150);
}
