// The signing lifecycle (线上签约) as one pure table: which events each state of an invitation
// accepts, the state it moves to, and why everything else is refused. No I/O and no clock: the
// deadline is a fact the caller checks against `now` before asking for Accept or Expire.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>

namespace ncss {

// DOMAIN.md "The signing lifecycle". A failed termination (解约失败) is not a state: the
// signing stays Signed and the termination request records the failure.
enum class SigningState {
  AwaitingGraduate,  // 等待学生应约
  AwaitingReview,    // 学生已应约提交审核中
  Signed,            // 已签约
  Failed,            // 签约失败, with a FailReason
  Terminating,       // 解约中
  Terminated,        // 已解约
  Voided,            // 已作废
  Invalid,           // 失效
};

enum class FailReason {
  None,              // the state is not Failed
  GraduateRejected,  // 学生拒绝签约
  Expired,           // 学生逾期未回应
  SchoolRejected,    // 学校审核不通过
  Withdrawn,         // 单位撤回
  // 中止签约: the graduate stops a signing awaiting review. The 2024 employer guide only says
  // the employer must ask the graduate to do it (请联系学生中止签约); recording it as its own
  // reason, not as GraduateRejected, is this project's decision.
  GraduateAborted,
};

enum class SigningEvent {
  Accept,                   // graduate accepts (接受), before the deadline
  Reject,                   // graduate rejects (拒绝)
  Withdraw,                 // employer withdraws (撤回签约)
  Abort,                    // graduate stops while awaiting review (中止签约)
  Expire,                   // the deadline passed with no answer
  Approve,                  // school approves the signing
  SchoolReject,             // school rejects the signing
  RequestTermination,       // either party asks to terminate (发起解约)
  AcceptTermination,        // the other party agrees: the request goes to school review
  RejectTermination,        // the other party refuses: 解约失败, the signing stays signed
  ApproveTermination,       // school approves the termination
  RejectTerminationReview,  // school rejects the termination: 解约失败
  Void,                     // school voids a signed agreement (作废)
  Invalidate,               // the school corrected or removed the graduate's record (失效)
};

inline constexpr std::array<SigningState, 8> kSigningStates = {
    SigningState::AwaitingGraduate, SigningState::AwaitingReview, SigningState::Signed,
    SigningState::Failed,           SigningState::Terminating,    SigningState::Terminated,
    SigningState::Voided,           SigningState::Invalid,
};
inline constexpr std::array<SigningEvent, 14> kSigningEvents = {
    SigningEvent::Accept,
    SigningEvent::Reject,
    SigningEvent::Withdraw,
    SigningEvent::Abort,
    SigningEvent::Expire,
    SigningEvent::Approve,
    SigningEvent::SchoolReject,
    SigningEvent::RequestTermination,
    SigningEvent::AcceptTermination,
    SigningEvent::RejectTermination,
    SigningEvent::ApproveTermination,
    SigningEvent::RejectTerminationReview,
    SigningEvent::Void,
    SigningEvent::Invalidate,
};
inline constexpr std::array<FailReason, 6> kFailReasons = {
    FailReason::None,           FailReason::GraduateRejected, FailReason::Expired,
    FailReason::SchoolRejected, FailReason::Withdrawn,        FailReason::GraduateAborted,
};

enum class RefusalKind {
  None,        // allowed
  NotAllowed,  // the state does not take this event
  Final,       // the state is final: it takes no event at all
  // Withdraw while awaiting review: the platform answers 请联系学生中止签约, and the CLI gives it
  // its own exit status.
  ContactGraduateToAbort,
};

struct SigningTransition {
  bool allowed = false;
  SigningState next = SigningState::AwaitingGraduate;  // when allowed
  FailReason reason = FailReason::None;                // set when next is Failed
  RefusalKind refusal = RefusalKind::None;             // when not allowed
  // When refused: "an invitation in state 已签约 (signed) cannot be accepted".
  std::string why;
};

// The answer of the table: allowed and to which state (and failure reason), or why not.
//
// Terminating is one state: the termination request itself (its own record) knows whether it
// awaits the other party or the school, so AcceptTermination keeps Terminating and the caller
// checks the request's phase before asking for ApproveTermination.
SigningTransition decide(SigningState from, SigningEvent event);

// decide, for use cases: the next state, or Error::invalid_transition(why) whose detail() is
// the RefusalKind as an int, so the CLI can give ContactGraduateToAbort its own exit status.
SigningTransition require_transition(SigningState from, SigningEvent event);

// Awaiting review, signed or terminating: the graduate has a live destination and may not
// accept another invitation. Awaiting the graduate is not live.
bool is_live(SigningState s);
// Awaiting the graduate or the review: the same employer may not invite the graduate again.
bool is_open(SigningState s);
// Failed, terminated, voided, invalid: no event applies any more.
bool is_final(SigningState s);

std::string_view signing_state_name(SigningState s);   // awaiting_graduate, ...
std::string_view signing_state_label(SigningState s);  // 等待学生应约, ...
std::string_view signing_state_list(SigningState s);  // the list (栏目) it shows in: 签约中, ...
std::optional<SigningState> parse_signing_state(std::string_view name);

std::string_view signing_event_name(SigningEvent e);  // accept, reject, withdraw, ...
std::optional<SigningEvent> parse_signing_event(std::string_view name);

std::string_view fail_reason_name(FailReason r);   // none, graduate_rejected, ...
std::string_view fail_reason_label(FailReason r);  // "" for None, 学生拒绝签约, ...
std::optional<FailReason> parse_fail_reason(std::string_view name);

}  // namespace ncss
