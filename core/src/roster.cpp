#include "ncss/roster.hpp"

#include <unistd.h>

#include <algorithm>
#include <array>
#include <bitset>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <map>
#include <optional>
#include <set>
#include <unordered_map>

#include "audit_impl.hpp"
#include "ncss/identity.hpp"
#include "ncss/sheet.hpp"
#include "prefetch.hpp"
#include "sheet_header.hpp"
#include "signing_impl.hpp"
#include "store_impl.hpp"
#include "temp_file.hpp"
#include "text_rules.hpp"

namespace ncss {

namespace {

// Indexes into roster_fields(), in template order.
enum Field : std::size_t {
  kName,
  kIdNumber,
  kSchool,
  kDepartment,
  kLevel,
  kMajor,
  kCohort,
  kTrainingMode,
  kStudentNo,
  kGender,
  kPhone,
  kEmail,
  kFieldCount
};

const std::string kCohortRule =
    "a four-digit year from " + std::to_string(kFirstCohort) + " to " + std::to_string(kLastCohort);

void check_cohort_option(const std::string& cohort) {
  if (!cohort.empty() && !parse_cohort(cohort)) {
    throw Error::usage("--cohort '" + cohort + "' must be " + kCohortRule);
  }
}

const std::string kDefaultTrainingMode = "非定向";

// A number as a spreadsheet stores it ("13812345678", "2026.0", "1.3812345678E+10") as integer
// text, or nullopt when it is not a whole number.
std::optional<std::string> integer_text(const std::string& number) {
  std::string digits;
  long exponent = 0;
  std::size_t i = 0;
  if (i < number.size() && number[i] == '+') ++i;
  bool seen_point = false;
  for (; i < number.size(); ++i) {
    char c = number[i];
    if (c >= '0' && c <= '9') {
      digits += c;
      if (seen_point) --exponent;
    } else if (c == '.' && !seen_point) {
      seen_point = true;
    } else {
      break;
    }
  }
  if (digits.empty()) return std::nullopt;
  if (i < number.size()) {
    if (number[i] != 'e' && number[i] != 'E') return std::nullopt;
    ++i;
    std::string exp = number.substr(i);
    if (!exp.empty() && (exp[0] == '+' || exp[0] == '-')) {
      if (exp.size() == 1) return std::nullopt;
    }
    std::size_t used = 0;
    long e;
    try {
      e = std::stol(exp, &used);
    } catch (...) {
      return std::nullopt;
    }
    if (used != exp.size() || e > 30 || e < -30) return std::nullopt;
    exponent += e;
  }
  if (exponent >= 0) {
    digits.append(static_cast<std::size_t>(exponent), '0');
  } else {
    std::size_t drop = static_cast<std::size_t>(-exponent);
    if (drop > digits.size()) drop = digits.size();
    std::string fraction = digits.substr(digits.size() - drop);
    if (fraction.find_first_not_of('0') != std::string::npos) return std::nullopt;
    digits.resize(digits.size() - drop);
  }
  std::size_t nz = digits.find_first_not_of('0');
  return nz == std::string::npos ? std::string("0") : digits.substr(nz);
}

// The sheet row that created each graduate of this import, for the duplicate_in_file message.
// It lives in an unnamed temporary file, not in memory, so a file of any length imports in
// bounded memory (tests/bench/national.sh: 12.7 million rows). The import is the only writer,
// so the graduates it creates get ascending ids; each run of consecutive ids is buffered and
// written at its place (4 bytes an id). A hole left by a gap in the ids reads back as 0.
class CreatedRows {
 public:
  void add(std::int64_t graduate, std::size_t row) {
    if (base_ == 0) base_ = start_ = graduate;
    if (graduate < start_ || graduate != start_ + static_cast<std::int64_t>(buffer_.size())) {
      flush();
      start_ = graduate;
    }
    buffer_.push_back(static_cast<std::uint32_t>(row));
    if (buffer_.size() == kBuffer) flush();
  }
  // 0 when the graduate was not created by this import.
  std::size_t row_of(std::int64_t graduate) {
    if (base_ == 0 || graduate < base_) return 0;
    if (graduate >= start_ && graduate < start_ + static_cast<std::int64_t>(buffer_.size())) {
      return buffer_[static_cast<std::size_t>(graduate - start_)];
    }
    std::uint32_t row = 0;
    ssize_t got = ::pread(file_.fd(), &row, sizeof row, offset(graduate));
    if (got < 0) throw Error::io("cannot read the import's temporary file", errno);
    return got == sizeof row ? row : 0;
  }

 private:
  static constexpr std::size_t kBuffer = 16384;
  off_t offset(std::int64_t graduate) const {
    return static_cast<off_t>(graduate - base_) * static_cast<off_t>(sizeof(std::uint32_t));
  }
  void flush() {
    const auto* data = reinterpret_cast<const char*>(buffer_.data());
    std::size_t left = buffer_.size() * sizeof(std::uint32_t);
    off_t at = offset(start_);
    while (left > 0) {
      ssize_t n = ::pwrite(file_.fd(), data, left, at);
      if (n < 0) throw Error::io("cannot write the import's temporary file", errno);
      data += n;
      at += n;
      left -= static_cast<std::size_t>(n);
    }
    start_ += static_cast<std::int64_t>(buffer_.size());
    buffer_.clear();
  }
  TempFile file_{"the import's row numbers"};
  std::int64_t base_ = 0;   // the first graduate created
  std::int64_t start_ = 0;  // the graduate of buffer_[0]
  std::vector<std::uint32_t> buffer_;
};

std::unordered_map<std::string, std::string> load_levels(SQLite::Database& db) {
  std::unordered_map<std::string, std::string> levels;
  SQLite::Statement q(db, "SELECT code, name, note FROM degree_levels");
  while (q.executeStep()) {
    std::string code = q.getColumn(0).getString();
    levels.emplace(q.getColumn(1).getString(), code);  // 本科生
    levels.emplace(q.getColumn(2).getString(), code);  // 本科
  }
  return levels;
}

// Turns foreign-key enforcement off for the connection while it lives (outside a transaction:
// SQLite ignores the pragma inside one, so a dry run in a DryRunSession keeps them checked), and
// back on after.
class ForeignKeysOff {
 public:
  explicit ForeignKeysOff(SQLite::Database& db)
      : db_(db), was_on_(db.execAndGet("PRAGMA foreign_keys").getInt() != 0) {
    if (was_on_) db_.exec("PRAGMA foreign_keys = OFF");
  }
  ~ForeignKeysOff() {
    if (!was_on_) return;
    try {
      db_.exec("PRAGMA foreign_keys = ON");
    } catch (const SQLite::Exception&) {  // the connection is unusable anyway then
    }
  }
  ForeignKeysOff(const ForeignKeysOff&) = delete;
  ForeignKeysOff& operator=(const ForeignKeysOff&) = delete;

 private:
  SQLite::Database& db_;
  bool was_on_;
};

// The values of one roster row after normalisation, as they would be stored.
struct RowValues {
  std::array<std::string, kFieldCount> v;
  std::string school_code;
  std::string level_code;
  int cohort = 0;
};

// A sheet row with what checking it on its own found (RosterImport::check). A slot reused from
// row to row: its strings keep their buffers.
struct CheckedRow {
  SheetRow row;
  bool checked = false;  // check() has run
  bool blank = false;    // no cell holds text
  bool id_ok = false;    // the ID number passed every check
  RowValues values;
  std::vector<RowProblem> problems;  // in the order found, reported by the importing thread

  // Member by member: Prefetch hands rows over by swapping, and the default swap moves the
  // whole row three times.
  friend void swap(CheckedRow& a, CheckedRow& b) noexcept {
    using std::swap;
    swap(a.row, b.row);
    swap(a.checked, b.checked);
    swap(a.blank, b.blank);
    swap(a.id_ok, b.id_ok);
    swap(a.values.v, b.values.v);
    swap(a.values.school_code, b.values.school_code);
    swap(a.values.level_code, b.values.level_code);
    swap(a.values.cohort, b.values.cohort);
    swap(a.problems, b.problems);
  }
};

std::size_t checked_row_bytes(const CheckedRow& c, bool capacity) {
  std::size_t n = sheet_row_bytes(c.row, capacity);
  for (const auto& v : c.values.v) n += capacity ? v.capacity() : v.size();
  for (const auto& p : c.problems) n += p.message.size();
  return n;
}

class RosterImport {
 public:
  RosterImport(SQLite::Database& db, const std::filesystem::path& file, const ImportOptions& o,
               const Actor& actor, ImportProgress* progress, const ProblemSink& sink)
      : db_(db), file_(file), options_(o), actor_(actor), progress_(progress), sink_(sink) {}

  ImportReport run();

 private:
  // Reads a row's cells and checks them on their own, without the database. Thread-safe: it only
  // reads what run() set up before the rows began, so the reading thread can run it. `c.checked`
  // is set once the whole check has run.
  void check(CheckedRow& c) const;
  void check_cells(CheckedRow& c) const;
  void found(CheckedRow& c, Field f, const std::string& code, const std::string& message) const;
  // The rest, on the importing thread: check()'s problems reported, repeats found, the row
  // written. False: rejected.
  bool process(CheckedRow& c);
  void problem(std::size_t row, Field f, const std::string& code, const std::string& message);
  void report(RowProblem p);
  const Cell* raw_cell(const SheetRow& row, Field f) const { return header_.cell(row, f); }
  bool write(const RowValues& r, std::size_t row);  // false: a duplicate, rejected
  std::size_t earlier_row(std::int64_t graduate, std::int64_t created_by, std::size_t row,
                          bool record);
  std::size_t refused_row(const std::string& id);
  bool corrected_away(const RowValues& r, std::size_t row);  // true: rejected as id_corrected
  // true: rejected as reverts_correction (`changes`: the row's changes to the stored record).
  bool reverts_correction(const RowValues& r, const nlohmann::json& changes, std::size_t row);
  // `first_rejected`: the first row was itself rejected, so nothing of it was kept.
  void duplicate(std::size_t row, const RowValues& r, std::size_t first, bool first_rejected);

  SQLite::Database& db_;
  std::filesystem::path file_;
  const ImportOptions& options_;
  const Actor& actor_;
  ImportProgress* progress_;
  const ProblemSink& sink_;

  ImportReport report_;
  HeaderRow header_;
  std::unordered_map<std::string, std::string> schools_;
  std::unordered_map<std::string, std::string> levels_;
  std::string default_school_code_;
  CreatedRows created_;
  std::int64_t import_id_ = 0;
  std::unique_ptr<AuditWriter> audit_;
  std::optional<RowStatement> select_, insert_, update_, key_, seen_insert_, seen_select_,
      refused_insert_, refused_select_;
  std::optional<RowStatement> corrected_;    // only when some ID number was ever corrected away
  std::optional<RowStatement> corrections_;  // a graduate's student correct events, newest first
  std::size_t refused_ids_ = 0;              // rows in temp.import_refused
  std::string now_text_;
  bool row_rejected_ = false;
};

void RosterImport::problem(std::size_t row, Field f, const std::string& code,
                           const std::string& message) {
  report(header_.problem(row, f, roster_fields(), code, message));
}

void RosterImport::report(RowProblem p) {
  row_rejected_ = true;
  p.sheet = report_.sheet;
  if (sink_) {
    sink_(p);
  } else {
    report_.problems.push_back(std::move(p));
  }
}

void RosterImport::found(CheckedRow& c, Field f, const std::string& code,
                         const std::string& message) const {
  c.problems.push_back(header_.problem(c.row.number, f, roster_fields(), code, message));
}

void RosterImport::check(CheckedRow& c) const {
  c.checked = false;
  check_cells(c);
  c.checked = true;
}

void RosterImport::check_cells(CheckedRow& c) const {
  c.blank = false;
  c.id_ok = false;
  c.problems.clear();
  const SheetRow& row = c.row;
  RowValues& r = c.values;
  r.school_code.clear();
  r.level_code.clear();
  r.cohort = 0;
  bool any = false;
  std::bitset<kFieldCount> unreadable;  // refused for what the cell holds: no "missing" as well
  for (std::size_t f = 0; f < kFieldCount; ++f) {
    r.v[f].clear();
    const Cell* cell = raw_cell(row, static_cast<Field>(f));
    if (!cell) continue;
    std::string_view text = trim_view(cell->text);
    if (text.empty()) continue;
    any = true;
    const std::string& header = roster_fields()[f].header;
    if (auto refusal = refuse_cell(*cell, text, header)) {
      unreadable.set(f);
      found(c, static_cast<Field>(f), refusal->code, refusal->message);
      continue;
    }
    const bool numeric_text = f == kIdNumber || f == kPhone || f == kStudentNo;
    if (numeric_text && cell->kind == CellKind::Text) text = unwrap_text_marker(text);
    r.v[f].assign(text);
    // Whole numbers typed into number-formatted cells keep no ".0" and no exponent, nor do the
    // "2026.0" and "13812345678.0" of a CSV written from a floating-point column.
    if (f != kCohort && f != kPhone && f != kStudentNo) continue;
    const bool number =
        cell->kind == CellKind::Number || (cell->kind == CellKind::Text && is_point_zero(r.v[f]));
    if (number) {
      if (auto i = integer_text(r.v[f])) r.v[f] = *i;
    }
    // A long number kept as a number (or written to CSV in scientific notation) has lost digits:
    // a spreadsheet holds 15. (身份证号 has its own code for this, below.)
    if (f != kCohort &&
        (is_scientific(r.v[f]) || (number && all_ascii_digits(r.v[f]) && r.v[f].size() > 15))) {
      unreadable.set(f);
      found(c, static_cast<Field>(f), "excel_number",
            header + " '" + std::string(text) +
                "' was kept as a number, so the spreadsheet dropped digits (it keeps 15, and "
                "shows fewer in scientific notation); format the column as text and type it "
                "again");
      r.v[f].clear();
    }
  }
  if (!any) {
    c.blank = true;
    return;
  }
  // The header again (files pasted together): one problem, not one per column.
  if (header_.repeated_in(row)) {
    c.problems.clear();
    found(c, kName, "header_repeated", header_.repeated_message());
    return;
  }

  // 学生姓名
  if (r.v[kName].empty() && !unreadable[kName]) {
    found(c, kName, "name_missing", "学生姓名 is empty");
  }

  // 身份证号
  const Cell* id_cell = raw_cell(row, kIdNumber);
  std::string& id = r.v[kIdNumber];
  bool& id_ok = c.id_ok;
  if (id.empty()) {
    if (!unreadable[kIdNumber]) found(c, kIdNumber, "id_missing", "身份证号 is empty");
  } else if (auto refusal = refuse_id_number_kept_as_number(id_cell, id)) {
    found(c, kIdNumber, refusal->code, refusal->message);
  } else {
    id = normalize_resident_id(id);
    auto refusals = id_refusals(id, actor_.now);
    for (const auto& refusal : refusals) found(c, kIdNumber, refusal.code, refusal.message);
    id_ok = refusals.empty();
  }

  // 性别: given, it must be 男 or 女 and agree with the ID's 17th digit; otherwise derived.
  std::string& gender = r.v[kGender];
  if (!gender.empty() && gender != "男" && gender != "女") {
    found(c, kGender, "gender_invalid", "性别 '" + gender + "' must be 男 or 女");
  } else if (id_ok) {
    auto info = resident_id_info(id);
    std::string from_id = info->male ? "男" : "女";
    if (gender.empty()) {
      gender = from_id;
    } else if (gender != from_id) {
      found(c, kGender, "gender_mismatch",
            "性别 '" + gender + "' disagrees with the 身份证号, whose 17th digit says " + from_id);
    }
  }

  // 毕业院校
  std::string& school = r.v[kSchool];
  if (school.empty()) {
    if (unreadable[kSchool]) {
      // reported above
    } else if (default_school_code_.empty()) {
      found(c, kSchool, "school_missing", "毕业院校 is empty and no --school was given");
    } else {
      r.school_code = default_school_code_;
    }
  } else {
    auto it = schools_.find(school);
    if (it == schools_.end()) {
      found(c, kSchool, "school_unknown",
            "毕业院校 '" + school +
                "' is not on the national list of institutions (by name, former name or "
                "code); check the spelling or add it with `ncssctl school add`");
    } else {
      r.school_code = it->second;
    }
  }

  // 学历层次
  if (!r.v[kLevel].empty()) {
    auto it = levels_.find(r.v[kLevel]);
    if (it == levels_.end()) {
      found(c, kLevel, "level_invalid",
            "学历层次 '" + r.v[kLevel] + "' must be one of 博士, 硕士, 本科, 专科");
    } else {
      r.level_code = it->second;
    }
  }

  // 培养方式
  const std::string& mode = r.v[kTrainingMode];
  if (!mode.empty() && mode != "非定向" && mode != "定向" && mode != "委培") {
    found(c, kTrainingMode, "training_mode_invalid",
          "培养方式 '" + mode + "' must be one of 非定向, 定向, 委培");
  }

  // 届别
  std::string cohort = r.v[kCohort].empty() ? options_.cohort : r.v[kCohort];
  if (unreadable[kCohort]) {
    // reported above
  } else if (cohort.empty()) {
    found(c, kCohort, "cohort_missing", "届别 is empty and no --cohort was given");
  } else if (auto year = parse_cohort(cohort)) {
    r.cohort = *year;
  } else {
    found(c, kCohort, "cohort_invalid", "届别 '" + cohort + "' must be " + kCohortRule);
  }

  // 手机号码
  const std::string& phone = r.v[kPhone];
  if (!phone.empty() && !valid_mobile(phone)) {
    found(c, kPhone, "phone_invalid",
          "手机号码 '" + mask_phone(phone) + "' must be 11 digits starting with 1");
  }

  // 电子邮箱
  const std::string& email = r.v[kEmail];
  if (!email.empty() && !valid_email(email)) {
    found(c, kEmail, "email_invalid",
          "电子邮箱 '" + email + "' is not an address of the form name@domain.tld");
  }
}

bool RosterImport::process(CheckedRow& c) {
  if (!c.checked) check(c);
  if (c.blank) {
    ++report_.blank;
    return true;
  }
  row_rejected_ = false;
  for (auto& p : c.problems) report(std::move(p));
  const std::size_t n = c.row.number;
  const RowValues& r = c.values;
  const std::string& id = r.v[kIdNumber];
  const bool id_ok = c.id_ok;

  // Within a file the first occurrence of an ID number wins, even when that row was refused for
  // another defect: the administrator fixes the first row rather than having a later one win.
  std::size_t first_refused = id_ok ? refused_row(id) : 0;
  if (row_rejected_) {
    if (id_ok) {
      std::size_t first = first_refused;
      if (r.cohort != 0) {  // the report lists every defect: a repeat of an imported row too
        auto& key = *key_;
        key.reset();
        key.bind(":id_number", id);
        key.bind(":cohort", r.cohort);
        if (key.executeStep()) {
          std::size_t imported =
              earlier_row(key.getColumn(0).getInt64(), key.getColumn(1).getInt64(), n, false);
          if (imported != 0 && (first == 0 || imported < first)) first = imported;
        }
      }
      if (first != 0) {
        duplicate(n, r, first, first == first_refused);
      } else {
        auto& ins = *refused_insert_;
        ins.reset();
        ins.bind(":id_number", id);
        ins.bind(":row", static_cast<std::int64_t>(n));
        ins.exec();
        ++refused_ids_;
      }
    }
    ++report_.rejected;
    return false;
  }
  if (first_refused != 0) {
    duplicate(n, r, first_refused, true);
    ++report_.rejected;
    return false;
  }
  if (!write(r, n)) {
    ++report_.rejected;
    return false;
  }
  return true;
}

// Within a file the first imported occurrence of a graduate (ID number and 届别) wins. The
// database's unique key finds the repeat; this says which row came first: the row that created
// the graduate, or that first matched a graduate already stored (`record` remembers the match).
std::size_t RosterImport::earlier_row(std::int64_t graduate, std::int64_t created_by,
                                      std::size_t row, bool record) {
  if (created_by == import_id_) return created_.row_of(graduate);
  if (record) {
    auto& ins = *seen_insert_;
    ins.reset();
    ins.bind(":graduate", graduate);
    ins.bind(":row", static_cast<std::int64_t>(row));
    if (ins.exec() == 1) return 0;
  }
  auto& sel = *seen_select_;
  sel.reset();
  sel.bind(":graduate", graduate);
  return sel.executeStep() ? static_cast<std::size_t>(sel.getColumn(0).getInt64()) : 0;
}

// The row of an earlier row refused with this (valid) ID number, or 0.
std::size_t RosterImport::refused_row(const std::string& id) {
  if (refused_ids_ == 0) return 0;  // the usual case: no lookup at all
  auto& sel = *refused_select_;
  sel.reset();
  sel.bind(":id_number", id);
  return sel.executeStep() ? static_cast<std::size_t>(sel.getColumn(0).getInt64()) : 0;
}

// A number the school corrected away (schema 0012) is not a new graduate: adding it would make a
// second record of the same person. The row is refused with the number it became.
bool RosterImport::corrected_away(const RowValues& r, std::size_t row) {
  auto& q = *corrected_;
  q.reset();
  q.bind(":id_number", r.v[kIdNumber]);
  q.bind(":cohort", r.cohort);
  if (!q.executeStep()) return false;
  const std::string now_id = q.getColumn(0).getString();
  const auto at = parse_time(q.getColumn(1).getString());
  problem(row, kIdNumber, "id_corrected",
          "身份证号 " + mask_resident_id(r.v[kIdNumber]) + " (届别 " + std::to_string(r.cohort) +
              ") was corrected by the school to " + mask_resident_id(now_id) +
              (at ? " on " + format_cst_date(*at) : std::string()) +
              " (student correct); fix this row of the file, or correct the record back if the "
              "old number was right");
  return true;
}

// A file made before the school corrected a record (student correct) still has the old value:
// importing it would quietly undo the correction (and, for a name, make the graduate's favourites
// and invitations invalid again). A field whose incoming value is the one the school's latest
// correction of that field replaced, while the record still holds what it was corrected to, is
// refused; a value that differs from both is an ordinary update.
bool RosterImport::reverts_correction(const RowValues& r, const nlohmann::json& changes,
                                      std::size_t row) {
  static const std::map<std::string, std::pair<Field, const char*>> kCorrectable = {
      {"name", {kName, "学生姓名"}},         {"school_code", {kSchool, "毕业院校"}},
      {"department", {kDepartment, "院系"}}, {"degree_level", {kLevel, "学历层次"}},
      {"major", {kMajor, "专业"}},           {"training_mode", {kTrainingMode, "培养方式"}},
      {"phone", {kPhone, "手机号码"}},       {"email", {kEmail, "电子邮箱"}}};
  std::size_t correctable = 0;  // changed fields a student correct may have set
  for (auto it = changes.begin(); it != changes.end(); ++it) {
    correctable += kCorrectable.contains(it.key()) ? 1 : 0;
  }
  if (correctable == 0) return false;  // 学号 or 性别 alone: no events to read
  auto& q = *corrections_;
  q.reset();
  q.bind(":id_number", r.v[kIdNumber]);
  std::set<std::string> decided;  // the latest correction of a field decides for it
  bool reverted = false;
  while (decided.size() < correctable && q.executeStep()) {
    auto details = nlohmann::json::parse(q.getColumn(1).getString(), nullptr, false);
    if (!details.is_object() || details.value("cohort", 0) != r.cohort) continue;
    const auto corrected = details.value("changes", nlohmann::json::object());
    for (auto it = changes.begin(); it != changes.end(); ++it) {
      const auto known = kCorrectable.find(it.key());
      if (known == kCorrectable.end() || !corrected.contains(it.key()) ||
          !decided.insert(it.key()).second) {
        continue;
      }
      const auto& c = corrected[it.key()];
      if (c.value("old", "") != it.value().value("new", "") ||
          c.value("new", "") != it.value().value("old", "")) {
        continue;
      }
      const auto at = parse_time(q.getColumn(0).getString());
      auto shown = [&](const std::string& v) { return it.key() == "phone" ? mask_phone(v) : v; };
      problem(row, known->second.first, "reverts_correction",
              std::string(known->second.second) + " '" + shown(c.value("old", "")) +
                  "' is the value the school corrected to '" + shown(c.value("new", "")) + "'" +
                  (at ? " on " + format_cst_date(*at) : std::string()) +
                  " (student correct); importing it would undo the correction: fix this row of "
                  "the file, or correct the record again if the file is right");
      reverted = true;
    }
  }
  return reverted;
}

void RosterImport::duplicate(std::size_t row, const RowValues& r, std::size_t first,
                             bool first_rejected) {
  std::string what = "身份证号 " + mask_resident_id(r.v[kIdNumber]);
  if (!first_rejected) what += " (届别 " + std::to_string(r.cohort) + ")";
  problem(row, kIdNumber, "duplicate_in_file", earlier_row_message(what, first, first_rejected));
}

bool RosterImport::write(const RowValues& r, std::size_t row) {
  const std::string& now = now_text_;
  if (corrected_ && corrected_away(r, row)) return false;
  // Most rows are new: try the insert first and look the row up only when it exists.
  // The row's text is bound without copies: it stays put until exec() below has run.
  auto& ins = *insert_;
  ins.reset();
  ins.bind_no_copy(":id_number", r.v[kIdNumber]);
  ins.bind(":cohort", r.cohort);
  ins.bind_no_copy(":name", r.v[kName]);
  ins.bind_no_copy(":school", r.school_code);
  ins.bind_no_copy(":department", r.v[kDepartment]);
  if (r.level_code.empty()) {
    ins.bind(":level");
  } else {
    ins.bind_no_copy(":level", r.level_code);
  }
  ins.bind_no_copy(":major", r.v[kMajor]);
  ins.bind_no_copy(":mode", r.v[kTrainingMode].empty() ? kDefaultTrainingMode : r.v[kTrainingMode]);
  ins.bind_no_copy(":student_no", r.v[kStudentNo]);
  ins.bind_no_copy(":gender", r.v[kGender]);
  ins.bind_no_copy(":phone", r.v[kPhone]);
  ins.bind_no_copy(":email", r.v[kEmail]);
  ins.bind(":import", static_cast<std::int64_t>(import_id_));
  ins.bind_no_copy(":now", now);
  if (ins.exec() == 1) {
    created_.add(db_.getLastInsertRowid(), row);
    ++report_.added;
    return true;
  }
  auto& sel = *select_;
  sel.reset();
  sel.bind(":id_number", r.v[kIdNumber]);
  sel.bind(":cohort", r.cohort);
  if (!sel.executeStep()) throw Error::internal("graduate vanished during import");
  const std::int64_t graduate_id = sel.getColumn(0).getInt64();
  if (std::size_t first = earlier_row(graduate_id, sel.getColumn(11).getInt64(), row, true)) {
    duplicate(row, r, first, false);
    return false;
  }
  // Stored values; an empty cell never erases one.
  struct Compared {
    const char* key;
    int column;
    std::string incoming;
  };
  std::vector<Compared> fields = {{"name", 1, r.v[kName]},
                                  {"school_code", 2, r.school_code},
                                  {"department", 3, r.v[kDepartment]},
                                  {"degree_level", 4, r.level_code},
                                  {"major", 5, r.v[kMajor]},
                                  {"training_mode", 6, r.v[kTrainingMode]},
                                  {"student_no", 7, r.v[kStudentNo]},
                                  {"gender", 8, r.v[kGender]},
                                  {"phone", 9, r.v[kPhone]},
                                  {"email", 10, r.v[kEmail]}};
  nlohmann::json changes = nlohmann::json::object();
  std::array<std::string, 11> next;
  for (const auto& f : fields) {
    std::string old = sel.getColumn(f.column).getString();
    next[static_cast<std::size_t>(f.column)] = old;
    if (!f.incoming.empty() && f.incoming != old) {
      changes[f.key] = {{"old", old}, {"new", f.incoming}};
      next[static_cast<std::size_t>(f.column)] = f.incoming;
    }
  }
  if (changes.empty()) {
    ++report_.unchanged;
    return true;
  }
  if (reverts_correction(r, changes, row)) return false;
  auto& up = *update_;
  up.reset();
  up.bind(":gid", graduate_id);
  up.bind(":name", next[1]);
  up.bind(":school", next[2]);
  up.bind(":department", next[3]);
  if (next[4].empty()) {
    up.bind(":level");
  } else {
    up.bind(":level", next[4]);
  }
  up.bind(":major", next[5]);
  up.bind(":mode", next[6]);
  up.bind(":student_no", next[7]);
  up.bind(":gender", next[8]);
  up.bind(":phone", next[9]);
  up.bind(":email", next[10]);
  up.bind(":now", now);
  up.exec();
  auto event = audit_->event("graduate.update", "graduate", r.v[kIdNumber], "roster import",
                             {{"cohort", r.cohort},
                              {"import_id", import_id_},
                              {"file", file_.filename().string()},
                              {"changes", changes}});
  Notification note;
  note.recipient_type = "graduate";
  note.recipient_id = r.v[kIdNumber];
  note.template_name = "graduate_record_changed";
  note.payload = {{"cohort", r.cohort}, {"fields", nlohmann::json::array()}};
  for (auto it = changes.begin(); it != changes.end(); ++it)
    note.payload["fields"].push_back(it.key());
  audit_->notify(event, note);
  ++report_.updated;
  // DOMAIN.md "Invalid (失效)": a corrected record voids what was built on the old one (which
  // fields: change_invalidates). A new 身份证号 is a new record here: the key is the ID number.
  if (change_invalidates(changes)) {
    auto count =
        invalidate_graduate(db_, *audit_, graduate_id,
                            "毕业生信息已更正 (roster re-import): " + file_.filename().string());
    report_.invalidated_favorites += count.favorites;
    report_.invalidated_invitations += count.invitations;
    report_.invalidated_registrations += count.registrations;
  }
  return true;
}

ImportReport RosterImport::run() {
  check_cohort_option(options_.cohort);
  auto reader = open_import_sheet(file_, options_.sheet, report_);

  SheetRow row;
  std::vector<std::size_t> required = {kName, kIdNumber};
  std::string_view hint;
  if (options_.school.empty()) {
    required.push_back(kSchool);
    hint = "毕业院校 may be left out when --school names the school";
  }
  header_ = find_header_row(*reader, row, roster_fields(), required, file_, hint);
  report_.header_row = header_.number;
  report_.warnings = header_.warnings;
  if (auto w = sheet_option_warning(*reader, options_.sheet)) report_.warnings.push_back(*w);
  if (!header_.columns[kCohort] && options_.cohort.empty()) {
    // Every row would be refused with cohort_missing: say it once, for the file.
    throw Error::invalid_input(file_.string() + ": the header row (row " +
                               std::to_string(header_.number) +
                               ") has no 届别 column; add one, or give --cohort YEAR for all rows");
  }
  now_text_ = format_utc(actor_.now);
  // The unique index takes random inserts: a larger page cache keeps them from spilling to the
  // WAL again and again (32 MiB holds a million-row import's indexes: 1.4 s less than 8 MiB).
  // It is a bound, not a size: the import peaks near 56 MiB for a million rows and for twelve.
  db_.exec("PRAGMA cache_size = -32768");
  // The stored graduates this file matched, with the row that first matched each (see
  // earlier_row), and the valid ID numbers of refused rows (see process). Temporary tables:
  // SQLite pages them out to a temporary file, so memory stays bounded.
  db_.exec(
      "CREATE TEMP TABLE IF NOT EXISTS import_seen (graduate_id INTEGER PRIMARY KEY, row "
      "INTEGER NOT NULL)");
  db_.exec(
      "CREATE TEMP TABLE IF NOT EXISTS import_refused (id_number TEXT PRIMARY KEY, row INTEGER "
      "NOT NULL) WITHOUT ROWID");

  // Foreign keys are not enforced inside the import's transaction: checking four parents for
  // every row (school, 学历层次, 培养方式, the import) took a sixth of SQLite's time. The import
  // checks each reference itself against the tables as they are inside this transaction:
  // schools and 学历层次 are read below, after BEGIN, 培养方式 is one of three names checked
  // here, and the import's row is written first. `ncssctl db check` runs foreign_key_check.
  ForeignKeysOff unchecked(db_);
  ImportTransaction tx(db_, options_.dry_run);
  if (db_.execAndGet("SELECT count(*) FROM training_modes WHERE name IN ('非定向', '定向', '委培')")
          .getInt() != 3) {
    throw Error::internal("the training_modes table lacks 非定向, 定向 or 委培");
  }
  schools_ = load_school_names(db_);
  levels_ = load_levels(db_);
  default_school_code_ = school_filter_code(schools_, options_.school);
  db_.exec("DELETE FROM temp.import_seen");
  db_.exec("DELETE FROM temp.import_refused");
  audit_ = std::make_unique<AuditWriter>(db_, actor_);
  {
    SQLite::Statement q(db_,
                        "INSERT INTO imports (at, actor, file, format, encoding, sheet) VALUES "
                        "(:at, :actor, :file, :format, :encoding, :sheet)");
    q.bind(":at", format_utc(actor_.now));
    q.bind(":actor", actor_.name);
    q.bind(":file", file_.string());
    q.bind(":format", report_.format);
    q.bind(":encoding", report_.encoding);
    q.bind(":sheet", report_.sheet);
    q.exec();
    import_id_ = db_.getLastInsertRowid();
  }
  select_.emplace(db_,
                  "SELECT id, name, school_code, department, coalesce(degree_level, ''), major, "
                  "training_mode, student_no, gender, phone, email, import_id FROM graduates "
                  "WHERE id_number = :id_number AND cohort = :cohort");
  key_.emplace(db_,
               "SELECT id, import_id FROM graduates WHERE id_number = :id_number AND cohort = "
               ":cohort");
  seen_insert_.emplace(db_,
                       "INSERT INTO temp.import_seen (graduate_id, row) VALUES (:graduate, :row) "
                       "ON CONFLICT DO NOTHING");
  seen_select_.emplace(db_, "SELECT row FROM temp.import_seen WHERE graduate_id = :graduate");
  refused_insert_.emplace(db_,
                          "INSERT INTO temp.import_refused (id_number, row) VALUES (:id_number, "
                          ":row) ON CONFLICT DO NOTHING");
  refused_select_.emplace(db_, "SELECT row FROM temp.import_refused WHERE id_number = :id_number");
  corrections_.emplace(db_,
                       "SELECT at, details FROM events WHERE subject_type = 'graduate' AND "
                       "subject_id = :id_number AND action = 'graduate.correct' ORDER BY id DESC");
  if (db_.execAndGet("SELECT EXISTS (SELECT 1 FROM corrected_ids)").getInt() != 0) {
    corrected_.emplace(db_,
                       "SELECT g.id_number, c.corrected_at FROM corrected_ids c JOIN graduates g "
                       "ON g.id = c.graduate_id WHERE c.id_number = :id_number AND c.cohort = "
                       ":cohort");
  }
  insert_.emplace(db_,
                  "INSERT INTO graduates (id_number, cohort, name, school_code, department, "
                  "degree_level, major, training_mode, student_no, gender, phone, email, "
                  "import_id, created_at, updated_at) VALUES (:id_number, :cohort, :name, "
                  ":school, :department, :level, :major, :mode, :student_no, :gender, :phone, "
                  ":email, :import, :now, :now) ON CONFLICT (id_number, cohort) DO NOTHING");
  update_.emplace(db_,
                  "UPDATE graduates SET name = :name, school_code = :school, department = "
                  ":department, degree_level = :level, major = :major, training_mode = :mode, "
                  "student_no = :student_no, gender = :gender, phone = :phone, email = :email, "
                  "updated_at = :now WHERE id = :gid");

  // The rows are read on a thread of their own, a few hundred ahead. That thread also checks
  // them (check() needs no database) while this one has rows waiting; when this one runs dry, it
  // checks them itself (detail::Prefetch's finish, README "Performance").
  detail::Prefetch<CheckedRow> rows(
      [&](CheckedRow& c) {
        if (!reader->next(c.row)) return false;
        c.checked = false;
        return true;
      },
      checked_row_bytes, [&](CheckedRow& c) { check(c); });
  CheckedRow checked;
  std::size_t done = 0;
  while (rows.next(checked)) {
    process(checked);
    if (++done % kImportProgressEvery == 0 && progress_) progress_->rows_done(done);
  }
  if (progress_) progress_->rows_done(done);
  if (done == 0) report_.warnings.push_back(header_.no_rows_warning());

  SQLite::Statement counts(db_,
                           "UPDATE imports SET added = :a, updated = :u, unchanged = :c, "
                           "rejected = :r, blank = :b WHERE id = :id");
  counts.bind(":a", static_cast<std::int64_t>(report_.added));
  counts.bind(":u", static_cast<std::int64_t>(report_.updated));
  counts.bind(":c", static_cast<std::int64_t>(report_.unchanged));
  counts.bind(":r", static_cast<std::int64_t>(report_.rejected));
  counts.bind(":b", static_cast<std::int64_t>(report_.blank));
  counts.bind(":id", import_id_);
  counts.exec();
  audit_->event("roster.import", "import", std::to_string(import_id_), "",
                {{"file", file_.string()},
                 {"format", report_.format},
                 {"encoding", report_.encoding},
                 {"sheet", report_.sheet},
                 {"added", report_.added},
                 {"updated", report_.updated},
                 {"unchanged", report_.unchanged},
                 {"rejected", report_.rejected},
                 {"blank", report_.blank},
                 {"invalidated_favorites", report_.invalidated_favorites},
                 {"invalidated_invitations", report_.invalidated_invitations},
                 {"invalidated_registrations", report_.invalidated_registrations}});
  select_.reset();
  insert_.reset();
  update_.reset();
  key_.reset();
  seen_insert_.reset();
  seen_select_.reset();
  refused_insert_.reset();
  refused_select_.reset();
  corrected_.reset();
  corrections_.reset();
  // A dry run, or --all-or-nothing with a rejected row, writes nothing (a dry run inside a
  // DryRunSession keeps the file for the files after it, until the session rolls back).
  report_.written = tx.end(!(options_.all_or_nothing && report_.rejected > 0));
  return std::move(report_);
}

}  // namespace

const std::vector<RosterField>& roster_fields() {
  static const std::vector<RosterField> fields = {
      {"name", "学生姓名", {"姓名", "学生名称"}, true},
      {"id_number", "身份证号", {"身份证号码", "身份证", "证件号码", "id", "id_no"}, true},
      {"school", "毕业院校", {"学校", "学校名称", "院校名称", "院校"}, true},
      {"department", "院系", {"学院", "院系名称", "所在院系"}, false},
      {"degree_level", "学历层次", {"学历", "level"}, false},
      {"major", "专业", {"专业名称"}, false},
      {"cohort", "届别", {"毕业年份", "届次", "year"}, false},
      {"training_mode", "培养方式", {"mode"}, false},
      {"student_no", "学号", {"student_id"}, false},
      {"gender", "性别", {"sex"}, false},
      {"phone", "手机号码", {"手机号", "手机", "联系电话", "mobile"}, false},
      {"email", "电子邮箱", {"邮箱", "电子邮件", "e-mail", "mail"}, false},
  };
  return fields;
}

std::optional<int> parse_cohort(std::string_view text) {
  if (text.size() != 4) return std::nullopt;
  int year = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    year = year * 10 + (c - '0');
  }
  if (year < kFirstCohort || year > kLastCohort) return std::nullopt;
  return year;
}

void check_import_options(Store& store, const ImportOptions& options) {
  with_storage_errors([&] {
    check_cohort_option(options.cohort);
    school_filter_code(database(store), options.school);
  });
}

ImportReport import_roster(Store& store, const std::filesystem::path& file,
                           const ImportOptions& options, const Actor& actor,
                           ImportProgress* progress, const ProblemSink& sink) {
  return with_storage_errors([&] {
    RosterImport import(database(store), file, options, actor, progress, sink);
    return import.run();
  });
}

namespace {

constexpr const char* kGraduateColumns =
    "g.id, g.id_number, g.cohort, g.name, g.school_code, s.name, g.department, "
    "coalesce(g.degree_level, ''), coalesce(d.note, ''), g.major, g.training_mode, g.student_no, "
    "g.gender, g.phone, g.email, g.status, g.created_at, g.updated_at FROM graduates g "
    "JOIN schools s ON s.code = g.school_code LEFT JOIN degree_levels d ON d.code = "
    "g.degree_level";

Graduate read_graduate(SQLite::Statement& q) {
  Graduate g;
  g.id = q.getColumn(0).getInt64();
  g.id_number = q.getColumn(1).getString();
  g.cohort = q.getColumn(2).getInt();
  g.name = q.getColumn(3).getString();
  g.school_code = q.getColumn(4).getString();
  g.school_name = q.getColumn(5).getString();
  g.department = q.getColumn(6).getString();
  g.degree_level = q.getColumn(7).getString();
  g.degree_level_name = q.getColumn(8).getString();
  g.major = q.getColumn(9).getString();
  g.training_mode = q.getColumn(10).getString();
  g.student_no = q.getColumn(11).getString();
  g.gender = q.getColumn(12).getString();
  g.phone = q.getColumn(13).getString();
  g.email = q.getColumn(14).getString();
  g.status = q.getColumn(15).getString();
  g.created_at = q.getColumn(16).getString();
  g.updated_at = q.getColumn(17).getString();
  return g;
}

}  // namespace

void for_each_graduate(Store& store, const GraduateFilter& filter,
                       const std::function<void(const Graduate&)>& sink) {
  with_storage_errors([&] {
    auto& db = database(store);
    const std::string school_code = school_filter_code(db, filter.school);
    std::string level;
    if (!filter.degree_level.empty()) {
      auto levels = load_levels(db);
      auto it = levels.find(filter.degree_level);
      if (it != levels.end()) {
        level = it->second;
      } else if (std::any_of(levels.begin(), levels.end(),
                             [&](const auto& l) { return l.second == filter.degree_level; })) {
        level = filter.degree_level;  // a code: 31
      } else {
        throw Error::usage("--level '" + filter.degree_level +
                           "' must be 博士, 硕士, 本科, 专科 or a code of `ncssctl codes "
                           "degree_level`");
      }
    }
    SQLite::Statement q(db, std::string("SELECT ") + kGraduateColumns +
                                " WHERE (:school = '' OR g.school_code = :school) AND "
                                "(:department = '' OR g.department = :department) AND "
                                "(:cohort = 0 OR g.cohort = :cohort) AND (:level = '' OR "
                                "g.degree_level = :level) AND (:mode = '' OR g.training_mode = "
                                ":mode) ORDER BY g.school_code, g.cohort, g.id_number");
    q.bind(":school", school_code);
    q.bind(":department", filter.department);
    q.bind(":cohort", filter.cohort);
    q.bind(":level", level);
    q.bind(":mode", filter.training_mode);
    while (q.executeStep()) sink(read_graduate(q));
  });
}

Graduate get_graduate(Store& store, const std::string& id_number, int cohort) {
  return with_storage_errors([&] {
    std::string id = normalize_resident_id(id_number);
    SQLite::Statement q(database(store), std::string("SELECT ") + kGraduateColumns +
                                             " WHERE g.id_number = :id AND (:cohort = 0 OR "
                                             "g.cohort = :cohort) ORDER BY g.cohort");
    q.bind(":id", id);
    q.bind(":cohort", cohort);
    std::vector<Graduate> found;
    while (q.executeStep()) found.push_back(read_graduate(q));
    if (found.empty()) throw Error::not_found("graduate", mask_resident_id(id));
    if (found.size() > 1) {
      std::string cohorts;
      for (const auto& g : found)
        cohorts += (cohorts.empty() ? "" : ", ") + std::to_string(g.cohort);
      throw Error::usage("graduate " + mask_resident_id(id) + " is on the rosters of cohorts " +
                         cohorts + "; say which with --cohort");
    }
    return found.front();
  });
}

}  // namespace ncss
