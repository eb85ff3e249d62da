// Roster import: spreadsheets (CSV, .xlsx) in, validated graduates out. One transaction per file.
#pragma once

#include <cstddef>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ncss/audit.hpp"
#include "ncss/store.hpp"

namespace ncss {

// A roster column: its machine key, the header the platform's template uses, and other headers
// accepted for it (English keys and common Chinese variants).
struct RosterField {
  std::string key;     // name, id_number, school, ...
  std::string header;  // 学生姓名, 身份证号, 毕业院校, ...
  std::vector<std::string> aliases;
  bool required = false;  // must be a column (毕业院校 may instead come from --school)
};

// In the order of the import template.
const std::vector<RosterField>& roster_fields();

// 届别: the years a graduate's record may hold (the graduates table's CHECK).
inline constexpr int kFirstCohort = 1900;
inline constexpr int kLastCohort = 2999;
// The year a 届别 names ("2026"), or nullopt unless it is four ASCII digits from kFirstCohort to
// kLastCohort.
std::optional<int> parse_cohort(std::string_view text);

struct ImportOptions {
  std::string cohort;    // fills an empty or missing 届别
  std::string school;    // fills an empty or missing 毕业院校 (name, code or former name)
  std::string sheet;     // .xlsx: the sheet to read; empty: the first
  bool dry_run = false;  // validate and report; write nothing
  bool all_or_nothing = false;  // write nothing if any row is rejected
};

struct RowProblem;
// Receives each problem as it is found; when set, ImportReport::problems stays empty, so a file
// of a million bad rows does not fill memory.
using ProblemSink = std::function<void(const RowProblem&)>;

// One defect of one row. A row with several defects has several problems.
struct RowProblem {
  std::string sheet;    // the .xlsx sheet's name; empty for a CSV file
  std::size_t row = 0;  // as a spreadsheet program shows it
  std::string column;   // column letter (A, B, ...), empty for the row as a whole
  std::string header;   // the column's header as written in the file
  std::string code;     // stable reason code: id_checksum, level_invalid, ...
  std::string message;  // plain words
};

struct ImportReport {
  std::string file;
  std::string format;    // csv or xlsx
  std::string encoding;  // utf-8, utf-8-bom, gb18030
  std::string sheet;
  std::size_t header_row = 0;
  std::size_t added = 0, updated = 0, unchanged = 0, rejected = 0, blank = 0;
  // Favourites, open invitations and unfinished registrations made invalid (失效) because an
  // update changed a graduate's 学生姓名 or 毕业院校 (DOMAIN.md "Invalid").
  std::size_t invalidated_favorites = 0, invalidated_invitations = 0, invalidated_registrations = 0;
  std::vector<RowProblem> problems;   // when no ProblemSink was given
  std::vector<std::string> warnings;  // unknown columns, ...
  bool written = false;               // the file's transaction was committed
};

// Told about progress every few thousand rows (the CLI shows it on a terminal).
class ImportProgress {
 public:
  virtual ~ImportProgress() = default;
  virtual void rows_done(std::size_t rows) = 0;
};

// Checks the options that apply to every file before any is opened: a --cohort that parse_cohort
// refuses throws ncss::Error(Usage), a --school that names no known institution (code,
// name or former name) throws ncss::Error(NotFound).
void check_import_options(Store& store, const ImportOptions& options);

// Imports one roster file. A file refused whole (unreadable, hostile, no header row) throws
// ncss::Error(InvalidInput) and writes nothing; bad options throw as check_import_options does.
// Otherwise valid rows are written in one transaction unless dry_run, or all_or_nothing and some
// row was rejected.
ImportReport import_roster(Store& store, const std::filesystem::path& file,
                           const ImportOptions& options, const Actor& actor,
                           ImportProgress* progress = nullptr, const ProblemSink& sink = {});

// A graduate as stored.
struct Graduate {
  std::int64_t id = 0;
  std::string id_number;
  int cohort = 0;
  std::string name;
  std::string school_code;
  std::string school_name;
  std::string department;
  std::string degree_level;  // code (31), empty when the roster did not say
  std::string degree_level_name;
  std::string major;
  std::string training_mode;  // 非定向, 定向, 委培
  std::string student_no;
  std::string gender;  // 男, 女
  std::string phone;
  std::string email;
  std::string status;  // valid, invalid
  std::string created_at;
  std::string updated_at;
};

struct GraduateFilter {
  std::string school;  // code or name
  std::string department;
  int cohort = 0;
  std::string degree_level;   // code or word
  std::string training_mode;  // word
};

// Streams graduates in (school, cohort, id_number) order to `sink`, without loading all.
void for_each_graduate(Store& store, const GraduateFilter& filter,
                       const std::function<void(const Graduate&)>& sink);
// By ID number (and cohort when the person is on several rosters); throws NotFound, or
// Usage when the ID number is on several cohorts' rosters and no cohort is given.
Graduate get_graduate(Store& store, const std::string& id_number, int cohort = 0);

}  // namespace ncss
