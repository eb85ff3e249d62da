// Institutions: the national list seeded by migration, plus those added by an administrator.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "ncss/audit.hpp"
#include "ncss/store.hpp"

namespace ncss {

struct School {
  std::string code;    // 5-digit 院校代码
  std::string moe_id;  // 10-digit 学校标识码, may be empty for an added school
  std::string name;
  std::string authority;  // 主管部门
  std::string province;
  std::string city;
  std::string level;   // 本科, 专科, 成人, 其他
  std::string source;  // moe-2025 or added
  std::vector<std::string> former_names;
};

struct SchoolFilter {
  std::string province;
  std::string level;
  std::string name_contains;
};

std::vector<School> list_schools(Store& store, const SchoolFilter& filter = {});
// By 5-digit code, 10-digit identifier, current name or former name.
std::optional<School> find_school(Store& store, const std::string& key);
// As find_school; throws NotFound.
School get_school(Store& store, const std::string& key);
// Adds an institution missing from the national list. Refuses (InvalidInput) a malformed code,
// identifier or level, and (Conflict) a code, identifier or name already known.
School add_school(Store& store, School school, const Actor& actor);

}  // namespace ncss
