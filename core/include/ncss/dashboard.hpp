// The 工作台 dashboard: how many invitations, and registrations of each kind, stand in each state.
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

// Registrations of one kind in one state.
struct RegistrationCount {
  std::string kind;        // paper, destination, targeted, offline
  std::string kind_label;  // 已签纸质就业协议登记, ...
  std::string state;       // pending, ...
  std::string label;       // 待审核, ...
  std::int64_t count = 0;
};

// Termination requests of one mode in one phase.
struct TerminationCount {
  std::string mode;   // online, offline
  std::string phase;  // awaiting_party, awaiting_review, returned, approved, failed
  std::string label;  // 解约中（等待对方确认）, ...
  std::string list;   // 解约中, 已解约, 解约失败
  std::int64_t count = 0;
};

struct Dashboard {
  std::int64_t graduates = 0;      // on the rosters the filter selects (employer filter ignored)
  std::vector<StateCount> states;  // every state, in lifecycle order, zeros included
  // Every kind, and every state the kind can reach, zeros included. With an employer filter,
  // only paper and offline agreements with that employer's credit code count.
  std::vector<RegistrationCount> registrations;
  // Every mode and phase it can reach, zeros included (offline has no awaiting_party; online is
  // never returned). Failed counts both refusals.
  std::vector<TerminationCount> terminations;
};

Dashboard dashboard(Store& store, const DashboardFilter& filter);

}  // namespace ncss
