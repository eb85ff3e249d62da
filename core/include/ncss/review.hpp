// 院校签约审核: the school reviews signings the graduate has accepted. Approval assigns the
// agreement number (协议编号) and freezes a snapshot of the employer's and graduate's data.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ncss/audit.hpp"
#include "ncss/store.hpp"

namespace ncss {

struct ReviewFilter {
  std::string school;      // code or name; empty: every school
  std::string department;  // 院系; empty: every department
  int cohort = 0;          // 0: every cohort
  std::string employer;    // credit code; empty: every employer
};

// The graduate a review item concerns, as the review listings show them.
struct ReviewGraduate {
  std::string id_number;
  std::string name;
  std::string school_code;
  std::string department;
  std::string degree_level;  // 本科, ... as listings show it; empty when the roster did not say
  int cohort = 0;
};

// An invitation awaiting review (学生已应约提交审核中).
struct ReviewItem {
  std::int64_t invitation_id = 0;
  ReviewGraduate graduate;
  std::string employer;
  std::string employer_name;
  std::string position;
  std::string responded_at;  // UTC, stored form
};

struct Approval {
  std::int64_t invitation_id = 0;
  std::string agreement_no;
};

// cohort + 5-digit school code + 2-digit degree-level code + 6-digit sequence.
std::string format_agreement_number(int cohort, const std::string& school_code,
                                    const std::string& degree_code, std::int64_t sequence);

// Invitations awaiting review, oldest response first. An unknown school is NotFound.
std::vector<ReviewItem> list_awaiting_review(Store& store, const ReviewFilter& filter);

// Everything awaiting the school's review (学校（院系）审核), the one queue `review approve|reject|
// return` works through: signings the graduate accepted (state awaiting_review), registrations in
// content or scan review (pending, scan_review) and terminations awaiting review.
struct ReviewQueueItem {
  std::string ref;    // what review approve|reject|return take: 12 (a signing), R3, T2
  std::string kind;   // signing, registration or termination
  std::string state;  // its state (awaiting_review, pending, scan_review) or phase
  ReviewGraduate graduate;
  std::string subject;  // the employer (signing), the registration's kind, the termination's reason
  std::string since;    // UTC, stored form: when it reached the school
};

struct ReviewQueueFilter {
  std::string school;      // code or name; empty: every school (NotFound for an unknown one)
  std::string department;  // 院系; empty: every department
  int cohort = 0;          // 0: every cohort
  std::string kind;        // signing, registration or termination; empty: all (else Usage)
};

// The queue, longest waiting first.
std::vector<ReviewQueueItem> review_queue(Store& store, const ReviewQueueFilter& filter);

// Approves these invitations in one transaction, all or none: each goes through the state
// machine (InvalidTransition with its why when not awaiting review; also when the graduate has
// no 学历层次), gets the next agreement number of its school and cohort and a frozen snapshot.
std::vector<Approval> approve_invitations(Store& store, const std::vector<std::int64_t>& ids,
                                          const Actor& actor);

// Approves every invitation awaiting review that matches (school required: Usage otherwise), in
// one transaction; with dry_run returns what would be approved (no numbers) and writes nothing.
std::vector<Approval> approve_matching(Store& store, const ReviewFilter& filter, bool dry_run,
                                       const Actor& actor);

// Rejects (学校审核不通过) with a reason (InvalidInput when empty).
void reject_invitation(Store& store, std::int64_t id, const std::string& reason,
                       const Actor& actor);

}  // namespace ncss
