// The expiry sweep (for cron): invitations still awaiting the graduate past their deadline fail
// as expired (学生逾期未回应).
#pragma once

#include <cstdint>
#include <functional>
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
  std::int64_t expired = 0;  // with dry_run, how many would expire
  bool written = false;
};

// What a caller sees of the expired invitations, streamed so that a sweep of any size runs in
// bounded memory: `count` once, then `item` for each invitation, in the order they fell due
// (deadline, then id). Either may be empty.
struct SweepSink {
  std::function<void(std::int64_t count)> count;
  std::function<void(const SweepItem&)> item;
};

// In one IMMEDIATE transaction (so two sweeps never expire the same invitation twice), set-based:
// one event "invitation.expire" and a notification to the employer and the graduate for each.
// The sink hears of the expired invitations after the commit, read back from the new events;
// with dry_run, of those that would expire, from one snapshot.
SweepReport sweep_expired(Store& store, const Actor& actor, bool dry_run = false,
                          const SweepSink& sink = {});

}  // namespace ncss
