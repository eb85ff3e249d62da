// The schema migrations compiled into the binary (see cmake/embed_migrations.cmake).
#pragma once

#include <string>
#include <vector>

namespace ncss::detail {

struct Migration {
  int version;
  std::string name;
  std::string sql;
};

// In ascending version order, numbered 1, 2, 3, ... without gaps.
const std::vector<Migration>& migrations();

}  // namespace ncss::detail
