// sql_lint: fails when SQL text is concatenated with anything that could be data.
//
// Usage: sql_lint FILE_OR_DIR...   (directories: every *.cpp and *.hpp in them, not recursive)
//
// Every string literal that holds SQL (SELECT, INSERT INTO, UPDATE ... SET, DELETE FROM, PRAGMA,
// CREATE, DROP, ALTER, WHERE, ORDER BY, VALUES) marks its statement as SQL. In such a statement
// every `+` or `+=` must join only pieces that cannot carry data: string literals, constants
// named kSomething, std::string(literal or constant), std::to_string(...) (a number). Anything
// else (a variable, a function's result) is reported with its file and line, unless the
// statement carries a comment `sql-lint: <why this is not data>`, which a reviewer then reads.
// Values go into SQL only as bound parameters (:name).
//
// The scan is lexical (comments, string, raw string and character literals are recognised);
// it is a tripwire for the obvious mistake, not a proof. Exit status: 0 clean, 1 findings,
// 2 usage or unreadable input.
#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;

namespace {

enum class Kind { Literal, Identifier, Punct, Other };

struct Token {
  Kind kind;
  std::string text;  // literal: its contents; identifier: qualified name (std::to_string)
  int line;
  std::size_t match = 0;  // for '(' and ')': index of the matching parenthesis
};

struct Scan {
  std::vector<Token> tokens;
  std::vector<int> marker_lines;   // lines with a "sql-lint:" comment
  std::vector<int> comment_lines;  // lines where a // comment starts
};

bool ident_start(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool ident_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

Scan tokenize(const std::string& s) {
  Scan out;
  int line = 1;
  std::size_t i = 0;
  auto count_lines = [&](std::size_t from, std::size_t to) {
    for (std::size_t k = from; k < to && k < s.size(); ++k) line += s[k] == '\n';
  };
  while (i < s.size()) {
    char c = s[i];
    if (c == '\n') {
      ++line;
      ++i;
    } else if (std::isspace(static_cast<unsigned char>(c))) {
      ++i;
    } else if (s.compare(i, 2, "//") == 0) {
      std::size_t end = s.find('\n', i);
      if (end == std::string::npos) end = s.size();
      out.comment_lines.push_back(line);
      if (s.substr(i, end - i).find("sql-lint:") != std::string::npos) {
        out.marker_lines.push_back(line);
      }
      i = end;
    } else if (s.compare(i, 2, "/*") == 0) {
      std::size_t end = s.find("*/", i + 2);
      end = end == std::string::npos ? s.size() : end + 2;
      if (s.substr(i, end - i).find("sql-lint:") != std::string::npos) {
        out.marker_lines.push_back(line);
      }
      count_lines(i, end);
      i = end;
    } else if (c == 'R' && i + 1 < s.size() && s[i + 1] == '"') {
      std::size_t open = s.find('(', i + 2);
      std::string delim = ")" + s.substr(i + 2, open - i - 2) + "\"";
      std::size_t end = s.find(delim, open);
      end = end == std::string::npos ? s.size() : end;
      out.tokens.push_back({Kind::Literal, s.substr(open + 1, end - open - 1), line});
      count_lines(i, end);
      i = end + delim.size();
    } else if (c == '"' || c == '\'') {
      std::size_t k = i + 1;
      std::string text;
      while (k < s.size() && s[k] != c) {
        if (s[k] == '\\' && k + 1 < s.size()) text += s[k++];
        text += s[k++];
      }
      if (c == '"')
        out.tokens.push_back({Kind::Literal, text, line});
      else
        out.tokens.push_back({Kind::Other, "'", line});
      i = k + 1;
    } else if (ident_start(c)) {
      std::size_t k = i;
      std::string name;
      for (;;) {
        while (k < s.size() && ident_char(s[k])) name += s[k++];
        if (s.compare(k, 2, "::") == 0 && k + 2 < s.size() && ident_start(s[k + 2])) {
          name += "::";
          k += 2;
          continue;
        }
        break;
      }
      // A literal's prefix (u8"...", L"...") belongs to the literal.
      if (k < s.size() && s[k] == '"' &&
          (name == "u8" || name == "L" || name == "u" || name == "U")) {
        i = k;
        continue;
      }
      out.tokens.push_back({Kind::Identifier, name, line});
      i = k;
    } else if (std::isdigit(static_cast<unsigned char>(c))) {
      std::size_t k = i;
      while (k < s.size() && (ident_char(s[k]) || s[k] == '.' || s[k] == '\'')) ++k;
      out.tokens.push_back({Kind::Other, s.substr(i, k - i), line});
      i = k;
    } else if (s.compare(i, 2, "+=") == 0 || s.compare(i, 2, "::") == 0 ||
               s.compare(i, 2, "->") == 0) {
      out.tokens.push_back({Kind::Punct, s.substr(i, 2), line});
      i += 2;
    } else {
      out.tokens.push_back({Kind::Punct, std::string(1, c), line});
      ++i;
    }
  }
  std::vector<std::size_t> open;
  for (std::size_t k = 0; k < out.tokens.size(); ++k) {
    auto& t = out.tokens[k];
    if (t.kind != Kind::Punct) continue;
    if (t.text == "(") {
      open.push_back(k);
    } else if (t.text == ")" && !open.empty()) {
      t.match = open.back();
      out.tokens[open.back()].match = k;
      open.pop_back();
    }
  }
  return out;
}

bool is_sql(const std::string& text) {
  static const std::regex sql(
      R"(\b(SELECT|INSERT INTO|INSERT OR|UPDATE\s+\S+\s+SET|UPDATE OR|DELETE FROM|PRAGMA|CREATE (TABLE|INDEX|UNIQUE|VIEW|TRIGGER|TEMP)|DROP (TABLE|INDEX|VIEW|TRIGGER)|ALTER TABLE|WHERE|ORDER BY|VALUES)\b)");
  return std::regex_search(text, sql);
}

bool constant_name(const std::string& name) {
  auto last = name.rfind("::");
  std::string base = last == std::string::npos ? name : name.substr(last + 2);
  return base.size() >= 2 && base[0] == 'k' && std::isupper(static_cast<unsigned char>(base[1]));
}

class Checker {
 public:
  Checker(const Scan& scan) : t_(scan.tokens) {}

  // Whether the operand starting at token k (after a '+') is safe.
  bool safe_after(std::size_t k) const {
    if (k >= t_.size()) return false;
    const Token& a = t_[k];
    if (a.kind == Kind::Literal) return true;
    if (a.kind != Kind::Identifier) return false;
    if (constant_name(a.text) && !(k + 1 < t_.size() && t_[k + 1].text == "(")) return true;
    if (k + 1 >= t_.size() || t_[k + 1].text != "(") return false;
    return safe_call(k, k + 1);
  }
  // Whether the operand ending at token k (before a '+') is safe.
  bool safe_before(std::size_t k) const {
    const Token& a = t_[k];
    if (a.kind == Kind::Literal) return true;
    if (a.kind == Kind::Identifier) return constant_name(a.text);
    if (a.kind == Kind::Punct && a.text == ")" && a.match > 0) {
      std::size_t open = a.match;
      return t_[open - 1].kind == Kind::Identifier && safe_call(open - 1, open);
    }
    return false;
  }

 private:
  // name(args): std::to_string(anything) is a number; std::string(x) is safe when x is.
  bool safe_call(std::size_t name, std::size_t open) const {
    const std::string& f = t_[name].text;
    if (f == "std::to_string") return true;
    if (f == "std::string") {
      std::size_t close = t_[open].match;
      for (std::size_t k = open + 1; k < close; ++k) {
        bool ok = t_[k].kind == Kind::Literal ||
                  (t_[k].kind == Kind::Identifier && constant_name(t_[k].text));
        if (!ok) return false;
      }
      return close > open + 1;
    }
    return false;
  }
  const std::vector<Token>& t_;
};

int lint(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    std::cerr << "sql_lint: cannot read " << file.string() << "\n";
    return -1;
  }
  std::stringstream buffer;
  buffer << in.rdbuf();
  Scan scan = tokenize(buffer.str());
  const auto& t = scan.tokens;
  Checker check(scan);
  int findings = 0;
  std::size_t start = 0;
  std::vector<std::string> sql_variables;  // names assigned SQL text: `x += data` is caught too
  for (std::size_t k = 0; k <= t.size(); ++k) {
    bool boundary = k == t.size() || (t[k].kind == Kind::Punct &&
                                      (t[k].text == ";" || t[k].text == "{" || t[k].text == "}"));
    if (!boundary) continue;
    // The statement [start, k).
    bool sql = false;
    for (std::size_t j = start; j < k && !sql; ++j) {
      sql = t[j].kind == Kind::Literal && is_sql(t[j].text);
    }
    for (std::size_t j = start; j + 1 < k; ++j) {
      if (t[j].kind != Kind::Identifier) continue;
      const std::string& next = t[j + 1].text;
      if (sql && (next == "=" || next == "(" || next == "{") && j + 2 < k &&
          t[j + 2].kind == Kind::Literal && is_sql(t[j + 2].text)) {
        sql_variables.push_back(t[j].text);  // std::string x = "SELECT ..." / x("SELECT ...")
      }
      if (next == "+=" &&
          std::find(sql_variables.begin(), sql_variables.end(), t[j].text) != sql_variables.end()) {
        sql = true;
      }
    }
    if (sql && k > start) {
      int first = t[start].line, last = t[k - 1].line;
      // A marker inside the statement, or in the comment block right above it.
      auto comment_at = [&](int l) {
        return std::find(scan.comment_lines.begin(), scan.comment_lines.end(), l) !=
               scan.comment_lines.end();
      };
      bool marked = false;
      for (int m : scan.marker_lines) {
        bool above = m < first;
        for (int l = m + 1; above && l < first; ++l) above = comment_at(l);
        marked = marked || above || (m >= first && m <= last);
      }
      for (std::size_t j = start; j < k && !marked; ++j) {
        if (t[j].kind != Kind::Punct || (t[j].text != "+" && t[j].text != "+=")) continue;
        bool unary = j == start || (t[j - 1].kind == Kind::Punct && t[j - 1].text != ")");
        if (unary && t[j].text == "+") continue;
        bool ok = (t[j].text == "+=" || check.safe_before(j - 1)) && check.safe_after(j + 1);
        if (!ok) {
          std::cout << file.string() << ":" << t[j].line
                    << ": SQL concatenated with something that is not a constant; bind it as a "
                       "parameter, or say why it is not data in a `sql-lint:` comment\n";
          ++findings;
        }
      }
    }
    start = k + 1;
  }
  return findings;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: sql_lint FILE_OR_DIR...\n";
    return 2;
  }
  std::vector<fs::path> files;
  for (int a = 1; a < argc; ++a) {
    fs::path p(argv[a]);
    if (fs::is_directory(p)) {
      for (const auto& e : fs::directory_iterator(p)) {
        auto ext = e.path().extension();
        if (ext == ".cpp" || ext == ".hpp") files.push_back(e.path());
      }
    } else {
      files.push_back(p);
    }
  }
  std::sort(files.begin(), files.end());
  int total = 0;
  for (const auto& f : files) {
    int n = lint(f);
    if (n < 0) return 2;
    total += n;
  }
  if (total > 0) {
    std::cout << "sql_lint: " << total << " finding(s) in " << files.size() << " files\n";
    return 1;
  }
  return 0;
}
