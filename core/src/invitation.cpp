#include "ncss/invitation.hpp"

#include <cctype>
#include <cerrno>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <unordered_map>

#include "audit_impl.hpp"
#include "destination_impl.hpp"
#include "employer_impl.hpp"
#include "invite_template_impl.hpp"
#include "ncss/employer.hpp"
#include "ncss/error.hpp"
#include "ncss/identity.hpp"
#include "ncss/invite_template.hpp"
#include "ncss/roster.hpp"
#include "ncss/sheet.hpp"
#include "ncss/text.hpp"
#include "seen_keys.hpp"
#include "sheet_header.hpp"
#include "signing_impl.hpp"
#include "store_impl.hpp"
#include "temp_file.hpp"
#include "text_rules.hpp"

namespace ncss {

namespace {

constexpr std::int64_t kSecondsPerDay = 86400;
constexpr std::size_t kMaxNoteChars = 200;

std::string text_of(SQLite::Column c) { return c.isNull() ? "" : c.getString(); }

struct JobInfo {
  std::string category;  // code
  std::string position, work_location, contact, contact_phone;
};

std::string job_category_code(SQLite::Database& db, const std::string& code_or_name) {
  SQLite::Statement q(db, "SELECT code FROM job_categories WHERE code = :v OR name = :v");
  q.bind(":v", trim(code_or_name));
  if (!q.executeStep()) {
    throw Error::invalid_input("拟录用职位类别 '" + code_or_name +
                               "' is not a job category (see ncssctl codes job_category)");
  }
  return q.getColumn(0).getString();
}

// A template name as one shell word, for a command the message suggests.
std::string shell_word(const std::string& s) {
  bool plain = !s.empty();
  for (unsigned char c : s) {
    plain &= c >= 0x80 || std::isalnum(c) || c == '-' || c == '_' || c == '.';
  }
  if (plain) return s;
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::string field(const TemplateFields& f, const std::string& key) {
  auto it = f.find(key);
  return it == f.end() ? "" : it->second;
}

// Whether any of the typed fields of a kind holds a value. Typed fields beside a template of the
// kind are refused (Usage): they would be dropped unseen.
bool any_typed(const std::string& kind, const TemplateFields& typed, const std::string& name) {
  bool any = false;
  for (const auto& [k, v] : typed) any |= !trim(v).empty();
  if (any && !name.empty()) {
    throw Error::usage("give the " + kind + " info typed or as --" + kind + "-template, not both");
  }
  return any;
}

JobInfo resolve_job(Store& store, SQLite::Database& db, const IssueRequest& r,
                    const std::string& code) {
  JobInfo j;
  TemplateFields typed = {{"job_category", r.job_category},
                          {"position", r.position},
                          {"work_location", r.work_location},
                          {"contact", r.contact},
                          {"contact_phone", r.contact_phone}};
  any_typed("job", typed, r.job_template);
  if (!r.job_template.empty()) {
    auto t = get_template(store, code, "job", r.job_template);
    j.category = field(t.fields, "job_category");
    j.position = field(t.fields, "position");
    j.work_location = field(t.fields, "work_location");
    j.contact = field(t.fields, "contact");
    j.contact_phone = field(t.fields, "contact_phone");
    if (trim(j.contact).empty()) {
      // A template saved before 签约联系人 was required: the employer completes it once, rather
      // than every invitation from it going out with an empty contact.
      throw Error::invalid_input("the job template '" + t.name +
                                 "' has no 签约联系人 (saved before the contact was required; "
                                 "the invitation form stars it): add one with `ncssctl template "
                                 "edit job " +
                                 shell_word(t.name) + " --employer " + code + " --contact NAME`");
    }
  } else {
    std::string missing;
    for (const auto& [value, option] :
         {std::pair{&r.job_category, "--job-category"}, std::pair{&r.position, "--position"},
          std::pair{&r.contact, "--contact"}}) {
      if (trim(*value).empty()) missing += (missing.empty() ? "" : ", ") + std::string(option);
    }
    if (!missing.empty()) {
      // The form stars 拟录用职位类别, 拟录用岗位名称 and 签约联系人 (应约有效期 has a default).
      throw Error::invalid_input("job info is missing " + missing +
                                 ": give --job-template, or --job-category, --position and "
                                 "--contact (签约联系人), which the invitation form requires");
    }
    // Typed job info is checked as `template add` checks a job template (lengths, the category
    // code, the 联系电话).
    j.category = job_category_code(db, r.job_category);
    typed["job_category"] = j.category;
    TemplateFields valid = validate_template_fields(store, "job", typed);
    j.position = field(valid, "position");
    j.work_location = field(valid, "work_location");
    j.contact = field(valid, "contact");
    j.contact_phone = field(valid, "contact_phone");
  }
  return j;
}

// The archive or hukou info: typed fields, else the named template, else the default, else
// nothing. Typed info becomes the employer's default when it has none of the kind.
std::string resolve_block(Store& store, SQLite::Database& db, const std::string& code,
                          const std::string& kind, const TemplateFields& typed,
                          const std::string& name, const Actor& actor) {
  if (any_typed(kind, typed, name)) {
    TemplateFields valid = validate_template_fields(store, kind, typed, "--" + kind + "-");
    save_first_as_default_in(db, code, kind, valid, actor);
    nlohmann::json j = nlohmann::json::object();
    for (const auto& [k, v] : valid) j[k] = v;
    return j.dump();
  }
  std::optional<InviteTemplate> t;
  if (!name.empty()) {
    t = get_template(store, code, kind, name);
  } else {
    t = default_template(store, code, kind);
  }
  nlohmann::json j = nlohmann::json::object();
  if (t) {
    for (const auto& [k, v] : t->fields) j[k] = v;
  }
  return j.dump();
}

struct Candidate {
  std::int64_t graduate_id = 0;
  std::string id_number, name, training_mode, status;
  int cohort = 0;
};

class IssueRun {
 public:
  IssueRun(SQLite::Database& db, const std::string& code)
      : code_(code),
        by_id_(db,
               "SELECT id, id_number, name, training_mode, status, cohort FROM graduates WHERE "
               "id_number = :id AND (:cohort = 0 OR cohort = :cohort) ORDER BY cohort"),
        favorite_(db, "SELECT status FROM favorites WHERE credit_code = :c AND graduate_id = :g"),
        // INDEXED BY: left to itself SQLite reads this employer's open invitations through
        // invitations_employer, which makes a bulk issue quadratic (each check reads every
        // invitation issued before it); a graduate has only a handful of invitations.
        open_(db,
              "SELECT id, state, deadline FROM invitations INDEXED BY invitations_graduate WHERE "
              "employer_code = :c AND graduate_id = :g AND state IN ('awaiting_graduate', "
              "'awaiting_review', 'signed', 'terminating') ORDER BY state IN ('signed', "
              "'terminating') DESC") {}

  // Finds the graduate of an ID number, or fills the refusal.
  std::optional<Candidate> find(const std::string& id, int cohort, IssueResult& res) {
    by_id_.reset();
    by_id_.bind(":id", id);
    by_id_.bind(":cohort", cohort);
    std::vector<Candidate> rows;
    while (by_id_.executeStep()) {
      rows.push_back({by_id_.getColumn(0).getInt64(), by_id_.getColumn(1).getString(),
                      by_id_.getColumn(2).getString(), by_id_.getColumn(3).getString(),
                      by_id_.getColumn(4).getString(), by_id_.getColumn(5).getInt()});
    }
    // An employer learns nothing of graduates outside its favourites, not even whether an ID
    // number is on a roster (favourites are added by exact name, ID and school): an ID on no
    // roster is refused as not_favorite, like one on a roster that is not among them.
    auto not_favorite = [&] {
      res.code = "not_favorite";
      res.message = "the graduate " + mask_resident_id(id) +
                    (cohort ? " (届别 " + std::to_string(cohort) + ")" : "") +
                    " is not in the favourites of " + code_;
      return std::nullopt;
    };
    if (rows.empty()) return not_favorite();
    if (rows.size() > 1) {
      // Several cohorts: the one in this employer's favourites, if only one is.
      std::vector<Candidate> fav;
      for (auto& c : rows) {
        if (favorite_status(c.graduate_id) != "") fav.push_back(c);
      }
      if (fav.empty()) return not_favorite();
      if (fav.size() != 1) {
        res.code = "cohort_ambiguous";
        res.message = "the graduate " + mask_resident_id(id) +
                      " is on several cohorts' rosters; say which with --cohort";
        return std::nullopt;
      }
      return fav.front();
    }
    return rows.front();
  }

  // Why the graduate cannot be invited now, or true. `overdue`: this employer's invitation to the
  // graduate that still awaits them but whose deadline (before `now`) has passed. The deadline is
  // a fact of time, not of the sweep (DOMAIN.md), so it no longer blocks a new invitation; the
  // caller records its expiry first. 0 when there is none.
  // `favorite`: the graduate's favorite_status for this employer. A graduate outside the
  // favourites is not_favorite before anything else is said of them.
  bool check(const Candidate& c, const std::string& favorite, IssueResult& res,
             const std::string& now, std::int64_t& overdue) {
    overdue = 0;
    std::string who = "the graduate " + mask_resident_id(c.id_number);
    if (favorite.empty()) {
      res.code = "not_favorite";
      res.message = who + " is not in the favourites of " + code_;
    } else if (c.status != "valid") {
      res.code = "graduate_invalid";
      res.message = who + " is marked invalid on the roster";
    } else if (favorite != "valid") {
      res.code = "not_favorite";
      res.message = who + " is not in the favourites of " + code_ +
                    " (the favourite became invalid (失效) when the school corrected the record; "
                    "add the graduate again)";
    } else if (c.training_mode != "非定向") {
      res.code = "training_mode";
      res.message =
          who + " is " + c.training_mode +
          " (定向/委培 graduates cannot sign online; they register 定向/委培毕业去向补充登记)";
    } else {
      open_.reset();
      open_.bind(":c", code_);
      open_.bind(":g", c.graduate_id);
      const bool open = open_.executeStep();
      const std::string state = open ? open_.getColumn(1).getString() : std::string();
      if (state == "signed" || state == "terminating") {
        // The guides let an employer invite a graduate again only after the graduate refused or
        // let the invitation lapse, or the school refused it (E24 签约邀请): a signed graduate
        // is not invited again by the same employer until that signing has ended.
        res.code = "already_signed";
        res.message = code_ + " has already signed with " + who + " (invitation " +
                      std::to_string(open_.getColumn(0).getInt64()) + ", " +
                      (state == "signed" ? "已签约" : "解约中") +
                      "); invite again only once that signing is terminated (已解约) or voided "
                      "(已作废)";
      } else if (open && state == "awaiting_graduate" && open_.getColumn(2).getString() < now) {
        overdue = open_.getColumn(0).getInt64();
      } else if (open) {
        res.code = "open_invitation";
        res.message = code_ + " already has an open invitation (" +
                      std::to_string(open_.getColumn(0).getInt64()) + ") to " + who;
      }
    }
    return res.code.empty();
  }

  // valid, invalid (失效), or empty when not a favourite.
  std::string favorite_status(std::int64_t graduate_id) {
    favorite_.reset();
    favorite_.bind(":c", code_);
    favorite_.bind(":g", graduate_id);
    return favorite_.executeStep() ? favorite_.getColumn(0).getString() : std::string();
  }

 private:
  std::string code_;
  RowStatement by_id_;
  RowStatement favorite_;
  RowStatement open_;
};

// The outcomes of a bulk issue on their way to the caller's sink: written to an unnamed
// temporary file as they are decided, read back in order once the transaction has ended.
class ResultLog {
 public:
  void write(const IssueResult& r) {
    put_text(r.id_number);
    put_text(r.name);
    put_number(r.row);
    put_number(r.issued ? 1 : 0);
    put_number(static_cast<std::uint64_t>(r.invitation_id));
    put_text(r.code);
    put_text(r.message);
  }
  // `written`: whether the transaction committed; if not, no invitation has an ID to show.
  void replay(const IssueSink& sink, bool written) {
    if (std::fflush(f_) != 0 || std::fseek(f_, 0, SEEK_SET) != 0) fail("read");
    IssueResult r;
    while (get_text(r.id_number, true)) {
      get_text(r.name);
      r.row = static_cast<std::size_t>(get_number());
      r.issued = get_number() != 0;
      r.invitation_id = static_cast<std::int64_t>(get_number());
      if (!written) r.invitation_id = 0;
      get_text(r.code);
      get_text(r.message);
      sink(r);
    }
  }

 private:
  [[noreturn]] static void fail(const char* what) {
    throw Error::io(std::string("cannot ") + what + " the report's temporary file", errno);
  }
  void put_number(std::uint64_t v) {
    if (std::fwrite(&v, sizeof v, 1, f_) != 1) fail("write");
  }
  void put_text(const std::string& t) {
    put_number(t.size());
    if (!t.empty() && std::fwrite(t.data(), 1, t.size(), f_) != t.size()) fail("write");
  }
  std::uint64_t get_number() {
    std::uint64_t v = 0;
    if (std::fread(&v, sizeof v, 1, f_) != 1) fail("read");
    return v;
  }
  // False at the end of the file, when `at_start` (a record's first field).
  bool get_text(std::string& t, bool at_start = false) {
    std::uint64_t n = 0;
    if (std::fread(&n, sizeof n, 1, f_) != 1) {
      if (at_start && std::feof(f_)) return false;
      fail("read");
    }
    t.resize(static_cast<std::size_t>(n));
    if (n > 0 && std::fread(t.data(), 1, t.size(), f_) != t.size()) fail("read");
    return true;
  }
  TempFile file_{"the report of the invitations"};
  std::FILE* f_ = file_.stream();
};

// One graduate to invite: from --to, the favourites, or a row of --from-file. A row that is
// already refused (a bad ID number, say) carries its code and message.
struct Target {
  std::string id;
  int cohort = 0;
  std::size_t row = 0;
  std::string name;  // 学生姓名 as the file gives it, checked against the roster
  std::string code, message;
};

// The columns --from-file reads: the roster's own headers and aliases.
enum FileField : std::size_t { kFileId, kFileName, kFileCohort };
const std::vector<RosterField>& file_fields() {
  static const std::vector<RosterField> fields = [] {
    std::vector<RosterField> out;
    for (const char* key : {"id_number", "name", "cohort"}) {
      for (const auto& f : roster_fields()) {
        if (f.key == key) out.push_back(f);
      }
    }
    out[kFileName].required = false;
    return out;
  }();
  return fields;
}

// The graduates of --from-file, row by row. The file is opened and its header row found before
// the transaction starts (a file refused whole takes no lock); the rows are read inside it, one at
// a time, so a list of any length is issued in bounded memory. Blank rows are skipped.
class FileTargets {
 public:
  FileTargets(const IssueRequest& r, Timestamp now)
      : file_(r.from_file), cohort_(r.cohort), now_(now) {
    SheetOptions options;
    options.sheet_name = r.sheet;
    reader_ = open_sheet(file_, options);
    header_ = find_header_row(*reader_, row_, file_fields(), {kFileId}, file_);
    warnings_ = header_.warnings;
    if (auto w = sheet_option_warning(*reader_, r.sheet)) warnings_.push_back(*w);
  }
  const std::vector<std::string>& warnings() const { return warnings_; }
  // Whether any row (blank ones aside) came under the header.
  bool any_rows() const { return any_rows_; }
  std::string no_rows_warning() const { return header_.no_rows_warning(); }

  // "list.xlsx row 6, column B (届别)": where a row's refusal is.
  std::string where(std::size_t row, std::size_t field) const {
    RowProblem p = header_.problem(row, field, file_fields(), "", "");
    return file_.filename().string() + " row " + std::to_string(p.row) + ", column " + p.column +
           " (" + p.header + ")";
  }

  bool next(Target& out) {
    while (reader_->next(row_)) {
      std::string v[3];
      bool any = false;
      for (std::size_t f = 0; f < 3; ++f) {
        if (const Cell* c = header_.cell(row_, f)) v[f] = trim(c->text);
        any |= !v[f].empty();
      }
      if (!any) continue;
      any_rows_ = true;
      Target t;
      t.row = row_.number;
      t.name = v[kFileName];
      t.cohort = cohort_;
      auto refuse = [&](std::size_t field, const std::string& code, const std::string& message) {
        if (!t.code.empty()) return;  // the first defect of the row is its answer
        t.code = code;
        t.message = where(row_.number, field) + ": " + message;
      };
      if (header_.repeated_in(row_)) refuse(kFileId, "header_repeated", header_.repeated_message());
      // What no field can take (an Excel error, a logical value, an invisible character) first.
      for (std::size_t f = 0; f < 3; ++f) {
        const Cell* c = header_.cell(row_, f);
        if (!c || v[f].empty()) continue;
        if (auto refusal = refuse_cell(*c, v[f], file_fields()[f].header)) {
          refuse(f, refusal->code, refusal->message);
        }
      }
      const Cell* id_cell = header_.cell(row_, kFileId);
      if (id_cell && id_cell->kind == CellKind::Text) {
        v[kFileId] = std::string(unwrap_text_marker(v[kFileId]));
      }
      if (!t.code.empty()) {
        t.id = v[kFileId];
      } else if (v[kFileId].empty()) {
        refuse(kFileId, "id_missing", "身份证号 is empty");
      } else if (auto refusal = refuse_id_number_kept_as_number(id_cell, v[kFileId])) {
        t.id = v[kFileId];
        refuse(kFileId, refusal->code, refusal->message);
      } else {
        t.id = normalize_resident_id(v[kFileId]);
        for (const auto& d : id_refusals(t.id, now_)) refuse(kFileId, d.code, d.message);
      }
      if (is_point_zero(v[kFileCohort])) v[kFileCohort].erase(v[kFileCohort].find('.'));  // 2026.0
      if (!v[kFileCohort].empty()) {
        if (auto year = parse_cohort(v[kFileCohort])) {
          t.cohort = *year;
        } else {
          refuse(kFileCohort, "cohort_invalid",
                 "届别 '" + v[kFileCohort] + "' is not a four-digit year from " +
                     std::to_string(kFirstCohort) + " to " + std::to_string(kLastCohort));
        }
      }
      out = std::move(t);
      return true;
    }
    return false;
  }

 private:
  std::filesystem::path file_;
  int cohort_;
  Timestamp now_;
  std::unique_ptr<SheetReader> reader_;
  SheetRow row_;
  HeaderRow header_;
  std::vector<std::string> warnings_;
  bool any_rows_ = false;
};

const char* kSelectInvitation =
    "SELECT i.id, i.employer_code, e.name, g.id_number, g.name, g.school_code, s.name, "
    "coalesce(d.note, ''), g.major, g.cohort, i.state, coalesce(i.fail_reason, 'none'), "
    "i.job_category, j.name, i.position, i.work_location, i.contact, i.contact_phone, i.archive, "
    "i.hukou, i.terms, i.valid_days, i.issued_at, i.deadline, i.responded_at, i.reviewed_at, "
    "i.reviewed_by, i.review_reason, i.withdraw_reason, i.agreement_no, i.updated_at, "
    "coalesce(g.department, '') "
    "FROM invitations i JOIN graduates g ON g.id = i.graduate_id "
    "JOIN employers e ON e.credit_code = i.employer_code "
    "JOIN schools s ON s.code = g.school_code "
    "LEFT JOIN degree_levels d ON d.code = g.degree_level "
    "LEFT JOIN job_categories j ON j.code = i.job_category ";

Invitation read_invitation(SQLite::Statement& q) {
  Invitation v;
  int c = 0;
  v.id = q.getColumn(c++).getInt64();
  v.employer_code = q.getColumn(c++).getString();
  v.employer_name = q.getColumn(c++).getString();
  v.id_number = q.getColumn(c++).getString();
  v.name = q.getColumn(c++).getString();
  v.school_code = q.getColumn(c++).getString();
  v.school_name = q.getColumn(c++).getString();
  v.degree_level = q.getColumn(c++).getString();
  v.major = text_of(q.getColumn(c++));
  v.cohort = q.getColumn(c++).getInt();
  v.state = parse_signing_state(q.getColumn(c++).getString()).value_or(SigningState::Invalid);
  v.fail_reason = parse_fail_reason(q.getColumn(c++).getString()).value_or(FailReason::None);
  v.job_category = q.getColumn(c++).getString();
  v.job_category_name = text_of(q.getColumn(c++));
  v.position = q.getColumn(c++).getString();
  v.work_location = q.getColumn(c++).getString();
  v.contact = q.getColumn(c++).getString();
  v.contact_phone = q.getColumn(c++).getString();
  v.archive = q.getColumn(c++).getString();
  v.hukou = q.getColumn(c++).getString();
  v.terms = q.getColumn(c++).getString();
  v.valid_days = q.getColumn(c++).getInt();
  v.issued_at = q.getColumn(c++).getString();
  v.deadline = q.getColumn(c++).getString();
  v.responded_at = text_of(q.getColumn(c++));
  v.reviewed_at = text_of(q.getColumn(c++));
  v.reviewed_by = text_of(q.getColumn(c++));
  v.review_reason = text_of(q.getColumn(c++));
  v.withdraw_reason = text_of(q.getColumn(c++));
  v.agreement_no = text_of(q.getColumn(c++));
  v.updated_at = q.getColumn(c++).getString();
  v.department = q.getColumn(c++).getString();
  return v;
}

Invitation get_in(SQLite::Database& db, std::int64_t id) {
  SQLite::Statement q(db, std::string(kSelectInvitation) + "WHERE i.id = :id");
  q.bind(":id", static_cast<std::int64_t>(id));
  if (!q.executeStep()) throw Error::not_found("invitation", std::to_string(id));
  return read_invitation(q);
}

InvitationRow require_invitation(SQLite::Database& db, std::int64_t id) {
  auto inv = load_invitation(db, id);
  if (!inv) throw Error::not_found("invitation", std::to_string(id));
  return *inv;
}

// An invitation awaiting the graduate can be answered or withdrawn only between its issue and its
// deadline.
// - Before the issue: only a backdated --now gets there. Whoever acts found the invitation after
//   its issue was committed, and the issue took its time before that, so commands waiting on one
//   another for the write lock never do (unlike a rule against any step before a record's last
//   change: an approval that waited for the lock may be dated before an acceptance it then sees).
// - The deadline counts at `now`, whether or not a sweep has run: past it, an invitation awaiting
//   the graduate is expired, and neither party can act on it any more.
void refuse_if_out_of_time(const InvitationRow& inv, const Actor& actor, const char* verb) {
  auto issued = parse_time(inv.issued_at);
  if (issued && actor.now < *issued) {
    throw Error::invalid_transition("invitation " + std::to_string(inv.id) + " was issued at " +
                                    format_cst(*issued) + "; it cannot be " + verb +
                                    " at an earlier time (" + format_cst(actor.now) + ")");
  }
  auto deadline = parse_time(inv.deadline);
  if (deadline && actor.now > *deadline) {
    throw Error::invalid_transition("invitation " + std::to_string(inv.id) +
                                    " has expired: its deadline (应约截止时间) passed at " +
                                    format_cst(*deadline) + "; it can no longer be " + verb +
                                    " (the next sweep marks it 签约失败, expired)");
  }
}

}  // namespace

std::string invitation_state_text(const Invitation& inv) {
  std::string s(signing_state_label(inv.state));
  if (inv.state == SigningState::Failed && inv.fail_reason != FailReason::None) {
    s += "（" + std::string(fail_reason_label(inv.fail_reason)) + "）";
  }
  return s;
}

IssueReport issue_invitations(Store& store, const IssueRequest& r, const Actor& actor,
                              const IssueSink& sink, const IssueProgress& progress) {
  return with_storage_errors([&] {
    auto& db = database(store);
    std::string code = normalize_credit_code(r.employer_code);
    if (r.valid_days < 1 || r.valid_days > 30) {
      throw Error::invalid_input("--valid-days (应约有效期) must be 1 to 30 days, not " +
                                 std::to_string(r.valid_days));
    }
    if (r.all_favorites && r.cohort == 0) {
      throw Error::usage("--all-favorites needs --cohort");
    }
    // Stored as given and copied into the agreement's snapshot at approval: it must be text.
    if (auto at = invalid_utf8_at(r.terms)) {
      throw Error::invalid_input("the 补充条款 (--terms) are not UTF-8 text (byte " +
                                 std::to_string(*at + 1) + ")");
    }
    // The agreement PDF lays the 补充条款 out as a paragraph that keeps its line breaks. A
    // file's refusal says the line too.
    if (auto found = find_refused_character(r.terms, TextLines::Multi);
        found && !r.terms_file.empty()) {
      throw Error::invalid_input(refused_character_message(
          "the terms file '" + r.terms_file + "' (补充条款)", *found, TextLines::Multi, true));
    }
    const std::string terms = checked_text(r.terms, "the 补充条款 (--terms)", TextLines::Multi);
    const int sources =
        (r.all_favorites ? 1 : 0) + (r.id_numbers.empty() ? 0 : 1) + (r.from_file.empty() ? 0 : 1);
    if (sources == 0) {
      throw Error::usage(
          "name the graduates with --to or --from-file, or use --all-favorites --cohort");
    }
    if (sources > 1) {
      throw Error::usage("--to, --from-file and --all-favorites are alternatives: give one");
    }
    IssueReport report;
    std::optional<ResultLog> log;
    if (sink) log.emplace();
    std::vector<Target> targets;  // --to
    std::optional<FileTargets> file;
    if (!r.from_file.empty()) {
      file.emplace(r, actor.now);
      report.warnings = file->warnings();
    }
    {  // the transaction, and every statement on it, ends with this block
      SQLite::Transaction tx(db, SQLite::TransactionBehavior::IMMEDIATE);
      require_verified_employer_in(db, code, "invite");
      JobInfo job = resolve_job(store, db, r, code);
      std::string archive =
          resolve_block(store, db, code, "archive", r.archive, r.archive_template, actor);
      std::string hukou = resolve_block(store, db, code, "hukou", r.hukou, r.hukou_template, actor);
      std::string now = format_utc(actor.now);
      std::string deadline =
          format_utc(Timestamp{actor.now.seconds + r.valid_days * kSecondsPerDay});

      if (r.from_file.empty() && !r.all_favorites) {
        for (const auto& id : r.id_numbers) {
          Target t;
          t.id = normalize_resident_id(id);
          t.cohort = r.cohort;
          // A malformed number is named as such (id_chars, id_checksum, ...), as in a --from-file
          // row, rather than looked up and reported as graduate_not_found.
          auto defects = id_refusals(t.id, actor.now);
          if (!defects.empty()) {
            t.code = defects.front().code;
            t.message = defects.front().message;
          }
          targets.push_back(std::move(t));
        }
      }

      IssueRun run(db, code);
      SeenKeys seen(db);
      std::size_t ordinal = 0;  // the graduates decided so far: --to's "row"
      AuditWriter audit(db, actor);
      RowStatement insert(
          db,
          "INSERT INTO invitations (employer_code, graduate_id, state, job_category, position, "
          "work_location, contact, contact_phone, archive, hukou, terms, valid_days, issued_at, "
          "deadline, updated_at) VALUES (:c, :g, 'awaiting_graduate', :cat, :pos, :loc, :contact, "
          ":phone, :archive, :hukou, :terms, :days, :now, :deadline, :now)");
      auto issue_one = [&](const Target& t) {
        const std::string& id = t.id;
        IssueResult res;
        res.id_number = id;
        res.row = t.row;
        res.code = t.code;
        res.message = t.message;
        res.name = t.name;  // the roster's name only for a favourite, below
        auto c = res.code.empty() ? run.find(id, t.cohort, res) : std::nullopt;
        // A row of the file is refused with its place, as its defects are (FileTargets::where).
        auto place = [&] {
          if (file) res.message = file->where(t.row, kFileId) + ": " + res.message;
        };
        if (!c && t.code.empty()) place();
        // One invitation each: a graduate named again (on a later row, or twice with --to) is
        // refused, even when the first was refused (that one is to be corrected).
        ++ordinal;
        const std::string key = c ? std::to_string(c->graduate_id) : std::string();
        SeenKeys::Earlier earlier;
        if (c) earlier = seen.first(key, t.row ? t.row : ordinal);
        if (c && earlier) {
          res.code = "duplicate_in_file";
          if (!file) {
            res.message = "the graduate " + mask_resident_id(id) +
                          " is named twice with --to (one invitation each)";
          } else {
            res.message = file->where(t.row, kFileId) + ": the graduate is on row " +
                          std::to_string(earlier.row) + " already" +
                          (earlier.rejected ? ", which was refused: correct that row rather than "
                                              "repeat it (one invitation each)"
                                            : " (one invitation each)");
          }
        } else if (c) {
          const std::string favorite = run.favorite_status(c->graduate_id);
          if (!favorite.empty()) res.name = c->name;
          if (!favorite.empty() && !t.name.empty() && t.name != c->name) {
            res.code = "name_mismatch";
            res.message = file->where(t.row, kFileName) + ": the file says " + t.name +
                          ", the roster has " + c->name + " for " + mask_resident_id(id);
          } else if (std::int64_t overdue = 0; run.check(*c, favorite, res, now, overdue)) {
            if (overdue) {
              // What the sweep would have recorded, in this transaction: it rolls back with it.
              auto old = load_invitation(db, overdue);
              if (!old)
                throw Error::internal("invitation " + std::to_string(overdue) + " vanished");
              apply_signing_event(db, audit, *old, SigningEvent::Expire, kDeadlinePassedReason, "");
              res.message = "invitation " + std::to_string(overdue) + " had passed its deadline " +
                            old->deadline + " unanswered: recorded as expired first";
            }
            insert.reset();
            insert.bind(":c", code);
            insert.bind(":g", c->graduate_id);
            insert.bind(":cat", job.category);
            insert.bind(":pos", job.position);
            insert.bind(":loc", job.work_location);
            insert.bind(":contact", job.contact);
            insert.bind(":phone", job.contact_phone);
            insert.bind(":archive", archive);
            insert.bind(":hukou", hukou);
            insert.bind(":terms", terms);
            insert.bind(":days", r.valid_days);
            insert.bind(":now", now);
            insert.bind(":deadline", deadline);
            insert.exec();
            res.invitation_id = db.getLastInsertRowid();
            res.issued = true;
            std::string subject = std::to_string(res.invitation_id);
            auto event_id = audit.event("invitation.issued", "invitation", subject, "",
                                        {{"from", ""},
                                         {"to", "awaiting_graduate"},
                                         {"reason", ""},
                                         {"note", ""},
                                         {"employer_code", code},
                                         {"id_number", id},
                                         {"cohort", c->cohort},
                                         {"deadline", deadline}});
            Notification n;
            n.recipient_type = "graduate";
            n.recipient_id = id;
            n.template_name = "invitation_received";
            n.payload = {{"invitation_id", res.invitation_id},
                         {"employer_code", code},
                         {"graduate_name", c->name},
                         {"position", job.position},
                         {"deadline", deadline}};
            audit.notify(event_id, n);
          } else {
            place();
          }
        }
        if (res.issued) {
          ++report.issued;
        } else {
          ++report.refused;
          if (c && !earlier) seen.reject(key);
        }
        const auto decided = static_cast<std::size_t>(report.issued + report.refused);
        if (progress && decided % kImportProgressEvery == 0) progress(decided);
        if (log) {
          log->write(res);
        } else {
          report.results.push_back(std::move(res));
        }
      };
      if (r.all_favorites) {
        // Read as they are issued, not gathered first: favourites are not written here.
        SQLite::Statement q(
            db,
            "SELECT g.id_number, g.cohort FROM favorites f JOIN graduates g ON g.id = "
            "f.graduate_id WHERE f.credit_code = :c AND f.cohort = :cohort AND f.status = "
            "'valid' ORDER BY g.school_code, g.id_number");
        q.bind(":c", code);
        q.bind(":cohort", r.cohort);
        Target t;
        while (q.executeStep()) {
          t.id = q.getColumn(0).getString();
          t.cohort = q.getColumn(1).getInt();
          issue_one(t);
        }
      } else if (file) {
        Target t;
        while (file->next(t)) issue_one(t);
        if (!file->any_rows()) report.warnings.push_back(file->no_rows_warning());
      } else {
        for (const auto& t : targets) issue_one(t);
      }
      if (!r.dry_run && !(r.all_or_nothing && report.refused > 0)) {
        tx.commit();
        report.written = true;
      }
    }  // otherwise the transaction rolls back here
    if (log) log->replay(sink, report.written);
    if (!report.written) {
      for (auto& res : report.results) res.invitation_id = 0;
    }
    return report;
  });
}

Invitation get_invitation(Store& store, std::int64_t id) {
  return with_storage_errors([&] { return get_in(database(store), id); });
}

std::vector<Invitation> list_invitations(Store& store, const InvitationFilter& f) {
  std::vector<Invitation> out;
  for_each_invitation(store, f, [&](const Invitation& v) { out.push_back(v); });
  return out;
}

void for_each_invitation(Store& store, const InvitationFilter& f,
                         const std::function<void(const Invitation&)>& sink) {
  with_storage_errors([&] {
    auto& db = database(store);
    nlohmann::json states = nlohmann::json::array();
    // A filter outside its fixed set is a usage error (2), as CLI11's own checks make it.
    if (!f.state.empty() && !parse_signing_state(f.state)) {
      std::string names;
      for (auto s : kSigningStates)
        names += (names.empty() ? "" : ", ") + std::string(signing_state_name(s));
      throw Error::usage("--state '" + f.state + "' is not a signing state (" + names + ")");
    }
    for (auto s : kSigningStates) {
      if (!f.state.empty() && signing_state_name(s) != f.state) continue;
      if (!f.list.empty() && signing_state_list(s) != f.list) continue;
      states.push_back(signing_state_name(s));
    }
    if (!f.list.empty() && states.empty()) {
      bool known = false;
      for (auto s : kSigningStates) known |= signing_state_list(s) == f.list;
      if (!known) {
        std::string lists;
        for (auto s : kSigningStates) {
          const std::string list(signing_state_list(s));
          if (lists.find(list) == std::string::npos) lists += (lists.empty() ? "" : ", ") + list;
        }
        throw Error::usage("--list '" + f.list + "' is not a list (栏目): " + lists);
      }
    }
    std::string code = employer_filter_code(db, f.employer_code);
    const std::string school = school_filter_code(db, f.school);
    SQLite::Statement q(
        db, std::string(kSelectInvitation) +
                "WHERE (:c = '' OR i.employer_code = :c) AND (:cohort = 0 OR g.cohort = :cohort) "
                "AND (:school = '' OR g.school_code = :school) AND (:dept = '' OR "
                "g.department = :dept) "
                "AND i.state IN (SELECT value FROM json_each(:states)) ORDER BY i.id");
    q.bind(":c", code);
    q.bind(":cohort", f.cohort);
    q.bind(":school", school);
    q.bind(":dept", trim(f.department));
    q.bind(":states", states.dump());
    while (q.executeStep()) sink(read_invitation(q));
  });
}

Invitation withdraw_invitation(Store& store, std::int64_t id, const std::string& reason,
                               const std::string& note, const Actor& actor) {
  return with_storage_errors([&] {
    auto& db = database(store);
    SQLite::Transaction tx(db, SQLite::TransactionBehavior::IMMEDIATE);
    std::string code;
    {
      SQLite::Statement q(db, "SELECT code FROM withdrawal_reasons WHERE code = :v OR name = :v");
      q.bind(":v", trim(reason));
      if (!q.executeStep()) {
        throw Error::invalid_input("撤回签约原因 '" + reason +
                                   "' is not a withdrawal reason (see ncssctl codes "
                                   "withdrawal_reason)");
      }
      code = q.getColumn(0).getString();
    }
    std::string n = checked_text(trim(note), "--note", TextLines::Multi);
    if (utf8_length(n) > kMaxNoteChars) {
      throw Error::invalid_input("--note is " + std::to_string(utf8_length(n)) +
                                 " characters; at most 200");
    }
    auto inv = require_invitation(db, id);
    if (inv.state == SigningState::AwaitingGraduate) refuse_if_out_of_time(inv, actor, "withdrawn");
    AuditWriter audit(db, actor);
    apply_signing_event(db, audit, inv, SigningEvent::Withdraw, code, n);
    auto out = get_in(db, id);
    tx.commit();
    return out;
  });
}

Invitation respond_invitation(Store& store, std::int64_t id, bool accept, const Actor& actor) {
  return with_storage_errors([&] {
    auto& db = database(store);
    SQLite::Transaction tx(db, SQLite::TransactionBehavior::IMMEDIATE);
    auto inv = require_invitation(db, id);
    SigningEvent event = accept ? SigningEvent::Accept : SigningEvent::Reject;
    if (inv.state == SigningState::AwaitingGraduate) {
      refuse_if_out_of_time(inv, actor, accept ? "accepted" : "rejected");
      // One live destination at a time: with another (a signing, a paper agreement, an
      // approved registration) this invitation is view-only.
      if (auto live = live_destination(db, inv.graduate_id, inv.id)) {
        throw Error::invalid_transition(live_destination_message(inv.id_number, *live) +
                                        "; invitation " + std::to_string(id) + " is view-only");
      }
    }
    AuditWriter audit(db, actor);
    apply_signing_event(db, audit, inv, event, "", "");
    auto out = get_in(db, id);
    tx.commit();
    return out;
  });
}

Invitation abort_invitation(Store& store, std::int64_t id, const Actor& actor) {
  return with_storage_errors([&] {
    auto& db = database(store);
    SQLite::Transaction tx(db, SQLite::TransactionBehavior::IMMEDIATE);
    auto inv = require_invitation(db, id);
    AuditWriter audit(db, actor);
    apply_signing_event(db, audit, inv, SigningEvent::Abort, "", "");
    auto out = get_in(db, id);
    tx.commit();
    return out;
  });
}

}  // namespace ncss
