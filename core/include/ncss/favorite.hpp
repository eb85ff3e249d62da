// 学生收藏夹: the graduates a verified employer has marked, matched exactly on name, ID number and
// school. A favourite is immutable and belongs to the graduate's cohort.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "ncss/audit.hpp"
#include "ncss/roster.hpp"
#include "ncss/store.hpp"

namespace ncss {

// 学生姓名, 身份证号, 毕业院校: the import template's three columns (the roster's own headers and
// aliases).
const std::vector<RosterField>& favorite_fields();

struct FavoriteRequest {
  std::string name;       // 学生姓名, trimmed
  std::string id_number;  // 身份证号, normalised as the roster import does
  std::string school;     // 毕业院校: name, former name or code
  int cohort = 0;         // 0: the only cohort the ID number is on
};

struct Favorite {
  std::string credit_code;
  std::string id_number;
  std::string name;
  std::string gender;
  std::string school_code;
  std::string school_name;
  std::string degree_level;  // the roster word (本科), empty when unknown
  std::string major;
  int cohort = 0;
  // valid; invalid when the graduate was removed from the roster or the favourite became
  // invalid (失效) when the school corrected the record (add it again to revive it).
  std::string status;
  std::string added_at;
  std::string added_by;
};

// Adds one favourite. Throws NotFound for an unknown employer or when the graduate does not match
// (saying only WHICH of ID number, name and school did not match), InvalidTransition when the
// employer has not passed 身份认证 or the graduate is invalid, Usage when the ID number is on
// several cohorts' rosters and no cohort is given, InvalidInput for a malformed ID number or an
// unknown school, and Conflict when it is already a favourite.
Favorite add_favorite(Store& store, const std::string& credit_code, const FavoriteRequest& request,
                      const Actor& actor);

struct FavoriteImportOptions {
  int cohort = 0;               // for ID numbers on several cohorts' rosters
  std::string sheet;            // .xlsx: the sheet to read; empty: the first
  bool dry_run = false;         // validate and report; write nothing
  bool all_or_nothing = false;  // write nothing if any row is rejected
};

// Imports the three-column template (.csv or .xlsx) with the roster import's reader, header
// search and problem format. The employer must exist (NotFound) and be verified
// (InvalidTransition); a file refused whole throws InvalidInput. `added` counts new favourites.
// `progress`, when given, is told the rows done every few thousand rows.
ImportReport import_favorites(Store& store, const std::string& credit_code,
                              const std::filesystem::path& file,
                              const FavoriteImportOptions& options, const Actor& actor,
                              const ProblemSink& sink = {}, ImportProgress* progress = nullptr);

// Removes a favourite (NotFound when there is none).
void remove_favorite(Store& store, const std::string& credit_code, const std::string& id_number,
                     int cohort, const Actor& actor);

// The employer's favourites in (cohort, school, ID number) order; cohort 0: all.
// `status`: valid (the 收藏夹 as the platform shows it) or invalid (its 失效 list: favourites made
// invalid by a correction, or of a graduate removed from the roster); empty: both.
std::vector<Favorite> list_favorites(Store& store, const std::string& credit_code, int cohort = 0,
                                     const std::string& status = "");

// Writes the .xlsx import template: 学生姓名, 身份证号, 毕业院校, the ID column formatted as text.
void write_favorite_template(const std::filesystem::path& file);

}  // namespace ncss
