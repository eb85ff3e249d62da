// The graduate's registrations (DOMAIN.md "Other registrations", graduate guide §7–8 and the 2023
// guide's 线下签约): a paper agreement (已签纸质就业协议登记), another destination
// (其他毕业去向登记), the 定向/委培 supplement (定向/委培毕业去向补充登记) and an offline agreement
// (线下签约). The graduate files and edits; the school approves, returns (退回修改) or rejects
// (审核不通过). Every state change goes through the pure table below.
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ncss/audit.hpp"
#include "ncss/store.hpp"

namespace ncss {

enum class RegistrationKind {
  Paper,        // 已签纸质就业协议登记: employer and job, stamped scans; destination 10
  Destination,  // 其他毕业去向登记: a destination code (not 10 but through its sub-types)
  Targeted,  // 定向/委培毕业去向补充登记: the only kind a 定向/委培 graduate may file
  Offline,  // 线下签约: content review, printed and stamped, scan review; destination 10
};

enum class RegistrationState {
  Pending,       // 待审核 (offline: the content awaits review)
  Returned,      // 退回修改: returned by the school or withdrawn by the graduate to edit
  AwaitingScan,  // offline: content approved, the stamped scan awaits the graduate
  ScanReview,    // offline: the stamped scan awaits the school
  Approved,      // 审核通过: a live destination
  Rejected,      // 审核不通过: final; the graduate files a new registration
  Voided,        // 已作废: voided or cancelled by the graduate
  Terminated,    // 已解约: an approved paper or offline agreement ended by offline termination
  Invalid,       // 失效: the school corrected or removed the graduate's record
};

enum class RegistrationAction {
  Withdraw,    // 撤回修改 (graduate): before the school's review
  Resubmit,    // the graduate submits a returned registration again
  Approve,     // 审核通过 (school)
  Return,      // 退回修改 (school), with a reason
  Reject,      // 审核不通过 (school), with a reason
  UploadScan,  // offline: the graduate uploads the stamped agreement
  Void,        // 作废 (graduate): an approved destination, or cancelling an unfinished one
  Invalidate,  // the school corrected or removed the graduate's record
};

inline constexpr std::array<RegistrationKind, 4> kRegistrationKinds = {
    RegistrationKind::Paper, RegistrationKind::Destination, RegistrationKind::Targeted,
    RegistrationKind::Offline};
inline constexpr std::array<RegistrationState, 9> kRegistrationStates = {
    RegistrationState::Pending,    RegistrationState::Returned,   RegistrationState::AwaitingScan,
    RegistrationState::ScanReview, RegistrationState::Approved,   RegistrationState::Rejected,
    RegistrationState::Voided,     RegistrationState::Terminated, RegistrationState::Invalid};
inline constexpr std::array<RegistrationAction, 8> kRegistrationActions = {
    RegistrationAction::Withdraw, RegistrationAction::Resubmit,  RegistrationAction::Approve,
    RegistrationAction::Return,   RegistrationAction::Reject,    RegistrationAction::UploadScan,
    RegistrationAction::Void,     RegistrationAction::Invalidate};

// Machine names (the schema's) and the platform's words.
std::string_view registration_kind_name(RegistrationKind k);
std::string_view registration_state_name(RegistrationState s);
std::string_view registration_action_name(RegistrationAction a);  // withdraw, upload_scan, ...
std::optional<RegistrationKind> parse_registration_kind(std::string_view name);
std::optional<RegistrationState> parse_registration_state(std::string_view name);
std::string registration_kind_text(RegistrationKind k);    // 已签纸质就业协议登记, ...
std::string registration_state_text(RegistrationState s);  // 待审核, ...
// Whether a state is one the kind can reach (the dashboard lists only those).
bool registration_state_reachable(RegistrationKind k, RegistrationState s);

// The pure table: the state `action` leads to from `state` for a registration of `kind`, or
// nullopt when the workflow refuses it.
std::optional<RegistrationState> registration_next(RegistrationKind kind, RegistrationState state,
                                                   RegistrationAction action);
// Why the table refuses, in plain words with what to do instead ("... is ended by offline
// termination (ncssctl terminate offline)"); empty when allowed.
std::string registration_refusal(RegistrationKind kind, RegistrationState state,
                                 RegistrationAction action);

// The fields a registration carries, by key:
//   paper, offline: employer_name (单位名称), credit_code (统一社会信用代码), nature (单位性质
//   code),
//                   job_category (职位类别 code), position (岗位名称), work_location (工作地点,
//                   optional)
//   destination:    unit (单位名称: employment codes), study_school (升学院校 / 留学院校: 80, 85),
//                   country (国家/地区: 85), company (公司名称: 75), note (说明, optional)
//   targeted:       unit (定向/委培单位)
// In a request an empty value clears an optional field (and is refused for a required one).
using RegistrationFields = std::map<std::string, std::string>;

constexpr std::size_t kMaxRegistrationNoteChars = 200;

struct RegistrationFile {
  std::int64_t file_id = 0;
  std::string role;  // scan, proof, stamped_scan
  std::string name;
  std::string media_type;
  std::int64_t size = 0;
  std::string sha256;
};

struct Registration {
  std::int64_t id = 0;
  RegistrationKind kind = RegistrationKind::Paper;
  RegistrationState state = RegistrationState::Pending;
  // The graduate.
  std::string id_number, name, school_code, school_name, department, degree_level;
  int cohort = 0;
  std::string training_mode;
  // 毕业去向 code, its name, and the guide's sub-type (empty when none).
  std::string destination, destination_name, subtype;
  RegistrationFields fields;
  std::string nature_name;        // of fields["nature"], when any
  std::string job_category_name;  // of fields["job_category"], when any
  std::string agreement_no;       // paper and offline, at final approval
  std::string submitted_at, reviewed_at, reviewed_by, review_reason, updated_at;  // UTC
  std::vector<RegistrationFile> files;  // get_registration only
};

struct RegistrationRequest {
  RegistrationKind kind = RegistrationKind::Paper;
  std::string id_number;
  int cohort = 0;  // 0: the graduate's only cohort
  // destination: a 毕业去向 code, its name, or a sub-type name (考研 → 80 with sub-type 考研).
  std::string code;
  RegistrationFields fields;
  std::vector<std::filesystem::path> scans;   // paper: the stamped agreement, at least one
  std::vector<std::filesystem::path> proofs;  // destination, targeted: 证明材料
};

// Files a registration: pending. Refused with InvalidTransition when the graduate is removed
// from the roster, when the kind does not fit the 培养方式 (定向/委培 may file only `targeted`,
// and only they may), or when the graduate already has a live destination (an invitation
// awaiting review, signed or terminating, or another registration not yet final); NotFound for
// an unknown graduate; InvalidInput for a missing or malformed field or file (naming it).
Registration submit_registration(Store& store, const RegistrationRequest& request,
                                 const Actor& actor);

// What the graduate changes when resubmitting, or the school when approving a destination.
struct RegistrationChange {
  std::string code;  // destination kind: a new code or sub-type (fields the new code does not use
                     // are dropped)
  RegistrationFields fields;                  // only the keys given change
  std::vector<std::filesystem::path> scans;   // replace the earlier scans (paper, offline)
  std::vector<std::filesystem::path> proofs;  // replace the earlier proof files
};

// 撤回修改: pending → returned, for the graduate to edit.
Registration withdraw_registration(Store& store, std::int64_t id, const Actor& actor);
// returned → pending, with the changes (checked as at submit).
Registration resubmit_registration(Store& store, std::int64_t id, const RegistrationChange& change,
                                   const Actor& actor);
// 审核通过. pending → approved (offline: → awaiting_scan); offline scan_review → approved. A
// destination registration may take a different code or fields (学校在审核时可直接修改); other
// kinds refuse a change (Usage). Paper and offline agreements get their 协议编号 at the final
// approval (InvalidTransition when the graduate has no 学历层次).
Registration approve_registration(Store& store, std::int64_t id, const RegistrationChange& change,
                                  const Actor& actor);
// 退回修改 (pending → returned; offline scan_review → awaiting_scan) and 审核不通过 (→ rejected);
// the reason is required (InvalidInput).
Registration return_registration(Store& store, std::int64_t id, const std::string& reason,
                                 const Actor& actor);
Registration reject_registration(Store& store, std::int64_t id, const std::string& reason,
                                 const Actor& actor);
// offline: awaiting_scan → scan_review with the stamped scans (at least one; they replace any
// earlier ones).
Registration upload_registration_scan(Store& store, std::int64_t id,
                                      const std::vector<std::filesystem::path>& scans,
                                      const Actor& actor);
// 作废 by the graduate, no review: an approved destination or targeted registration, or any
// registration not yet reviewed (pending, returned; offline also awaiting its scan). Approved
// paper and offline agreements are refused: they end by offline termination.
Registration void_registration(Store& store, std::int64_t id, const std::string& reason,
                               const Actor& actor);

Registration get_registration(Store& store, std::int64_t id);  // NotFound; with its files

struct RegistrationFilter {
  std::string school;  // code or name (NotFound when unknown)
  std::string department;
  int cohort = 0;
  std::string kind;   // machine name (InvalidInput when unknown)
  std::string state;  // machine name (InvalidInput when unknown)
  std::string id_number;
};
std::vector<Registration> list_registrations(Store& store, const RegistrationFilter& filter);
// As list_registrations, in the same order, one at a time without loading all (exports); `files`
// stays empty.
void for_each_registration(Store& store, const RegistrationFilter& filter,
                           const std::function<void(const Registration&)>& sink);

}  // namespace ncss
