#include "docs.hpp"

#include <fstream>
#include <iostream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "ncss/version.hpp"

namespace cli {

namespace {

namespace fs = std::filesystem;

// Text for roff: backslashes escaped, dashes as \-, a leading dot or quote made harmless.
std::string roff(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '\\') {
      out += "\\e";
    } else if (c == '-') {
      out += "\\-";
    } else {
      out += c;
    }
  }
  if (!out.empty() && (out[0] == '.' || out[0] == '\'')) out = "\\&" + out;
  return out;
}

// A man page line without its font escapes and quotes, dashes plain: for matching.
std::string plain(std::string line) {
  line = std::regex_replace(line, std::regex(R"(\\f[BIRP])"), "");
  line = std::regex_replace(line, std::regex(R"(\\-)"), "-");
  line = std::regex_replace(line, std::regex(R"(^\.(BR|BI|B|I|IR|RB)\s+)"), "");
  std::string out;
  for (char c : line) {
    if (c != '"') out += c;
  }
  return out;
}

std::string first_word(const std::string& text) {
  std::istringstream in(text);
  std::string word;
  in >> word;
  return word;
}

struct Page {
  std::string date;                                          // of its .TH line
  std::map<std::string, std::vector<std::string>> sections;  // .SH name -> its lines
};

Page read_page(const fs::path& file) {
  std::ifstream in(file);
  if (!in) throw std::runtime_error("cannot read " + file.string());
  Page page;
  std::string line, section;
  while (std::getline(in, line)) {
    if (line.rfind(".TH ", 0) == 0) {
      std::smatch m;
      if (std::regex_search(line, m, std::regex("\"([0-9]{4}-[0-9]{2}-[0-9]{2})\""))) {
        page.date = m[1];
      }
    }
    if (line.rfind(".SH ", 0) == 0) {
      section = line.substr(4);
      page.sections[section];
      continue;
    }
    if (!section.empty()) page.sections[section].push_back(line);
  }
  return page;
}

// The COMMANDS entries (.TP, tag line, body) whose command is `group`.
std::vector<std::string> entries_of(const Page& page, const std::string& group) {
  std::vector<std::string> out;
  auto it = page.sections.find("COMMANDS");
  if (it == page.sections.end()) return out;
  const auto& lines = it->second;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (lines[i] != ".TP" || i + 1 >= lines.size()) continue;
    if (first_word(plain(lines[i + 1])) != group) continue;
    std::size_t end = i + 1;
    while (end + 1 < lines.size() && lines[end + 1] != ".TP") ++end;
    for (std::size_t k = i; k <= end; ++k) out.push_back(lines[k]);
  }
  return out;
}

// Whether an example line runs `group`: `ncssctl [global options] group ...`.
bool runs(const std::string& raw, const std::string& group) {
  std::istringstream in(plain(raw));
  std::string word;
  bool seen = false;
  static const std::set<std::string> valued = {"--db", "--format", "--now", "--actor",
                                               "--busy-timeout"};
  while (in >> word) {
    if (!seen) {
      seen = word == "ncssctl";
      continue;
    }
    if (valued.count(word)) {
      in >> word;
      continue;
    }
    if (word.rfind("-", 0) == 0) continue;
    return word == group;
  }
  return false;
}

// The EXAMPLES of the main page that run `group`: each block's introduction and its lines.
std::vector<std::string> examples_of(const Page& page, const std::string& group) {
  std::vector<std::string> out;
  auto it = page.sections.find("EXAMPLES");
  if (it == page.sections.end()) return out;
  std::vector<std::string> intro, block;
  bool in_block = false;
  for (const auto& line : it->second) {
    if (line == ".nf") {
      in_block = true;
      block.clear();
      continue;
    }
    if (line == ".fi") {
      in_block = false;
      std::vector<std::string> mine;
      for (const auto& l : block) {
        if (runs(l, group)) mine.push_back(l);
      }
      if (!mine.empty()) {
        out.insert(out.end(), intro.begin(), intro.end());
        out.insert(out.end(), {".PP", ".RS", ".nf"});
        out.insert(out.end(), mine.begin(), mine.end());
        out.insert(out.end(), {".fi", ".RE", ".PP"});
      }
      intro.clear();
      continue;
    }
    if (in_block) {
      block.push_back(line);
    } else if (line != ".PP" && line != ".RS" && line != ".RE") {
      intro.push_back(line);
    }
  }
  return out;
}

bool is_help(const CLI::Option* o) {
  for (const auto& n : o->get_lnames()) {
    if (n == "help") return true;
  }
  return false;
}

std::vector<const CLI::Option*> options_of(const CLI::App& app) {
  std::vector<const CLI::Option*> out;
  for (const CLI::Option* o : app.get_options()) {
    if (!o->get_group().empty() && !is_help(o)) out.push_back(o);
  }
  return out;
}

std::vector<const CLI::App*> subcommands_of(const CLI::App& app) {
  return app.get_subcommands([](const CLI::App* a) { return !a->get_group().empty(); });
}

// "--all", "-o, --output": the names as --help shows them.
std::string names_of(const CLI::Option* o) {
  if (o->nonpositional()) return o->get_name(false, true);
  return o->get_name(true, false);
}

void write_options(std::ostream& out, const CLI::App& app, const std::string& path) {
  auto options = options_of(app);
  auto subs = subcommands_of(app);
  if (!options.empty() || subs.empty()) {
    out << ".SS \"" << roff(path) << "\"\n" << roff(app.get_description()) << "\n";
    for (const CLI::Option* o : options) {
      out << ".TP\n.B " << roff(names_of(o));
      std::string type = o->get_type_name();
      if (!type.empty()) out << " \" " << roff(type) << "\"";
      out << "\n" << roff(o->get_description());
      if (o->get_required()) out << " (required)";
      out << "\n";
    }
  }
  for (const CLI::App* sub : subs) write_options(out, *sub, path + " " + sub->get_name());
}

void write_synopsis(std::ostream& out, const CLI::App& app, const std::string& path) {
  auto subs = subcommands_of(app);
  if (subs.empty() || !options_of(app).empty()) {
    out << ".B " << roff(path) << "\n";
    bool any_flag = false;
    for (const CLI::Option* o : options_of(app)) {
      if (o->get_positional()) {
        std::string n = o->get_name(true, false);
        out << (o->get_required() ? ".I " : ".RI [ ") << roff(n)
            << (o->get_expected_max() > 1 ? " ..." : "") << (o->get_required() ? "\n" : " ]\n");
      } else {
        any_flag = true;
      }
    }
    if (any_flag) out << ".RI [ options ]\n";
    out << ".br\n";
  }
  for (const CLI::App* sub : subs) write_synopsis(out, *sub, path + " " + sub->get_name());
}

void write_lines(std::ostream& out, const std::vector<std::string>& lines) {
  for (const auto& l : lines) out << l << "\n";
}

void write_group_page(std::ostream& out, const CLI::App& group, const Page& main,
                      const std::vector<std::string>& all_groups) {
  const std::string name = group.get_name();
  std::string upper = "NCSSCTL-" + name;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  out << ".\\\" Generated by `ncssctl --generate-docs` from the command tree and man/ncssctl.1.\n"
      << ".\\\" Do not edit: edit cli/*.cpp (options) or man/ncssctl.1 (prose) instead.\n"
      << ".TH " << upper << " 1 \"" << main.date << "\" \"ncssctl " << ncss::kVersion
      << "\" \"ncssctl manual\"\n";
  out << ".SH NAME\nncssctl\\-" << roff(name) << " \\- " << roff(group.get_description()) << "\n";
  out << ".SH SYNOPSIS\n";
  write_synopsis(out, group, "ncssctl " + name);
  out << ".SH DESCRIPTION\n";
  auto entries = entries_of(main, name);
  if (entries.empty()) {
    out << roff(group.get_description()) << "\n";
  } else {
    write_lines(out, entries);
  }
  out << ".PP\nGlobal options (\\fB\\-\\-db\\fR, \\fB\\-\\-format\\fR, \\fB\\-\\-now\\fR, "
         "\\fB\\-\\-actor\\fR, \\fB\\-\\-busy\\-timeout\\fR, \\fB\\-\\-quiet\\fR) are in "
         "\\fBncssctl\\fR(1).\n";
  out << ".SH OPTIONS\n";
  write_options(out, group, "ncssctl " + name);
  // Sections of the main page a group's readers need whole.
  if (name == "agreement") {
    auto it = main.sections.find("AGREEMENT TEMPLATE");
    if (it != main.sections.end()) {
      out << ".SH AGREEMENT TEMPLATE\n";
      write_lines(out, it->second);
    }
  }
  for (const char* section : {"EXIT STATUS", "ENVIRONMENT", "FILES"}) {
    auto it = main.sections.find(section);
    if (it == main.sections.end()) continue;
    out << ".SH " << section << "\n";
    write_lines(out, it->second);
  }
  out << ".SH EXAMPLES\n";
  auto examples = examples_of(main, name);
  if (examples.empty()) {
    out << ".RS\n.nf\nncssctl " << roff(name) << " \\-\\-help\n.fi\n.RE\n";
  } else {
    write_lines(out, examples);
  }
  out << ".SH SEE ALSO\n.BR ncssctl (1)";
  for (const auto& g : all_groups) {
    if (g != name) out << ",\n.BR ncssctl\\-" << roff(g) << " (1)";
  }
  out << "\n";
}

// ---- bash completion --------------------------------------------------------------------------

std::string shell_words(const std::vector<std::string>& words) {
  std::string out;
  for (const auto& w : words) out += (out.empty() ? "" : " ") + w;
  return out;
}

// The values of "TEXT:{a,b,c}".
std::vector<std::string> member_values(const std::string& type) {
  std::vector<std::string> out;
  auto open = type.find('{'), close = type.find('}');
  if (open == std::string::npos || close == std::string::npos || close < open) return out;
  std::stringstream list(type.substr(open + 1, close - open - 1));
  std::string v;
  while (std::getline(list, v, ',')) out.push_back(v);
  return out;
}

// Options whose value is a code of a code table (`ncssctl codes TABLE`), by name; a name that
// means different tables under different commands is keyed by "command path|option".
const std::map<std::string, std::string>& code_tables() {
  static const std::map<std::string, std::string> m = {
      {"--job-category", "job_category"},
      {"--nature", "employer_nature"},
      {"--industry", "industry"},
      {"--size", "company_size"},
      {"--archive-receipt-type", "archive_receipt"},
      {"--degree-level", "degree_level"},
      {"--level", "degree_level"},
      {"--training-mode", "training_mode"},
      {"invite withdraw|--reason", "withdrawal_reason"},
      {"terminate request|--reason", "termination_reason"},
      {"terminate offline|--reason", "termination_reason"},
      {"terminate resubmit|--reason", "termination_reason"},
      {"register destination|--code", "destination"},
      {"register approve|--code", "destination"},
      {"register resubmit|--code", "destination"},
  };
  return m;
}

// Options and positionals that name files.
bool names_file(const std::string& option) {
  static const std::set<std::string> files = {
      "--db",    "-o",     "--output", "--report", "--template", "--scan", "--licence",
      "--proof", "--file", "--letter", "files",    "file",       "subject"};
  return files.count(option) > 0;
}

void completion_cases(std::ostream& out, const CLI::App& app, const std::string& path,
                      std::ostream& values, std::ostream& global_values,
                      std::set<std::string>& takes_value) {
  std::vector<std::string> words;
  bool file_positional = false;
  for (const CLI::Option* o : options_of(app)) {
    if (o->get_positional()) {
      file_positional = file_positional || names_file(o->get_name(true, false));
      continue;
    }
    for (const auto& l : o->get_lnames()) words.push_back("--" + l);
    for (const auto& s : o->get_snames()) words.push_back("-" + s);
    if (o->get_type_name().empty()) continue;  // a flag
    std::vector<std::string> names;
    for (const auto& l : o->get_lnames()) names.push_back("--" + l);
    for (const auto& s : o->get_snames()) names.push_back("-" + s);
    for (const auto& n : names) {
      takes_value.insert(n);
      std::string key = path.empty() ? n : path + "|" + n;
      auto members = member_values(o->get_type_name());
      std::string action;
      if (!members.empty()) {
        action = "COMPREPLY=($(compgen -W \"" + shell_words(members) + "\" -- \"$cur\"))";
      } else if (auto t = code_tables().find(path + "|" + n); t != code_tables().end()) {
        action = "_ncssctl_codes " + t->second;
      } else if (auto u = code_tables().find(n); u != code_tables().end()) {
        action = "_ncssctl_codes " + u->second;
      } else if (names_file(n)) {
        action = "_filedir";
      } else {
        action = "COMPREPLY=()";
      }
      (path.empty() ? global_values : values)
          << "    \"" << key << "\") " << action << "; return ;;\n";
    }
  }
  auto subs = subcommands_of(app);
  for (const CLI::App* sub : subs) words.push_back(sub->get_name());
  out << "    \"" << path << "\") words=\"" << shell_words(words)
      << "\"; files=" << (file_positional ? 1 : 0) << " ;;\n";
  for (const CLI::App* sub : subs) {
    completion_cases(out, *sub, path.empty() ? sub->get_name() : path + " " + sub->get_name(),
                     values, global_values, takes_value);
  }
}

void write_completion(std::ostream& out, const CLI::App& app) {
  std::ostringstream cases, values, global_values;
  std::set<std::string> takes_value;
  completion_cases(cases, app, "", values, global_values, takes_value);
  std::vector<std::string> valued(takes_value.begin(), takes_value.end());
  out << "# bash completion for ncssctl. Generated by `ncssctl --generate-docs` from the command\n"
         "# tree; do not edit. Installed as /usr/share/bash-completion/completions/ncssctl.\n"
         "\n"
         "# Codes of a code table, from the database in use (--db or NCSSCTL_DB).\n"
         "_ncssctl_codes() {\n"
         "  local db=() i\n"
         "  for ((i = 1; i < cword; i++)); do\n"
         "    [[ ${words[i]} == --db ]] && db=(--db \"${words[i + 1]}\")\n"
         "  done\n"
         "  COMPREPLY=($(compgen -W \"$(ncssctl \"${db[@]}\" codes \"$1\" --format csv "
         "2>/dev/null | tail -n +2 | cut -d, -f1)\" -- \"$cur\"))\n"
         "}\n"
         "\n"
         "_ncssctl() {\n"
         "  local cur prev words cword\n"
         "  _init_completion || return\n"
         "  # The command path so far: the words that are not options or option values.\n"
         "  local path=\"\" i w skip=0\n"
         "  for ((i = 1; i < cword; i++)); do\n"
         "    w=${words[i]}\n"
         "    if ((skip)); then skip=0; continue; fi\n"
         "    case \" "
      << shell_words(valued)
      << " \" in *\" $w \"*) skip=1; continue ;; esac\n"
         "    [[ $w == -* ]] && continue\n"
         "    local next=\"${path:+$path }$w\"\n"
         "    case \"$next\" in\n";
  // Known paths only: a positional argument does not extend the path.
  std::istringstream known(cases.str());
  std::string line;
  std::set<std::string> paths;
  while (std::getline(known, line)) {
    auto q = line.find('"');
    auto r = line.find('"', q + 1);
    if (q != std::string::npos && r != std::string::npos && r > q + 1) {
      paths.insert(line.substr(q + 1, r - q - 1));
    }
  }
  for (const auto& p : paths) out << "      \"" << p << "\") path=$next ;;\n";
  out << "    esac\n"
         "  done\n"
         "  case \"$path|$prev\" in\n"
      << values.str()
      << "  esac\n"
         "  case \"$prev\" in\n"
      << global_values.str()
      << "  esac\n"
         "  local words_here=\"\" files=0\n"
         "  case \"$path\" in\n"
      << std::regex_replace(cases.str(), std::regex("words=\""), "words_here=\"")
      << "  esac\n"
         "  if [[ $cur == -* || $files == 0 ]]; then\n"
         "    COMPREPLY=($(compgen -W \"$words_here\" -- \"$cur\"))\n"
         "  else\n"
         "    _filedir\n"
         "  fi\n"
         "}\n"
         "complete -F _ncssctl ncssctl\n";
}

}  // namespace

int generate_docs(const CLI::App& app, const fs::path& main_page, const fs::path& out_dir) {
  try {
    Page page = read_page(main_page);
    fs::create_directories(out_dir);
    std::vector<std::string> groups;
    for (const CLI::App* g : subcommands_of(app)) groups.push_back(g->get_name());
    for (const CLI::App* g : subcommands_of(app)) {
      fs::path file = out_dir / ("ncssctl-" + g->get_name() + ".1");
      std::ofstream out(file);
      write_group_page(out, *g, page, groups);
      if (!out) throw std::runtime_error("cannot write " + file.string());
    }
    std::ofstream completion(out_dir / "ncssctl.bash");
    write_completion(completion, app);
    if (!completion)
      throw std::runtime_error("cannot write " + (out_dir / "ncssctl.bash").string());
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "ncssctl --generate-docs: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace cli
