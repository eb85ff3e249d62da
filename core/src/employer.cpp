#include "ncss/employer.hpp"

#include <algorithm>
#include <cctype>
#include <utility>

#include "audit_impl.hpp"
#include "employer_impl.hpp"
#include "ncss/codes.hpp"
#include "ncss/identity.hpp"
#include "store_impl.hpp"
#include "text_rules.hpp"

namespace ncss {

Error employer_not_found(const std::string& code) {
  return Error(ErrorCode::NotFound, "unknown employer '" + code +
                                        "': no employer is registered with this credit code "
                                        "(统一社会信用代码)");
}

namespace {

constexpr const char* kNaturePrivate = "39";  // 其他企业: what a private company must be

constexpr const char* kEmployerColumns =
    "e.credit_code, e.name, e.short_name, e.nature_code, n.name, e.industry_code, i.name, "
    "e.size_code, s.name, e.province, e.city, e.street, e.website, e.verification, "
    "coalesce(e.verified_at, ''), e.created_at, e.updated_at, e.private FROM employers e "
    "JOIN employer_natures n ON n.code = e.nature_code "
    "JOIN industries i ON i.code = e.industry_code "
    "JOIN company_sizes s ON s.code = e.size_code";

Employer read_employer(SQLite::Statement& q) {
  Employer e;
  e.credit_code = q.getColumn(0).getString();
  e.name = q.getColumn(1).getString();
  e.short_name = q.getColumn(2).getString();
  e.nature_code = q.getColumn(3).getString();
  e.nature = q.getColumn(4).getString();
  e.industry_code = q.getColumn(5).getString();
  e.industry = q.getColumn(6).getString();
  e.size_code = q.getColumn(7).getString();
  e.size = q.getColumn(8).getString();
  e.province = q.getColumn(9).getString();
  e.city = q.getColumn(10).getString();
  e.street = q.getColumn(11).getString();
  e.website = q.getColumn(12).getString();
  e.verification = q.getColumn(13).getString();
  e.verified_at = q.getColumn(14).getString();
  e.created_at = q.getColumn(15).getString();
  e.updated_at = q.getColumn(16).getString();
  e.private_company = q.getColumn(17).getInt() != 0;
  return e;
}

constexpr const char* kUserColumns =
    "id, credit_code, real_name, gender, department, position, email, work_phone, fax, mobile, "
    "disabled, created_at, updated_at FROM employer_users";

EmployerUser read_user(SQLite::Statement& q) {
  EmployerUser u;
  u.id = q.getColumn(0).getInt64();
  u.credit_code = q.getColumn(1).getString();
  u.real_name = q.getColumn(2).getString();
  u.gender = q.getColumn(3).getString();
  u.department = q.getColumn(4).getString();
  u.position = q.getColumn(5).getString();
  u.email = q.getColumn(6).getString();
  u.work_phone = q.getColumn(7).getString();
  u.fax = q.getColumn(8).getString();
  u.mobile = q.getColumn(9).getString();
  u.disabled = q.getColumn(10).getInt() != 0;
  u.created_at = q.getColumn(11).getString();
  u.updated_at = q.getColumn(12).getString();
  return u;
}

void require_field(const std::string& value, const std::string& label) {
  if (value.empty()) throw Error::invalid_input(label + " must not be empty");
}

// A single-line field of the employer's forms, as stored (trimmed): hidden characters refused.
void require_one_line(const std::string& value, const std::string& label) {
  checked_text(value, label, TextLines::Single);
}

void validate_credit_code(const std::string& code, const std::string& label) {
  require_field(code, label);
  require_one_line(code, label);
  auto problems = describe_credit_code_defects(code);
  if (problems.empty()) return;
  std::string msg = label + " '" + code + "' is not valid: ";
  for (std::size_t i = 0; i < problems.size(); ++i) msg += (i ? "; " : "") + problems[i];
  throw Error::invalid_input(msg);
}

void validate_website(const std::string& url) {
  if (url.empty()) return;
  if (url.rfind("http://", 0) == 0 || url.rfind("https://", 0) == 0) {
    if (url.size() > (url[4] == 's' ? 8u : 7u)) return;
  }
  throw Error::invalid_input("公司网址 (--website) '" + url +
                             "' must start with http:// or https:// and name a site");
}

// Resolves a code or a name in a code table; refuses naming the table and its valid codes.
CodeEntry resolve_code(Store& store, const std::string& table, const std::string& title,
                       const std::string& option, const std::string& value) {
  require_field(value, title + " (" + option + ")");
  if (auto entry = find_code(store, table, value)) return *entry;
  std::string valid;
  for (const auto& c : list_codes(store, table)) {
    valid += (valid.empty() ? "" : ", ") + c.code + " " + c.name;
  }
  throw Error::invalid_input(title + " (" + option + ") '" + value + "' is not in the " + table +
                             " table; valid codes: " + valid);
}

// The fields an add or an edit gives, each a single line; a stored value is not checked again.
void validate_user_text(const EmployerUserEdit& u) {
  const std::pair<const std::optional<std::string>*, const char*> fields[] = {
      {&u.real_name, "真实姓名 (--real-name)"},
      {&u.gender, "性别 (--gender)"},
      {&u.department, "所在部门 (--department)"},
      {&u.position, "担任职务 (--position)"},
      {&u.email, "邮箱 (--email)"},
      {&u.work_phone, "工作电话 (--work-phone)"},
      {&u.fax, "传真 (--fax)"},
      {&u.mobile, "手机 (--mobile)"}};
  for (const auto& [value, label] : fields) {
    if (*value) require_one_line(trim(**value), label);
  }
}

void validate_user(const EmployerUser& u) {
  require_field(u.real_name, "真实姓名 (--real-name)");
  // The 2024 guide's 身份认证 form marks 所在部门, 担任职务 and 邮箱 required (*), as 真实姓名.
  require_field(trim(u.department), "所在部门 (--department)");
  require_field(trim(u.position), "担任职务 (--position)");
  require_field(trim(u.email), "邮箱 (--email)");
  if (u.gender != "男" && u.gender != "女") {
    throw Error::invalid_input("性别 (--gender) '" + u.gender + "' must be 男 or 女");
  }
  if (u.work_phone.empty() && u.fax.empty()) {
    throw Error::invalid_input(
        "工作电话 (--work-phone) and 传真 (--fax) are both empty: give at least one");
  }
  if (!u.work_phone.empty() && !valid_landline(u.work_phone)) {
    throw Error::invalid_input("工作电话 (--work-phone) '" + u.work_phone +
                               "' must be 7 to 20 digits, with - + ( ) or spaces between");
  }
  if (!u.fax.empty() && !valid_landline(u.fax)) {
    throw Error::invalid_input("传真 (--fax) '" + u.fax +
                               "' must be 7 to 20 digits, with - + ( ) or spaces between");
  }
  if (!u.email.empty() && !valid_email(u.email)) {
    throw Error::invalid_input("邮箱 (--email) '" + u.email +
                               "' is not an address of the form name@domain.tld");
  }
  if (!u.mobile.empty() && !valid_mobile(u.mobile)) {
    throw Error::invalid_input("手机 (--mobile) '" + mask_phone(u.mobile) +
                               "' must be 11 digits starting with 1");
  }
}

std::optional<Employer> find_employer_in(SQLite::Database& db, const std::string& code) {
  SQLite::Statement q(db,
                      std::string("SELECT ") + kEmployerColumns + " WHERE e.credit_code = :code");
  q.bind(":code", code);
  if (!q.executeStep()) return std::nullopt;
  return read_employer(q);
}

Employer get_employer_in(SQLite::Database& db, const std::string& code) {
  auto e = find_employer_in(db, code);
  if (!e) throw employer_not_found(code);
  return *e;
}

void refuse_existing(SQLite::Database& db, const std::string& code, const std::string& name,
                     const std::string& except_code) {
  SQLite::Statement q(db,
                      "SELECT credit_code, name FROM employers WHERE (credit_code = :code OR "
                      "name = :name) AND credit_code <> :except LIMIT 1");
  q.bind(":code", code);
  q.bind(":name", name);
  q.bind(":except", except_code);
  if (q.executeStep()) {
    std::string other_code = q.getColumn(0).getString();
    std::string other_name = q.getColumn(1).getString();
    if (other_code == code) {
      throw Error::conflict("credit code " + code + " is already registered (" + other_name + ")");
    }
    throw Error::conflict("单位名称 '" + name + "' is already registered under credit code " +
                          other_code);
  }
}

std::optional<EmployerUser> find_user_in(SQLite::Database& db, std::int64_t id) {
  SQLite::Statement q(db, std::string("SELECT ") + kUserColumns + " WHERE id = :id");
  q.bind(":id", id);
  if (!q.executeStep()) return std::nullopt;
  return read_user(q);
}

EmployerUser get_user_in(SQLite::Database& db, std::int64_t id) {
  auto u = find_user_in(db, id);
  if (!u) throw Error::not_found("employer user", std::to_string(id));
  return *u;
}

// Applies an optional new value to a field, noting the change.
void apply(ChangeSet& cs, const char* key, std::string& field,
           const std::optional<std::string>& value) {
  if (!value) return;
  std::string v = trim(*value);
  if (v == field) return;
  cs.changes[key] = {{"old", field}, {"new", v}};
  field = v;
}

}  // namespace

std::vector<std::string> describe_credit_code_defects(const std::string& code) {
  static const std::string kAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";
  std::vector<std::string> out;
  for (auto d : check_credit_code(code)) {
    switch (d) {
      case CreditCodeDefect::Length:
        out.push_back("it has " + std::to_string(code.size()) +
                      " characters, a credit code has 18");
        break;
      case CreditCodeDefect::Characters: {
        std::string bad;
        for (char c : code) {
          if (kAlphabet.find(c) == std::string::npos && bad.find(c) == std::string::npos) {
            bad += c;
          }
        }
        out.push_back("characters '" + bad +
                      "' are outside the GB 32100 alphabet (0-9 A-H J-N P-R T U W-Y; "
                      "no I, O, Z, S, V)");
        break;
      }
      case CreditCodeDefect::CheckCharacter:
        out.push_back(std::string("the check character (18th) is '") + code[17] +
                      "' but MOD 31 gives '" + credit_code_check_char(code) + "'");
        break;
      case CreditCodeDefect::OrganisationCode:
        out.push_back("the organisation code in characters 9-17 (" + code.substr(8, 9) +
                      ") fails its GB 11714 check");
        break;
    }
  }
  return out;
}

bool employer_is_verified(Store& store, const std::string& credit_code) {
  return with_storage_errors([&] {
    SQLite::Statement q(database(store),
                        "SELECT 1 FROM employers WHERE credit_code = :code AND "
                        "verification = 'verified'");
    q.bind(":code", credit_code);
    return q.executeStep();
  });
}

std::string employer_verification_in(SQLite::Database& db, const std::string& credit_code) {
  SQLite::Statement q(db, "SELECT verification FROM employers WHERE credit_code = :code");
  q.bind(":code", credit_code);
  if (!q.executeStep()) throw employer_not_found(credit_code);
  return q.getColumn(0).getString();
}

void require_verified_employer_in(SQLite::Database& db, const std::string& credit_code,
                                  const std::string& purpose) {
  std::string state = employer_verification_in(db, credit_code);
  if (state != "verified") {
    throw Error::invalid_transition("employer " + credit_code +
                                    " has not passed identity verification (身份认证; it is " +
                                    state + "); only a verified employer may " + purpose);
  }
}

void require_verified_employer(Store& store, const std::string& credit_code) {
  with_storage_errors([&] {
    require_verified_employer_in(database(store), credit_code, "add favourites or invite");
  });
}

Employer register_employer(Store& store, const EmployerRegistration& reg, const Actor& actor) {
  Employer e;
  e.name = trim(reg.name);
  e.short_name = trim(reg.short_name);
  e.credit_code = normalize_credit_code(reg.credit_code);
  e.province = trim(reg.province);
  e.city = trim(reg.city);
  e.street = trim(reg.street);
  e.website = trim(reg.website);
  require_field(e.name, "单位名称 (--name)");
  require_one_line(e.name, "单位名称 (--name)");
  require_field(e.short_name, "公司简称 (--short-name)");
  require_one_line(e.short_name, "公司简称 (--short-name)");
  validate_credit_code(e.credit_code, "统一社会信用代码 (--credit-code)");
  auto nature = resolve_code(store, "employer_nature", "单位性质", "--nature", trim(reg.nature));
  auto industry = resolve_code(store, "industry", "网签所属行业", "--industry", trim(reg.industry));
  auto size = resolve_code(store, "company_size", "公司规模", "--size", trim(reg.size));
  if (reg.private_company && nature.code != kNaturePrivate) {
    throw Error::invalid_input(
        "a private company (民营企业, --private) must be registered as 单位性质 "
        "39 其他企业, not " +
        nature.code + " " + nature.name);
  }
  e.private_company = reg.private_company;
  require_field(e.province, "省份 (--province)");
  require_one_line(e.province, "省份 (--province)");
  require_field(e.city, "城市 (--city)");
  require_one_line(e.city, "城市 (--city)");
  require_field(e.street, "详细地址 (--street)");
  require_one_line(e.street, "详细地址 (--street)");
  require_one_line(e.website, "公司网址 (--website)");
  validate_website(e.website);
  e.nature_code = nature.code;
  e.nature = nature.name;
  e.industry_code = industry.code;
  e.industry = industry.name;
  e.size_code = size.code;
  e.size = size.name;
  e.created_at = e.updated_at = format_utc(actor.now);

  return with_storage_errors([&] {
    auto& db = database(store);
    SQLite::Transaction tx(db, SQLite::TransactionBehavior::IMMEDIATE);
    refuse_existing(db, e.credit_code, e.name, "");
    SQLite::Statement ins(
        db,
        "INSERT INTO employers (credit_code, name, short_name, nature_code, industry_code, "
        "size_code, province, city, street, website, private, created_at, updated_at) VALUES "
        "(:code, :name, :short, :nature, :industry, :size, :province, :city, :street, :website, "
        ":private, :now, :now)");
    ins.bind(":code", e.credit_code);
    ins.bind(":name", e.name);
    ins.bind(":short", e.short_name);
    ins.bind(":nature", e.nature_code);
    ins.bind(":industry", e.industry_code);
    ins.bind(":size", e.size_code);
    ins.bind(":province", e.province);
    ins.bind(":city", e.city);
    ins.bind(":street", e.street);
    ins.bind(":website", e.website);
    ins.bind(":private", e.private_company ? 1 : 0);
    ins.bind(":now", e.created_at);
    ins.exec();
    AuditWriter audit(db, actor);
    audit.event("employer.register", "employer", e.credit_code, "",
                {{"credit_code", e.credit_code},
                 {"name", e.name},
                 {"short_name", e.short_name},
                 {"nature_code", e.nature_code},
                 {"industry_code", e.industry_code},
                 {"size_code", e.size_code},
                 {"province", e.province},
                 {"city", e.city},
                 {"street", e.street},
                 {"website", e.website},
                 {"private", reg.private_company}});
    tx.commit();
    return e;
  });
}

std::optional<Employer> find_employer(Store& store, const std::string& credit_code) {
  return with_storage_errors(
      [&] { return find_employer_in(database(store), normalize_credit_code(credit_code)); });
}

Employer get_employer(Store& store, const std::string& credit_code) {
  auto e = find_employer(store, credit_code);
  if (!e) throw employer_not_found(credit_code);
  return *e;
}

std::vector<Employer> list_employers(Store& store, const EmployerFilter& filter) {
  static const std::vector<std::string> kStates = {"unverified", "pending", "verified", "rejected"};
  if (!filter.verification.empty() &&
      std::find(kStates.begin(), kStates.end(), filter.verification) == kStates.end()) {
    throw Error::usage("--verification '" + filter.verification +
                       "' must be one of unverified, pending, verified, rejected");
  }
  // A filter naming no code is a usage error (exit 2), as every listing's filter is; the same
  // value in a registration is a bad value (resolve_code's InvalidInput).
  auto filter_code = [&](const char* table, const char* label, const char* option,
                         const std::string& value) {
    try {
      return resolve_code(store, table, label, option, value).code;
    } catch (const Error& e) {
      if (e.code() != ErrorCode::InvalidInput) throw;
      throw Error::usage(e.what());
    }
  };
  std::string nature, industry;
  if (!filter.nature.empty()) {
    nature = filter_code("employer_nature", "单位性质", "--nature", filter.nature);
  }
  if (!filter.industry.empty()) {
    industry = filter_code("industry", "网签所属行业", "--industry", filter.industry);
  }
  return with_storage_errors([&] {
    SQLite::Statement q(database(store),
                        std::string("SELECT ") + kEmployerColumns +
                            " WHERE (:state = '' OR e.verification = :state) AND (:nature = '' "
                            "OR e.nature_code = :nature) AND (:industry = '' OR "
                            "e.industry_code = :industry) ORDER BY e.credit_code");
    q.bind(":state", filter.verification);
    q.bind(":nature", nature);
    q.bind(":industry", industry);
    std::vector<Employer> out;
    while (q.executeStep()) out.push_back(read_employer(q));
    return out;
  });
}

ChangeSet edit_employer(Store& store, const std::string& credit_code, const EmployerEdit& edit,
                        const Actor& actor) {
  std::string code = normalize_credit_code(credit_code);
  std::optional<std::string> nature, industry, size;
  std::string nature_name;
  if (edit.nature) {
    auto resolved =
        resolve_code(store, "employer_nature", "单位性质", "--nature", trim(*edit.nature));
    nature = resolved.code;
    nature_name = resolved.name;
  }
  if (edit.industry) {
    industry =
        resolve_code(store, "industry", "网签所属行业", "--industry", trim(*edit.industry)).code;
  }
  if (edit.size) {
    size = resolve_code(store, "company_size", "公司规模", "--size", trim(*edit.size)).code;
  }
  const std::pair<const std::optional<std::string>*, const char*> address[] = {
      {&edit.province, "省份 (--province)"},
      {&edit.city, "城市 (--city)"},
      {&edit.street, "详细地址 (--street)"}};
  for (const auto& [value, label] : address) {
    if (!*value) continue;
    require_field(trim(**value), label);
    require_one_line(trim(**value), label);
  }
  if (edit.website) {
    require_one_line(trim(*edit.website), "公司网址 (--website)");
    validate_website(trim(*edit.website));
  }

  return with_storage_errors([&] {
    auto& db = database(store);
    SQLite::Transaction tx(db, SQLite::TransactionBehavior::IMMEDIATE);
    Employer e = get_employer_in(db, code);
    ChangeSet cs;
    apply(cs, "nature_code", e.nature_code, nature);
    apply(cs, "industry_code", e.industry_code, industry);
    apply(cs, "size_code", e.size_code, size);
    apply(cs, "province", e.province, edit.province);
    apply(cs, "city", e.city, edit.city);
    apply(cs, "street", e.street, edit.street);
    apply(cs, "website", e.website, edit.website);
    if (edit.private_company && *edit.private_company != e.private_company) {
      cs.changes["private"] = {{"old", e.private_company}, {"new", *edit.private_company}};
      e.private_company = *edit.private_company;
    }
    // DOMAIN.md: a private company (民营企业) is 39 其他企业, before and after any edit.
    if (e.private_company && e.nature_code != kNaturePrivate) {
      const std::string nature_text =
          e.nature_code + " " + (nature_name.empty() ? e.nature : nature_name);
      throw Error::invalid_input(
          edit.private_company
              ? "a private company (民营企业, --private) must be 单位性质 39 其他企业, not " +
                    nature_text + "; give --nature 39 as well"
              : "employer " + e.credit_code + " is a private company (民营企业): its 单位性质 " +
                    "stays 39 其他企业, not " + nature_text +
                    " (if it is no longer private, give --not-private as well)");
    }
    if (cs.empty()) return cs;
    SQLite::Statement up(db,
                         "UPDATE employers SET nature_code = :nature, "
                         "industry_code = :industry, size_code = :size, province = :province, "
                         "city = :city, street = :street, website = :website, private = :private, "
                         "updated_at = :now WHERE credit_code = :code");
    up.bind(":nature", e.nature_code);
    up.bind(":industry", e.industry_code);
    up.bind(":size", e.size_code);
    up.bind(":province", e.province);
    up.bind(":city", e.city);
    up.bind(":street", e.street);
    up.bind(":website", e.website);
    up.bind(":private", e.private_company ? 1 : 0);
    up.bind(":now", format_utc(actor.now));
    up.bind(":code", e.credit_code);
    up.exec();
    AuditWriter audit(db, actor);
    audit.event("employer.edit", "employer", e.credit_code, "", {{"changes", cs.changes}});
    tx.commit();
    return cs;
  });
}

Employer correct_employer(Store& store, const std::string& credit_code,
                          const EmployerCorrection& correction, const Actor& actor) {
  std::string code = normalize_credit_code(credit_code);
  std::string reason = trim(correction.reason);
  require_field(reason, "the reason for a correction (--reason)");
  reason = checked_text(reason, "the reason for a correction (--reason)", TextLines::Multi);
  std::optional<std::string> new_name, new_short_name, new_code;
  if (correction.name) {
    new_name = trim(*correction.name);
    require_field(*new_name, "单位名称 (--name)");
    require_one_line(*new_name, "单位名称 (--name)");
  }
  if (correction.short_name) {
    new_short_name = trim(*correction.short_name);
    require_field(*new_short_name, "公司简称 (--short-name)");
    require_one_line(*new_short_name, "公司简称 (--short-name)");
  }
  if (correction.credit_code) {
    new_code = normalize_credit_code(*correction.credit_code);
    validate_credit_code(*new_code, "统一社会信用代码 (--credit-code)");
  }
  if (!new_name && !new_short_name && !new_code) {
    throw Error::invalid_input("nothing to correct: give --name, --short-name or --credit-code");
  }

  return with_storage_errors([&] {
    auto& db = database(store);
    SQLite::Transaction tx(db, SQLite::TransactionBehavior::IMMEDIATE);
    Employer e = get_employer_in(db, code);
    ChangeSet cs;
    apply(cs, "name", e.name, new_name);
    apply(cs, "short_name", e.short_name, new_short_name);
    apply(cs, "credit_code", e.credit_code, new_code);
    if (cs.empty()) {
      throw Error::invalid_input("nothing to correct: employer " + code +
                                 " already has these values");
    }
    refuse_existing(db, e.credit_code, e.name, code);
    // Children reference employers(credit_code) without ON UPDATE CASCADE: check the keys at
    // commit, after parent and children have all moved. Every referencing table is found from
    // the schema, so tables added by later migrations move too.
    db.exec("PRAGMA defer_foreign_keys = ON");
    SQLite::Statement up(db,
                         "UPDATE employers SET credit_code = :new_code, name = :name, "
                         "short_name = :short, updated_at = :now WHERE credit_code = :code");
    up.bind(":new_code", e.credit_code);
    up.bind(":name", e.name);
    up.bind(":short", e.short_name);
    up.bind(":now", format_utc(actor.now));
    up.bind(":code", code);
    up.exec();
    nlohmann::json moved = nlohmann::json::object();
    if (e.credit_code != code) {
      std::vector<std::pair<std::string, std::string>> refs;
      SQLite::Statement fks(db,
                            "SELECT m.name, f.\"from\" FROM sqlite_master m, "
                            "pragma_foreign_key_list(m.name) f WHERE m.type = 'table' AND "
                            "f.\"table\" = 'employers' ORDER BY m.name");
      while (fks.executeStep()) {
        refs.emplace_back(fks.getColumn(0).getString(), fks.getColumn(1).getString());
      }
      auto quote = [](const std::string& id) {
        std::string q = "\"";
        for (char c : id) q += c == '"' ? std::string("\"\"") : std::string(1, c);
        return q + "\"";
      };
      for (const auto& [table, column] : refs) {
        // sql-lint: table and column names come from the schema's own foreign keys, quoted.
        SQLite::Statement child(db, "UPDATE " + quote(table) + " SET " + quote(column) +
                                        " = :new_code WHERE " + quote(column) + " = :code");
        child.bind(":new_code", e.credit_code);
        child.bind(":code", code);
        int n = child.exec();
        if (n > 0) moved[table] = n;
      }
    }
    AuditWriter audit(db, actor);
    audit.event("employer.correct", "employer", e.credit_code, reason,
                {{"changes", cs.changes}, {"corrected_by", actor.name}, {"rows_moved", moved}});
    tx.commit();
    return get_employer_in(db, e.credit_code);
  });
}

EmployerUser add_employer_user(Store& store, const std::string& credit_code, EmployerUser user,
                               const Actor& actor) {
  std::string code = normalize_credit_code(credit_code);
  for (auto* f : {&user.real_name, &user.gender, &user.department, &user.position, &user.email,
                  &user.work_phone, &user.fax, &user.mobile}) {
    *f = trim(*f);
  }
  validate_user_text({user.real_name, user.gender, user.department, user.position, user.email,
                      user.work_phone, user.fax, user.mobile});
  validate_user(user);
  return with_storage_errors([&] {
    auto& db = database(store);
    SQLite::Transaction tx(db, SQLite::TransactionBehavior::IMMEDIATE);
    get_employer_in(db, code);
    user.credit_code = code;
    user.disabled = false;
    user.created_at = user.updated_at = format_utc(actor.now);
    SQLite::Statement ins(
        db,
        "INSERT INTO employer_users (credit_code, real_name, gender, department, position, "
        "email, work_phone, fax, mobile, created_at, updated_at) VALUES (:code, :real_name, "
        ":gender, :department, :position, :email, :work_phone, :fax, :mobile, :now, :now)");
    ins.bind(":code", code);
    ins.bind(":real_name", user.real_name);
    ins.bind(":gender", user.gender);
    ins.bind(":department", user.department);
    ins.bind(":position", user.position);
    ins.bind(":email", user.email);
    ins.bind(":work_phone", user.work_phone);
    ins.bind(":fax", user.fax);
    ins.bind(":mobile", user.mobile);
    ins.bind(":now", user.created_at);
    ins.exec();
    user.id = db.getLastInsertRowid();
    AuditWriter audit(db, actor);
    audit.event("employer.user.add", "employer_user", std::to_string(user.id), "",
                {{"credit_code", code},
                 {"real_name", user.real_name},
                 {"gender", user.gender},
                 {"department", user.department},
                 {"position", user.position},
                 {"email", user.email},
                 {"work_phone", user.work_phone},
                 {"fax", user.fax},
                 {"mobile", user.mobile}});
    tx.commit();
    return user;
  });
}

std::vector<EmployerUser> list_employer_users(Store& store, const std::string& credit_code) {
  std::string code = normalize_credit_code(credit_code);
  return with_storage_errors([&] {
    auto& db = database(store);
    get_employer_in(db, code);
    SQLite::Statement q(
        db, std::string("SELECT ") + kUserColumns + " WHERE credit_code = :code ORDER BY id");
    q.bind(":code", code);
    std::vector<EmployerUser> out;
    while (q.executeStep()) out.push_back(read_user(q));
    return out;
  });
}

EmployerUser get_employer_user(Store& store, std::int64_t id) {
  return with_storage_errors([&] { return get_user_in(database(store), id); });
}

ChangeSet edit_employer_user(Store& store, std::int64_t id, const EmployerUserEdit& edit,
                             const Actor& actor) {
  validate_user_text(edit);
  return with_storage_errors([&] {
    auto& db = database(store);
    SQLite::Transaction tx(db, SQLite::TransactionBehavior::IMMEDIATE);
    EmployerUser u = get_user_in(db, id);
    ChangeSet cs;
    apply(cs, "real_name", u.real_name, edit.real_name);
    apply(cs, "gender", u.gender, edit.gender);
    apply(cs, "department", u.department, edit.department);
    apply(cs, "position", u.position, edit.position);
    apply(cs, "email", u.email, edit.email);
    apply(cs, "work_phone", u.work_phone, edit.work_phone);
    apply(cs, "fax", u.fax, edit.fax);
    apply(cs, "mobile", u.mobile, edit.mobile);
    if (cs.empty()) return cs;
    validate_user(u);
    SQLite::Statement up(db,
                         "UPDATE employer_users SET real_name = :real_name, gender = :gender, "
                         "department = :department, position = :position, email = :email, "
                         "work_phone = :work_phone, fax = :fax, mobile = :mobile, "
                         "updated_at = :now WHERE id = :id");
    up.bind(":real_name", u.real_name);
    up.bind(":gender", u.gender);
    up.bind(":department", u.department);
    up.bind(":position", u.position);
    up.bind(":email", u.email);
    up.bind(":work_phone", u.work_phone);
    up.bind(":fax", u.fax);
    up.bind(":mobile", u.mobile);
    up.bind(":now", format_utc(actor.now));
    up.bind(":id", id);
    up.exec();
    AuditWriter audit(db, actor);
    audit.event("employer.user.edit", "employer_user", std::to_string(id), "",
                {{"credit_code", u.credit_code}, {"changes", cs.changes}});
    tx.commit();
    return cs;
  });
}

bool disable_employer_user(Store& store, std::int64_t id, const Actor& actor) {
  return with_storage_errors([&] {
    auto& db = database(store);
    SQLite::Transaction tx(db, SQLite::TransactionBehavior::IMMEDIATE);
    EmployerUser u = get_user_in(db, id);
    if (u.disabled) return false;
    SQLite::Statement up(
        db, "UPDATE employer_users SET disabled = 1, updated_at = :now WHERE id = :id");
    up.bind(":now", format_utc(actor.now));
    up.bind(":id", id);
    up.exec();
    AuditWriter audit(db, actor);
    audit.event("employer.user.disable", "employer_user", std::to_string(id), "",
                {{"credit_code", u.credit_code}, {"real_name", u.real_name}});
    tx.commit();
    return true;
  });
}

}  // namespace ncss
