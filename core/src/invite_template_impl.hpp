// Template pieces that `invite issue` uses inside its own transaction.
#pragma once

#include <SQLiteCpp/SQLiteCpp.h>

#include <string>

#include "ncss/invite_template.hpp"

namespace ncss {

// Checks and normalises a complete set of fields of a kind, as add_template does (codes by code
// or name → code). InvalidInput names the field and its option: `option_prefix` and the key
// ("--archive-" for invite issue's --archive-address, "--" for template add's --address).
TemplateFields validate_template_fields(Store& store, const std::string& kind,
                                        const TemplateFields& fields,
                                        const std::string& option_prefix = "--");

// save_first_as_default inside the caller's transaction; `fields` already validated.
bool save_first_as_default_in(SQLite::Database& db, const std::string& credit_code,
                              const std::string& kind, const TemplateFields& fields,
                              const Actor& actor);

}  // namespace ncss
