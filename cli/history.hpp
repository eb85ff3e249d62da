// Printing an audit trail, shared by `history` and the groups that show one of their own
// (`register history`).
#pragma once

#include <vector>

#include "context.hpp"
#include "ncss/audit.hpp"

namespace cli {

// Keys: event_id, at (UTC in CSV/JSON, China Standard Time in tables), actor, action,
// subject_type, subject_id, reason, details.
void print_events(Context& ctx, const std::vector<ncss::EventRecord>& events);

}  // namespace cli
