#include "ncss/registration.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "audit_impl.hpp"
#include "destination_impl.hpp"
#include "ncss/employer.hpp"
#include "ncss/error.hpp"
#include "ncss/identity.hpp"
#include "ncss/review.hpp"
#include "registration_impl.hpp"
#include "store_impl.hpp"
#include "text_rules.hpp"
#include "upload_impl.hpp"

namespace ncss {

using K = RegistrationKind;
using S = RegistrationState;
using A = RegistrationAction;

// ----- The pure table

std::string_view registration_kind_name(RegistrationKind k) {
  switch (k) {
    case K::Paper:
      return "paper";
    case K::Destination:
      return "destination";
    case K::Targeted:
      return "targeted";
    case K::Offline:
      return "offline";
  }
  return "paper";
}

std::string_view registration_state_name(RegistrationState s) {
  switch (s) {
    case S::Pending:
      return "pending";
    case S::Returned:
      return "returned";
    case S::AwaitingScan:
      return "awaiting_scan";
    case S::ScanReview:
      return "scan_review";
    case S::Approved:
      return "approved";
    case S::Rejected:
      return "rejected";
    case S::Voided:
      return "voided";
    case S::Terminated:
      return "terminated";
    case S::Invalid:
      return "invalid";
  }
  return "pending";
}

std::string_view registration_action_name(RegistrationAction a) {
  switch (a) {
    case A::Withdraw:
      return "withdraw";
    case A::Resubmit:
      return "resubmit";
    case A::Approve:
      return "approve";
    case A::Return:
      return "return";
    case A::Reject:
      return "reject";
    case A::UploadScan:
      return "upload_scan";
    case A::Void:
      return "void";
    case A::Invalidate:
      return "invalidate";
  }
  return "withdraw";
}

std::optional<RegistrationKind> parse_registration_kind(std::string_view name) {
  for (auto k : kRegistrationKinds) {
    if (registration_kind_name(k) == name) return k;
  }
  return std::nullopt;
}

std::optional<RegistrationState> parse_registration_state(std::string_view name) {
  for (auto s : kRegistrationStates) {
    if (registration_state_name(s) == name) return s;
  }
  return std::nullopt;
}

std::string registration_kind_text(RegistrationKind k) {
  return registration_kind_label(std::string(registration_kind_name(k)));
}

std::string registration_state_text(RegistrationState s) {
  return registration_state_label(std::string(registration_state_name(s)));
}

bool registration_state_reachable(RegistrationKind k, RegistrationState s) {
  const bool agreement = k == K::Paper || k == K::Offline;
  if (s == S::AwaitingScan || s == S::ScanReview) return k == K::Offline;
  if (s == S::Terminated) return agreement;
  return true;
}

std::optional<RegistrationState> registration_next(RegistrationKind kind, RegistrationState state,
                                                   RegistrationAction action) {
  const bool offline = kind == K::Offline;
  const bool unfinished = state == S::Pending || state == S::Returned || state == S::AwaitingScan ||
                          state == S::ScanReview;
  switch (action) {
    case A::Withdraw:
      if (state == S::Pending) return S::Returned;
      break;
    case A::Resubmit:
      if (state == S::Returned) return S::Pending;
      break;
    case A::Approve:
      if (state == S::Pending) return offline ? S::AwaitingScan : S::Approved;
      if (offline && state == S::ScanReview) return S::Approved;
      break;
    case A::Return:
      if (state == S::Pending) return S::Returned;
      if (offline && state == S::ScanReview) return S::AwaitingScan;
      break;
    case A::Reject:
      if (state == S::Pending || (offline && state == S::ScanReview)) return S::Rejected;
      break;
    case A::UploadScan:
      if (offline && state == S::AwaitingScan) return S::ScanReview;
      break;
    case A::Void:
      if (state == S::Pending || state == S::Returned) return S::Voided;
      if (offline && state == S::AwaitingScan) return S::Voided;
      if (state == S::Approved && (kind == K::Destination || kind == K::Targeted)) {
        return S::Voided;
      }
      break;
    case A::Invalidate:
      if (unfinished && registration_state_reachable(kind, state)) return S::Invalid;
      break;
  }
  return std::nullopt;
}

std::string registration_refusal(RegistrationKind kind, RegistrationState state,
                                 RegistrationAction action) {
  if (registration_next(kind, state, action)) return "";
  const bool agreement = kind == K::Paper || kind == K::Offline;
  switch (state) {
    case S::Rejected:
      return "it was rejected (审核不通过), which is final: the graduate files a new registration";
    case S::Voided:
      return "it is voided (已作废), which is final: the graduate files a new registration";
    case S::Terminated:
      return "the agreement is terminated (已解约), which is final";
    case S::Invalid:
      return "it became invalid (失效) when the school corrected the graduate's record, which is "
             "final: the graduate files a new registration";
    default:
      break;
  }
  switch (action) {
    case A::Withdraw:
      if (state == S::Returned) {
        return "it is already back with the graduate (退回修改): edit and resubmit it";
      }
      if (state == S::AwaitingScan || state == S::ScanReview) {
        return "its content is approved: 撤回修改 is possible only before the school's review";
      }
      return "it is approved: 撤回修改 is possible only before the school's review";
    case A::Resubmit:
      return "only a registration returned for modification (退回修改) is resubmitted";
    case A::Approve:
    case A::Return:
    case A::Reject:
      if (state == S::Returned) {
        return "it is back with the graduate (退回修改) until they resubmit it";
      }
      if (state == S::AwaitingScan) {
        return "the school waits for the graduate to upload the stamped agreement";
      }
      return "it is already approved";
    case A::UploadScan:
      if (!(kind == K::Offline)) {
        return "only an offline agreement (线下签约) takes a stamped scan after its review; "
               "change the files of a returned registration when resubmitting it";
      }
      if (state == S::Pending || state == S::Returned) {
        return "its content has not been approved yet: the stamped scan comes after that";
      }
      if (state == S::ScanReview) return "its stamped scan already awaits the school's review";
      return "it is already approved";
    case A::Void:
      if (state == S::Approved && agreement) {
        return "an approved agreement with an employer is not voided by the graduate: it is "
               "ended by offline termination (ncssctl terminate offline)";
      }
      return "the stamped agreement awaits the school's review: the school approves, returns "
             "or rejects it";
    case A::Invalidate:
      return "only unfinished registrations become invalid";
  }
  return "the workflow does not allow it";
}

namespace {

constexpr std::string_view kSchoolDecisions[] = {"approve", "return", "reject"};

// ----- Fields

struct FieldSpec {
  std::string_view key, label, option;
};

constexpr FieldSpec kFieldSpecs[] = {
    {"employer_name", "单位名称", "--employer-name"},
    {"credit_code", "统一社会信用代码", "--credit-code"},
    {"nature", "单位性质", "--nature"},
    {"job_category", "职位类别", "--job-category"},
    {"position", "岗位名称", "--position"},
    {"work_location", "工作地点", "--work-location"},
    {"unit", "单位名称", "--unit"},
    {"study_school", "升学院校", "--study-school"},
    {"country", "国家/地区", "--country"},
    {"company", "公司名称", "--company"},
    {"note", "说明", "--note"},
};

const FieldSpec* find_spec(const std::string& key) {
  for (const auto& f : kFieldSpecs) {
    if (f.key == key) return &f;
  }
  return nullptr;
}

// "定向/委培单位 (--unit)"
std::string field_text(RegistrationKind kind, const std::string& key) {
  const FieldSpec* f = find_spec(key);
  if (!f) return key;
  std::string label(f->label);
  if (kind == K::Targeted && key == "unit") label = "定向/委培单位";
  return label + " (" + std::string(f->option) + ")";
}

struct Destination {
  std::string code, name, subtype;
  std::vector<std::string> required_fields;  // destination_codes.required_fields (schema 11)
};

std::vector<std::string> split_fields(const std::string& list) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < list.size()) {
    std::size_t end = list.find(',', start);
    if (end == std::string::npos) end = list.size();
    if (end > start) out.push_back(list.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

// The fields a kind (and, for other destinations, its code) takes.
struct FieldRule {
  std::vector<std::string> required;
  std::vector<std::string> optional;
  bool proof_required = false;
  bool allows(const std::string& key) const {
    return std::find(required.begin(), required.end(), key) != required.end() ||
           std::find(optional.begin(), optional.end(), key) != optional.end();
  }
};

// Decision: proof (证明材料) is required where the destination names a unit, a school or a
// company, which a document proves (contract, admission letter, licence); 自由职业 and the
// three 未就业 codes (70, 71, 72) have nothing to prove, so it is optional there and for 定向/委培.
FieldRule rule_for(RegistrationKind kind, const Destination& destination) {
  FieldRule r;
  switch (kind) {
    case K::Paper:
    case K::Offline:
      r.required = {"employer_name", "credit_code", "nature", "job_category", "position"};
      r.optional = {"work_location"};
      break;
    case K::Targeted:
      r.required = {"unit"};
      r.optional = {"note"};
      break;
    case K::Destination:
      r.required = destination.required_fields;
      r.optional = {"note"};
      r.proof_required = !r.required.empty();
      break;
  }
  return r;
}

std::string code_lookup(SQLite::Database& db, const char* table, const std::string& value,
                        const std::string& what, const std::string& code_table) {
  // sql-lint: `table` is a code-table name written in this file, never input.
  SQLite::Statement q(db,
                      std::string("SELECT code FROM ") + table + " WHERE code = :v OR name = :v");
  q.bind(":v", value);
  if (!q.executeStep()) {
    throw Error::invalid_input(what + " '" + value +
                               "' is not in the code table (see ncssctl codes " + code_table + ")");
  }
  return q.getColumn(0).getString();
}

// A value as stored: trimmed, codes resolved, the credit code checked.
std::string normalize_field(SQLite::Database& db, RegistrationKind kind, const std::string& key,
                            const std::string& raw) {
  const std::string what = field_text(kind, key);
  // 说明 is a text area of several lines; every other field is one line of the form.
  std::string v =
      checked_text(trim(raw), what, key == "note" ? TextLines::Multi : TextLines::Single);
  if (key == "credit_code") {
    v = normalize_credit_code(v);
    auto defects = describe_credit_code_defects(v);
    if (!defects.empty()) {
      std::string m = what + " '" + v + "' is not a valid unified social credit code: ";
      for (std::size_t i = 0; i < defects.size(); ++i) m += (i ? "; " : "") + defects[i];
      throw Error::invalid_input(m);
    }
  } else if (key == "nature") {
    v = code_lookup(db, "employer_natures", v, what, "employer_nature");
  } else if (key == "job_category") {
    v = code_lookup(db, "job_categories", v, what, "job_category");
  } else if (key == "note" && utf8_length(v) > kMaxRegistrationNoteChars) {
    throw Error::invalid_input(what + " is " + std::to_string(utf8_length(v)) +
                               " characters; at most " + std::to_string(kMaxRegistrationNoteChars));
  }
  return v;
}

std::string json_text(const nlohmann::json& fields, const std::string& key) {
  auto it = fields.find(key);
  return it != fields.end() && it->is_string() ? it->get<std::string>() : "";
}

// Applies the given values: a key the kind (or code) does not take is refused, an empty value
// clears. Returns the changes as {key: {old, new}}.
nlohmann::json apply_fields(SQLite::Database& db, RegistrationKind kind, const FieldRule& rule,
                            const std::string& what, nlohmann::json& fields,
                            const RegistrationFields& given) {
  nlohmann::json changes = nlohmann::json::object();
  for (const auto& [key, raw] : given) {
    if (!find_spec(key)) throw Error::internal("unknown registration field '" + key + "'");
    if (!rule.allows(key)) {
      throw Error::invalid_input(field_text(kind, key) + " does not apply to " + what);
    }
    std::string old = json_text(fields, key);
    std::string v = trim(raw).empty() ? "" : normalize_field(db, kind, key, raw);
    if (v == old) continue;
    changes[key] = {{"old", old}, {"new", v}};
    if (v.empty()) {
      fields.erase(key);
    } else {
      fields[key] = v;
    }
  }
  return changes;
}

// Fields the (new) code does not take are dropped, and recorded in `changes`.
void drop_unused(const FieldRule& rule, nlohmann::json& fields, nlohmann::json& changes) {
  std::vector<std::string> drop;
  for (auto it = fields.begin(); it != fields.end(); ++it) {
    if (!rule.allows(it.key())) drop.push_back(it.key());
  }
  for (const auto& key : drop) {
    changes[key] = {{"old", json_text(fields, key)}, {"new", ""}};
    fields.erase(key);
  }
}

void require_fields(RegistrationKind kind, const FieldRule& rule, const std::string& what,
                    const nlohmann::json& fields) {
  std::string missing;
  for (const auto& key : rule.required) {
    if (json_text(fields, key).empty()) {
      missing += (missing.empty() ? "" : ", ") + field_text(kind, key);
    }
  }
  if (!missing.empty()) throw Error::invalid_input(what + " needs " + missing);
}

// ----- Destination codes

// "80 境内升学 (考研)"
std::string destination_text(const Destination& d) {
  return d.code + " " + d.name + (d.subtype.empty() ? "" : " (" + d.subtype + ")");
}

Destination load_destination(SQLite::Database& db, const std::string& code,
                             const std::string& subtype) {
  SQLite::Statement q(db, "SELECT name, required_fields FROM destination_codes WHERE code = :c");
  q.bind(":c", code);
  if (!q.executeStep()) throw Error::internal("destination code " + code + " is unknown");
  return {code, q.getColumn(0).getString(), subtype, split_fields(q.getColumn(1).getString())};
}

// A 毕业去向 code, its name, or a sub-type name. 10 by itself is the paper and online agreements'.
Destination resolve_destination(SQLite::Database& db, const std::string& raw) {
  std::string v = trim(raw);
  if (v.empty()) {
    throw Error::invalid_input(
        "other destinations need a 毕业去向 (--code): a code, its name or a sub-type such as 考研");
  }
  Destination d;
  {
    SQLite::Statement q(db,
                        "SELECT code, name, required_fields FROM destination_codes WHERE code = "
                        ":v OR name = :v");
    q.bind(":v", v);
    if (q.executeStep()) {
      d.code = q.getColumn(0).getString();
      d.name = q.getColumn(1).getString();
      d.required_fields = split_fields(q.getColumn(2).getString());
    }
  }
  if (d.code.empty()) {
    SQLite::Statement q(db,
                        "SELECT s.code, c.name, s.name, c.required_fields FROM "
                        "destination_subtypes s JOIN destination_codes c ON c.code = s.code WHERE "
                        "s.name = :v");
    q.bind(":v", v);
    if (!q.executeStep()) {
      throw Error::invalid_input("毕业去向 '" + v +
                                 "' is neither a destination code or name nor a sub-type (see "
                                 "ncssctl codes destination, ncssctl codes destination_subtype)");
    }
    d.code = q.getColumn(0).getString();
    d.name = q.getColumn(1).getString();
    d.subtype = q.getColumn(2).getString();
    d.required_fields = split_fields(q.getColumn(3).getString());
  }
  if (d.code == "10" && d.subtype.empty()) {
    std::string subtypes;
    SQLite::Statement q(db, "SELECT name FROM destination_subtypes WHERE code = '10' ORDER BY ord");
    while (q.executeStep()) subtypes += (subtypes.empty() ? "" : ", ") + q.getColumn(0).getString();
    throw Error::invalid_input(
        "10 签就业协议形式就业 is an employment agreement: it is registered as a paper agreement "
        "(register paper), an offline agreement (register offline-agreement) or signed online; "
        "as another destination only through one of its sub-types: " +
        subtypes);
  }
  return d;
}

// ----- The graduate

struct Graduate {
  std::int64_t id = 0;
  std::string id_number, name, training_mode, status;
  int cohort = 0;
};

Graduate find_graduate(SQLite::Database& db, const std::string& raw_id, int cohort) {
  std::string id = normalize_resident_id(raw_id);
  SQLite::Statement q(db,
                      "SELECT id, id_number, name, training_mode, status, cohort FROM graduates "
                      "WHERE id_number = :id AND (:cohort = 0 OR cohort = :cohort) ORDER BY "
                      "cohort");
  q.bind(":id", id);
  q.bind(":cohort", cohort);
  std::vector<Graduate> found;
  while (q.executeStep()) {
    found.push_back({q.getColumn(0).getInt64(), q.getColumn(1).getString(),
                     q.getColumn(2).getString(), q.getColumn(3).getString(),
                     q.getColumn(4).getString(), q.getColumn(5).getInt()});
  }
  if (found.empty()) {
    throw Error::not_found(
        "graduate", mask_resident_id(id) + (cohort ? " of cohort " + std::to_string(cohort) : ""));
  }
  if (found.size() > 1) {
    throw Error::usage("the graduate " + mask_resident_id(id) +
                       " is on several cohorts' rosters; say which with --cohort");
  }
  return found.front();
}

bool targeted_mode(const std::string& training_mode) { return training_mode != "非定向"; }

// The roster rules: a valid record, and the kind its 培养方式 allows.
void check_graduate(const Graduate& g, RegistrationKind kind) {
  const std::string who = "the graduate " + mask_resident_id(g.id_number);
  if (g.status != "valid") {
    throw Error::invalid_transition(who +
                                    " is removed from the roster (invalid); the school restores "
                                    "the record first (student restore)");
  }
  if (targeted_mode(g.training_mode) && kind != K::Targeted) {
    throw Error::invalid_transition(
        who + " is " + g.training_mode +
        ": 定向/委培 graduates cannot sign online, register paper or offline agreements or other "
        "destinations; they register only 定向/委培毕业去向补充登记 (register targeted)");
  }
  if (!targeted_mode(g.training_mode) && kind == K::Targeted) {
    throw Error::invalid_transition(
        who +
        " is 非定向: only 定向/委培 graduates register 定向/委培毕业去向补充登记 (if the "
        "培养方式 is wrong, the school corrects the roster)");
  }
}

// ----- Stored registrations

struct Loaded {
  std::int64_t id = 0, graduate_id = 0;
  RegistrationKind kind = K::Paper;
  RegistrationState state = S::Pending;
  std::string id_number, name, school_code, degree_level;
  int cohort = 0;
  std::string destination, subtype, agreement_no;
  nlohmann::json fields = nlohmann::json::object();
};

Loaded load(SQLite::Database& db, std::int64_t id) {
  SQLite::Statement q(db,
                      "SELECT r.id, r.graduate_id, r.kind, r.state, g.id_number, g.name, "
                      "g.school_code, coalesce(g.degree_level, ''), g.cohort, r.destination, "
                      "coalesce(r.subtype, ''), coalesce(r.agreement_no, ''), r.fields FROM "
                      "registrations r JOIN graduates g ON g.id = r.graduate_id WHERE r.id = :id");
  q.bind(":id", static_cast<std::int64_t>(id));
  if (!q.executeStep()) throw Error::not_found("registration", "R" + std::to_string(id));
  Loaded r;
  r.id = q.getColumn(0).getInt64();
  r.graduate_id = q.getColumn(1).getInt64();
  auto kind = parse_registration_kind(q.getColumn(2).getString());
  auto state = parse_registration_state(q.getColumn(3).getString());
  if (!kind || !state) throw Error::internal("registration R" + std::to_string(id) + " is corrupt");
  r.kind = *kind;
  r.state = *state;
  r.id_number = q.getColumn(4).getString();
  r.name = q.getColumn(5).getString();
  r.school_code = q.getColumn(6).getString();
  r.degree_level = q.getColumn(7).getString();
  r.cohort = q.getColumn(8).getInt();
  r.destination = q.getColumn(9).getString();
  r.subtype = q.getColumn(10).getString();
  r.agreement_no = q.getColumn(11).getString();
  r.fields = nlohmann::json::parse(q.getColumn(12).getString());
  return r;
}

// "registration R3 (已签纸质就业协议登记, 待审核)"
std::string describe(const Loaded& r) {
  return "registration R" + std::to_string(r.id) + " (" + registration_kind_text(r.kind) + ", " +
         registration_state_text(r.state) + ")";
}

const char* verb_of(RegistrationAction action) {
  switch (action) {
    case A::Withdraw:
      return "withdrawn (撤回修改)";
    case A::Resubmit:
      return "resubmitted";
    case A::Approve:
      return "approved";
    case A::Return:
      return "returned (退回修改)";
    case A::Reject:
      return "rejected";
    case A::UploadScan:
      return "given a stamped scan";
    case A::Void:
      return "voided (作废)";
    case A::Invalidate:
      return "made invalid";
  }
  return "changed";
}

RegistrationState require_next(const Loaded& r, RegistrationAction action) {
  auto next = registration_next(r.kind, r.state, action);
  if (!next) {
    throw Error::invalid_transition(describe(r) + " cannot be " + verb_of(action) + ": " +
                                    registration_refusal(r.kind, r.state, action));
  }
  return *next;
}

// ----- Files

nlohmann::json attach_files(SQLite::Database& db, std::int64_t registration,
                            const std::string& role,
                            const std::vector<std::filesystem::path>& paths, const Actor& actor) {
  nlohmann::json out = nlohmann::json::array();
  SQLite::Statement link(db,
                         "INSERT INTO registration_files (registration_id, role, file_id) VALUES "
                         "(:r, :role, :f)");
  for (const auto& p : paths) {
    UploadedFile u = insert_upload_file(db, p, actor);
    link.reset();
    link.bind(":r", static_cast<std::int64_t>(registration));
    link.bind(":role", role);
    link.bind(":f", static_cast<std::int64_t>(u.id));
    link.exec();
    out.push_back({{"file_id", u.id},
                   {"role", role},
                   {"name", u.name},
                   {"size", u.size},
                   {"sha256", u.sha256}});
  }
  return out;
}

// Unlinks the registration's files of a role (the files themselves stay, as the events name
// them) and returns what they were.
nlohmann::json detach_files(SQLite::Database& db, std::int64_t registration,
                            const std::string& role) {
  nlohmann::json out = nlohmann::json::array();
  {
    SQLite::Statement q(db,
                        "SELECT f.id, f.name, f.size, f.sha256 FROM registration_files rf JOIN "
                        "files f ON f.id = rf.file_id WHERE rf.registration_id = :r AND rf.role = "
                        ":role ORDER BY f.id");
    q.bind(":r", static_cast<std::int64_t>(registration));
    q.bind(":role", role);
    while (q.executeStep()) {
      out.push_back({{"file_id", q.getColumn(0).getInt64()},
                     {"role", role},
                     {"name", q.getColumn(1).getString()},
                     {"size", q.getColumn(2).getInt64()},
                     {"sha256", q.getColumn(3).getString()}});
    }
  }
  SQLite::Statement d(db,
                      "DELETE FROM registration_files WHERE registration_id = :r AND role = :role");
  d.bind(":r", static_cast<std::int64_t>(registration));
  d.bind(":role", role);
  d.exec();
  return out;
}

std::int64_t count_files(SQLite::Database& db, std::int64_t registration, const std::string& role) {
  SQLite::Statement q(db,
                      "SELECT count(*) FROM registration_files WHERE registration_id = :r AND role "
                      "= :role");
  q.bind(":r", static_cast<std::int64_t>(registration));
  q.bind(":role", role);
  q.executeStep();
  return q.getColumn(0).getInt64();
}

// The files a kind takes, refusing the others before anything is stored.
void check_file_roles(RegistrationKind kind, bool scans, bool proofs) {
  if (scans && kind != K::Paper) {
    throw Error::invalid_input(
        kind == K::Offline
            ? "an offline agreement's stamped scan is uploaded after its content is approved "
              "(register upload-scan), not with the content"
            : "scans (--scan) are a paper agreement's; " + registration_kind_text(kind) +
                  " takes proof files (--proof)");
  }
  if (proofs && kind != K::Destination && kind != K::Targeted) {
    throw Error::invalid_input("proof files (--proof) are for other destinations and 定向/委培; " +
                               registration_kind_text(kind) + " takes scans");
  }
}

// ----- Transitions

// Applies `action` (already allowed: `next`), writing the event with from, to, reason and note
// (and `extra`), the state, and, for a school decision or an invalidation, the graduate's
// notification. The time and the actor are the AuditWriter's, as the event row holds them.
void record(SQLite::Database& db, AuditWriter& audit, const Loaded& r, RegistrationAction action,
            RegistrationState next, const std::string& reason, const std::string& note,
            const nlohmann::json& extra) {
  const std::string name(registration_action_name(action));
  const bool reviewed = std::find(std::begin(kSchoolDecisions), std::end(kSchoolDecisions), name) !=
                        std::end(kSchoolDecisions);
  nlohmann::json details = {{"from", registration_state_name(r.state)},
                            {"to", registration_state_name(next)},
                            {"reason", reason},
                            {"note", note},
                            {"kind", registration_kind_name(r.kind)}};
  for (auto it = extra.begin(); it != extra.end(); ++it) details[it.key()] = it.value();
  std::int64_t event_id =
      audit.event("registration." + name, "registration", std::to_string(r.id), reason, details);
  std::string at, by;
  {
    SQLite::Statement q(db, "SELECT at, actor FROM events WHERE id = :id");
    q.bind(":id", static_cast<std::int64_t>(event_id));
    if (!q.executeStep()) throw Error::internal("the event just written is missing");
    at = q.getColumn(0).getString();
    by = q.getColumn(1).getString();
  }
  SQLite::Statement u(db,
                      "UPDATE registrations SET state = :state, updated_at = :at, "
                      "reviewed_at = CASE WHEN :reviewed THEN :at ELSE reviewed_at END, "
                      "reviewed_by = CASE WHEN :reviewed THEN :by ELSE reviewed_by END, "
                      "review_reason = CASE WHEN :reviewed THEN nullif(:reason, '') ELSE "
                      "review_reason END WHERE id = :id");
  u.bind(":state", std::string(registration_state_name(next)));
  u.bind(":at", at);
  u.bind(":reviewed", reviewed ? 1 : 0);
  u.bind(":by", by);
  u.bind(":reason", reason);
  u.bind(":id", static_cast<std::int64_t>(r.id));
  if (u.exec() != 1) throw Error::not_found("registration", "R" + std::to_string(r.id));
  if (reviewed || action == A::Invalidate) {
    Notification n;
    n.recipient_type = "graduate";
    n.recipient_id = r.id_number;
    n.template_name = "registration_" + name;
    n.payload = {{"registration_id", r.id},
                 {"kind", registration_kind_name(r.kind)},
                 {"kind_name", registration_kind_text(r.kind)},
                 {"graduate_name", r.name},
                 {"state", registration_state_name(next)},
                 {"state_name", registration_state_text(next)},
                 {"reason", reason}};
    if (extra.contains("agreement_no")) n.payload["agreement_no"] = extra["agreement_no"];
    if (extra.contains("destination")) n.payload["destination"] = extra["destination"];
    if (extra.contains("subtype")) n.payload["subtype"] = extra["subtype"];
    // The graduate guide: when the school changes the destination information in its review,
    // the graduate is messaged about it. The message says what changed, field by field.
    if (extra.contains("changes")) n.payload["changes"] = extra["changes"];
    n.payload["changed_by_school"] =
        reviewed && (extra.contains("destination") || extra.contains("changes"));
    audit.notify(event_id, n);
  }
}

// The next 协议编号 of the graduate's school and cohort, from the sequence online signings use,
// so numbers stay unique across online, paper and offline agreements.
std::string next_agreement_number(SQLite::Database& db, const Loaded& r) {
  if (r.degree_level.empty()) {
    throw Error::invalid_transition(
        describe(r) +
        " cannot be approved: the graduate has no 学历层次 (degree level) on the roster, which "
        "the agreement number needs; the school must correct the roster first (student correct "
        "--level)");
  }
  SQLite::Statement next(db,
                         "INSERT INTO agreement_sequences (school_code, cohort, last) VALUES (:s, "
                         ":c, 1) ON CONFLICT (school_code, cohort) DO UPDATE SET last = last + 1 "
                         "RETURNING last");
  next.bind(":s", r.school_code);
  next.bind(":c", r.cohort);
  if (!next.executeStep()) throw Error::internal("agreement sequence not advanced");
  std::int64_t seq = next.getColumn(0).getInt64();
  while (next.executeStep()) {
  }
  return format_agreement_number(r.cohort, r.school_code, r.degree_level, seq);
}

std::string require_reason(const std::string& reason, const char* act) {
  std::string r = trim(reason);
  if (r.empty()) {
    throw Error::invalid_input(std::string("--reason is required to ") + act +
                               " a registration: the graduate is told why");
  }
  return checked_text(r, "--reason", TextLines::Multi);
}

// ----- Reading

const char* const kSelect =
    "SELECT r.id, r.kind, r.state, g.id_number, g.name, g.school_code, s.name, g.department, "
    "coalesce(d.note, ''), g.cohort, g.training_mode, r.destination, dc.name, "
    "coalesce(r.subtype, ''), r.fields, coalesce(n.name, ''), coalesce(j.name, ''), "
    "coalesce(r.agreement_no, ''), r.submitted_at, coalesce(r.reviewed_at, ''), "
    "coalesce(r.reviewed_by, ''), coalesce(r.review_reason, ''), r.updated_at "
    "FROM registrations r JOIN graduates g ON g.id = r.graduate_id "
    "JOIN schools s ON s.code = g.school_code "
    "JOIN destination_codes dc ON dc.code = r.destination "
    "LEFT JOIN degree_levels d ON d.code = g.degree_level "
    "LEFT JOIN employer_natures n ON n.code = json_extract(r.fields, '$.nature') "
    "LEFT JOIN job_categories j ON j.code = json_extract(r.fields, '$.job_category') ";

Registration read_registration(SQLite::Statement& q) {
  Registration v;
  int c = 0;
  v.id = q.getColumn(c++).getInt64();
  v.kind = parse_registration_kind(q.getColumn(c++).getString()).value_or(K::Paper);
  v.state = parse_registration_state(q.getColumn(c++).getString()).value_or(S::Invalid);
  v.id_number = q.getColumn(c++).getString();
  v.name = q.getColumn(c++).getString();
  v.school_code = q.getColumn(c++).getString();
  v.school_name = q.getColumn(c++).getString();
  v.department = q.getColumn(c++).getString();
  v.degree_level = q.getColumn(c++).getString();
  v.cohort = q.getColumn(c++).getInt();
  v.training_mode = q.getColumn(c++).getString();
  v.destination = q.getColumn(c++).getString();
  v.destination_name = q.getColumn(c++).getString();
  v.subtype = q.getColumn(c++).getString();
  auto fields = nlohmann::json::parse(q.getColumn(c++).getString());
  for (auto it = fields.begin(); it != fields.end(); ++it) {
    if (it->is_string()) v.fields[it.key()] = it->get<std::string>();
  }
  v.nature_name = q.getColumn(c++).getString();
  v.job_category_name = q.getColumn(c++).getString();
  v.agreement_no = q.getColumn(c++).getString();
  v.submitted_at = q.getColumn(c++).getString();
  v.reviewed_at = q.getColumn(c++).getString();
  v.reviewed_by = q.getColumn(c++).getString();
  v.review_reason = q.getColumn(c++).getString();
  v.updated_at = q.getColumn(c++).getString();
  return v;
}

Registration get_in(SQLite::Database& db, std::int64_t id) {
  Registration v;
  {
    SQLite::Statement q(db, std::string(kSelect) + "WHERE r.id = :id");
    q.bind(":id", static_cast<std::int64_t>(id));
    if (!q.executeStep()) throw Error::not_found("registration", "R" + std::to_string(id));
    v = read_registration(q);
  }
  SQLite::Statement f(db,
                      "SELECT f.id, rf.role, f.name, f.media_type, f.size, f.sha256 FROM "
                      "registration_files rf JOIN files f ON f.id = rf.file_id WHERE "
                      "rf.registration_id = :id ORDER BY rf.role, f.id");
  f.bind(":id", static_cast<std::int64_t>(id));
  while (f.executeStep()) {
    v.files.push_back({f.getColumn(0).getInt64(), f.getColumn(1).getString(),
                       f.getColumn(2).getString(), f.getColumn(3).getString(),
                       f.getColumn(4).getInt64(), f.getColumn(5).getString()});
  }
  return v;
}

// Runs `fn(db, audit, loaded)` in one IMMEDIATE transaction on registration `id` and returns it
// afterwards.
template <typename Fn>
Registration act_on(Store& store, std::int64_t id, const Actor& actor, Fn&& fn) {
  return with_storage_errors([&] {
    auto& db = database(store);
    SQLite::Transaction tx(db, SQLite::TransactionBehavior::IMMEDIATE);
    Loaded r = load(db, id);
    AuditWriter audit(db, actor);
    fn(db, audit, r);
    auto out = get_in(db, id);
    tx.commit();
    return out;
  });
}

void save_content(SQLite::Database& db, std::int64_t id, const std::string& destination,
                  const std::string& subtype, const nlohmann::json& fields) {
  SQLite::Statement u(db,
                      "UPDATE registrations SET destination = :d, subtype = nullif(:s, ''), "
                      "fields = :f WHERE id = :id");
  u.bind(":d", destination);
  u.bind(":s", subtype);
  u.bind(":f", fields.dump());
  u.bind(":id", static_cast<std::int64_t>(id));
  u.exec();
}

// A change of a destination registration's code and fields (the graduate resubmitting, or the
// school approving), recorded into `extra`. Returns the fields' rule for the code it ends with.
FieldRule change_content(SQLite::Database& db, Loaded& r, const RegistrationChange& change,
                         nlohmann::json& extra) {
  Destination before = load_destination(db, r.destination, r.subtype);
  Destination after = before;
  if (!trim(change.code).empty()) {
    if (r.kind != K::Destination) {
      throw Error::invalid_input("the 毕业去向 (--code) of " + registration_kind_text(r.kind) +
                                 " is fixed; only 其他毕业去向登记 takes another code");
    }
    after = resolve_destination(db, change.code);
  }
  FieldRule rule = rule_for(r.kind, after);
  const std::string what = r.kind == K::Destination ? "毕业去向 " + destination_text(after)
                                                    : registration_kind_text(r.kind);
  nlohmann::json changes = apply_fields(db, r.kind, rule, what, r.fields, change.fields);
  if (after.code != before.code || after.subtype != before.subtype) {
    drop_unused(rule, r.fields, changes);
    extra["destination"] = {{"old", before.code}, {"new", after.code}};
    extra["subtype"] = {{"old", before.subtype}, {"new", after.subtype}};
  }
  require_fields(r.kind, rule, what, r.fields);
  if (!changes.empty()) extra["changes"] = changes;
  r.destination = after.code;
  r.subtype = after.subtype;
  save_content(db, r.id, r.destination, r.subtype, r.fields);
  return rule;
}

}  // namespace

// ----- Use cases

Registration submit_registration(Store& store, const RegistrationRequest& req, const Actor& actor) {
  return with_storage_errors([&] {
    auto& db = database(store);
    check_file_roles(req.kind, !req.scans.empty(), !req.proofs.empty());
    SQLite::Transaction tx(db, SQLite::TransactionBehavior::IMMEDIATE);
    Graduate g = find_graduate(db, req.id_number, req.cohort);
    check_graduate(g, req.kind);
    if (auto live = live_destination(db, g.id, 0, 0)) {
      throw Error::invalid_transition(live_destination_message(g.id_number, *live));
    }
    // Paper, offline and 定向/委培 count as 10 签就业协议形式就业 (a 定向/委培 graduate goes to the
    // unit of the 定向/委培 agreement); other destinations name theirs.
    Destination d = req.kind == K::Destination ? resolve_destination(db, req.code)
                                               : load_destination(db, "10", "");
    if (req.kind != K::Destination && !trim(req.code).empty()) {
      throw Error::invalid_input("the 毕业去向 (--code) of " + registration_kind_text(req.kind) +
                                 " is fixed: 10 签就业协议形式就业");
    }
    FieldRule rule = rule_for(req.kind, d);
    const std::string what = req.kind == K::Destination ? "毕业去向 " + destination_text(d)
                                                        : registration_kind_text(req.kind);
    nlohmann::json fields = nlohmann::json::object();
    apply_fields(db, req.kind, rule, what, fields, req.fields);
    require_fields(req.kind, rule, what, fields);
    if (req.kind == K::Paper && req.scans.empty()) {
      throw Error::invalid_input(
          "a paper agreement needs the stamped agreement's scans (--scan FILE, JPEG or PNG)");
    }
    if (rule.proof_required && req.proofs.empty()) {
      throw Error::invalid_input(what + " needs proof files (证明材料, --proof FILE, JPEG or PNG)");
    }

    const std::string now = format_utc(actor.now);
    SQLite::Statement ins(db,
                          "INSERT INTO registrations (graduate_id, kind, destination, subtype, "
                          "state, fields, submitted_at, updated_at) VALUES (:g, :kind, :d, "
                          "nullif(:s, ''), 'pending', :f, :now, :now)");
    ins.bind(":g", static_cast<std::int64_t>(g.id));
    ins.bind(":kind", std::string(registration_kind_name(req.kind)));
    ins.bind(":d", d.code);
    ins.bind(":s", d.subtype);
    ins.bind(":f", fields.dump());
    ins.bind(":now", now);
    ins.exec();
    const std::int64_t id = db.getLastInsertRowid();
    nlohmann::json files = attach_files(db, id, "scan", req.scans, actor);
    for (auto& f : attach_files(db, id, "proof", req.proofs, actor)) files.push_back(f);
    AuditWriter audit(db, actor);
    audit.event("registration.submit", "registration", std::to_string(id), "",
                {{"from", ""},
                 {"to", "pending"},
                 {"reason", ""},
                 {"note", json_text(fields, "note")},
                 {"kind", registration_kind_name(req.kind)},
                 {"id_number", g.id_number},
                 {"cohort", g.cohort},
                 {"destination", d.code},
                 {"subtype", d.subtype},
                 {"fields", fields},
                 {"files", files}});
    auto out = get_in(db, id);
    tx.commit();
    return out;
  });
}

Registration withdraw_registration(Store& store, std::int64_t id, const Actor& actor) {
  return act_on(store, id, actor, [&](SQLite::Database& db, AuditWriter& audit, Loaded& r) {
    auto next = require_next(r, A::Withdraw);
    record(db, audit, r, A::Withdraw, next, "", "", nlohmann::json::object());
  });
}

Registration resubmit_registration(Store& store, std::int64_t id, const RegistrationChange& change,
                                   const Actor& actor) {
  return act_on(store, id, actor, [&](SQLite::Database& db, AuditWriter& audit, Loaded& r) {
    auto next = require_next(r, A::Resubmit);
    check_file_roles(r.kind, !change.scans.empty(), !change.proofs.empty());
    if (auto live = live_destination(db, r.graduate_id, 0, r.id)) {
      throw Error::invalid_transition(live_destination_message(r.id_number, *live));
    }
    nlohmann::json extra = nlohmann::json::object();
    FieldRule rule = change_content(db, r, change, extra);
    nlohmann::json files = nlohmann::json::object();
    if (!change.scans.empty()) {
      files["scan"] = {{"old", detach_files(db, r.id, "scan")},
                       {"new", attach_files(db, r.id, "scan", change.scans, actor)}};
    }
    if (!change.proofs.empty()) {
      files["proof"] = {{"old", detach_files(db, r.id, "proof")},
                        {"new", attach_files(db, r.id, "proof", change.proofs, actor)}};
    }
    if (!files.empty()) extra["files"] = files;
    if (rule.proof_required && count_files(db, r.id, "proof") == 0) {
      throw Error::invalid_input("毕业去向 " +
                                 destination_text(load_destination(db, r.destination, r.subtype)) +
                                 " needs proof files (证明材料, --proof FILE, JPEG or PNG)");
    }
    record(db, audit, r, A::Resubmit, next, "", json_text(r.fields, "note"), extra);
  });
}

Registration approve_registration(Store& store, std::int64_t id, const RegistrationChange& change,
                                  const Actor& actor) {
  return act_on(store, id, actor, [&](SQLite::Database& db, AuditWriter& audit, Loaded& r) {
    auto next = require_next(r, A::Approve);
    if (!change.scans.empty() || !change.proofs.empty()) {
      throw Error::usage("the school approves with the graduate's files; it adds none");
    }
    const bool changing = !trim(change.code).empty() || !change.fields.empty();
    if (changing && r.kind != K::Destination) {
      throw Error::usage(
          "only 其他毕业去向登记 may be changed by the school while approving; return " +
          describe(r) + " (register return) for the graduate to edit it");
    }
    nlohmann::json extra = nlohmann::json::object();
    // Decision: the school's change is checked for the fields the new code needs, not for proof
    // files (the school has reviewed what was sent).
    if (changing) change_content(db, r, change, extra);
    if (next == S::Approved && (r.kind == K::Paper || r.kind == K::Offline)) {
      std::string no = next_agreement_number(db, r);
      SQLite::Statement u(db, "UPDATE registrations SET agreement_no = :no WHERE id = :id");
      u.bind(":no", no);
      u.bind(":id", static_cast<std::int64_t>(r.id));
      u.exec();
      extra["agreement_no"] = no;
    }
    record(db, audit, r, A::Approve, next, "", "", extra);
  });
}

Registration return_registration(Store& store, std::int64_t id, const std::string& reason,
                                 const Actor& actor) {
  const std::string why = require_reason(reason, "return");
  return act_on(store, id, actor, [&](SQLite::Database& db, AuditWriter& audit, Loaded& r) {
    auto next = require_next(r, A::Return);
    record(db, audit, r, A::Return, next, why, "", nlohmann::json::object());
  });
}

Registration reject_registration(Store& store, std::int64_t id, const std::string& reason,
                                 const Actor& actor) {
  const std::string why = require_reason(reason, "reject");
  return act_on(store, id, actor, [&](SQLite::Database& db, AuditWriter& audit, Loaded& r) {
    auto next = require_next(r, A::Reject);
    record(db, audit, r, A::Reject, next, why, "", nlohmann::json::object());
  });
}

Registration upload_registration_scan(Store& store, std::int64_t id,
                                      const std::vector<std::filesystem::path>& scans,
                                      const Actor& actor) {
  return act_on(store, id, actor, [&](SQLite::Database& db, AuditWriter& audit, Loaded& r) {
    auto next = require_next(r, A::UploadScan);
    if (scans.empty()) {
      throw Error::invalid_input(
          "the stamped agreement's scans are needed (--scan FILE, JPEG or PNG)");
    }
    nlohmann::json extra = {{"files",
                             {{"stamped_scan",
                               {{"old", detach_files(db, r.id, "stamped_scan")},
                                {"new", attach_files(db, r.id, "stamped_scan", scans, actor)}}}}}};
    record(db, audit, r, A::UploadScan, next, "", "", extra);
  });
}

Registration void_registration(Store& store, std::int64_t id, const std::string& reason,
                               const Actor& actor) {
  const std::string why = checked_text(trim(reason), "--reason", TextLines::Multi);
  return act_on(store, id, actor, [&](SQLite::Database& db, AuditWriter& audit, Loaded& r) {
    auto next = require_next(r, A::Void);
    record(db, audit, r, A::Void, next, why, "", nlohmann::json::object());
  });
}

Registration get_registration(Store& store, std::int64_t id) {
  return with_storage_errors([&] { return get_in(database(store), id); });
}

std::vector<Registration> list_registrations(Store& store, const RegistrationFilter& f) {
  std::vector<Registration> out;
  for_each_registration(store, f, [&](const Registration& v) { out.push_back(v); });
  return out;
}

void for_each_registration(Store& store, const RegistrationFilter& f,
                           const std::function<void(const Registration&)>& sink) {
  with_storage_errors([&] {
    auto& db = database(store);
    if (!f.kind.empty() && !parse_registration_kind(f.kind)) {
      throw Error::usage("--kind '" + f.kind +
                         "' is not a registration kind (paper, destination, targeted, "
                         "offline)");
    }
    if (!f.state.empty() && !parse_registration_state(f.state)) {
      throw Error::usage("--state '" + f.state +
                         "' is not a registration state (pending, returned, "
                         "awaiting_scan, scan_review, approved, rejected, voided, "
                         "terminated, invalid)");
    }
    const std::string school = school_filter_code(db, f.school);
    SQLite::Statement q(
        db, std::string(kSelect) +
                "WHERE (:school = '' OR g.school_code = :school) AND (:dept = '' OR "
                "g.department = :dept) AND (:cohort = 0 OR g.cohort = :cohort) AND (:kind = '' "
                "OR r.kind = :kind) AND (:state = '' OR r.state = :state) AND (:id = '' OR "
                "g.id_number = :id) ORDER BY r.id");
    q.bind(":school", school);
    q.bind(":dept", trim(f.department));
    q.bind(":cohort", f.cohort);
    q.bind(":kind", f.kind);
    q.bind(":state", f.state);
    q.bind(":id", graduate_filter_id(db, f.id_number));
    while (q.executeStep()) sink(read_registration(q));
  });
}

int invalidate_registrations(SQLite::Database& db, AuditWriter& audit, std::int64_t graduate_id,
                             const std::string& cause) {
  std::vector<std::int64_t> open;
  {
    SQLite::Statement q(db,
                        "SELECT id FROM registrations WHERE graduate_id = :g AND state IN "
                        "('pending', 'returned', 'awaiting_scan', 'scan_review') ORDER BY id");
    q.bind(":g", static_cast<std::int64_t>(graduate_id));
    while (q.executeStep()) open.push_back(q.getColumn(0).getInt64());
  }
  int count = 0;
  for (std::int64_t id : open) {
    Loaded r = load(db, id);
    auto next = registration_next(r.kind, r.state, A::Invalidate);
    if (!next) continue;
    record(db, audit, r, A::Invalidate, *next, cause, "", nlohmann::json::object());
    ++count;
  }
  return count;
}

}  // namespace ncss
