// 解约 and 作废 (DOMAIN.md "Termination"; employer guide §6–7, graduate guide §5).
//
// Online (线上解约): either party asks to end a signed agreement with a reason and a note; the
// other party accepts (it goes to the school) or refuses (解约失败, the agreement stays signed);
// the school approves (已解约: the graduate is free) or refuses (解约失败). No time limit: the
// sweep never touches a termination. A failed termination may be followed by another request.
//
// Offline (线下解约): for an approved paper agreement or offline agreement (a registration), the
// graduate files the termination letter with the school, which approves, returns it for
// modification (退回修改: the graduate edits and resubmits) or refuses (the agreement stays).
//
// Void (作废): the school voids a signed agreement after talking to the employer; the graduate is
// free again and the employer sees it under 已作废.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "ncss/audit.hpp"
#include "ncss/invitation.hpp"
#include "ncss/store.hpp"
#include "ncss/time.hpp"

namespace ncss {

constexpr std::size_t kMaxTerminationNoteChars = 200;

struct Termination {
  std::int64_t id = 0;
  std::string mode;                  // online, offline
  std::int64_t invitation_id = 0;    // online
  std::int64_t registration_id = 0;  // offline
  std::string requested_by;          // employer, graduate
  std::string reason;                // termination_reasons code
  std::string reason_name;           // 协商一致, ...
  std::string note;
  // awaiting_party, awaiting_review, returned, approved, failed
  std::string phase;
  std::string fail_reason;  // party_rejected, school_rejected; empty unless failed
  std::string requested_at, responded_at, responded_by, reviewed_at, reviewed_by, review_reason,
      updated_at;
  // The agreement and its parties.
  std::string agreement_no;
  std::string id_number, name, school_code;
  int cohort = 0;
  std::string employer_code, employer_name;
  int letters = 0;  // termination letters uploaded (offline)
  std::string school_name, department;
};

// 解约中（等待对方确认）, 解约中（学校审核中）, 退回修改, 已解约, 解约失败（对方不同意）, ...
std::string termination_phase_label(const Termination& t);
// The list (栏目) it shows in: 解约中, 已解约 or 解约失败.
std::string termination_list(const std::string& phase);

struct TerminationRequest {
  std::int64_t invitation_id = 0;
  std::string by;      // employer or graduate
  std::string reason;  // termination_reasons code or name
  std::string note;    // required, at most 200 characters
};

// Online request on a signed invitation → the invitation is terminating, the request awaits
// the other party. InvalidInput for a bad party, reason or note; InvalidTransition when the
// signing is not signed (already terminating included).
Termination request_termination(Store& store, const TerminationRequest& request,
                                const Actor& actor);

// The other party's answer (`by` must be the party that did not ask: InvalidTransition
// otherwise). Accept → awaiting the school's review; reject → failed (party_rejected) and the
// signing is signed again. Only while awaiting the party.
Termination respond_termination(Store& store, std::int64_t id, const std::string& by, bool accept,
                                const Actor& actor);

// The school's review of a termination awaiting review: approve → approved and the signing (or
// registration) terminated; reject (reason required) → failed (school_rejected), the agreement
// stays; return (offline only, reason required) → returned for the graduate to edit.
Termination approve_termination(Store& store, std::int64_t id, const Actor& actor);
Termination reject_termination(Store& store, std::int64_t id, const std::string& reason,
                               const Actor& actor);
Termination return_termination(Store& store, std::int64_t id, const std::string& reason,
                               const Actor& actor);

struct OfflineTerminationRequest {
  std::string id_number;
  int cohort = 0;
  std::string reason;                          // termination_reasons code or name
  std::string note;                            // required, at most 200 characters
  std::vector<std::filesystem::path> letters;  // at least one; JPEG or PNG
};

// Offline termination of the graduate's approved paper or offline agreement. InvalidTransition
// when the graduate has none, or when one of its terminations is already under way.
Termination request_offline_termination(Store& store, const OfflineTerminationRequest& request,
                                        const Actor& actor);

// The graduate resubmits a returned offline termination: empty reason/note keep the old ones;
// letters are added. Only while returned.
Termination resubmit_termination(Store& store, std::int64_t id, const std::string& reason,
                                 const std::string& note,
                                 const std::vector<std::filesystem::path>& letters,
                                 const Actor& actor);

struct TerminationFilter {
  std::string list;   // 解约中, 已解约, 解约失败; empty: all
  std::string phase;  // one phase (awaiting_review: the school's queue); empty: all
  std::string employer;
  std::string school;  // code or name
  int cohort = 0;
  std::string id_number;
  std::string department;  // the graduate's 院系
  // Only those whose last step (updated_at) was at or before this time: requests nobody has
  // answered for a while (terminate list --idle-days). Unset: all.
  std::optional<Timestamp> idle_since;
};

std::vector<Termination> list_terminations(Store& store, const TerminationFilter& filter);
// As list_terminations, in the same order, one at a time without loading all (exports).
void for_each_termination(Store& store, const TerminationFilter& filter,
                          const std::function<void(const Termination&)>& sink);
Termination get_termination(Store& store, std::int64_t id);

// 作废: the school voids a signed agreement (reason required) → voided.
Invitation void_signing(Store& store, std::int64_t invitation_id, const std::string& reason,
                        const Actor& actor);

}  // namespace ncss
