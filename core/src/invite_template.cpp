#include "ncss/invite_template.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "audit_impl.hpp"
#include "employer_impl.hpp"
#include "invite_template_impl.hpp"
#include "ncss/codes.hpp"
#include "ncss/identity.hpp"
#include "store_impl.hpp"
#include "text_rules.hpp"

namespace ncss {

namespace {

constexpr std::size_t kMaxFieldChars = 200;  // as the form counts: characters, not bytes

struct FieldRule {
  std::string key;
  std::string label;  // the form's words
  bool required = false;
  const char* code_table = nullptr;  // a code of this table (given by code or name, stored as code)
  bool phone = false;                // a mobile or landline number (checked; masked in tables)
};

const std::vector<FieldRule>& rules(const std::string& kind) {
  static const std::vector<FieldRule> job = {
      {"job_category", "拟录用职位类别", true, "job_category"},
      {"position", "拟录用岗位名称", true},
      {"work_location", "工作地点", false},
      {"contact", "签约联系人", true},  // starred (*) on the 2022 form, as category and position
      {"contact_phone", "联系电话", false, nullptr, true}};
  static const std::vector<FieldRule> archive = {
      {"receipt_type", "档案接收类型", true, "archive_receipt"},
      {"forward_unit", "转寄单位名称", false},
      {"address", "地址", false},
      {"contact", "联系人", false},
      {"phone", "电话", false, nullptr, true},
      {"postcode", "邮编", false}};
  static const std::vector<FieldRule> hukou = {{"address", "户口迁移地址", true}};
  if (kind == "job") return job;
  if (kind == "archive") return archive;
  if (kind == "hukou") return hukou;
  throw Error::invalid_input("template kind '" + kind + "' must be job, archive or hukou");
}

// The option that gives a field: `prefix` (what the command's options put before the key) and
// the key ("--archive-" and forward_unit: --archive-forward-unit).
std::string option_of(const FieldRule& r, const std::string& prefix = "--") {
  std::string option = prefix + r.key;
  std::replace(option.begin(), option.end(), '_', '-');
  return option;
}

// A field as messages name it: the form's words and the option ("地址 (--archive-address)").
std::string named(const FieldRule& r, const std::string& prefix) {
  return r.label + " (" + option_of(r, prefix) + ")";
}

// Checks and normalises a complete set of fields (codes by code or name → code).
TemplateFields validate(Store& store, const std::string& kind, const TemplateFields& in,
                        const std::string& prefix = "--") {
  const auto& rs = rules(kind);
  TemplateFields out;
  for (const auto& [key, value] : in) {
    // Captured by an init-capture: clang 14 (the fuzz build) cannot capture a structured binding.
    auto r =
        std::find_if(rs.begin(), rs.end(), [&k = key](const FieldRule& x) { return x.key == k; });
    if (r == rs.end()) {
      std::string keys;
      for (const auto& x : rs) keys += (keys.empty() ? "" : ", ") + x.key;
      throw Error::invalid_input("'" + key + "' is not a field of " + kind +
                                 " templates; they have " + keys);
    }
    std::string v = trim(value);
    checked_text(v, named(*r, prefix), TextLines::Single);  // each field is one line of the form
    if (utf8_length(v) > kMaxFieldChars) {
      throw Error::invalid_input(named(*r, prefix) + " is too long (at most 200 characters)");
    }
    if (!v.empty()) out[key] = v;
  }
  for (const auto& r : rs) {
    if (r.required && !out.count(r.key)) {
      throw Error::invalid_input(named(r, prefix) + " is required for " +
                                 (kind == "archive" ? "an " : "a ") + kind + " template");
    }
  }
  // Codes first (the archive's rule below reads the receipt type's code), then phone numbers.
  for (const auto& r : rs) {
    if (!r.code_table || !out.count(r.key)) continue;
    auto c = find_code(store, r.code_table, out[r.key]);
    if (!c) {
      throw Error::invalid_input(named(r, prefix) + " '" + out[r.key] +
                                 "' is not in the code table; see `ncssctl codes " + r.code_table +
                                 "`");
    }
    out[r.key] = c->code;
  }
  if (kind == "archive" && out["receipt_type"] == "2" &&
      (!out.count("forward_unit") || !out.count("address"))) {
    const auto& forward = *std::find_if(rs.begin(), rs.end(),
                                        [](const FieldRule& x) { return x.key == "forward_unit"; });
    const auto& address =
        *std::find_if(rs.begin(), rs.end(), [](const FieldRule& x) { return x.key == "address"; });
    throw Error::invalid_input("档案接收类型 2 转寄其他单位 requires " + named(forward, prefix) +
                               " and " + named(address, prefix));
  }
  for (const auto& r : rs) {
    if (r.phone && out.count(r.key) && !valid_mobile(out[r.key]) && !valid_landline(out[r.key])) {
      throw Error::invalid_input(named(r, prefix) + " '" + mask_phone(out[r.key]) +
                                 "' must be a mobile number (11 digits from 1) or a landline "
                                 "such as 010-62751234");
    }
  }
  if (kind == "archive") {
    if (out.count("postcode") &&
        (out["postcode"].size() != 6 || !all_ascii_digits(out["postcode"]))) {
      throw Error::invalid_input("邮编 '" + out["postcode"] + "' must be 6 digits");
    }
  }
  return out;
}

// An edit's refusals in its own words: an empty value clears an optional field, never a required
// one; a template stored before a field became required (签约联系人) gets it with this edit.
void refuse_missing_required(const std::string& kind, const InviteTemplate& t,
                             const TemplateFields& changes) {
  for (const auto& r : rules(kind)) {
    if (!r.required) continue;
    const std::string option = option_of(r);
    auto c = changes.find(r.key);
    if (c != changes.end() && trim(c->second).empty()) {
      throw Error::invalid_input(r.label + " (" + option + ") is required for " +
                                 (kind == "archive" ? "an " : "a ") + kind +
                                 " template and cannot be cleared; give a new value instead");
    }
    auto old = t.fields.find(r.key);
    if (c == changes.end() && (old == t.fields.end() || trim(old->second).empty())) {
      throw Error::invalid_input("the " + kind + " template '" + t.name + "' has no " + r.label +
                                 " (saved before it was required): give it with " + option +
                                 " in this edit");
    }
  }
}

nlohmann::json to_json(const TemplateFields& f) {
  nlohmann::json j = nlohmann::json::object();
  for (const auto& [k, v] : f) j[k] = v;
  return j;
}

TemplateFields from_json(const nlohmann::json& j) {
  TemplateFields f;
  for (auto it = j.begin(); it != j.end(); ++it) {
    if (it.value().is_string()) f[it.key()] = it.value().get<std::string>();
  }
  return f;
}

void require_employer(SQLite::Database& db, const std::string& credit_code) {
  employer_verification_in(db, credit_code);  // throws NotFound for an unknown employer
}

constexpr const char* kColumns =
    "t.id, t.credit_code, t.kind, t.name, t.fields, t.is_default, t.created_at, t.updated_at, "
    "(SELECT max(version) FROM invite_template_history h WHERE h.template_id = t.id) "
    "FROM invite_templates t";

InviteTemplate read_template(SQLite::Statement& q) {
  InviteTemplate t;
  t.id = q.getColumn(0).getInt64();
  t.credit_code = q.getColumn(1).getString();
  t.kind = q.getColumn(2).getString();
  t.name = q.getColumn(3).getString();
  t.fields = from_json(nlohmann::json::parse(q.getColumn(4).getString()));
  t.is_default = q.getColumn(5).getInt() != 0;
  t.created_at = q.getColumn(6).getString();
  t.updated_at = q.getColumn(7).getString();
  t.version = q.getColumn(8).getInt();
  return t;
}

std::optional<InviteTemplate> find(SQLite::Database& db, const std::string& credit_code,
                                   const std::string& kind, const std::string& name) {
  SQLite::Statement q(db, std::string("SELECT ") + kColumns +
                              " WHERE t.credit_code = :c AND t.kind = :k AND t.name = :n AND "
                              "t.removed = 0");
  q.bind(":c", credit_code);
  q.bind(":k", kind);
  q.bind(":n", name);
  if (!q.executeStep()) return std::nullopt;
  return read_template(q);
}

InviteTemplate get(SQLite::Database& db, const std::string& credit_code, const std::string& kind,
                   const std::string& name) {
  auto t = find(db, credit_code, kind, name);
  if (!t) {
    throw Error(ErrorCode::NotFound,
                "employer " + credit_code + " has no " + kind + " template named '" + name + "'");
  }
  return *t;
}

// Appends the next version of a template: its fields and whether it is the default.
void append_version(SQLite::Database& db, std::int64_t template_id, const TemplateFields& fields,
                    bool is_default, const std::string& action, const Actor& actor) {
  nlohmann::json j = to_json(fields);
  j["is_default"] = is_default;
  SQLite::Statement q(db,
                      "INSERT INTO invite_template_history (template_id, version, fields, action, "
                      "actor, at) VALUES (:t, (SELECT coalesce(max(version), 0) + 1 FROM "
                      "invite_template_history WHERE template_id = :t), :f, :a, :actor, :at)");
  q.bind(":t", template_id);
  q.bind(":f", j.dump());
  q.bind(":a", action);
  q.bind(":actor", actor.name);
  q.bind(":at", format_utc(actor.now));
  q.exec();
}

// Unmarks the kind's current default (other than `keep`), recording a version of it.
void unmark_default(SQLite::Database& db, AuditWriter& audit, const std::string& credit_code,
                    const std::string& kind, std::int64_t keep, const Actor& actor) {
  SQLite::Statement q(db, std::string("SELECT ") + kColumns +
                              " WHERE t.credit_code = :c AND t.kind = :k AND t.is_default = 1 AND "
                              "t.removed = 0 AND t.id <> :keep");
  q.bind(":c", credit_code);
  q.bind(":k", kind);
  q.bind(":keep", keep);
  std::vector<InviteTemplate> old;
  while (q.executeStep()) old.push_back(read_template(q));
  for (const auto& t : old) {
    SQLite::Statement u(db,
                        "UPDATE invite_templates SET is_default = 0, updated_at = :now "
                        "WHERE id = :id");
    u.bind(":now", format_utc(actor.now));
    u.bind(":id", t.id);
    u.exec();
    append_version(db, t.id, t.fields, false, "edit", actor);
    audit.event("template.edit", "employer", credit_code, "another template became the default",
                {{"kind", kind},
                 {"name", t.name},
                 {"changes", {{"is_default", {{"old", true}, {"new", false}}}}}});
  }
}

InviteTemplate add_in(SQLite::Database& db, const std::string& credit_code, const std::string& kind,
                      const std::string& name, const TemplateFields& fields, bool make_default,
                      const Actor& actor, const std::string& reason) {
  if (name.empty()) throw Error::invalid_input("the template name is empty");
  checked_text(name, "the template name (--name)", TextLines::Single);
  if (find(db, credit_code, kind, name)) {
    throw Error::conflict("employer " + credit_code + " already has " +
                          (kind == "archive" ? "an " : "a ") + kind + " template named '" + name +
                          "'");
  }
  AuditWriter audit(db, actor);
  if (make_default) unmark_default(db, audit, credit_code, kind, 0, actor);
  std::string now = format_utc(actor.now);
  SQLite::Statement q(db,
                      "INSERT INTO invite_templates (credit_code, kind, name, fields, is_default, "
                      "created_at, updated_at) VALUES (:c, :k, :n, :f, :d, :now, :now)");
  q.bind(":c", credit_code);
  q.bind(":k", kind);
  q.bind(":n", name);
  q.bind(":f", to_json(fields).dump());
  q.bind(":d", make_default ? 1 : 0);
  q.bind(":now", now);
  q.exec();
  std::int64_t id = db.getLastInsertRowid();
  append_version(db, id, fields, make_default, "add", actor);
  audit.event(
      "template.add", "employer", credit_code, reason,
      {{"kind", kind}, {"name", name}, {"fields", to_json(fields)}, {"is_default", make_default}});
  return get(db, credit_code, kind, name);
}

}  // namespace

std::string describe_template_fields(Store& store, const std::string& kind,
                                     const TemplateFields& fields, bool unmask) {
  std::string out;
  for (const auto& r : rules(kind)) {
    auto it = fields.find(r.key);
    if (it == fields.end() || it->second.empty()) continue;
    std::string value = it->second;
    if (r.code_table) {
      if (auto c = find_code(store, r.code_table, value)) value = c->code + " " + c->name;
    } else if (r.phone && !unmask) {
      value = mask_phone(value);
    }
    out += (out.empty() ? "" : "; ") + r.label + " " + value;
  }
  return out;
}

bool template_field_is_phone(const std::string& kind, const std::string& key) {
  const auto& rs = rules(kind);
  return std::any_of(rs.begin(), rs.end(),
                     [&](const FieldRule& r) { return r.phone && r.key == key; });
}

TemplateFields template_fields_from_json(const std::string& json) {
  auto j = nlohmann::json::parse(json, nullptr, false);
  return j.is_object() ? from_json(j) : TemplateFields{};
}

const std::vector<std::string>& template_field_keys(const std::string& kind) {
  static const auto keys = [] {
    std::map<std::string, std::vector<std::string>> m;
    for (const char* k : {"job", "archive", "hukou"}) {
      for (const auto& r : rules(k)) m[k].push_back(r.key);
    }
    return m;
  }();
  rules(kind);  // throws for an unknown kind
  return keys.at(kind);
}

InviteTemplate add_template(Store& store, const std::string& credit_code_raw,
                            const std::string& kind, const std::string& name_raw,
                            const TemplateFields& fields, bool make_default, const Actor& actor) {
  return with_storage_errors([&] {
    auto& db = database(store);
    SQLite::Transaction tx(db, SQLite::TransactionBehavior::IMMEDIATE);
    std::string credit_code = normalize_credit_code(credit_code_raw);
    require_employer(db, credit_code);
    auto valid = validate(store, kind, fields);
    auto t = add_in(db, credit_code, kind, trim(name_raw), valid, make_default, actor, "");
    tx.commit();
    return t;
  });
}

InviteTemplate edit_template(Store& store, const std::string& credit_code_raw,
                             const std::string& kind, const std::string& name,
                             const TemplateFields& changes, bool make_default, const Actor& actor) {
  return with_storage_errors([&] {
    auto& db = database(store);
    SQLite::Transaction tx(db, SQLite::TransactionBehavior::IMMEDIATE);
    std::string credit_code = normalize_credit_code(credit_code_raw);
    require_employer(db, credit_code);
    rules(kind);
    auto t = get(db, credit_code, kind, trim(name));
    refuse_missing_required(kind, t, changes);
    TemplateFields merged = t.fields;
    for (const auto& [k, v] : changes) merged[k] = v;
    for (auto it = merged.begin(); it != merged.end();) {
      it = trim(it->second).empty() ? merged.erase(it) : std::next(it);
    }
    auto valid = validate(store, kind, merged);
    nlohmann::json diff = nlohmann::json::object();
    for (const auto& r : rules(kind)) {
      std::string o = t.fields.count(r.key) ? t.fields.at(r.key) : "";
      std::string n = valid.count(r.key) ? valid.at(r.key) : "";
      if (o != n) diff[r.key] = {{"old", o}, {"new", n}};
    }
    bool becomes_default = make_default && !t.is_default;
    if (becomes_default) diff["is_default"] = {{"old", false}, {"new", true}};
    if (diff.empty()) return t;  // nothing changed: no new version
    AuditWriter audit(db, actor);
    if (becomes_default) unmark_default(db, audit, credit_code, kind, t.id, actor);
    SQLite::Statement u(db,
                        "UPDATE invite_templates SET fields = :f, is_default = :d, updated_at = "
                        ":now WHERE id = :id");
    u.bind(":f", to_json(valid).dump());
    u.bind(":d", (t.is_default || becomes_default) ? 1 : 0);
    u.bind(":now", format_utc(actor.now));
    u.bind(":id", t.id);
    u.exec();
    append_version(db, t.id, valid, t.is_default || becomes_default, "edit", actor);
    audit.event("template.edit", "employer", credit_code, "",
                {{"kind", kind}, {"name", t.name}, {"changes", diff}});
    auto out = get(db, credit_code, kind, t.name);
    tx.commit();
    return out;
  });
}

void remove_template(Store& store, const std::string& credit_code_raw, const std::string& kind,
                     const std::string& name, const Actor& actor) {
  with_storage_errors([&] {
    auto& db = database(store);
    SQLite::Transaction tx(db, SQLite::TransactionBehavior::IMMEDIATE);
    std::string credit_code = normalize_credit_code(credit_code_raw);
    require_employer(db, credit_code);
    rules(kind);
    auto t = get(db, credit_code, kind, trim(name));
    SQLite::Statement u(db,
                        "UPDATE invite_templates SET removed = 1, is_default = 0, updated_at = "
                        ":now WHERE id = :id");
    u.bind(":now", format_utc(actor.now));
    u.bind(":id", t.id);
    u.exec();
    append_version(db, t.id, t.fields, false, "remove", actor);
    AuditWriter audit(db, actor);
    audit.event("template.remove", "employer", credit_code, "",
                {{"kind", kind}, {"name", t.name}, {"fields", to_json(t.fields)}});
    tx.commit();
  });
}

InviteTemplate get_template(Store& store, const std::string& credit_code, const std::string& kind,
                            const std::string& name) {
  return with_storage_errors([&] {
    auto& db = database(store);
    std::string code = normalize_credit_code(credit_code);
    require_employer(db, code);
    rules(kind);
    return get(db, code, kind, trim(name));
  });
}

std::vector<InviteTemplate> list_templates(Store& store, const std::string& credit_code,
                                           const std::string& kind) {
  return with_storage_errors([&] {
    auto& db = database(store);
    std::string code = normalize_credit_code(credit_code);
    require_employer(db, code);
    if (!kind.empty()) rules(kind);
    SQLite::Statement q(db, std::string("SELECT ") + kColumns +
                                " WHERE t.credit_code = :c AND (:k = '' OR t.kind = :k) AND "
                                "t.removed = 0 ORDER BY CASE t.kind WHEN 'job' THEN 1 WHEN "
                                "'archive' THEN 2 ELSE 3 END, t.name");
    q.bind(":c", code);
    q.bind(":k", kind);
    std::vector<InviteTemplate> out;
    while (q.executeStep()) out.push_back(read_template(q));
    return out;
  });
}

std::vector<TemplateVersion> template_history(Store& store, const std::string& credit_code,
                                              const std::string& kind, const std::string& name) {
  return with_storage_errors([&] {
    auto& db = database(store);
    std::string code = normalize_credit_code(credit_code);
    require_employer(db, code);
    rules(kind);
    // The live template of that name, else the most recently removed one.
    SQLite::Statement t(db,
                        "SELECT id FROM invite_templates WHERE credit_code = :c AND kind = :k AND "
                        "name = :n ORDER BY removed, id DESC LIMIT 1");
    t.bind(":c", code);
    t.bind(":k", kind);
    t.bind(":n", trim(name));
    if (!t.executeStep()) {
      throw Error(ErrorCode::NotFound,
                  "employer " + code + " has no " + kind + " template named '" + trim(name) + "'");
    }
    SQLite::Statement q(db,
                        "SELECT version, action, actor, at, fields FROM invite_template_history "
                        "WHERE template_id = :t ORDER BY version");
    q.bind(":t", t.getColumn(0).getInt64());
    std::vector<TemplateVersion> out;
    while (q.executeStep()) {
      TemplateVersion v;
      v.version = q.getColumn(0).getInt();
      v.action = q.getColumn(1).getString();
      v.actor = q.getColumn(2).getString();
      v.at = q.getColumn(3).getString();
      auto j = nlohmann::json::parse(q.getColumn(4).getString());
      v.is_default = j.value("is_default", false);
      j.erase("is_default");
      v.fields = from_json(j);
      out.push_back(std::move(v));
    }
    return out;
  });
}

std::optional<InviteTemplate> default_template(Store& store, const std::string& credit_code,
                                               const std::string& kind) {
  return with_storage_errors([&]() -> std::optional<InviteTemplate> {
    auto& db = database(store);
    rules(kind);
    SQLite::Statement q(db, std::string("SELECT ") + kColumns +
                                " WHERE t.credit_code = :c AND t.kind = :k AND t.is_default = 1 "
                                "AND t.removed = 0");
    q.bind(":c", normalize_credit_code(credit_code));
    q.bind(":k", kind);
    if (!q.executeStep()) return std::nullopt;
    return read_template(q);
  });
}

TemplateFields validate_template_fields(Store& store, const std::string& kind,
                                        const TemplateFields& fields,
                                        const std::string& option_prefix) {
  return validate(store, kind, fields, option_prefix);
}

bool save_first_as_default_in(SQLite::Database& db, const std::string& credit_code,
                              const std::string& kind, const TemplateFields& fields,
                              const Actor& actor) {
  SQLite::Statement q(db,
                      "SELECT 1 FROM invite_templates WHERE credit_code = :c AND kind = :k "
                      "AND is_default = 1 AND removed = 0");
  q.bind(":c", credit_code);
  q.bind(":k", kind);
  if (q.executeStep()) return false;
  std::string name = "默认";
  for (int i = 2; find(db, credit_code, kind, name); ++i) name = "默认" + std::to_string(i);
  add_in(db, credit_code, kind, name, fields, true, actor,
         "the first information typed into an invitation becomes the default");
  return true;
}

bool save_first_as_default(Store& store, const std::string& credit_code_raw,
                           const std::string& kind, const TemplateFields& fields,
                           const Actor& actor) {
  return with_storage_errors([&] {
    auto& db = database(store);
    SQLite::Transaction tx(db, SQLite::TransactionBehavior::IMMEDIATE);
    std::string credit_code = normalize_credit_code(credit_code_raw);
    require_employer(db, credit_code);
    auto valid = validate(store, kind, fields);
    bool saved = save_first_as_default_in(db, credit_code, kind, valid, actor);
    if (saved) tx.commit();
    return saved;
  });
}

}  // namespace ncss
