// 签约邀请函: an employer's invitations to its favourite graduates, the graduate's response and the
// employer's withdrawal. Every state change goes through the pure table in signing_state.hpp.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "ncss/audit.hpp"
#include "ncss/invite_template.hpp"
#include "ncss/signing_state.hpp"
#include "ncss/store.hpp"

namespace ncss {

struct IssueRequest {
  std::string employer_code;
  std::vector<std::string> id_numbers;  // --to
  // --from-file: a .csv or .xlsx with a 身份证号 column (header found as in roster import), and
  // optionally 届别 (else `cohort`) and 学生姓名 (checked against the roster when given).
  std::string from_file;
  std::string sheet;           // .xlsx: the sheet to read (default the first)
  bool all_favorites = false;  // every favourite of `cohort`
  int cohort = 0;              // 0: the graduate's only cohort
  // Job info: a template, or the fields themselves (category by code or name).
  std::string job_template;
  std::string job_category;
  std::string position;
  std::string work_location;
  std::string contact;
  std::string contact_phone;
  // Archive (档案接收) and hukou (户口迁移) info: typed fields (keys as in invite_template.hpp),
  // or a named template, or, when neither is given, the employer's default template of the kind,
  // if any. Typed info is checked as a template is, and the first an employer types becomes its
  // default template of the kind (the 2022 guide), in the same transaction.
  TemplateFields archive;
  TemplateFields hukou;
  std::string archive_template;
  std::string hukou_template;
  int valid_days = 7;  // 应约有效期, 1 to 30
  std::string terms;   // 补充条款: several lines (CR LF stored as LF)
  // Where the CLI read `terms` from (--terms @FILE), for messages; empty: typed as --terms.
  std::string terms_file;
  bool dry_run = false;
  bool all_or_nothing = false;
};

// One graduate's outcome. Codes of refusals: not_favorite, open_invitation, already_signed,
// training_mode,
// graduate_invalid, graduate_not_found, cohort_ambiguous; for --from-file rows also the ID
// number's defects (id_missing, id_excel_number, id_length, id_chars, id_checksum, id_birthdate,
// id_birth_future), cohort_invalid, name_mismatch and duplicate_in_file.
struct IssueResult {
  std::string id_number;
  std::string name;
  std::size_t row = 0;  // --from-file: the row in the file, as a spreadsheet shows it
  bool issued = false;
  std::int64_t invitation_id = 0;  // when issued and written; 0 in a dry run or a run refused whole
  std::string code;
  std::string message;
};

struct IssueReport {
  std::vector<IssueResult> results;   // without a sink: every graduate's outcome, in order
  std::vector<std::string> warnings;  // --from-file: unknown columns, ignored
  int issued = 0;
  int refused = 0;
  bool written = false;
};

// Issues one invitation per graduate in one transaction. Throws NotFound for an unknown employer
// or template, InvalidTransition when the employer is not verified, InvalidInput for bad job
// info or valid_days, or a --from-file that cannot be read as a list (no header row, a hostile
// or corrupt file: the message names the file); refusals of single graduates are in the report.
// Writes nothing on a dry run, or with all_or_nothing when any graduate is refused.
// With a sink the outcomes are not kept in the report: each is written to a temporary file as it
// is decided, and the sink gets them in order once the transaction has ended (committed or not),
// so a bulk issue of any size runs in bounded memory.
using IssueSink = std::function<void(const IssueResult&)>;
// `progress`, when given, is told the graduates decided so far every few thousand, inside the
// transaction (a bulk issue of 100,000 takes a while).
using IssueProgress = std::function<void(std::size_t done)>;
IssueReport issue_invitations(Store& store, const IssueRequest& request, const Actor& actor,
                              const IssueSink& sink = {}, const IssueProgress& progress = {});

struct Invitation {
  std::int64_t id = 0;
  std::string employer_code;
  std::string employer_name;
  std::string id_number;
  std::string name;
  std::string school_code;
  std::string school_name;
  std::string department;    // 院系
  std::string degree_level;  // the roster word (本科)
  std::string major;
  int cohort = 0;
  SigningState state = SigningState::AwaitingGraduate;
  FailReason fail_reason = FailReason::None;
  std::string job_category;
  std::string job_category_name;
  std::string position;
  std::string work_location;
  std::string contact;
  std::string contact_phone;
  std::string archive;  // JSON object
  std::string hukou;    // JSON object
  std::string terms;
  int valid_days = 0;
  std::string issued_at;  // UTC, stored form
  std::string deadline;
  std::string responded_at;
  std::string reviewed_at;
  std::string reviewed_by;
  std::string review_reason;
  std::string withdraw_reason;  // code
  std::string agreement_no;
  std::string updated_at;
};

// 最新状态: the state's word, with the failure reason's word when failed
// (签约失败（学生拒绝签约）).
std::string invitation_state_text(const Invitation& inv);

Invitation get_invitation(Store& store, std::int64_t id);  // NotFound

struct InvitationFilter {
  std::string employer_code;
  std::string state;  // machine name
  std::string list;   // 签约中, 已签约, ...
  int cohort = 0;
  std::string school;  // the graduate's 毕业院校: code or name (NotFound when unknown)
  std::string department;
};
std::vector<Invitation> list_invitations(Store& store, const InvitationFilter& filter);
// As list_invitations, in the same order, one at a time without loading all (exports).
void for_each_invitation(Store& store, const InvitationFilter& filter,
                         const std::function<void(const Invitation&)>& sink);

// 撤回签约: only while awaiting the graduate (awaiting review: InvalidTransition with
// RefusalKind::ContactGraduateToAbort). `reason` is a withdrawal_reasons code or name; the note
// is at most 200 characters.
Invitation withdraw_invitation(Store& store, std::int64_t id, const std::string& reason,
                               const std::string& note, const Actor& actor);

// The graduate accepts or rejects. Refused (InvalidTransition) past the deadline even if no sweep
// ran, and while the graduate has another live signing (the invitation is view-only).
Invitation respond_invitation(Store& store, std::int64_t id, bool accept, const Actor& actor);

// 中止签约: the graduate stops a signing awaiting review.
Invitation abort_invitation(Store& store, std::int64_t id, const Actor& actor);

}  // namespace ncss
