// The expiry sweep (for cron): invitations still awaiting the graduate past their deadline fail
// as expired (学生逾期未回应).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ncss/audit.hpp"
#include "ncss/store.hpp"

namespace ncss {

struct SweepItem {
  std::int64_t invitation_id = 0;
  std::string employer_code;
  std::string deadline;  // UTC, stored form
};

struct SweepReport {
  std::vector<SweepItem> expired;  // in id order; with dry_run, what would expire
  bool written = false;
};

// In one IMMEDIATE transaction (so two sweeps never expire the same invitation twice), set-based:
// one event "invitation.expire" and a notification to the employer and the graduate for each.
SweepReport sweep_expired(Store& store, const Actor& actor, bool dry_run = false);

}  // namespace ncss
