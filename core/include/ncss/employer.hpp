// Employers (用人单位): registration, the employer's own edits, staff corrections of name and
// credit code, and the employer's user accounts (单位用户).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ncss/audit.hpp"
#include "ncss/store.hpp"

namespace ncss {

struct Employer {
  std::string credit_code;  // 统一社会信用代码
  std::string name;         // 单位名称
  std::string short_name;   // 公司简称
  std::string nature_code;  // 单位性质
  std::string nature;       // its name (filled on read)
  std::string industry_code;
  std::string industry;  // 网签所属行业 name (filled on read)
  std::string size_code;
  std::string size;  // 公司规模 name (filled on read)
  std::string province;
  std::string city;
  std::string street;
  std::string website;                      // 公司网址, empty or http(s)://...
  bool private_company = false;             // 民营企业: its nature is 39 其他企业
  std::string verification = "unverified";  // unverified, pending, verified, rejected
  std::string verified_at;
  std::string created_at;
  std::string updated_at;
};

// What a registration supplies. Nature, industry and size accept a code or a name.
struct EmployerRegistration {
  std::string name;
  std::string short_name;
  std::string credit_code;
  std::string nature;
  std::string industry;
  std::string size;
  std::string province;
  std::string city;
  std::string street;
  std::string website;
  bool private_company = false;  // 民营企业: must be nature 39 其他企业
};

// The employer's own edit: unset fields stay as they are. 公司简称, like the name and the credit
// code, is corrected by staff (EmployerCorrection): the 2024 guide sends employers to 企业客服.
struct EmployerEdit {
  std::optional<std::string> nature;
  std::optional<std::string> industry;
  std::optional<std::string> size;
  std::optional<std::string> province;
  std::optional<std::string> city;
  std::optional<std::string> street;
  std::optional<std::string> website;
  std::optional<bool> private_company;  // 民营企业 or not; a private company stays 39 其他企业
};

// Staff correction of what the employer cannot change.
struct EmployerCorrection {
  std::optional<std::string> name;
  std::optional<std::string> short_name;  // 公司简称, printed on the agreement
  std::optional<std::string> credit_code;
  std::string reason;
};

struct EmployerFilter {
  std::string verification;  // empty: all
  std::string nature;        // code or name; empty: all
  std::string industry;      // code or name; empty: all
};

struct EmployerUser {
  std::int64_t id = 0;
  std::string credit_code;
  std::string real_name;  // 真实姓名
  std::string gender;     // 男 or 女
  std::string department;
  std::string position;
  std::string email;
  std::string work_phone;
  std::string fax;
  std::string mobile;
  bool disabled = false;
  std::string created_at;
  std::string updated_at;
};

struct EmployerUserEdit {
  std::optional<std::string> real_name;
  std::optional<std::string> gender;
  std::optional<std::string> department;
  std::optional<std::string> position;
  std::optional<std::string> email;
  std::optional<std::string> work_phone;
  std::optional<std::string> fax;
  std::optional<std::string> mobile;
};

// What an edit changed: field -> {old, new}; empty when nothing changed (and nothing written).
struct ChangeSet {
  nlohmann::json changes = nlohmann::json::object();
  bool empty() const { return changes.empty(); }
};

// The credit code's defects in words ("credit code X: ..."); empty when valid.
std::vector<std::string> describe_credit_code_defects(const std::string& code);

// True when the employer has passed identity verification (身份认证). False for an unknown one.
bool employer_is_verified(Store& store, const std::string& credit_code);
// Throws NotFound for an unknown employer and InvalidTransition when it is not verified.
void require_verified_employer(Store& store, const std::string& credit_code);

// Refuses (InvalidInput) a bad credit code, unknown nature/industry/size, a website not starting
// with http:// or https://, an empty required field, a private company whose nature is not 39;
// (Conflict) a credit code or name already registered. Records employer.register.
Employer register_employer(Store& store, const EmployerRegistration& reg, const Actor& actor);
std::optional<Employer> find_employer(Store& store, const std::string& credit_code);
Employer get_employer(Store& store, const std::string& credit_code);  // NotFound
std::vector<Employer> list_employers(Store& store, const EmployerFilter& filter = {});
// Records employer.edit with the changes; no change: nothing written, empty ChangeSet. Refuses
// (InvalidInput) a nature other than 39 for a private company (民营企业), the flag given or stored.
ChangeSet edit_employer(Store& store, const std::string& credit_code, const EmployerEdit& edit,
                        const Actor& actor);
// Staff only. A new credit code is validated like a registration's and moved through every
// table that references the employer, in one transaction. Records employer.correct with the
// actor and the reason (required). Returns the corrected employer.
Employer correct_employer(Store& store, const std::string& credit_code,
                          const EmployerCorrection& correction, const Actor& actor);

// Refuses (InvalidInput) an empty name, a gender other than 男/女, neither work phone nor fax,
// a malformed email (name@domain.tld) or mobile (11 digits starting with 1); NotFound for an
// unknown employer. Records employer.user.add.
EmployerUser add_employer_user(Store& store, const std::string& credit_code, EmployerUser user,
                               const Actor& actor);
std::vector<EmployerUser> list_employer_users(Store& store, const std::string& credit_code);
EmployerUser get_employer_user(Store& store, std::int64_t id);  // NotFound
ChangeSet edit_employer_user(Store& store, std::int64_t id, const EmployerUserEdit& edit,
                             const Actor& actor);
// Returns false (and writes nothing) when the account was already disabled.
bool disable_employer_user(Store& store, std::int64_t id, const Actor& actor);

}  // namespace ncss
