// What the signing use cases (invite, review, sweep) share: loading an invitation with its
// graduate, and applying one event of the state machine with its event row and notifications.
// Never included by the CLI.
#pragma once

#include <SQLiteCpp/SQLiteCpp.h>

#include <cstdint>
#include <optional>
#include <string>

#include "audit_impl.hpp"
#include "ncss/signing_state.hpp"

namespace ncss {

struct InvitationRow {
  std::int64_t id;
  std::string employer_code;
  std::int64_t graduate_id;
  SigningState state;
  FailReason reason;
  std::string issued_at;  // UTC, stored form
  std::string deadline;   // UTC, stored form
  std::string id_number;
  std::string graduate_name;
  std::string school_code;
  int cohort;
};

// The reason recorded when an invitation's deadline has passed (the sweep, or an issue that finds
// the same employer's earlier invitation overdue).
inline constexpr const char* kDeadlinePassedReason = "应约截止时间已过 (deadline passed)";

// The invitation joined with its graduate, or nullopt.
std::optional<InvitationRow> load_invitation(SQLite::Database& db, std::int64_t id);

// Applies `event` through require_transition (throws its InvalidTransition), updates state,
// fail_reason and updated_at (responded_at on accept/reject/abort; reviewed_at, reviewed_by,
// review_reason on approve/school_reject; withdraw_reason = `reason` on withdraw), writes the one
// event "invitation.<event>" and the notifications the platform would send; returns the new state.
// Runs inside the caller's transaction; the time and actor are the AuditWriter's.
SigningState apply_signing_event(SQLite::Database& db, AuditWriter& audit, const InvitationRow& inv,
                                 SigningEvent event, const std::string& reason,
                                 const std::string& note);

// DOMAIN.md "Invalid (失效)": the school corrected or removed the graduate's record, so every
// valid favourite of the graduate, every invitation still open (awaiting the graduate or the
// review) and every unfinished registration (pending, returned, awaiting its scan, in scan
// review) becomes invalid, each with its own event and notifications. `cause` says why (it is the
// events' reason). An invitation awaiting the graduate past its deadline had already failed: it is
// recorded as expired, as the sweep would record it, and not counted. Runs inside the caller's
// transaction.
struct InvalidationCount {
  int favorites = 0;
  int invitations = 0;
  int registrations = 0;
};
InvalidationCount invalidate_graduate(SQLite::Database& db, AuditWriter& audit,
                                      std::int64_t graduate_id, const std::string& cause);

// Whether a change of a graduate's record (`changes`: field → {old, new}, as the events hold it)
// makes what was built on it invalid (invalidate_graduate). The 2024 employer guide: a
// favourite's graduate information cannot change (加入学生收藏夹的毕业生信息不可更改); when it was
// wrong, the school corrects it and the employer adds the graduate again. So any correction of
// what the employer saw and the agreement prints does: 学生姓名, 身份证号, 毕业院校, 培养方式
// (which decides what the graduate may sign), and 学历层次, 专业 or 院系 when they had a value
// (filling in one the roster left empty corrects nothing the employer saw). Not 手机号码, 电子邮箱
// (the graduate's own contact details) or 学号.
bool change_invalidates(const nlohmann::json& changes);

}  // namespace ncss
