// The school's corrections to a graduate's record after import: correct fields, remove the record
// (it becomes invalid) and restore it. DOMAIN.md "Invalid (失效)": when the school corrects a
// graduate's 学生姓名, 身份证号, 毕业院校 or 培养方式 (or a 学历层次, 专业 or 院系 that had a
// value), or removes the record, the graduate's
// favourites, every invitation not yet decided (awaiting the graduate or the review) and every
// registration not yet final (pending, returned, awaiting its scan, in scan review) become invalid,
// with an event and notifications for each. Signed agreements are final records and stay as they
// are.
#pragma once

#include <string>

#include "ncss/audit.hpp"
#include "ncss/roster.hpp"
#include "ncss/store.hpp"

namespace ncss {

// Fields to set; empty ones stay as they are.
struct GraduateCorrection {
  std::string name;        // 学生姓名
  std::string id_number;   // 身份证号; 性别 follows its 17th digit
  std::string school;      // 毕业院校: name, former name or code
  std::string department;  // 院系
  std::string degree_level;  // 学历层次: 博士, 硕士, 本科, 专科 (or the code table's name or code)
  std::string major;          // 专业
  std::string training_mode;  // 培养方式: 非定向, 定向 or 委培
  std::string phone;          // 手机号码
  std::string email;          // 电子邮箱
};

// What the change made invalid (失效).
struct Invalidation {
  int favorites = 0;
  int invitations = 0;
  int registrations = 0;
};

struct CorrectionResult {
  Graduate graduate;  // as stored afterwards
  bool changed = false;
  Invalidation invalidated;
};

// Corrects one graduate (found by ID number, and cohort when on several rosters). `reason` is
// required (recorded in the event). Throws InvalidInput for a bad value, NotFound for an unknown
// graduate or school, Conflict when the new ID number is already on the cohort's roster,
// InvalidTransition for a removed (invalid) record. One transaction.
CorrectionResult correct_graduate(Store& store, const std::string& id_number, int cohort,
                                  const GraduateCorrection& correction, const std::string& reason,
                                  const Actor& actor);

// Marks the record invalid (removed from the roster): it can no longer be added to favourites or
// invited, and its favourites and undecided invitations become invalid. Conflict when already
// removed.
CorrectionResult remove_graduate(Store& store, const std::string& id_number, int cohort,
                                 const std::string& reason, const Actor& actor);

// Makes a removed record valid again. Invalidated favourites and invitations stay invalid: the
// employer adds the graduate to its favourites and invites again. Conflict when not removed.
CorrectionResult restore_graduate(Store& store, const std::string& id_number, int cohort,
                                  const std::string& reason, const Actor& actor);

}  // namespace ncss
