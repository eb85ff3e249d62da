#include <catch2/catch.hpp>
#include <set>
#include <string>
#include <vector>

#include "ncss/error.hpp"
#include "ncss/signing_state.hpp"

namespace {

using ncss::FailReason;
using ncss::RefusalKind;
using ncss::SigningEvent;
using ncss::SigningState;
using S = SigningState;
using E = SigningEvent;
using R = FailReason;

// Written from DOMAIN.md and issues 5 and 6, not from the table in signing_state.cpp.
struct Allowed {
  SigningState from;
  SigningEvent event;
  SigningState to;
  FailReason reason;
};

const std::vector<Allowed> kExpectedAllowed = {
    {S::AwaitingGraduate, E::Accept, S::AwaitingReview, R::None},
    {S::AwaitingGraduate, E::Reject, S::Failed, R::GraduateRejected},
    {S::AwaitingGraduate, E::Withdraw, S::Failed, R::Withdrawn},
    {S::AwaitingGraduate, E::Expire, S::Failed, R::Expired},
    {S::AwaitingGraduate, E::Invalidate, S::Invalid, R::None},
    {S::AwaitingReview, E::Approve, S::Signed, R::None},
    {S::AwaitingReview, E::SchoolReject, S::Failed, R::SchoolRejected},
    {S::AwaitingReview, E::Abort, S::Failed, R::GraduateAborted},
    {S::AwaitingReview, E::Invalidate, S::Invalid, R::None},
    {S::Signed, E::RequestTermination, S::Terminating, R::None},
    {S::Signed, E::Void, S::Voided, R::None},
    {S::Terminating, E::AcceptTermination, S::Terminating, R::None},
    {S::Terminating, E::RejectTermination, S::Signed, R::None},
    {S::Terminating, E::ApproveTermination, S::Terminated, R::None},
    {S::Terminating, E::RejectTerminationReview, S::Signed, R::None},
};

const std::set<SigningState> kExpectedFinal = {S::Failed, S::Terminated, S::Voided, S::Invalid};

// Every enumerator, by counting up the underlying values rather than trusting kSigningStates.
std::vector<SigningState> all_states() {
  std::vector<SigningState> out;
  for (int i = 0; i <= static_cast<int>(S::Invalid); ++i) out.push_back(static_cast<S>(i));
  return out;
}
std::vector<SigningEvent> all_events() {
  std::vector<SigningEvent> out;
  for (int i = 0; i <= static_cast<int>(E::Invalidate); ++i) out.push_back(static_cast<E>(i));
  return out;
}
std::vector<FailReason> all_reasons() {
  std::vector<FailReason> out;
  for (int i = 0; i <= static_cast<int>(R::GraduateAborted); ++i) out.push_back(static_cast<R>(i));
  return out;
}

std::string pair_name(SigningState s, SigningEvent e) {
  return std::string(ncss::signing_state_name(s)) + " + " +
         std::string(ncss::signing_event_name(e));
}

}  // namespace

TEST_CASE("signing: every allowed transition goes to its state with its reason", "[signing]") {
  for (const auto& a : kExpectedAllowed) {
    INFO(pair_name(a.from, a.event));
    auto t = ncss::decide(a.from, a.event);
    CHECK(t.allowed);
    CHECK(t.next == a.to);
    CHECK(t.reason == a.reason);
    CHECK(t.refusal == RefusalKind::None);
    CHECK(t.why.empty());
    CHECK_NOTHROW(ncss::require_transition(a.from, a.event));
    CHECK(ncss::require_transition(a.from, a.event).next == a.to);
  }
}

TEST_CASE("signing: every pair not in the table is refused with the right kind", "[signing]") {
  int allowed = 0;
  int refused = 0;
  for (auto s : all_states()) {
    for (auto e : all_events()) {
      INFO(pair_name(s, e));
      auto t = ncss::decide(s, e);
      bool expect_allowed = false;
      for (const auto& a : kExpectedAllowed) {
        if (a.from == s && a.event == e) expect_allowed = true;
      }
      REQUIRE(t.allowed == expect_allowed);
      if (expect_allowed) {
        ++allowed;
        continue;
      }
      ++refused;
      RefusalKind kind = RefusalKind::NotAllowed;
      if (kExpectedFinal.count(s)) kind = RefusalKind::Final;
      if (s == S::AwaitingReview && e == E::Withdraw) kind = RefusalKind::ContactGraduateToAbort;
      CHECK(t.refusal == kind);
      CHECK(t.next == s);
      CHECK(t.reason == R::None);
      CHECK(t.why.find(std::string(ncss::signing_state_label(s))) != std::string::npos);
      CHECK(t.why.find("(" + std::string(ncss::signing_state_name(s)) + ")") != std::string::npos);
      try {
        ncss::require_transition(s, e);
        FAIL("require_transition did not throw");
      } catch (const ncss::Error& err) {
        CHECK(err.code() == ncss::ErrorCode::InvalidTransition);
        CHECK(err.detail() == static_cast<int>(kind));
        CHECK(std::string(err.what()) == t.why);
      }
    }
  }
  CHECK(allowed == static_cast<int>(kExpectedAllowed.size()));
  CHECK(allowed + refused == 8 * 14);
}

TEST_CASE("signing: withdraw while awaiting review says to contact the graduate", "[signing]") {
  auto t = ncss::decide(S::AwaitingReview, E::Withdraw);
  CHECK_FALSE(t.allowed);
  CHECK(t.refusal == RefusalKind::ContactGraduateToAbort);
  CHECK(t.why.find("请联系学生中止签约") != std::string::npos);
  CHECK(t.why.find("学生已应约提交审核中") != std::string::npos);

  SECTION("while awaiting the graduate it is allowed and fails as withdrawn") {
    auto w = ncss::decide(S::AwaitingGraduate, E::Withdraw);
    CHECK(w.allowed);
    CHECK(w.next == S::Failed);
    CHECK(w.reason == R::Withdrawn);
  }
  SECTION("elsewhere it is a plain refusal without the hint") {
    auto w = ncss::decide(S::Signed, E::Withdraw);
    CHECK(w.refusal == RefusalKind::NotAllowed);
    CHECK(w.why.find("请联系学生中止签约") == std::string::npos);
  }
}

TEST_CASE("signing: final states refuse every event", "[signing]") {
  for (auto s : kExpectedFinal) {
    CHECK(ncss::is_final(s));
    for (auto e : all_events()) {
      INFO(pair_name(s, e));
      auto t = ncss::decide(s, e);
      CHECK_FALSE(t.allowed);
      CHECK(t.refusal == RefusalKind::Final);
      CHECK(t.why.find("final") != std::string::npos);
    }
  }
}

TEST_CASE("signing: refusals are worded in plain English with the state word", "[signing]") {
  CHECK(ncss::decide(S::Signed, E::Accept).why ==
        "an invitation in state 已签约 (signed) cannot be accepted");
  CHECK(ncss::decide(S::AwaitingReview, E::Expire).why ==
        "an invitation in state 学生已应约提交审核中 (awaiting_review) cannot expire");
  CHECK(ncss::decide(S::Failed, E::Accept).why ==
        "an invitation in state 签约失败 (failed) cannot be accepted: the state is final");
}

TEST_CASE("signing: live, open and final states", "[signing]") {
  const std::set<SigningState> live = {S::AwaitingReview, S::Signed, S::Terminating};
  const std::set<SigningState> open = {S::AwaitingGraduate, S::AwaitingReview};
  for (auto s : all_states()) {
    INFO(ncss::signing_state_name(s));
    CHECK(ncss::is_live(s) == (live.count(s) == 1));
    CHECK(ncss::is_open(s) == (open.count(s) == 1));
    CHECK(ncss::is_final(s) == (kExpectedFinal.count(s) == 1));
  }
}

TEST_CASE("signing: names round-trip and unknown names are refused", "[signing]") {
  SECTION("states") {
    std::set<std::string_view> seen;
    for (auto s : all_states()) {
      auto name = ncss::signing_state_name(s);
      CHECK(seen.insert(name).second);
      CHECK(ncss::parse_signing_state(name) == s);
    }
    CHECK_FALSE(ncss::parse_signing_state("Signed"));
    CHECK_FALSE(ncss::parse_signing_state("已签约"));
    CHECK_FALSE(ncss::parse_signing_state(""));
  }
  SECTION("events") {
    std::set<std::string_view> seen;
    for (auto e : all_events()) {
      auto name = ncss::signing_event_name(e);
      CHECK(seen.insert(name).second);
      CHECK(ncss::parse_signing_event(name) == e);
    }
    CHECK(ncss::signing_event_name(E::RejectTerminationReview) == "reject_termination_review");
    CHECK_FALSE(ncss::parse_signing_event("accepted"));
  }
  SECTION("fail reasons") {
    std::set<std::string_view> seen;
    for (auto r : all_reasons()) {
      auto name = ncss::fail_reason_name(r);
      CHECK(seen.insert(name).second);
      CHECK(ncss::parse_fail_reason(name) == r);
    }
    CHECK_FALSE(ncss::parse_fail_reason("rejected"));
  }
  SECTION("the public lists hold every enumerator once, in order") {
    CHECK(std::vector<S>(ncss::kSigningStates.begin(), ncss::kSigningStates.end()) == all_states());
    CHECK(std::vector<E>(ncss::kSigningEvents.begin(), ncss::kSigningEvents.end()) == all_events());
    CHECK(std::vector<R>(ncss::kFailReasons.begin(), ncss::kFailReasons.end()) == all_reasons());
  }
}

TEST_CASE("signing: Chinese words and lists are DOMAIN.md's", "[signing]") {
  struct Word {
    SigningState s;
    const char* name;
    const char* label;
    const char* list;
  };
  const std::vector<Word> words = {
      {S::AwaitingGraduate, "awaiting_graduate", "等待学生应约", "签约中"},
      {S::AwaitingReview, "awaiting_review", "学生已应约提交审核中", "签约中"},
      {S::Signed, "signed", "已签约", "已签约"},
      {S::Failed, "failed", "签约失败", "签约失败"},
      {S::Terminating, "terminating", "解约中", "解约中"},
      {S::Terminated, "terminated", "已解约", "已解约"},
      {S::Voided, "voided", "已作废", "已作废"},
      {S::Invalid, "invalid", "失效", "失效"},
  };
  REQUIRE(words.size() == all_states().size());
  for (const auto& w : words) {
    CHECK(ncss::signing_state_name(w.s) == w.name);
    CHECK(ncss::signing_state_label(w.s) == w.label);
    CHECK(ncss::signing_state_list(w.s) == w.list);
  }
  CHECK(ncss::fail_reason_name(R::None) == "none");
  CHECK(ncss::fail_reason_label(R::None).empty());
  CHECK(ncss::fail_reason_name(R::GraduateRejected) == "graduate_rejected");
  CHECK(ncss::fail_reason_label(R::GraduateRejected) == "学生拒绝签约");
  CHECK(ncss::fail_reason_name(R::Expired) == "expired");
  CHECK(ncss::fail_reason_label(R::Expired) == "学生逾期未回应");
  CHECK(ncss::fail_reason_name(R::SchoolRejected) == "school_rejected");
  CHECK(ncss::fail_reason_label(R::SchoolRejected) == "学校审核不通过");
  CHECK(ncss::fail_reason_name(R::Withdrawn) == "withdrawn");
  CHECK(ncss::fail_reason_label(R::Withdrawn) == "单位撤回");
  CHECK(ncss::fail_reason_name(R::GraduateAborted) == "graduate_aborted");
  CHECK(ncss::fail_reason_label(R::GraduateAborted) == "中止签约");
}
