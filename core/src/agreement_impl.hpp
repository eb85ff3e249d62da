// Agreement internals shared with the review (approval) and the store (migration) code.
#pragma once

#include <SQLiteCpp/SQLiteCpp.h>

#include <cstdint>
#include <string>
#include <vector>

#include "ncss/agreement.hpp"

namespace ncss::detail {

Agreement load_agreement(SQLite::Database& db, std::int64_t invitation_id);

// Computes the verification code of an approved invitation's agreement and stores it, inside the
// caller's transaction (the approval that froze the content).
void assign_verification_code(SQLite::Database& db, std::int64_t invitation_id);

// Gives every agreement approved before schema version 7 its code (that migration's second half).
void assign_missing_verification_codes(SQLite::Database& db);

// `db check`: every agreement whose stored record no longer matches its code (changed after
// approval, outside ncssctl), or that has none; one line each.
std::vector<std::string> check_verification_codes(SQLite::Database& db);

}  // namespace ncss::detail
