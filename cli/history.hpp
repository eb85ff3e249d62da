// Printing an audit trail, shared by `history` and the groups that show one of their own
// (`register history`).
#pragma once

#include <vector>

#include "context.hpp"
#include "ncss/audit.hpp"

namespace cli {

// Keys: event_id, at (UTC in CSV/JSON, China Standard Time in tables), actor, action,
// subject_type, subject_id, reason, details. With `mask` (a table without --unmask), a
// graduate's ID number as subject_id and the ID numbers and phones in details are masked.
void print_events(Context& ctx, const std::vector<ncss::EventRecord>& events, bool mask);

}  // namespace cli
