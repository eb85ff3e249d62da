// The code tables of DOMAIN.md, kept as data in the schema.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "ncss/store.hpp"

namespace ncss {

struct CodeTable {
  std::string name;   // machine name: destination, employer_nature, ...
  std::string title;  // 毕业去向, 单位性质, ...
  int entries = 0;
};

struct CodeEntry {
  std::string code;
  std::string name;
  std::string note;  // degree_level: the roster word; destination: its group; may be empty
};

std::vector<CodeTable> list_code_tables(Store& store);
// Throws NotFound (naming the tables that exist) for an unknown table.
std::vector<CodeEntry> list_codes(Store& store, const std::string& table);
// Finds an entry by its code or its name (or, for degree levels, the roster word).
std::optional<CodeEntry> find_code(Store& store, const std::string& table,
                                   const std::string& code_or_name);

}  // namespace ncss
