// Shared test helpers: temporary directories and running the built ncssctl binary.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace testkit {

// A fresh directory under the system temp dir, removed with everything in it on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

struct RunResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Runs the built ncssctl with these arguments (no shell), with NCSSCTL_* variables cleared and
// `env` added, and stdin from /dev/null unless `input` is given.
RunResult run_ncssctl(const std::vector<std::string>& args,
                      const std::map<std::string, std::string>& env = {},
                      const std::string* input = nullptr);

std::string read_file(const std::filesystem::path& path);
void write_file(const std::filesystem::path& path, const std::string& bytes);

// The repository's top directory (for data/, schema/, samples/).
std::filesystem::path source_dir();

// Runs a shell command line (for the real readers: pdftotext, pdffonts, qpdf, ...): its exit
// status (-1 when it did not exit) and its standard output.
struct ShellResult {
  int status = -1;
  std::string text;
};
ShellResult run_shell(const std::string& command);

// An employer row for a test database, inserted with raw SQL (no registration event): 单位性质
// 39, 行业 I, 规模 3, and the address and state given here.
struct TestEmployer {
  TestEmployer(std::string code_, std::string name_, bool verified_ = true,
               std::string province_ = "北京市", std::string city_ = "北京市",
               std::string street_ = "x", std::string website_ = "")
      : code(std::move(code_)),
        name(std::move(name_)),
        verified(verified_),
        province(std::move(province_)),
        city(std::move(city_)),
        street(std::move(street_)),
        website(std::move(website_)) {}
  std::string code;  // 统一社会信用代码
  std::string name;
  bool verified;
  std::string province, city, street;
  std::string website;  // "" when it has none
};
// One INSERT of these employers.
std::string employers_sql(const std::vector<TestEmployer>& employers);

// A resident ID number from its first 17 digits, with the right check character.
std::string resident_id(const std::string& first17);
bool contains(const std::string& text, const std::string& part);

}  // namespace testkit
