// The 工作台 dashboard: how many invitations stand in each state.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ncss/store.hpp"

namespace ncss {

struct DashboardFilter {
  int cohort = 0;
  std::string school;    // code or name
  std::string employer;  // credit code
};

struct StateCount {
  std::string state;  // machine name
  std::string label;  // 等待学生应约, ...
  std::string list;   // 签约中, ...
  std::int64_t count = 0;
};

struct Dashboard {
  std::int64_t graduates = 0;      // on the rosters the filter selects (employer filter ignored)
  std::vector<StateCount> states;  // every state, in lifecycle order, zeros included
};

Dashboard dashboard(Store& store, const DashboardFilter& filter);

}  // namespace ncss
