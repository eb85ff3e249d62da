// What other use cases need of the registrations, inside their own transaction. Never included
// by the CLI.
#pragma once

#include <SQLiteCpp/SQLiteCpp.h>

#include <cstdint>
#include <string>

#include "audit_impl.hpp"

namespace ncss {

// DOMAIN.md "Invalid (失效)": every unfinished registration of the graduate (pending, returned,
// awaiting its scan, in scan review) becomes invalid, each with a registration.invalidate event
// (`cause` is its reason) and a notification to the graduate. Approved ones stay. Returns how
// many.
int invalidate_registrations(SQLite::Database& db, AuditWriter& audit, std::int64_t graduate_id,
                             const std::string& cause);

}  // namespace ncss
