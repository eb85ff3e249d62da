// 邀请函信息管理: an employer's named job, archive and hukou templates for invitations. Templates
// belong to the employer (all its accounts share them); every version is kept.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "ncss/audit.hpp"
#include "ncss/store.hpp"

namespace ncss {

// Field keys by kind:
//   job:     job_category (code of job_category), position, work_location, contact, contact_phone
//   archive: receipt_type (code of archive_receipt), forward_unit, address, contact, phone,
//            postcode
//   hukou:   address
using TemplateFields = std::map<std::string, std::string>;

struct InviteTemplate {
  std::int64_t id = 0;
  std::string credit_code;
  std::string kind;  // job, archive, hukou
  std::string name;
  TemplateFields fields;
  bool is_default = false;
  int version = 0;  // the latest version in the history
  std::string created_at;
  std::string updated_at;
};

struct TemplateVersion {
  int version = 0;
  std::string action;  // add, edit, remove
  std::string actor;
  std::string at;
  TemplateFields fields;
  bool is_default = false;
};

// The field keys of a kind, in form order (InvalidInput for an unknown kind).
const std::vector<std::string>& template_field_keys(const std::string& kind);

// The fields in words for a table, in form order: each label and value, a code with its name,
// "; " between ("档案接收类型 2 转寄其他单位; 转寄单位名称 北京市人才服务中心; 电话 010*****1234").
// Phone numbers are masked unless `unmask`. Keys the kind does not have are left out.
std::string describe_template_fields(Store& store, const std::string& kind,
                                     const TemplateFields& fields, bool unmask);
// Whether the kind's field holds a phone number (masked in tables unless asked).
bool template_field_is_phone(const std::string& kind, const std::string& key);
// The fields of an invitation's archive or hukou column (a JSON object of strings).
TemplateFields template_fields_from_json(const std::string& json);

// Adds a template. Throws NotFound for an unknown employer, Conflict for a name in use (for the
// kind), InvalidInput for a field that is missing, unknown to the kind or malformed. A code field
// may be given by code or name; it is stored as the code. `make_default` unmarks the previous
// default of the kind (a new version of it).
InviteTemplate add_template(Store& store, const std::string& credit_code, const std::string& kind,
                            const std::string& name, const TemplateFields& fields,
                            bool make_default, const Actor& actor);
// Changes the given fields (an empty value clears an optional field); records a version when
// anything changed. NotFound when the employer has no such template.
InviteTemplate edit_template(Store& store, const std::string& credit_code, const std::string& kind,
                             const std::string& name, const TemplateFields& changes,
                             bool make_default, const Actor& actor);
void remove_template(Store& store, const std::string& credit_code, const std::string& kind,
                     const std::string& name, const Actor& actor);
InviteTemplate get_template(Store& store, const std::string& credit_code, const std::string& kind,
                            const std::string& name);
// kind empty: every kind; in (kind, name) order.
std::vector<InviteTemplate> list_templates(Store& store, const std::string& credit_code,
                                           const std::string& kind = "");
std::vector<TemplateVersion> template_history(Store& store, const std::string& credit_code,
                                              const std::string& kind, const std::string& name);

// The employer's default template of a kind, if it has one.
std::optional<InviteTemplate> default_template(Store& store, const std::string& credit_code,
                                               const std::string& kind);
// The 2022 guide: the first archive or hukou information an employer types into an invitation
// becomes its default. When the employer has no default of the kind, saves `fields` as the
// template 默认 (默认2, … when the name is taken) marked default and returns true; otherwise does
// nothing and returns false.
bool save_first_as_default(Store& store, const std::string& credit_code, const std::string& kind,
                           const TemplateFields& fields, const Actor& actor);

}  // namespace ncss
