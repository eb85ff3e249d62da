// Employer checks for other use cases, inside their own transaction.
#pragma once

#include <SQLiteCpp/SQLiteCpp.h>

#include <string>

#include "ncss/error.hpp"

namespace ncss {

// NotFound, naming a credit code that no registered employer has.
Error employer_not_found(const std::string& code);
// The employer's verification state (unverified, pending, verified, rejected); NotFound if none.
std::string employer_verification_in(SQLite::Database& db, const std::string& credit_code);
// Refuses (InvalidTransition) an employer that has not passed 身份认证; `purpose` says what it
// tried ("add favourites", "invite").
void require_verified_employer_in(SQLite::Database& db, const std::string& credit_code,
                                  const std::string& purpose);

}  // namespace ncss
