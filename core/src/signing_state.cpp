#include "ncss/signing_state.hpp"

#include <array>

#include "ncss/error.hpp"

namespace ncss {

namespace {

using S = SigningState;
using E = SigningEvent;
using R = FailReason;

// The one place the status words live (DOMAIN.md "The signing lifecycle").
struct StateInfo {
  SigningState state;
  std::string_view name;
  std::string_view label;
  std::string_view list;  // 栏目
  bool live;
  bool open;
  bool final;
};

constexpr std::array<StateInfo, 8> kStateInfo = {{
    {S::AwaitingGraduate, "awaiting_graduate", "等待学生应约", "签约中", false, true, false},
    {S::AwaitingReview, "awaiting_review", "学生已应约提交审核中", "签约中", true, true, false},
    {S::Signed, "signed", "已签约", "已签约", true, false, false},
    {S::Failed, "failed", "签约失败", "签约失败", false, false, true},
    {S::Terminating, "terminating", "解约中", "解约中", true, false, false},
    {S::Terminated, "terminated", "已解约", "已解约", false, false, true},
    {S::Voided, "voided", "已作废", "已作废", false, false, true},
    {S::Invalid, "invalid", "失效", "失效", false, false, true},
}};

struct ReasonInfo {
  FailReason reason;
  std::string_view name;
  std::string_view label;
};

constexpr std::array<ReasonInfo, 6> kReasonInfo = {{
    {R::None, "none", ""},
    {R::GraduateRejected, "graduate_rejected", "学生拒绝签约"},
    {R::Expired, "expired", "学生逾期未回应"},
    {R::SchoolRejected, "school_rejected", "学校审核不通过"},
    {R::Withdrawn, "withdrawn", "单位撤回"},
    {R::GraduateAborted, "graduate_aborted", "中止签约"},
}};

struct EventInfo {
  SigningEvent event;
  std::string_view name;
  std::string_view refused;  // completes "an invitation in state X cannot ..."
};

constexpr std::array<EventInfo, 14> kEventInfo = {{
    {E::Accept, "accept", "be accepted"},
    {E::Reject, "reject", "be rejected by the graduate"},
    {E::Withdraw, "withdraw", "be withdrawn"},
    {E::Abort, "abort", "be aborted by the graduate"},
    {E::Expire, "expire", "expire"},
    {E::Approve, "approve", "be approved"},
    {E::SchoolReject, "school_reject", "be rejected by the school"},
    {E::RequestTermination, "request_termination", "have a termination requested"},
    {E::AcceptTermination, "accept_termination", "have a termination accepted"},
    {E::RejectTermination, "reject_termination", "have a termination refused"},
    {E::ApproveTermination, "approve_termination", "have a termination approved"},
    {E::RejectTerminationReview, "reject_termination_review",
     "have a termination rejected by the school"},
    {E::Void, "void", "be voided"},
    {E::Invalidate, "invalidate", "become invalid"},
}};

// The transition table. A row with a refusal is a refusal the platform words specially; any
// pair without a row is refused as NotAllowed, or Final in a final state.
struct Row {
  SigningState from;
  SigningEvent event;
  SigningState to;
  FailReason reason;
  RefusalKind refusal;
};

constexpr RefusalKind kOk = RefusalKind::None;

constexpr std::array<Row, 16> kTable = {{
    {S::AwaitingGraduate, E::Accept, S::AwaitingReview, R::None, kOk},
    {S::AwaitingGraduate, E::Reject, S::Failed, R::GraduateRejected, kOk},
    {S::AwaitingGraduate, E::Withdraw, S::Failed, R::Withdrawn, kOk},
    {S::AwaitingGraduate, E::Expire, S::Failed, R::Expired, kOk},
    {S::AwaitingGraduate, E::Invalidate, S::Invalid, R::None, kOk},
    {S::AwaitingReview, E::Approve, S::Signed, R::None, kOk},
    {S::AwaitingReview, E::SchoolReject, S::Failed, R::SchoolRejected, kOk},
    {S::AwaitingReview, E::Abort, S::Failed, R::GraduateAborted, kOk},
    {S::AwaitingReview, E::Invalidate, S::Invalid, R::None, kOk},
    // 2024 guide: once the graduate has accepted, the employer cannot withdraw; the platform
    // answers 请联系学生中止签约.
    {S::AwaitingReview, E::Withdraw, S::AwaitingReview, R::None,
     RefusalKind::ContactGraduateToAbort},
    {S::Signed, E::RequestTermination, S::Terminating, R::None, kOk},
    {S::Signed, E::Void, S::Voided, R::None, kOk},
    // The request moves from the other party to the school; the request record holds the phase.
    {S::Terminating, E::AcceptTermination, S::Terminating, R::None, kOk},
    // 解约失败 either way: the signing stays valid and a new request may follow.
    {S::Terminating, E::RejectTermination, S::Signed, R::None, kOk},
    {S::Terminating, E::ApproveTermination, S::Terminated, R::None, kOk},
    {S::Terminating, E::RejectTerminationReview, S::Signed, R::None, kOk},
}};

constexpr const StateInfo& state_info(SigningState s) {
  return kStateInfo[static_cast<std::size_t>(s)];
}

// The table is checked when it is compiled: info tables in enum order, no pair twice, a reason
// exactly on the rows that fail, no row out of a final state.
constexpr bool table_is_sound() {
  for (std::size_t i = 0; i < kStateInfo.size(); ++i) {
    if (static_cast<std::size_t>(kStateInfo[i].state) != i) return false;
  }
  for (std::size_t i = 0; i < kEventInfo.size(); ++i) {
    if (static_cast<std::size_t>(kEventInfo[i].event) != i) return false;
  }
  for (std::size_t i = 0; i < kReasonInfo.size(); ++i) {
    if (static_cast<std::size_t>(kReasonInfo[i].reason) != i) return false;
  }
  for (std::size_t i = 0; i < kTable.size(); ++i) {
    const Row& r = kTable[i];
    if (state_info(r.from).final) return false;
    if (r.refusal == kOk && (r.to == S::Failed) != (r.reason != R::None)) return false;
    if (r.refusal != kOk && r.reason != R::None) return false;
    for (std::size_t j = i + 1; j < kTable.size(); ++j) {
      if (kTable[j].from == r.from && kTable[j].event == r.event) return false;
    }
  }
  return true;
}

static_assert(table_is_sound(), "the signing transition table contradicts itself");

std::string refusal_why(SigningState from, SigningEvent event, RefusalKind kind) {
  const auto& s = state_info(from);
  std::string why = "an invitation in state " + std::string(s.label) + " (" + std::string(s.name) +
                    ") cannot " + std::string(kEventInfo[static_cast<std::size_t>(event)].refused);
  switch (kind) {
    case RefusalKind::Final:
      why += ": the state is final";
      break;
    case RefusalKind::ContactGraduateToAbort:
      why += ": 请联系学生中止签约 (the graduate has accepted; ask them to abort the signing)";
      break;
    default:
      break;
  }
  return why;
}

}  // namespace

SigningTransition decide(SigningState from, SigningEvent event) {
  SigningTransition t;
  t.next = from;
  for (const Row& r : kTable) {
    if (r.from != from || r.event != event) continue;
    if (r.refusal == kOk) {
      t.allowed = true;
      t.next = r.to;
      t.reason = r.reason;
      return t;
    }
    t.refusal = r.refusal;
    t.why = refusal_why(from, event, r.refusal);
    return t;
  }
  t.refusal = is_final(from) ? RefusalKind::Final : RefusalKind::NotAllowed;
  t.why = refusal_why(from, event, t.refusal);
  return t;
}

SigningTransition require_transition(SigningState from, SigningEvent event) {
  auto t = decide(from, event);
  if (!t.allowed) {
    throw Error(ErrorCode::InvalidTransition, t.why, static_cast<int>(t.refusal));
  }
  return t;
}

bool is_live(SigningState s) { return state_info(s).live; }
bool is_open(SigningState s) { return state_info(s).open; }
bool is_final(SigningState s) { return state_info(s).final; }

std::string_view signing_state_name(SigningState s) { return state_info(s).name; }
std::string_view signing_state_label(SigningState s) { return state_info(s).label; }
std::string_view signing_state_list(SigningState s) { return state_info(s).list; }

std::optional<SigningState> parse_signing_state(std::string_view name) {
  for (const auto& i : kStateInfo) {
    if (i.name == name) return i.state;
  }
  return std::nullopt;
}

std::string_view signing_event_name(SigningEvent e) {
  return kEventInfo[static_cast<std::size_t>(e)].name;
}

std::optional<SigningEvent> parse_signing_event(std::string_view name) {
  for (const auto& i : kEventInfo) {
    if (i.name == name) return i.event;
  }
  return std::nullopt;
}

std::string_view fail_reason_name(FailReason r) {
  return kReasonInfo[static_cast<std::size_t>(r)].name;
}
std::string_view fail_reason_label(FailReason r) {
  return kReasonInfo[static_cast<std::size_t>(r)].label;
}

std::optional<FailReason> parse_fail_reason(std::string_view name) {
  for (const auto& i : kReasonInfo) {
    if (i.name == name) return i.reason;
  }
  return std::nullopt;
}

}  // namespace ncss
