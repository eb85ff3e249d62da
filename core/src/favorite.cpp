#include "ncss/favorite.hpp"

#include <xlsxwriter.h>

#include <array>
#include <bitset>
#include <cstdio>
#include <optional>
#include <unordered_map>

#include "audit_impl.hpp"
#include "employer_impl.hpp"
#include "ncss/identity.hpp"
#include "ncss/sheet.hpp"
#include "partial_file.hpp"
#include "seen_keys.hpp"
#include "sheet_header.hpp"
#include "store_impl.hpp"
#include "text_rules.hpp"

namespace ncss {

namespace {

enum Field : std::size_t { kName, kIdNumber, kSchool, kFieldCount };

// Why a row cannot become a favourite: a reason code and plain words, or nothing.
struct Refusal {
  Field field;
  std::string code;
  std::string message;
};

// Defects of a normalised ID number as reason codes, as the roster import names them.
std::vector<Refusal> id_problems(const std::string& id, Timestamp now) {
  std::vector<Refusal> out;
  for (auto& r : id_refusals(id, now)) out.push_back({kIdNumber, r.code, r.message});
  return out;
}

struct Match {
  std::int64_t graduate_id = 0;
  int cohort = 0;
};

// Finds the graduate matching all three, or says which did not match. Never reveals the stored
// name or school of an ID number.
class Matcher {
 public:
  explicit Matcher(SQLite::Database& db)
      : q_(db,
           "SELECT id, cohort, name, school_code, status FROM graduates WHERE id_number = :id "
           "AND (:cohort = 0 OR cohort = :cohort) ORDER BY cohort") {}

  // On success returns the match; otherwise fills `refusal`. `ambiguous` lists the cohorts when
  // several match and no cohort was given.
  std::optional<Match> find(const std::string& id, const std::string& name,
                            const std::string& school_code, int cohort, Refusal& refusal) {
    struct Row {
      std::int64_t id;
      int cohort;
      std::string name, school, status;
    };
    std::vector<Row> rows;
    q_.reset();
    q_.bind(":id", id);
    q_.bind(":cohort", cohort);
    while (q_.executeStep()) {
      rows.push_back({q_.getColumn(0).getInt64(), q_.getColumn(1).getInt(),
                      q_.getColumn(2).getString(), q_.getColumn(3).getString(),
                      q_.getColumn(4).getString()});
    }
    std::string masked = mask_resident_id(id);
    std::string where = cohort ? " of cohort " + std::to_string(cohort) : "";
    if (rows.empty()) {
      refusal = {kIdNumber, "graduate_not_found",
                 "no graduate" + where + " has the 身份证号 " + masked};
      return std::nullopt;
    }
    std::vector<Row> named;
    for (auto& r : rows) {
      if (r.name == name) named.push_back(r);
    }
    if (named.empty()) {
      refusal = {kName, "name_mismatch",
                 "the 身份证号 " + masked + " was found, but the 学生姓名 '" + name +
                     "' does not match it"};
      return std::nullopt;
    }
    std::vector<Row> matched;
    for (auto& r : named) {
      if (r.school == school_code) matched.push_back(r);
    }
    if (matched.empty()) {
      refusal = {
          kSchool, "school_mismatch",
          "the 身份证号 " + masked + " and 学生姓名 were found, but the 毕业院校 does not match"};
      return std::nullopt;
    }
    if (matched.size() > 1) {
      std::string cohorts;
      for (const auto& r : matched)
        cohorts += (cohorts.empty() ? "" : ", ") + std::to_string(r.cohort);
      refusal = {kIdNumber, "cohort_ambiguous",
                 "the graduate " + masked + " is on the rosters of cohorts " + cohorts +
                     "; say which with --cohort"};
      return std::nullopt;
    }
    if (matched.front().status != "valid") {
      refusal = {kIdNumber, "graduate_invalid",
                 "the graduate " + masked + " is marked invalid on the roster and cannot be added"};
      return std::nullopt;
    }
    return Match{matched.front().id, matched.front().cohort};
  }

 private:
  SQLite::Statement q_;
};

// Adds within the caller's transaction; false when it is a favourite already.
class FavoriteWriter {
 public:
  FavoriteWriter(SQLite::Database& db, AuditWriter& audit, const Actor& actor,
                 const std::string& credit_code)
      : audit_(audit),
        actor_(actor),
        credit_code_(credit_code),
        now_(format_utc(actor.now)),
        insert_(db,
                "INSERT INTO favorites (credit_code, graduate_id, cohort, created_at, created_by) "
                "VALUES (:c, :g, :cohort, :now, :by) ON CONFLICT (credit_code, graduate_id) DO "
                // A favourite made invalid (失效) by a roster correction is added again.
                "UPDATE SET status = 'valid', cohort = excluded.cohort, created_at = "
                "excluded.created_at, created_by = excluded.created_by WHERE status = "
                "'invalid'") {}

  bool add(const Match& m, const std::string& id, const std::string& via) {
    insert_.reset();
    insert_.bind(":c", credit_code_);
    insert_.bind(":g", m.graduate_id);
    insert_.bind(":cohort", m.cohort);
    insert_.bind(":now", now_);
    insert_.bind(":by", actor_.name);
    if (insert_.exec() == 0) return false;
    audit_.event("favorite.add", "employer", credit_code_, "",
                 {{"id_number", id}, {"cohort", m.cohort}, {"via", via}});
    return true;
  }

 private:
  AuditWriter& audit_;
  const Actor& actor_;
  std::string credit_code_;
  std::string now_;
  SQLite::Statement insert_;
};

std::string already_message(const std::string& id) {
  return "the graduate " + mask_resident_id(id) + " is already in favourites";
}

}  // namespace

const std::vector<RosterField>& favorite_fields() {
  static const std::vector<RosterField> fields(roster_fields().begin(),
                                               roster_fields().begin() + kFieldCount);
  return fields;
}

Favorite add_favorite(Store& store, const std::string& credit_code_raw,
                      const FavoriteRequest& request, const Actor& actor) {
  return with_storage_errors([&] {
    auto& db = database(store);
    SQLite::Transaction tx(db, SQLite::TransactionBehavior::IMMEDIATE);
    std::string credit_code = normalize_credit_code(credit_code_raw);
    require_verified_employer_in(db, credit_code, "add favourites");
    std::string name = trim(request.name);
    if (name.empty()) throw Error::invalid_input("--name (学生姓名) is empty");
    // Matched against the roster, which holds no hidden character: refused as the input it is.
    checked_text(name, "--name (学生姓名)", TextLines::Single);
    checked_text(trim(request.id_number), "--id (身份证号)", TextLines::Single);
    checked_text(trim(request.school), "--school (毕业院校)", TextLines::Single);
    std::string id = normalize_resident_id(request.id_number);
    if (id.empty()) throw Error::invalid_input("--id (身份证号) is empty");
    auto defects = id_problems(id, actor.now);
    if (!defects.empty()) throw Error::invalid_input(defects.front().message);
    // An unknown school names nothing known: exit 2, as in every --school filter.
    const std::string school = school_filter_code(load_school_names(db), request.school);
    if (school.empty()) throw Error::invalid_input("--school (毕业院校) is empty");
    Matcher matcher(db);
    Refusal refusal;
    auto m = matcher.find(id, name, school, request.cohort, refusal);
    if (!m) {
      if (refusal.code == "cohort_ambiguous") throw Error::usage(refusal.message);
      if (refusal.code == "graduate_invalid") throw Error::invalid_transition(refusal.message);
      throw Error(ErrorCode::NotFound, refusal.message);
    }
    AuditWriter audit(db, actor);
    FavoriteWriter writer(db, audit, actor, credit_code);
    if (!writer.add(*m, id, "add")) throw Error::conflict(already_message(id));
    tx.commit();
    for (auto& f : list_favorites(store, credit_code, m->cohort)) {
      if (f.id_number == id) return f;
    }
    throw Error::internal("favourite vanished after it was added");
  });
}

namespace {

class FavoriteImport {
 public:
  FavoriteImport(SQLite::Database& db, const std::string& credit_code,
                 const std::filesystem::path& file, const FavoriteImportOptions& o,
                 const Actor& actor, const ProblemSink& sink, ImportProgress* progress)
      : db_(db),
        credit_code_(credit_code),
        file_(file),
        o_(o),
        actor_(actor),
        sink_(sink),
        progress_(progress) {}

  ImportReport run() {
    auto reader = open_import_sheet(file_, o_.sheet, report_);
    SheetRow row;
    header_ = find_header_row(*reader, row, favorite_fields(), {kName, kIdNumber, kSchool}, file_);
    report_.header_row = header_.number;
    report_.warnings = header_.warnings;
    if (auto w = sheet_option_warning(*reader, o_.sheet)) report_.warnings.push_back(*w);
    schools_ = load_school_names(db_);

    ImportTransaction tx(db_, o_.dry_run);
    AuditWriter audit(db_, actor_);
    Matcher matcher(db_);
    FavoriteWriter writer(db_, audit, actor_, credit_code_);
    SeenKeys seen(db_);
    std::size_t done = 0;
    while (reader->next(row)) {
      process(row, matcher, writer, seen);
      if (++done % kImportProgressEvery == 0 && progress_) progress_->rows_done(done);
    }
    if (progress_) progress_->rows_done(done);
    if (done == 0) report_.warnings.push_back(header_.no_rows_warning());
    audit.event("favorite.import", "employer", credit_code_, "",
                {{"file", file_.string()},
                 {"added", report_.added},
                 {"rejected", report_.rejected},
                 {"blank", report_.blank}});
    report_.written = tx.end(!(o_.all_or_nothing && report_.rejected > 0));
    return std::move(report_);
  }

 private:
  void problem(std::size_t row, Field f, const std::string& code, const std::string& message) {
    RowProblem p = header_.problem(row, f, favorite_fields(), code, message);
    p.sheet = report_.sheet;
    rejected_ = true;
    if (sink_) {
      sink_(p);
    } else {
      report_.problems.push_back(std::move(p));
    }
  }

  const Cell* cell(const SheetRow& row, Field f) const { return header_.cell(row, f); }

  void process(const SheetRow& row, Matcher& matcher, FavoriteWriter& writer, SeenKeys& seen) {
    rejected_ = false;
    const std::size_t n = row.number;
    std::array<std::string, kFieldCount> v;
    bool any = false;
    std::bitset<kFieldCount> unreadable;  // refused for what the cell holds (as the roster)
    for (std::size_t f = 0; f < kFieldCount; ++f) {
      if (const Cell* c = cell(row, static_cast<Field>(f))) v[f] = trim(c->text);
      any |= !v[f].empty();
    }
    if (!any) {
      ++report_.blank;
      return;
    }
    if (header_.repeated_in(row)) {
      problem(n, kName, "header_repeated", header_.repeated_message());
      ++report_.rejected;
      return;
    }
    for (std::size_t f = 0; f < kFieldCount; ++f) {
      const Cell* c = cell(row, static_cast<Field>(f));
      if (!c || v[f].empty()) continue;
      auto refusal = refuse_cell(*c, v[f], favorite_fields()[f].header);
      if (!refusal) continue;
      problem(n, static_cast<Field>(f), refusal->code, refusal->message);
      unreadable.set(f);
      v[f].clear();
    }
    if (unreadable.any()) {
      ++report_.rejected;
      return;
    }
    if (v[kName].empty()) problem(n, kName, "name_missing", "学生姓名 is empty");
    std::string id;
    bool id_ok = false;
    const Cell* id_cell = cell(row, kIdNumber);
    if (id_cell && id_cell->kind == CellKind::Text) {
      v[kIdNumber] = std::string(unwrap_text_marker(v[kIdNumber]));
    }
    if (v[kIdNumber].empty()) {
      problem(n, kIdNumber, "id_missing", "身份证号 is empty");
    } else if (auto refusal = refuse_id_number_kept_as_number(id_cell, v[kIdNumber])) {
      problem(n, kIdNumber, refusal->code, refusal->message);
    } else {
      id = normalize_resident_id(v[kIdNumber]);
      auto defects = id_problems(id, actor_.now);
      for (const auto& d : defects) problem(n, d.field, d.code, d.message);
      id_ok = defects.empty();
    }
    std::string school_code;
    if (v[kSchool].empty()) {
      problem(n, kSchool, "school_missing", "毕业院校 is empty");
    } else {
      auto it = schools_.find(v[kSchool]);
      if (it == schools_.end()) {
        problem(n, kSchool, "school_unknown",
                "毕业院校 '" + v[kSchool] +
                    "' is not on the national list of institutions (by name, former name or code)");
      } else {
        school_code = it->second;
      }
    }
    // The first row of an ID number wins, even when it is rejected (as in the roster import).
    bool first_of_id = false;
    if (id_ok) {
      if (auto earlier = seen.first(id, n)) {
        problem(
            n, kIdNumber, "duplicate_in_file",
            earlier_row_message("身份证号 " + mask_resident_id(id), earlier.row, earlier.rejected));
      } else {
        first_of_id = true;
      }
    }
    if (!rejected_) {
      Refusal refusal;
      auto m = matcher.find(id, v[kName], school_code, o_.cohort, refusal);
      if (!m) {
        problem(n, refusal.field, refusal.code, refusal.message);
      } else if (!writer.add(*m, id, "import")) {
        problem(n, kIdNumber, "already_favorite", already_message(id));
      } else {
        ++report_.added;
      }
    }
    if (rejected_) {
      ++report_.rejected;
      if (first_of_id) seen.reject(id);
    }
  }

  SQLite::Database& db_;
  std::string credit_code_;
  std::filesystem::path file_;
  const FavoriteImportOptions& o_;
  const Actor& actor_;
  const ProblemSink& sink_;
  ImportProgress* progress_;
  ImportReport report_;
  HeaderRow header_;
  std::unordered_map<std::string, std::string> schools_;
  bool rejected_ = false;
};

}  // namespace

ImportReport import_favorites(Store& store, const std::string& credit_code,
                              const std::filesystem::path& file,
                              const FavoriteImportOptions& options, const Actor& actor,
                              const ProblemSink& sink, ImportProgress* progress) {
  return with_storage_errors([&] {
    auto& db = database(store);
    std::string code = normalize_credit_code(credit_code);
    require_verified_employer_in(db, code, "add favourites");
    FavoriteImport import(db, code, file, options, actor, sink, progress);
    return import.run();
  });
}

void remove_favorite(Store& store, const std::string& credit_code_raw, const std::string& id_number,
                     int cohort, const Actor& actor) {
  with_storage_errors([&] {
    auto& db = database(store);
    SQLite::Transaction tx(db, SQLite::TransactionBehavior::IMMEDIATE);
    std::string credit_code = normalize_credit_code(credit_code_raw);
    {
      SQLite::Statement e(db, "SELECT 1 FROM employers WHERE credit_code = :c");
      e.bind(":c", credit_code);
      if (!e.executeStep()) throw employer_not_found(credit_code);
    }
    std::string id = normalize_resident_id(id_number);
    SQLite::Statement q(db,
                        "SELECT f.id, f.cohort FROM favorites f JOIN graduates g ON g.id = "
                        "f.graduate_id WHERE f.credit_code = :c AND g.id_number = :id AND "
                        "(:cohort = 0 OR f.cohort = :cohort) ORDER BY f.cohort");
    q.bind(":c", credit_code);
    q.bind(":id", id);
    q.bind(":cohort", cohort);
    std::vector<std::pair<std::int64_t, int>> found;
    while (q.executeStep()) found.emplace_back(q.getColumn(0).getInt64(), q.getColumn(1).getInt());
    if (found.empty()) {
      throw Error(ErrorCode::NotFound, "the graduate " + mask_resident_id(id) +
                                           " is not in the favourites of " + credit_code);
    }
    if (found.size() > 1) {
      throw Error::usage("the graduate " + mask_resident_id(id) +
                         " is a favourite in several cohorts; say which with --cohort");
    }
    SQLite::Statement del(db, "DELETE FROM favorites WHERE id = :id");
    del.bind(":id", found.front().first);
    del.exec();
    AuditWriter audit(db, actor);
    audit.event("favorite.remove", "employer", credit_code, "",
                {{"id_number", id}, {"cohort", found.front().second}});
    tx.commit();
  });
}

std::vector<Favorite> list_favorites(Store& store, const std::string& credit_code_raw, int cohort,
                                     const std::string& status) {
  return with_storage_errors([&] {
    if (!status.empty() && status != "valid" && status != "invalid") {
      throw Error::usage("--status must be valid or invalid, not '" + status + "'");
    }
    auto& db = database(store);
    std::string credit_code = normalize_credit_code(credit_code_raw);
    {
      SQLite::Statement e(db, "SELECT 1 FROM employers WHERE credit_code = :c");
      e.bind(":c", credit_code);
      if (!e.executeStep()) throw employer_not_found(credit_code);
    }
    SQLite::Statement q(
        db,
        "SELECT g.id_number, g.name, g.gender, g.school_code, s.name, coalesce(d.note, ''), "
        "g.major, f.cohort, CASE WHEN f.status = 'valid' THEN g.status ELSE f.status END, "
        "f.created_at, f.created_by FROM favorites f JOIN graduates "
        "g ON g.id = f.graduate_id JOIN schools s ON s.code = g.school_code LEFT JOIN "
        "degree_levels d ON d.code = g.degree_level WHERE f.credit_code = :c AND (:cohort = 0 "
        "OR f.cohort = :cohort) AND (:status = '' OR (CASE WHEN f.status = 'valid' THEN "
        "g.status ELSE f.status END) = :status) ORDER BY f.cohort, g.school_code, g.id_number");
    q.bind(":c", credit_code);
    q.bind(":cohort", cohort);
    q.bind(":status", status);
    std::vector<Favorite> out;
    while (q.executeStep()) {
      Favorite f;
      f.credit_code = credit_code;
      f.id_number = q.getColumn(0).getString();
      f.name = q.getColumn(1).getString();
      f.gender = q.getColumn(2).getString();
      f.school_code = q.getColumn(3).getString();
      f.school_name = q.getColumn(4).getString();
      f.degree_level = q.getColumn(5).getString();
      f.major = q.getColumn(6).getString();
      f.cohort = q.getColumn(7).getInt();
      f.status = q.getColumn(8).getString();
      f.added_at = q.getColumn(9).getString();
      f.added_by = q.getColumn(10).getString();
      out.push_back(std::move(f));
    }
    return out;
  });
}

void write_favorite_template(const std::filesystem::path& file) {
  const std::string partial = start_partial_file(file).string();
  auto fail = [&](const std::string& what) {
    std::remove(partial.c_str());
    throw Error::io("cannot write the template '" + file.string() + "': " + what);
  };
  lxw_workbook* book = workbook_new(partial.c_str());
  if (book == nullptr) fail("cannot start the workbook");
  lxw_worksheet* sheet = workbook_add_worksheet(book, "收藏名单");
  lxw_format* bold = workbook_add_format(book);
  format_set_bold(bold);
  lxw_format* text = workbook_add_format(book);
  format_set_num_format_index(text, 49);  // "@": Excel's 文本, so ID numbers keep 18 digits
  lxw_col_t col = 0;
  for (const auto& f : favorite_fields()) {
    worksheet_set_column(sheet, col, col, f.key == "id_number" ? 22 : 16, text);
    worksheet_write_string(sheet, 0, col, f.header.c_str(), bold);
    ++col;
  }
  worksheet_freeze_panes(sheet, 1, 0);
  lxw_error error = workbook_close(book);
  if (error != LXW_NO_ERROR) fail(lxw_strerror(error));
  std::error_code ec;
  std::filesystem::rename(partial, file, ec);
  if (ec) fail(ec.message());
}

}  // namespace ncss
