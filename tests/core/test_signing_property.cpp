// The signing lifecycle as a property: random sequences of issue, respond, withdraw, abort, review
// and sweep, of the online termination (解约: request, the other party's answer, the school's
// review) and void (作废) of signed agreements, of other-destination registrations (filed,
// approved, voided: one live destination across signings and registrations), and of the school's
// name corrections (失效) and favourites added again, at random times over a small population, with
// the lifecycle's invariants checked on the database after every step. A model of the invitations
// and terminations predicts which operations the rules allow; a refused operation must leave the
// database exactly as it was.
//
// Deterministic by default (fixed seeds). To replay a failure, run with the seed and step it
// prints: NCSS_PROPERTY_SEED=<seed> NCSS_PROPERTY_STEPS=<step> ncss_tests "[property]".
// NCSS_PROPERTY_VERBOSE=1 prints how often each outcome happened.
#include <SQLiteCpp/SQLiteCpp.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <iterator>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "fixtures.hpp"
#include "ncss/error.hpp"
#include "ncss/favorite.hpp"
#include "ncss/graduate_record.hpp"
#include "ncss/identity.hpp"
#include "ncss/invitation.hpp"
#include "ncss/registration.hpp"
#include "ncss/review.hpp"
#include "ncss/roster.hpp"
#include "ncss/signing_state.hpp"
#include "ncss/sweep.hpp"
#include "ncss/termination.hpp"
#include "ncss/time.hpp"
#include "store_impl.hpp"

namespace {

using ncss::ErrorCode;
using ncss::FailReason;
using ncss::SigningState;

constexpr std::int64_t kDay = 86400;
constexpr std::uint32_t kDefaultSeeds[] = {20260520u, 7u, 1234567u};
constexpr int kDefaultSteps = 400;

std::string id_number(const std::string& first17) {
  return first17 + ncss::resident_id_check_char(first17);
}

struct GraduateSpec {
  const char* first17;
  const char* name;
  const char* school;       // 毕业院校 as the roster writes it
  const char* school_code;  // and its code
  const char* degree;       // 学历层次, the roster word; empty: approval is refused
  const char* degree_code;
  const char* mode;  // 培养方式
  int cohort;
};

// Two schools, three degree levels and two cohorts (agreement numbers run per school and cohort),
// one graduate without a degree level and one 定向 graduate, who can never be invited.
const GraduateSpec kGraduates[] = {
    {"11010520030115001", "赵一", "北京大学", "10001", "本科", "31", "非定向", 2026},
    {"11010520030115002", "钱二", "北京大学", "10001", "本科", "31", "非定向", 2026},
    {"11010520010304003", "孙三", "北京大学", "10001", "硕士", "11", "非定向", 2026},
    {"44030420021230004", "李四", "清华大学", "10003", "本科", "31", "非定向", 2026},
    {"44030419990817005", "周五", "清华大学", "10003", "博士", "01", "非定向", 2026},
    {"44030420020606006", "吴六", "清华大学", "10003", "本科", "31", "非定向", 2025},
    {"11010520030115007", "郑七", "北京大学", "10001", "", "", "非定向", 2026},
    {"11010520030115008", "王八", "北京大学", "10001", "本科", "31", "定向", 2026},
    {"44030420021230009", "冯九", "清华大学", "10003", "本科", "31", "非定向", 2026},
    {"11010520020202010", "陈十", "清华大学", "10003", "硕士", "11", "非定向", 2025},
};
constexpr int kGraduateCount = static_cast<int>(std::size(kGraduates));

struct EmployerSpec {
  const char* code;
  const char* name;
  bool verified;
};

const EmployerSpec kEmployers[] = {
    {"91110108749352307A", "甲公司", true},
    {"91370214MA3D2M2T5C", "乙公司", true},
    {"91310115MA1K3BTP2B", "丙公司", true},
    {"9144030071526726XG", "丁公司", false},  // not verified: it can invite no one
};
constexpr int kEmployerCount = static_cast<int>(std::size(kEmployers));

// Every verified employer has every graduate in its favourites, except 丙公司 the first one.
bool is_favorite(int employer, int graduate) {
  return kEmployers[employer].verified && !(employer == 2 && graduate == 0);
}

// What the model knows of one invitation.
struct ModelInvitation {
  int employer = 0;
  int graduate = 0;
  SigningState state = SigningState::AwaitingGraduate;
  FailReason reason = FailReason::None;
  std::int64_t deadline = 0;      // seconds
  std::int64_t accepted_at = -1;  // when the graduate accepted it, -1 if never
  std::string agreement_no;
  // Transitions of the table so far, the issue included (the other party's acceptance of a
  // termination is one, though it keeps the invitation terminating).
  int events = 0;
};

// What the model knows of one online termination request. Its phases: awaiting_party,
// awaiting_review, approved, failed (with fail_reason party_rejected or school_rejected).
struct ModelTermination {
  std::int64_t invitation = 0;
  std::string by;      // employer or graduate
  std::string reason;  // the termination_reasons code
  std::string note;    // as stored: trimmed
  std::string phase = "awaiting_party";
  std::string fail_reason;
  std::string review_reason;
  int events = 0;  // phase changes so far, the request included
};

// What the rules say of an operation about to run.
struct Expectation {
  std::optional<ErrorCode> refusal;  // nullopt: it must succeed
  std::string rule;                  // why it is refused, for the failure message
  std::optional<int> detail;         // the refusal's detail(), where the API documents one
  std::string tag;                   // the outcome's name in the coverage counts
};

Expectation allowed(std::string tag) { return {std::nullopt, "", std::nullopt, tag}; }

Expectation refused(ErrorCode code, std::string rule, std::string tag,
                    std::optional<int> detail = std::nullopt) {
  return {code, std::move(rule), detail, std::move(tag)};
}

// One row of invitations as the sweep check compares it.
struct RowSnapshot {
  std::string state;
  std::string fail_reason;
  std::string deadline;
  std::string text;  // every column
};

// Every column of an invitation row, for "did it change".
const char* const kRowText =
    "quote(employer_code) || quote(graduate_id) || quote(state) || quote(fail_reason) || "
    "quote(deadline) || quote(issued_at) || quote(responded_at) || quote(reviewed_at) || "
    "quote(reviewed_by) || quote(review_reason) || quote(withdraw_reason) || "
    "quote(agreement_no) || quote(snapshot) || quote(void_reason) || quote(updated_at)";

// Every column of a termination row.
const char* const kTerminationText =
    "quote(mode) || quote(invitation_id) || quote(registration_id) || quote(requested_by) || "
    "quote(reason) || quote(note) || quote(phase) || quote(fail_reason) || quote(requested_at) || "
    "quote(responded_at) || quote(responded_by) || quote(reviewed_at) || quote(reviewed_by) || "
    "quote(review_reason) || quote(updated_at)";

std::string name_of(SigningState s) { return std::string(ncss::signing_state_name(s)); }

// UTF-8 characters, as the 200-character limits count them.
std::size_t characters(const std::string& s) {
  std::size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

std::string join(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& l : lines) out += l + "\n";
  return out;
}

class LifecycleRun : public testkit::StoreFixture {
 public:
  explicit LifecycleRun(std::uint32_t seed) : rng_(seed) {
    populate();
    now_ = actor.now;
  }

  ncss::Timestamp now() const { return now_; }
  const std::string& last_operation() const { return last_; }
  const std::map<std::string, int>& coverage() const { return coverage_; }
  void exec(const std::string& sql) { db().exec(sql); }
  // For the coverage counts: a step after which some agreement is signed (to terminate or void).
  void count_signed() {
    if (!ids_in(SigningState::Signed).empty()) ++coverage_["steps with a signed agreement"];
  }
  std::int64_t scalar(const std::string& sql) { return db().execAndGet(sql).getInt64(); }
  std::string text(const std::string& sql) { return db().execAndGet(sql).getString(); }

  // Minutes to days forward, sometimes past every deadline, sometimes to a second either side of
  // one: where accept and the sweep must agree on what "past" means.
  void advance_clock() {
    int r = uniform(1, 100);
    std::int64_t dt = 0;
    if (r <= 35) {
      dt = 0;
    } else if (r <= 70) {
      dt = uniform(1, 180) * 60;
    } else if (r <= 88) {
      dt = uniform(1, 12) * 3600;
    } else if (r <= 94) {
      dt = uniform(1, 3) * kDay;
    } else if (r <= 95) {
      dt = uniform(5, 31) * kDay;
    } else {
      // The next deadline still ahead, give or take a second.
      std::optional<std::int64_t> next;
      for (const auto& [id, m] : invs_) {
        if (m.state == SigningState::AwaitingGraduate && m.deadline + 1 >= now_.seconds &&
            (!next || m.deadline < *next)) {
          next = m.deadline;
        }
      }
      if (next) dt = std::max<std::int64_t>(0, *next + uniform(-1, 1) - now_.seconds);
    }
    now_.seconds += dt;
  }

  // One operation, drawn by weight. The way to a signed agreement (accept, approve) weighs more
  // than the ways out of it, so that terminations and voids have signed agreements to work on.
  void random_operation() {
    using Op = void (*)(LifecycleRun&);
    static const std::pair<int, Op> kOps[] = {
        {16, [](LifecycleRun& r) { r.issue(); }},
        {20, [](LifecycleRun& r) { r.respond(true); }},
        {2, [](LifecycleRun& r) { r.respond(false); }},
        {4, [](LifecycleRun& r) { r.withdraw(); }},
        {2, [](LifecycleRun& r) { r.abort(); }},
        {11, [](LifecycleRun& r) { r.approve(); }},
        {2, [](LifecycleRun& r) { r.school_reject(); }},
        {3, [](LifecycleRun& r) { r.approve_matching(); }},
        {9, [](LifecycleRun& r) { r.sweep(); }},
        {10, [](LifecycleRun& r) { r.request_termination(); }},
        {7, [](LifecycleRun& r) { r.respond_termination(true); }},
        {3, [](LifecycleRun& r) { r.respond_termination(false); }},
        {5, [](LifecycleRun& r) { r.approve_termination(); }},
        {3, [](LifecycleRun& r) { r.reject_termination(); }},
        {1, [](LifecycleRun& r) { r.return_termination(); }},
        {4, [](LifecycleRun& r) { r.void_signing(); }},
        {1, [](LifecycleRun& r) { r.sweep_at_a_deadline(); }},
        {3, [](LifecycleRun& r) { r.correct_name(); }},
        {2, [](LifecycleRun& r) { r.register_destination(); }},
        {2, [](LifecycleRun& r) { r.approve_registration(); }},
        {1, [](LifecycleRun& r) { r.void_registration(); }},
        {4, [](LifecycleRun& r) { r.add_favorite(); }},
    };
    int total = 0;
    for (const auto& [weight, op] : kOps) total += weight;
    int r = uniform(1, total);
    for (const auto& [weight, op] : kOps) {
      if (r <= weight) return op(*this);
      r -= weight;
    }
  }

  // The invariants, read from the database; empty when they all hold.
  std::vector<std::string> invariant_problems() {
    std::vector<std::string> problems;
    check_against_model(problems);
    check_registrations_against_model(problems);
    check_one_live_signing(problems);
    check_event_history(problems);
    check_deadlines(problems);
    check_agreement_numbers(problems);
    check_training_mode(problems);
    check_outbox(problems);
    check_terminations_against_model(problems);
    check_unfinished_terminations(problems);
    check_termination_events(problems);
    return problems;
  }

 private:
  SQLite::Database& db() { return ncss::database(store); }
  ncss::Actor as(const std::string& who) const { return {who, now_}; }

  // mt19937 is specified exactly, so a seed replays the same run on every standard library
  // (std::uniform_int_distribution is not); the modulo bias is irrelevant here.
  int uniform(int lo, int hi) { return lo + static_cast<int>(rng_() % (hi - lo + 1)); }
  bool chance(int percent) { return uniform(1, 100) <= percent; }
  template <typename T>
  const T& pick(const std::vector<T>& v) {
    return v[static_cast<std::size_t>(uniform(0, static_cast<int>(v.size()) - 1))];
  }

  void populate() {
    std::vector<testkit::TestEmployer> employers;
    for (int e = 0; e < kEmployerCount; ++e) {
      employers.push_back({kEmployers[e].code, kEmployers[e].name, kEmployers[e].verified});
    }
    db().exec(testkit::employers_sql(employers));
    std::string roster = "学生姓名,身份证号,毕业院校,学历层次,培养方式,届别\n";
    for (const auto& g : kGraduates) {
      roster += std::string(g.name) + "," + id_number(g.first17) + "," + g.school + "," + g.degree +
                "," + g.mode + "," + std::to_string(g.cohort) + "\n";
    }
    auto file = dir / "roster.csv";
    testkit::write_file(file, roster);
    REQUIRE(ncss::import_roster(store, file, {}, actor).added == kGraduateCount);
    for (int g = 0; g < kGraduateCount; ++g) name_[g] = kGraduates[g].name;
    for (int e = 0; e < kEmployerCount; ++e) {
      for (int g = 0; g < kGraduateCount; ++g) {
        favorite_[e][g] = is_favorite(e, g);
        if (!is_favorite(e, g)) continue;
        ncss::add_favorite(
            store, kEmployers[e].code,
            {kGraduates[g].name, id_number(kGraduates[g].first17), kGraduates[g].school}, actor);
      }
    }
  }

  void describe(const std::string& what) { last_ = what; }

  std::vector<std::int64_t> ids_in(SigningState s) const {
    std::vector<std::int64_t> out;
    for (const auto& [id, m] : invs_) {
      if (m.state == s) out.push_back(id);
    }
    return out;
  }

  // An invitation for an operation: mostly one in the state the operation applies to, sometimes
  // any, now and then one that does not exist.
  std::int64_t pick_invitation(SigningState preferred) {
    std::int64_t last = invs_.empty() ? 0 : invs_.rbegin()->first;
    if (invs_.empty() || chance(3)) return last + uniform(1, 3);
    auto candidates = ids_in(preferred);
    if (!candidates.empty() && chance(80)) return pick(candidates);
    std::vector<std::int64_t> all;
    for (const auto& [id, m] : invs_) all.push_back(id);
    return pick(all);
  }

  // A termination for an operation, as pick_invitation picks an invitation.
  std::int64_t pick_termination(const std::string& preferred) {
    std::int64_t last = terms_.empty() ? 0 : terms_.rbegin()->first;
    if (terms_.empty() || chance(3)) return last + uniform(1, 3);
    std::vector<std::int64_t> candidates, all;
    for (const auto& [id, t] : terms_) {
      if (t.phase == preferred) candidates.push_back(id);
      all.push_back(id);
    }
    if (!candidates.empty() && chance(85)) return pick(candidates);
    return pick(all);
  }

  // Another live signing (awaiting review, signed, terminating) of this graduate.
  // A registration of the graduate under way or approved: a live destination too.
  std::optional<std::int64_t> live_registration_of(int graduate) const {
    for (const auto& [id, r] : regs_) {
      if (r.graduate == graduate && (r.state == "pending" || r.state == "approved")) return id;
    }
    return std::nullopt;
  }

  std::optional<std::int64_t> live_of(int graduate, std::int64_t except) const {
    for (const auto& [id, m] : invs_) {
      if (id != except && m.graduate == graduate && ncss::is_live(m.state)) return id;
    }
    return std::nullopt;
  }

  std::string fingerprint() {
    return db()
        .execAndGet(
            std::string("SELECT (SELECT count(*) || '/' || coalesce(max(id), 0) FROM events) "
                        "|| '/' || (SELECT count(*) FROM outbox) || '/' || (SELECT "
                        "coalesce(group_concat(school_code || cohort || ':' || last), '') "
                        "FROM agreement_sequences) || '/' || (SELECT "
                        "coalesce(group_concat(r, ';'), '') FROM (SELECT id || ':' || ") +
            kRowText + " AS r FROM invitations ORDER BY id)) || '/' || " + terminations_text() +
            " || '/' || (SELECT coalesce(group_concat(id || ':' || state || ':' || updated_at, "
            "';'), '') FROM registrations)")
        .getString();
  }

  // Every termination row, as SQL (an expression) for the fingerprint.
  static std::string terminations_text() {
    return std::string("(SELECT coalesce(group_concat(r, ';'), '') FROM (SELECT id || ':' || ") +
           kTerminationText + " AS r FROM terminations ORDER BY id))";
  }

  std::map<std::int64_t, RowSnapshot> rows() {
    SQLite::Statement q(db(), std::string("SELECT id, state, coalesce(fail_reason, ''), "
                                          "deadline, ") +
                                  kRowText + " FROM invitations ORDER BY id");
    std::map<std::int64_t, RowSnapshot> out;
    while (q.executeStep()) {
      out[q.getColumn(0).getInt64()] = {q.getColumn(1).getString(), q.getColumn(2).getString(),
                                        q.getColumn(3).getString(), q.getColumn(4).getString()};
    }
    return out;
  }

  // Runs `op` as `expect` says: it must succeed, or be refused with that code and change nothing.
  // Returns whether it succeeded.
  // The database's fingerprint before the last operation is kept for the caller: a dry run must
  // leave it as it was.
  template <typename Op>
  bool run(const Expectation& expect, Op&& op) {
    before_ = fingerprint();
    std::optional<ncss::Error> error;
    try {
      op();
    } catch (const ncss::Error& e) {
      error = e;
    }
    if (!error) {
      if (expect.refusal) {
        FAIL("it succeeded, but the rules refuse it: " << expect.rule);
      }
      ++coverage_[expect.tag];
      return true;
    }
    INFO("refused with " << ncss::error_code_name(error->code()) << ": " << error->what());
    if (!expect.refusal) FAIL("it was refused, but the rules allow it");
    INFO("the rule: " << expect.rule);
    REQUIRE(ncss::error_code_name(error->code()) == ncss::error_code_name(*expect.refusal));
    if (expect.detail) REQUIRE(error->detail() == *expect.detail);
    if (fingerprint() != before_) FAIL("the refused operation changed the database");
    ++coverage_[expect.tag];
    return false;
  }

  void transition(std::int64_t id, SigningState to, FailReason reason) {
    auto& m = invs_.at(id);
    m.state = to;
    m.reason = reason;
    ++m.events;
  }

  // ----- issue

  void issue() {
    int e = chance(5) ? 3 : uniform(0, 2);
    int days = chance(4) ? (chance(50) ? 0 : 31) : uniform(1, 30);
    ncss::IssueRequest r;
    r.employer_code = kEmployers[e].code;
    r.job_category = "工程技术人员";
    r.position = "研发工程师";
    r.contact = "张经理";
    r.valid_days = days;
    r.dry_run = chance(8);
    r.all_or_nothing = chance(20);
    std::vector<int> to;
    for (int n = uniform(1, 3); n > 0; --n) {
      to.push_back(uniform(0, kGraduateCount - 1));  // with repetition: a repeat is refused
      r.id_numbers.push_back(id_number(kGraduates[to.back()].first17));
    }
    std::ostringstream what;
    what << "issue from employer " << e << " to graduates";
    for (int g : to) what << " " << g;
    what << ", valid " << days << " days" << (r.dry_run ? ", dry run" : "")
         << (r.all_or_nothing ? ", all or nothing" : "");
    describe(what.str());
    INFO(last_);

    Expectation expect = allowed("issue");
    if (days < 1 || days > 30) {
      expect = refused(ErrorCode::InvalidInput, "valid_days must be 1 to 30", "issue: bad days");
    } else if (!kEmployers[e].verified) {
      expect = refused(ErrorCode::InvalidTransition, "only a verified employer invites",
                       "issue: unverified employer");
    }
    // 签约联系人 is required (starred on the form): every sixth issue is first tried without one,
    // or with a blank one, and refused whole. Decided by a count, not the random sequence, so the
    // seeds' runs stay as they were.
    if (++issues_ % 6 == 0) {
      ncss::IssueRequest blank = r;
      blank.contact = issues_ % 12 == 0 ? "" : " \u3000";
      Expectation no_contact = expect;
      if (!expect.refusal) {
        no_contact =
            refused(ErrorCode::InvalidInput, "签约联系人 is required", "issue: no contact");
      }
      INFO("first without a contact");
      REQUIRE_FALSE(
          run(no_contact, [&] { ncss::issue_invitations(store, blank, as(kEmployers[e].code)); }));
    }
    ncss::IssueReport report;
    if (!run(expect, [&] { report = ncss::issue_invitations(store, r, as(kEmployers[e].code)); })) {
      return;
    }

    // Graduate by graduate, in order: each once (named again in the request, refused whatever
    // became of the first), favourites only, never 定向/委培, and not while this employer's
    // invitation to them is open. One still awaiting the graduate past its deadline is not open
    // (the deadline is a fact of time, not of the sweep): the issue records its expiry, then
    // invites.
    std::vector<std::string> codes;
    std::vector<std::int64_t> expired;  // invitation IDs the issue expires first
    std::set<int> named;
    for (int g : to) {
      if (!named.insert(g).second) {
        codes.push_back("duplicate_in_file");
        continue;
      }
      bool open = false;
      bool signed_with = false;
      std::int64_t overdue = 0;
      for (const auto& [id, m] : invs_) {
        if (m.employer != e || m.graduate != g) continue;
        // Invited again only after the signing ended (E24 5.2: refused, lapsed, school refused).
        if (m.state == SigningState::Signed || m.state == SigningState::Terminating) {
          signed_with = true;
        }
        if (!ncss::is_open(m.state)) continue;
        if (m.state == SigningState::AwaitingGraduate && m.deadline < now_.seconds) {
          overdue = id;
        } else {
          open = true;
        }
      }
      if (!favorite_[e][g]) {
        codes.push_back("not_favorite");
      } else if (std::string(kGraduates[g].mode) != "非定向") {
        codes.push_back("training_mode");
      } else if (signed_with) {
        codes.push_back("already_signed");
      } else if (open) {
        codes.push_back("open_invitation");
      } else {
        codes.push_back("");
        if (overdue) expired.push_back(overdue);
      }
    }
    REQUIRE(report.results.size() == to.size());
    int refusals = 0;
    for (std::size_t i = 0; i < to.size(); ++i) {
      INFO("graduate " << to[i] << ": " << report.results[i].message);
      REQUIRE(report.results[i].code == codes[i]);
      REQUIRE(report.results[i].issued == codes[i].empty());
      refusals += !codes[i].empty();
      ++coverage_[codes[i].empty() ? "issue: issued" : "issue: " + codes[i]];
    }
    coverage_["issue: an overdue invitation expired first"] += static_cast<int>(expired.size());
    const bool written = !r.dry_run && !(r.all_or_nothing && refusals > 0);
    REQUIRE(report.written == written);
    if (!written) {
      REQUIRE(fingerprint() == before_);
      return;
    }
    for (auto id : expired) transition(id, SigningState::Failed, FailReason::Expired);
    for (std::size_t i = 0; i < to.size(); ++i) {
      if (!report.results[i].issued) continue;
      auto id = report.results[i].invitation_id;
      REQUIRE(invs_.count(id) == 0);
      ModelInvitation m;
      m.employer = e;
      m.graduate = to[i];
      m.deadline = now_.seconds + days * kDay;
      m.events = 1;
      invs_[id] = m;
    }
  }

  // ----- the graduate

  void respond(bool accept) {
    auto id = pick_invitation(SigningState::AwaitingGraduate);
    describe(std::string(accept ? "accept" : "reject") + " invitation " + std::to_string(id));
    INFO(last_);
    const std::string verb = accept ? "accept" : "reject";
    Expectation expect = allowed(verb);
    auto it = invs_.find(id);
    if (it == invs_.end()) {
      expect = refused(ErrorCode::NotFound, "there is no such invitation", verb + ": not found");
    } else if (it->second.state != SigningState::AwaitingGraduate) {
      expect = refused(ErrorCode::InvalidTransition,
                       "it is " + name_of(it->second.state) + ", not awaiting the graduate",
                       verb + ": not awaiting the graduate");
    } else if (now_.seconds > it->second.deadline) {
      expect = refused(ErrorCode::InvalidTransition,
                       "its deadline " + ncss::format_utc({it->second.deadline}) +
                           " has passed (no sweep is needed for that)",
                       verb + ": past the deadline, not swept");
    } else if (auto other = live_of(it->second.graduate, id)) {
      expect = refused(ErrorCode::InvalidTransition,
                       "the graduate has a live signing (invitation " + std::to_string(*other) +
                           "): this one is view-only",
                       verb + ": view-only");
    } else if (auto reg = live_registration_of(it->second.graduate)) {
      expect = refused(ErrorCode::InvalidTransition,
                       "the graduate has a live registration (R" + std::to_string(*reg) +
                           "): this one is view-only",
                       verb + ": view-only (a registration)");
    } else if (now_.seconds == it->second.deadline) {
      expect.tag = verb + " at the deadline's very second";
    }
    ncss::Invitation out;
    if (!run(expect, [&] { out = ncss::respond_invitation(store, id, accept, as("graduate")); })) {
      return;
    }
    auto& m = invs_.at(id);
    if (accept) {
      // The graduate was free to accept: an agreement they had is terminated or voided.
      for (const auto& [other, o] : invs_) {
        if (o.graduate == m.graduate &&
            (o.state == SigningState::Terminated || o.state == SigningState::Voided)) {
          ++coverage_["accept: free again after 解约 or 作废"];
          break;
        }
      }
    }
    transition(id, accept ? SigningState::AwaitingReview : SigningState::Failed,
               accept ? FailReason::None : FailReason::GraduateRejected);
    if (accept) m.accepted_at = now_.seconds;
    REQUIRE(out.state == m.state);
    REQUIRE(out.fail_reason == m.reason);
    REQUIRE(out.responded_at == ncss::format_utc(now_));
  }

  void abort() {
    auto id = pick_invitation(SigningState::AwaitingReview);
    describe("abort invitation " + std::to_string(id));
    INFO(last_);
    Expectation expect = allowed("abort");
    auto it = invs_.find(id);
    if (it == invs_.end()) {
      expect = refused(ErrorCode::NotFound, "there is no such invitation", "abort: not found");
    } else if (it->second.state != SigningState::AwaitingReview) {
      expect =
          refused(ErrorCode::InvalidTransition,
                  "only a signing awaiting review is aborted, not " + name_of(it->second.state),
                  "abort: not awaiting review");
    }
    ncss::Invitation out;
    if (!run(expect, [&] { out = ncss::abort_invitation(store, id, as("graduate")); })) return;
    transition(id, SigningState::Failed, FailReason::GraduateAborted);
    REQUIRE(out.state == SigningState::Failed);
    REQUIRE(out.fail_reason == FailReason::GraduateAborted);
    // The acceptance it undoes keeps its time.
    REQUIRE(out.responded_at == ncss::format_utc({invs_.at(id).accepted_at}));
  }

  // ----- the employer

  void withdraw() {
    // Now and then one the graduate has accepted: 请联系学生中止签约.
    auto id =
        pick_invitation(chance(20) ? SigningState::AwaitingReview : SigningState::AwaitingGraduate);
    static const std::vector<std::string> kReasons = {"01", "02", "03", "99", "岗位调整"};
    std::string reason = chance(5) ? "08" : pick(kReasons);
    std::string note = chance(4) ? std::string(201, 'x') : "与学生协商";
    describe("withdraw invitation " + std::to_string(id) + " for " + reason + ", note of " +
             std::to_string(note.size()) + " bytes");
    INFO(last_);
    Expectation expect = allowed("withdraw");
    auto it = invs_.find(id);
    if (reason == "08") {
      expect =
          refused(ErrorCode::InvalidInput, "08 is not a withdrawal reason", "withdraw: bad reason");
    } else if (note.size() > 200) {
      expect = refused(ErrorCode::InvalidInput, "the note is over 200 characters",
                       "withdraw: long note");
    } else if (it == invs_.end()) {
      expect = refused(ErrorCode::NotFound, "there is no such invitation", "withdraw: not found");
    } else if (it->second.state == SigningState::AwaitingReview) {
      expect = refused(ErrorCode::InvalidTransition, "请联系学生中止签约",
                       "withdraw: contact the graduate",
                       static_cast<int>(ncss::RefusalKind::ContactGraduateToAbort));
    } else if (it->second.state != SigningState::AwaitingGraduate) {
      expect = refused(ErrorCode::InvalidTransition,
                       "only while awaiting the graduate, not " + name_of(it->second.state),
                       "withdraw: not awaiting the graduate");
    } else if (now_.seconds > it->second.deadline) {
      // Past the deadline but not swept: expired, as for the graduate's answer.
      expect = refused(ErrorCode::InvalidTransition,
                       "its deadline " + ncss::format_utc({it->second.deadline}) +
                           " has passed (no sweep is needed for that)",
                       "withdraw: past the deadline, not swept");
    }
    ncss::Invitation out;
    if (!run(expect,
             [&] { out = ncss::withdraw_invitation(store, id, reason, note, as("employer")); })) {
      return;
    }
    transition(id, SigningState::Failed, FailReason::Withdrawn);
    REQUIRE(out.state == SigningState::Failed);
    REQUIRE(out.fail_reason == FailReason::Withdrawn);
  }

  // ----- the school

  // The rules for approving these ids in one go, in order.
  Expectation expect_approval(const std::vector<std::int64_t>& ids) const {
    // A signing named twice is a usage error before any is looked at.
    if (std::set<std::int64_t>(ids.begin(), ids.end()).size() != ids.size()) {
      return refused(ErrorCode::Usage, "a signing named twice", "approve: named twice");
    }
    std::set<std::int64_t> approved;
    for (auto id : ids) {
      auto it = invs_.find(id);
      if (it == invs_.end()) {
        return refused(ErrorCode::NotFound, "there is no invitation " + std::to_string(id),
                       "approve: not found");
      }
      if (approved.count(id) || it->second.state != SigningState::AwaitingReview) {
        return refused(ErrorCode::InvalidTransition,
                       "invitation " + std::to_string(id) + " is not awaiting review",
                       "approve: not awaiting review");
      }
      if (std::string(kGraduates[it->second.graduate].degree).empty()) {
        return refused(ErrorCode::InvalidTransition,
                       "the graduate of invitation " + std::to_string(id) +
                           " has no degree level for the agreement number",
                       "approve: no degree level");
      }
      approved.insert(id);
    }
    return allowed(ids.size() > 1 ? "approve: several" : "approve");
  }

  // An approval the core reported: the number is the graduate's cohort, school and degree level
  // and the next of its school's sequence, never seen before.
  void record_approval(const ncss::Approval& a) {
    INFO("approval of " << a.invitation_id << ": " << a.agreement_no);
    auto& m = invs_.at(a.invitation_id);
    const auto& g = kGraduates[m.graduate];
    const std::string prefix =
        std::to_string(g.cohort) + g.school_code + std::string(g.degree_code);
    REQUIRE(a.agreement_no.size() == prefix.size() + 6);
    REQUIRE(a.agreement_no.compare(0, prefix.size(), prefix) == 0);
    std::int64_t seq = std::stoll(a.agreement_no.substr(prefix.size()));
    auto& last = last_sequence_[std::to_string(g.cohort) + g.school_code];
    REQUIRE(seq > last);
    last = seq;
    REQUIRE(numbers_.insert(a.agreement_no).second);
    transition(a.invitation_id, SigningState::Signed, FailReason::None);
    m.agreement_no = a.agreement_no;
  }

  void approve() {
    std::vector<std::int64_t> ids;
    for (int n = chance(80) ? 1 : uniform(2, 3); n > 0; --n) {
      ids.push_back(pick_invitation(SigningState::AwaitingReview));
    }
    std::ostringstream what;
    what << "approve";
    for (auto id : ids) what << " " << id;
    describe(what.str());
    INFO(last_);
    std::vector<ncss::Approval> out;
    if (!run(expect_approval(ids),
             [&] { out = ncss::approve_invitations(store, ids, as("school")); })) {
      return;
    }
    REQUIRE(out.size() == ids.size());
    for (std::size_t i = 0; i < ids.size(); ++i) {
      REQUIRE(out[i].invitation_id == ids[i]);
      record_approval(out[i]);
    }
  }

  void approve_matching() {
    const int school = uniform(0, 1);
    const std::string code = school ? "10003" : "10001";
    ncss::ReviewFilter filter;
    filter.school = school ? "10003" : "北京大学";
    const bool dry = chance(30);
    describe("approve all of school " + code + (dry ? ", dry run" : ""));
    INFO(last_);
    std::vector<std::int64_t> ids;
    for (auto id : ids_in(SigningState::AwaitingReview)) {
      if (kGraduates[invs_.at(id).graduate].school_code == code) ids.push_back(id);
    }
    Expectation expect = dry ? allowed("approve all: dry run") : expect_approval(ids);
    if (!dry && !expect.refusal) expect.tag = "approve all";
    std::vector<ncss::Approval> out;
    if (!run(expect, [&] { out = ncss::approve_matching(store, filter, dry, as("school")); })) {
      return;
    }
    std::vector<std::int64_t> got;
    for (const auto& a : out) got.push_back(a.invitation_id);
    std::sort(got.begin(), got.end());
    REQUIRE(got == ids);
    if (dry) {
      REQUIRE(fingerprint() == before_);
      return;
    }
    for (const auto& a : out) record_approval(a);
  }

  void school_reject() {
    auto id = pick_invitation(SigningState::AwaitingReview);
    std::string reason = chance(5) ? "  " : "材料不全";
    describe("school rejects invitation " + std::to_string(id) + " for '" + reason + "'");
    INFO(last_);
    Expectation expect = allowed("school reject");
    auto it = invs_.find(id);
    if (reason == "  ") {
      expect = refused(ErrorCode::InvalidInput, "a reason is required", "school reject: no reason");
    } else if (it == invs_.end()) {
      expect =
          refused(ErrorCode::NotFound, "there is no such invitation", "school reject: not found");
    } else if (it->second.state != SigningState::AwaitingReview) {
      expect = refused(ErrorCode::InvalidTransition,
                       "only a signing awaiting review, not " + name_of(it->second.state),
                       "school reject: not awaiting review");
    }
    if (!run(expect, [&] { ncss::reject_invitation(store, id, reason, as("school")); })) return;
    transition(id, SigningState::Failed, FailReason::SchoolRejected);
  }

  // ----- terminations (解约) and voids (作废)

  static std::string other_party(const std::string& by) {
    return by == "employer" ? "graduate" : "employer";
  }

  // The actor of a party to an invitation: the employer's code, or the graduate.
  ncss::Actor party_of(std::int64_t invitation, const std::string& by) const {
    auto it = invs_.find(invitation);
    if (by == "employer" && it != invs_.end()) return as(kEmployers[it->second.employer].code);
    return as(by);
  }

  static std::string repeated(const std::string& s, int n) {
    std::string out;
    for (int i = 0; i < n; ++i) out += s;
    return out;
  }

  // Checks what the core returned of a termination against the model.
  void require_termination(const ncss::Termination& out, std::int64_t id) {
    const auto& t = terms_.at(id);
    const auto& m = invs_.at(t.invitation);
    REQUIRE(out.id == id);
    REQUIRE(out.mode == "online");
    REQUIRE(out.invitation_id == t.invitation);
    REQUIRE(out.registration_id == 0);
    REQUIRE(out.requested_by == t.by);
    REQUIRE(out.reason == t.reason);
    REQUIRE(out.note == t.note);
    REQUIRE(out.phase == t.phase);
    REQUIRE(out.fail_reason == t.fail_reason);
    REQUIRE(out.agreement_no == m.agreement_no);
    REQUIRE(out.employer_code == kEmployers[m.employer].code);
    REQUIRE(out.id_number == id_number(kGraduates[m.graduate].first17));
    REQUIRE(out.updated_at == ncss::format_utc(now_));
  }

  void request_termination() {
    // Mostly a signed agreement; now and then one already terminating (one request at a time).
    auto id = pick_invitation(chance(15) ? SigningState::Terminating : SigningState::Signed);
    const std::string by = chance(4) ? "school" : chance(50) ? "employer" : "graduate";
    static const std::vector<std::string> kReasons = {"01", "02", "03", "04",
                                                      "05", "06", "99", "协商一致"};
    std::string reason = chance(5) ? (chance(50) ? "07" : "") : pick(kReasons);
    const std::string code = reason == "协商一致" ? "01" : reason;
    std::string note = " 个人发展原因，协商解约 ";  // stored trimmed
    std::string stored = "个人发展原因，协商解约";
    int n = uniform(1, 100);
    if (n <= 4) {
      note = chance(50) ? "" : "　 ";  // nothing but an ideographic and an ASCII space
      stored.clear();
    } else if (n <= 8) {
      note = repeated("解", 201);
    } else if (n <= 20) {
      note = stored = repeated("解", 200);  // at the limit
    }
    const std::size_t chars = characters(note);
    describe("termination of invitation " + std::to_string(id) + " requested by " + by + " for '" +
             reason + "', note of " + std::to_string(chars) + " characters");
    INFO(last_);
    Expectation expect = allowed("request termination by " + by);
    auto it = invs_.find(id);
    if (by != "employer" && by != "graduate") {
      expect = refused(ErrorCode::InvalidInput, "only the employer or the graduate asks",
                       "request termination: bad party");
    } else if (reason.empty() || reason == "07") {
      expect = refused(ErrorCode::InvalidInput, "'" + reason + "' is not a termination reason",
                       "request termination: bad reason");
    } else if (chars > ncss::kMaxTerminationNoteChars) {
      expect = refused(ErrorCode::InvalidInput, "the note is over 200 characters",
                       "request termination: long note");
    } else if (it == invs_.end()) {
      expect = refused(ErrorCode::NotFound, "there is no such invitation",
                       "request termination: not found");
    } else if (it->second.state == SigningState::Terminating) {
      expect = refused(ErrorCode::InvalidTransition, "one termination request at a time",
                       "request termination: already terminating");
    } else if (it->second.state != SigningState::Signed) {
      expect = refused(ErrorCode::InvalidTransition,
                       "only a signed agreement is terminated, not " + name_of(it->second.state),
                       "request termination: not signed");
    }
    ncss::Termination out;
    if (!run(expect, [&] {
          out = ncss::request_termination(store, {id, by, reason, note}, party_of(id, by));
        })) {
      return;
    }
    REQUIRE(terms_.count(out.id) == 0);
    if (chars == ncss::kMaxTerminationNoteChars) {
      ++coverage_["request termination: note of 200 characters"];
    }
    for (const auto& [other, o] : terms_) {
      if (o.invitation == id) {
        // A failed termination (解约失败) may be followed by another request.
        ++coverage_["request termination: again after 解约失败"];
        break;
      }
    }
    transition(id, SigningState::Terminating, FailReason::None);
    ModelTermination t;
    t.invitation = id;
    t.by = by;
    t.reason = code;
    t.note = stored;
    t.events = 1;
    terms_[out.id] = t;
    require_termination(out, out.id);
  }

  void respond_termination(bool accept) {
    auto id = pick_termination("awaiting_party");
    auto it = terms_.find(id);
    // Mostly the other party; now and then the one who asked, or no party at all.
    std::string by = chance(50) ? "employer" : "graduate";
    int r = uniform(1, 100);
    if (r <= 4) {
      by = "school";
    } else if (r <= 80 && it != terms_.end()) {
      by = other_party(it->second.by);
    }
    const std::string verb = accept ? "termination accept" : "termination reject";
    describe(verb + "ed by " + by + ": termination " + std::to_string(id));
    INFO(last_);
    Expectation expect = allowed(verb);
    if (by != "employer" && by != "graduate") {
      expect = refused(ErrorCode::InvalidInput, "only the employer or the graduate answers",
                       "termination respond: bad party");
    } else if (it == terms_.end()) {
      expect = refused(ErrorCode::NotFound, "there is no such termination",
                       "termination respond: not found");
    } else if (it->second.phase != "awaiting_party") {
      expect = refused(ErrorCode::InvalidTransition,
                       "it is " + it->second.phase + ", not awaiting the other party",
                       "termination respond: not awaiting the party");
    } else if (by == it->second.by) {
      expect = refused(ErrorCode::InvalidTransition,
                       "the " + by + " asked: only the other party answers",
                       "termination respond: own request");
    }
    const std::int64_t invitation = it == terms_.end() ? 0 : it->second.invitation;
    ncss::Termination out;
    if (!run(expect, [&] {
          out = ncss::respond_termination(store, id, by, accept, party_of(invitation, by));
        })) {
      return;
    }
    auto& t = terms_.at(id);
    ++t.events;
    if (accept) {
      // To the school; the signing stays terminating (its own event says so).
      t.phase = "awaiting_review";
      transition(invitation, SigningState::Terminating, FailReason::None);
    } else {
      // 解约失败: the agreement stands.
      t.phase = "failed";
      t.fail_reason = "party_rejected";
      transition(invitation, SigningState::Signed, FailReason::None);
    }
    require_termination(out, id);
    REQUIRE(out.responded_at == ncss::format_utc(now_));
    REQUIRE(out.reviewed_at.empty());
  }

  void approve_termination() {
    auto id = pick_termination("awaiting_review");
    describe("school approves termination " + std::to_string(id));
    INFO(last_);
    Expectation expect = allowed("approve termination");
    auto it = terms_.find(id);
    if (it == terms_.end()) {
      expect = refused(ErrorCode::NotFound, "there is no such termination",
                       "approve termination: not found");
    } else if (it->second.phase != "awaiting_review") {
      expect = refused(ErrorCode::InvalidTransition,
                       "it is " + it->second.phase + ", not awaiting the school's review",
                       "approve termination: not awaiting review");
    }
    ncss::Termination out;
    if (!run(expect, [&] { out = ncss::approve_termination(store, id, as("school")); })) return;
    auto& t = terms_.at(id);
    ++t.events;
    t.phase = "approved";
    // 已解约: the graduate is free to sign again.
    transition(t.invitation, SigningState::Terminated, FailReason::None);
    require_termination(out, id);
    REQUIRE(out.reviewed_at == ncss::format_utc(now_));
  }

  void reject_termination() {
    auto id = pick_termination("awaiting_review");
    const std::string reason = chance(10) ? (chance(50) ? "" : " 　") : "解约理由不充分";
    describe("school rejects termination " + std::to_string(id) + " for '" + reason + "'");
    INFO(last_);
    Expectation expect = allowed("reject termination");
    auto it = terms_.find(id);
    if (reason != "解约理由不充分") {
      expect =
          refused(ErrorCode::InvalidInput, "a reason is required", "reject termination: no reason");
    } else if (it == terms_.end()) {
      expect = refused(ErrorCode::NotFound, "there is no such termination",
                       "reject termination: not found");
    } else if (it->second.phase != "awaiting_review") {
      expect = refused(ErrorCode::InvalidTransition,
                       "it is " + it->second.phase + ", not awaiting the school's review",
                       "reject termination: not awaiting review");
    }
    ncss::Termination out;
    if (!run(expect, [&] { out = ncss::reject_termination(store, id, reason, as("school")); })) {
      return;
    }
    auto& t = terms_.at(id);
    ++t.events;
    t.phase = "failed";
    t.fail_reason = "school_rejected";
    t.review_reason = reason;
    // 解约失败: the agreement stands.
    transition(t.invitation, SigningState::Signed, FailReason::None);
    require_termination(out, id);
    REQUIRE(out.review_reason == reason);
  }

  // 退回修改 is for offline terminations only: every one here is online.
  void return_termination() {
    auto id = pick_termination("awaiting_review");
    const std::string reason = chance(20) ? "" : "请补充解约函";
    describe("school returns termination " + std::to_string(id) + " for '" + reason + "'");
    INFO(last_);
    Expectation expect =
        refused(ErrorCode::InvalidTransition, "an online termination is never returned",
                "return termination: online");
    if (reason.empty()) {
      expect =
          refused(ErrorCode::InvalidInput, "a reason is required", "return termination: no reason");
    } else if (!terms_.count(id)) {
      expect = refused(ErrorCode::NotFound, "there is no such termination",
                       "return termination: not found");
    }
    run(expect, [&] { ncss::return_termination(store, id, reason, as("school")); });
  }

  void void_signing() {
    auto id = pick_invitation(chance(15) ? SigningState::Terminating : SigningState::Signed);
    const std::string reason = chance(8) ? (chance(50) ? "" : "  ") : "与单位协商作废";
    describe("school voids invitation " + std::to_string(id) + " for '" + reason + "'");
    INFO(last_);
    Expectation expect = allowed("void");
    auto it = invs_.find(id);
    if (reason != "与单位协商作废") {
      expect = refused(ErrorCode::InvalidInput, "a reason is required", "void: no reason");
    } else if (it == invs_.end()) {
      expect = refused(ErrorCode::NotFound, "there is no such invitation", "void: not found");
    } else if (it->second.state == SigningState::Terminating) {
      expect = refused(ErrorCode::InvalidTransition, "only a signed agreement is voided",
                       "void: terminating");
    } else if (it->second.state != SigningState::Signed) {
      expect = refused(ErrorCode::InvalidTransition,
                       "only a signed agreement is voided, not " + name_of(it->second.state),
                       "void: not signed");
    }
    ncss::Invitation out;
    if (!run(expect, [&] { out = ncss::void_signing(store, id, reason, as("school")); })) return;
    transition(id, SigningState::Voided, FailReason::None);
    REQUIRE(out.state == SigningState::Voided);
    REQUIRE(out.agreement_no == invs_.at(id).agreement_no);
    REQUIRE(text("SELECT void_reason FROM invitations WHERE id = " + std::to_string(id)) == reason);
  }

  // ----- the school's correction of a name, and favourites added again (DOMAIN.md "Invalid")

  // A new 学生姓名 makes the graduate's favourites and undecided invitations invalid (失效); one
  // still awaiting the graduate past its deadline had already failed, and is recorded expired.
  void correct_name() {
    // Mostly a graduate with an invitation still undecided: what a correction makes invalid.
    std::vector<int> undecided;
    for (const auto& [id, m] : invs_) {
      if (ncss::is_open(m.state)) undecided.push_back(m.graduate);
    }
    for (const auto& [id, r] : regs_) {
      if (r.state == "pending") undecided.push_back(r.graduate);
    }
    const int g =
        !undecided.empty() && chance(70) ? pick(undecided) : uniform(0, kGraduateCount - 1);
    const bool no_reason = chance(15);
    const std::string name = name_[g] + "改";
    describe("school corrects graduate " + std::to_string(g) + "'s name to " + name +
             (no_reason ? ", with no reason" : ""));
    INFO(last_);
    Expectation expect = no_reason ? refused(ErrorCode::InvalidInput, "a correction needs a reason",
                                             "correct: no reason")
                                   : allowed("correct");
    ncss::GraduateCorrection c;
    c.name = name;
    ncss::CorrectionResult out;
    if (!run(expect, [&] {
          out = ncss::correct_graduate(store, id_number(kGraduates[g].first17), 0, c,
                                       no_reason ? "  " : "姓名录入错误", as("school"));
        })) {
      return;
    }
    name_[g] = name;
    int favorites = 0, invalid = 0;
    for (int e = 0; e < kEmployerCount; ++e) {
      favorites += favorite_[e][g];
      favorite_[e][g] = false;
    }
    for (auto& [id, m] : invs_) {
      if (m.graduate != g || !ncss::is_open(m.state)) continue;
      if (m.state == SigningState::AwaitingGraduate && m.deadline < now_.seconds) {
        transition(id, SigningState::Failed, FailReason::Expired);
        ++coverage_["correct: an overdue invitation expired, not invalid"];
      } else {
        transition(id, SigningState::Invalid, FailReason::None);
        ++invalid;
      }
    }
    int registrations = 0;
    for (auto& [id, r] : regs_) {
      if (r.graduate == g && r.state == "pending") {
        r.state = "invalid";
        ++registrations;
      }
    }
    REQUIRE(out.changed);
    REQUIRE(out.invalidated.favorites == favorites);
    REQUIRE(out.invalidated.invitations == invalid);
    REQUIRE(out.invalidated.registrations == registrations);
    coverage_["correct: registrations made invalid"] += registrations;
    coverage_["correct: invitations made invalid"] += invalid;
  }

  // The employer adds a graduate (again): by the roster's name as it is now.
  void add_favorite() {
    const int e = chance(5) ? 3 : uniform(0, 2);
    const int g = uniform(0, kGraduateCount - 1);
    const bool old_name = name_[g] != kGraduates[g].name && chance(25);
    const std::string name = old_name ? std::string(kGraduates[g].name) : name_[g];
    describe("employer " + std::to_string(e) + " adds graduate " + std::to_string(g) + " as " +
             name);
    INFO(last_);
    Expectation expect = allowed("favorite add");
    if (!kEmployers[e].verified) {
      expect = refused(ErrorCode::InvalidTransition, "only a verified employer adds favourites",
                       "favorite add: unverified");
    } else if (old_name) {
      expect = refused(ErrorCode::NotFound, "the name must be the roster's as corrected",
                       "favorite add: the name before the correction");
    } else if (favorite_[e][g]) {
      expect = refused(ErrorCode::Conflict, "already a favourite", "favorite add: already");
    }
    if (!run(expect, [&] {
          ncss::add_favorite(store, kEmployers[e].code,
                             {name, id_number(kGraduates[g].first17), kGraduates[g].school},
                             as(kEmployers[e].code));
        })) {
      return;
    }
    favorite_[e][g] = true;
  }

  // ----- other destinations (其他毕业去向登记, 70 待就业: no field, no proof): one live
  // destination across signings and registrations

  void register_destination() {
    const int g = uniform(0, kGraduateCount - 1);
    describe("graduate " + std::to_string(g) + " registers destination 70");
    INFO(last_);
    Expectation expect = allowed("register");
    if (std::string(kGraduates[g].mode) != "非定向") {
      expect = refused(ErrorCode::InvalidTransition, "定向/委培 graduates file only 定向/委培登记",
                       "register: 定向");
    } else if (auto other = live_of(g, 0)) {
      expect =
          refused(ErrorCode::InvalidTransition,
                  "the graduate has a live signing (invitation " + std::to_string(*other) + ")",
                  "register: a live signing");
    } else if (auto reg = live_registration_of(g)) {
      expect = refused(ErrorCode::InvalidTransition,
                       "the graduate has a live registration (R" + std::to_string(*reg) + ")",
                       "register: a live registration");
    }
    ncss::RegistrationRequest req;
    req.kind = ncss::RegistrationKind::Destination;
    req.id_number = id_number(kGraduates[g].first17);
    req.code = "70";
    ncss::Registration out;
    if (!run(expect, [&] { out = ncss::submit_registration(store, req, as("graduate")); })) return;
    regs_[out.id] = {g, "pending"};
    REQUIRE(out.state == ncss::RegistrationState::Pending);
  }

  std::int64_t pick_registration(const std::string& preferred) {
    std::vector<std::int64_t> candidates, all;
    for (const auto& [id, r] : regs_) {
      all.push_back(id);
      if (r.state == preferred) candidates.push_back(id);
    }
    if (all.empty() || chance(3)) return static_cast<std::int64_t>(regs_.size()) + uniform(1, 2);
    return !candidates.empty() && chance(80) ? pick(candidates) : pick(all);
  }

  void approve_registration() {
    const auto id = pick_registration("pending");
    describe("school approves registration R" + std::to_string(id));
    INFO(last_);
    Expectation expect = allowed("approve registration");
    auto it = regs_.find(id);
    if (it == regs_.end()) {
      expect = refused(ErrorCode::NotFound, "there is no such registration",
                       "approve registration: not found");
    } else if (it->second.state != "pending") {
      expect = refused(ErrorCode::InvalidTransition,
                       "only a pending one is approved, not " + it->second.state,
                       "approve registration: not pending");
    }
    if (!run(expect, [&] { ncss::approve_registration(store, id, {}, as("school")); })) return;
    it->second.state = "approved";
  }

  void void_registration() {
    const auto id = pick_registration("approved");
    describe("graduate voids registration R" + std::to_string(id));
    INFO(last_);
    Expectation expect = allowed("void registration");
    auto it = regs_.find(id);
    if (it == regs_.end()) {
      expect = refused(ErrorCode::NotFound, "there is no such registration",
                       "void registration: not found");
    } else if (it->second.state != "pending" && it->second.state != "approved") {
      expect =
          refused(ErrorCode::InvalidTransition, "a " + it->second.state + " registration is final",
                  "void registration: final");
    }
    if (!run(expect, [&] { ncss::void_registration(store, id, "放弃", as("graduate")); })) return;
    if (it->second.state == "approved") ++coverage_["void registration: an approved one"];
    it->second.state = "voided";
  }

  // ----- the sweep

  // The clock set to the very second of the next deadline ahead, then a sweep: the invitation is
  // due but not past, and stays (advance_clock lands there too, but rarely).
  void sweep_at_a_deadline() {
    std::optional<std::int64_t> next;
    for (const auto& [id, m] : invs_) {
      if (m.state == SigningState::AwaitingGraduate && m.deadline >= now_.seconds &&
          (!next || m.deadline < *next)) {
        next = m.deadline;
      }
    }
    if (next) now_.seconds = *next;
    sweep();
  }

  void sweep() {
    const bool dry = chance(20);
    describe(std::string("sweep") + (dry ? ", dry run" : ""));
    INFO(last_);
    const std::string now = ncss::format_utc(now_);
    std::vector<std::pair<std::int64_t, std::int64_t>> due_at;  // deadline, id
    for (const auto& [id, m] : invs_) {
      if (m.state == SigningState::AwaitingGraduate && m.deadline < now_.seconds) {
        due_at.emplace_back(m.deadline, id);
      }
      if (m.state == SigningState::AwaitingGraduate && m.deadline == now_.seconds) {
        ++coverage_["sweep: due this very second, kept"];
      }
    }
    // Reported in the order they fell due, then by id.
    std::sort(due_at.begin(), due_at.end());
    std::vector<std::int64_t> due;
    for (const auto& d : due_at) due.push_back(d.second);
    auto before = rows();
    const std::string terminations_before = text("SELECT " + terminations_text());
    ncss::SweepReport report;
    std::vector<std::int64_t> reported;
    ncss::SweepSink sink;
    sink.item = [&](const ncss::SweepItem& item) { reported.push_back(item.invitation_id); };
    run(allowed(dry ? "sweep: dry run" : "sweep"),
        [&] { report = ncss::sweep_expired(store, as("cron"), dry, sink); });
    REQUIRE(reported == due);
    REQUIRE(report.expired == static_cast<std::int64_t>(due.size()));
    if (dry) {
      REQUIRE_FALSE(report.written);
      REQUIRE(fingerprint() == before_);
      return;
    }
    // On the database alone: what changed was overdue and awaiting the graduate, and is now
    // failed as expired; nothing else changed.
    auto after = rows();
    REQUIRE(after.size() == before.size());
    std::vector<std::int64_t> changed;
    for (const auto& [id, b] : before) {
      const auto& a = after.at(id);
      if (a.text == b.text) continue;
      changed.push_back(id);
      INFO("invitation " << id << " before: " << b.text << "\nafter: " << a.text);
      REQUIRE(b.state == "awaiting_graduate");
      REQUIRE(b.deadline < now);
      REQUIRE(a.state == "failed");
      REQUIRE(a.fail_reason == "expired");
    }
    std::sort(reported.begin(), reported.end());
    REQUIRE(changed == reported);
    // No time limit on a termination: the sweep leaves every one of them alone (and, above, every
    // invitation but the overdue ones awaiting the graduate: terminating ones included).
    REQUIRE(text("SELECT " + terminations_text()) == terminations_before);
    for (auto id : reported) transition(id, SigningState::Failed, FailReason::Expired);
    coverage_["sweep: expired"] += static_cast<int>(reported.size());
    if (chance(30)) {
      // Idempotent: straight away again, nothing is left to expire.
      const std::string settled = fingerprint();
      auto again = ncss::sweep_expired(store, as("cron"));
      REQUIRE(again.expired == 0);
      REQUIRE(fingerprint() == settled);
    }
  }

  // ----- the invariants

  // Each row of `q` (its id first) against the model of that id: a row no operation created, a
  // model whose row vanished, and every column `check` names through expect(column, want, what)
  // that differs is a problem.
  template <typename Model, typename Check>
  static void compare_rows(SQLite::Statement& q, const std::string& kind,
                           const std::map<std::int64_t, Model>& models,
                           std::vector<std::string>& problems, Check check) {
    std::set<std::int64_t> seen;
    while (q.executeStep()) {
      auto id = q.getColumn(0).getInt64();
      const std::string which = kind + " " + std::to_string(id);
      seen.insert(id);
      auto it = models.find(id);
      if (it == models.end()) {
        problems.push_back(which + " exists, but no operation created it");
        continue;
      }
      auto expect = [&](int column, const std::string& want, const char* what) {
        std::string got = q.getColumn(column).getString();
        if (got != want) problems.push_back(which + ": " + what + " is " + got + ", not " + want);
      };
      check(it->second, expect);
    }
    for (const auto& entry : models) {
      if (!seen.count(entry.first)) {
        problems.push_back(kind + " " + std::to_string(entry.first) + " vanished");
      }
    }
  }

  void check_registrations_against_model(std::vector<std::string>& problems) {
    SQLite::Statement q(db(),
                        "SELECT r.id, r.state, g.id_number FROM registrations r JOIN graduates g "
                        "ON g.id = r.graduate_id ORDER BY r.id");
    compare_rows(q, "registration", regs_, problems, [&](const auto& m, const auto& expect) {
      expect(1, m.state, "state");
      expect(2, id_number(kGraduates[m.graduate].first17), "graduate");
    });
  }

  void check_against_model(std::vector<std::string>& problems) {
    SQLite::Statement q(db(),
                        "SELECT i.id, i.state, coalesce(i.fail_reason, 'none'), i.deadline, "
                        "coalesce(i.responded_at, ''), coalesce(i.agreement_no, ''), "
                        "i.employer_code, g.id_number FROM invitations i JOIN graduates g ON "
                        "g.id = i.graduate_id ORDER BY i.id");
    compare_rows(q, "invitation", invs_, problems, [&](const auto& m, const auto& expect) {
      expect(1, name_of(m.state), "state");
      expect(2, std::string(ncss::fail_reason_name(m.reason)), "fail_reason");
      expect(3, ncss::format_utc({m.deadline}), "deadline");
      expect(5, m.agreement_no, "agreement_no");
      expect(6, kEmployers[m.employer].code, "employer");
      expect(7, id_number(kGraduates[m.graduate].first17), "graduate");
      if (m.accepted_at >= 0 && m.state != SigningState::Failed) {
        // Awaiting review, signed, and after: terminations and voids keep the acceptance's time.
        expect(4, ncss::format_utc({m.accepted_at}), "responded_at");
      }
    });
  }

  // 1. A graduate never has two live destinations: a signing awaiting review, signed or
  // terminating (解约中 still binds), or a registration under way or approved. Terminated,
  // voided, failed and invalid ones do not count.
  void check_one_live_signing(std::vector<std::string>& problems) {
    SQLite::Statement q(db(),
                        "SELECT g.id_number, group_concat(d, ', ') FROM (SELECT graduate_id, "
                        "'invitation ' || id || ' ' || state AS d FROM invitations WHERE state IN "
                        "('awaiting_review', 'signed', 'terminating') UNION ALL SELECT "
                        "graduate_id, 'registration ' || id || ' ' || state FROM registrations "
                        "WHERE state IN ('pending', 'returned', 'awaiting_scan', 'scan_review', "
                        "'approved')) JOIN graduates g ON g.id = graduate_id GROUP BY "
                        "g.id_number HAVING count(*) > 1");
    while (q.executeStep()) {
      problems.push_back("the graduate " + q.getColumn(0).getString() +
                         " has two live signings: " + q.getColumn(1).getString());
    }
  }

  // 2. Every state change has exactly one event, and the events retell the invitation's history:
  // issued into awaiting_graduate, then each a transition the table allows from where the last
  // one left it, ending in the state the row is in. (Terminating -> terminating, the other
  // party accepting a termination, is a row of the table with its own event.)
  void check_event_history(std::vector<std::string>& problems) {
    SQLite::Statement q(db(),
                        "SELECT e.subject_id, e.action, coalesce(json_extract(e.details, "
                        "'$.from'), ''), coalesce(json_extract(e.details, '$.to'), ''), e.at, "
                        "i.id IS NOT NULL, coalesce(i.deadline, '') FROM events e LEFT JOIN "
                        "invitations i ON i.id = CAST(e.subject_id AS INTEGER) WHERE "
                        "e.subject_type = 'invitation' AND e.action LIKE 'invitation.%' ORDER "
                        "BY CAST(e.subject_id AS INTEGER), e.id");
    struct History {
      int events = 0;
      std::string state;  // where the last event left it
    };
    std::map<std::int64_t, History> histories;
    while (q.executeStep()) {
      const std::string subject = q.getColumn(0).getString();
      const std::string action = q.getColumn(1).getString();
      const std::string from = q.getColumn(2).getString();
      const std::string to = q.getColumn(3).getString();
      const std::string at = q.getColumn(4).getString();
      const std::string which = "invitation " + subject + "'s event " + action + " at " + at;
      if (q.getColumn(5).getInt() == 0) {
        problems.push_back(which + " is about no invitation");
        continue;
      }
      auto& h = histories[std::stoll(subject)];
      if (h.events++ == 0) {
        if (action != "invitation.issued" || !from.empty() || to != "awaiting_graduate") {
          problems.push_back(which + " (" + from + " -> " + to + ") is not its issue");
        }
      } else {
        auto event = ncss::parse_signing_event(action.substr(std::string("invitation.").size()));
        auto start = ncss::parse_signing_state(from);
        auto t = event && start ? ncss::decide(*start, *event) : ncss::SigningTransition{};
        if (from != h.state || !t.allowed || name_of(t.next) != to) {
          problems.push_back(which + " goes " + from + " -> " + to + " after " + h.state +
                             ": not a transition of the table");
        }
      }
      h.state = to;
      // 3, on the events: none accepted after its deadline.
      if (action == "invitation.accept" && at > q.getColumn(6).getString()) {
        problems.push_back(which + " accepted it after its deadline " + q.getColumn(6).getString());
      }
    }
    for (const auto& [id, m] : invs_) {
      const auto& h = histories[id];
      const std::string which = "invitation " + std::to_string(id);
      if (h.events != m.events) {
        problems.push_back(which + " has " + std::to_string(h.events) + " events for " +
                           std::to_string(m.events) + " state changes");
      }
      if (h.state != name_of(m.state)) {
        problems.push_back(which + "'s last event leaves it " + h.state + ", but it is " +
                           name_of(m.state));
      }
    }
  }

  // 3. No invitation is accepted after its deadline: those awaiting review, signed or past it
  // (terminating, terminated, voided) were answered in time (abort overwrites responded_at, so
  // failed ones are left to the events).
  void check_deadlines(std::vector<std::string>& problems) {
    SQLite::Statement q(db(),
                        "SELECT id, coalesce(responded_at, 'never'), deadline FROM invitations "
                        "WHERE state IN ('awaiting_review', 'signed', 'terminating', "
                        "'terminated', 'voided') AND (responded_at IS NULL OR responded_at > "
                        "deadline)");
    while (q.executeStep()) {
      problems.push_back("invitation " + q.getColumn(0).getString() + " was accepted at " +
                         q.getColumn(1).getString() + ", after its deadline " +
                         q.getColumn(2).getString());
    }
  }

  // 4. Agreement numbers are unique; a signed agreement has one (and keeps it while terminating,
  // terminated or voided), a signing never approved none.
  void check_agreement_numbers(std::vector<std::string>& problems) {
    auto dup = scalar("SELECT count(agreement_no) - count(DISTINCT agreement_no) FROM invitations");
    if (dup != 0) problems.push_back(std::to_string(dup) + " agreement numbers are repeated");
    auto odd = scalar(
        "SELECT count(*) FROM invitations WHERE (state IN ('signed', 'terminating', "
        "'terminated', 'voided') AND agreement_no IS NULL) OR (state IN ('awaiting_graduate', "
        "'awaiting_review', 'failed', 'invalid') AND agreement_no IS NOT NULL)");
    if (odd != 0) {
      problems.push_back(std::to_string(odd) +
                         " invitations are signed without an agreement number, or have one "
                         "without having been approved");
    }
  }

  // 定向 and 委培 graduates cannot sign online: no invitation reaches them.
  void check_training_mode(std::vector<std::string>& problems) {
    auto n = scalar(
        "SELECT count(*) FROM invitations i JOIN graduates g ON g.id = i.graduate_id WHERE "
        "g.training_mode <> '非定向'");
    if (n != 0) problems.push_back(std::to_string(n) + " invitations to 定向/委培 graduates");
  }

  // Every invitation event is messaged to someone, and every message comes from an event.
  void check_outbox(std::vector<std::string>& problems) {
    auto silent = scalar(
        "SELECT count(*) FROM events e WHERE e.subject_type = 'invitation' AND e.action LIKE "
        "'invitation.%' AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.event_id = e.id)");
    if (silent != 0) {
      problems.push_back(std::to_string(silent) + " invitation events notify no one");
    }
    auto orphans = scalar(
        "SELECT count(*) FROM outbox o WHERE NOT EXISTS (SELECT 1 FROM events e WHERE "
        "e.id = o.event_id)");
    if (orphans != 0) problems.push_back(std::to_string(orphans) + " notifications have no event");
  }

  // 5. The terminations are the model's: each online, on its invitation, asked by its party,
  // with its reason and note, in its phase; answered once it left awaiting_party, reviewed once
  // the school approved or refused it.
  void check_terminations_against_model(std::vector<std::string>& problems) {
    SQLite::Statement q(db(),
                        "SELECT id, mode, coalesce(invitation_id, 0), coalesce(registration_id, "
                        "0), requested_by, reason, note, phase, coalesce(fail_reason, ''), "
                        "coalesce(review_reason, ''), responded_at IS NOT NULL, reviewed_at IS "
                        "NOT NULL FROM terminations ORDER BY id");
    compare_rows(q, "termination", terms_, problems, [&](const auto& t, const auto& expect) {
      expect(1, "online", "mode");
      expect(2, std::to_string(t.invitation), "invitation");
      expect(3, "0", "registration");
      expect(4, t.by, "requested_by");
      expect(5, t.reason, "reason");
      expect(6, t.note, "note");
      expect(7, t.phase, "phase");
      expect(8, t.fail_reason, "fail_reason");
      expect(9, t.review_reason, "review_reason");
      const bool responded = t.phase != "awaiting_party";
      const bool reviewed = t.phase == "approved" || t.fail_reason == "school_rejected";
      expect(10, responded ? "1" : "0", "has responded_at");
      expect(11, reviewed ? "1" : "0", "has reviewed_at");
    });
  }

  // 6. At most one termination of an invitation is unfinished (awaiting the party or the review),
  // and that is so exactly while the invitation is terminating; an approved one is exactly what
  // a terminated invitation has.
  void check_unfinished_terminations(std::vector<std::string>& problems) {
    SQLite::Statement twice(db(),
                            "SELECT invitation_id, group_concat(id || ' ' || phase, ', ') FROM "
                            "terminations WHERE phase IN ('awaiting_party', 'awaiting_review', "
                            "'returned') GROUP BY invitation_id HAVING count(*) > 1");
    while (twice.executeStep()) {
      problems.push_back("invitation " + twice.getColumn(0).getString() +
                         " has several unfinished terminations: " + twice.getColumn(1).getString());
    }
    SQLite::Statement q(db(),
                        "SELECT i.id, i.state, (SELECT count(*) FROM terminations t WHERE "
                        "t.invitation_id = i.id AND t.phase IN ('awaiting_party', "
                        "'awaiting_review', 'returned')), (SELECT count(*) FROM terminations t "
                        "WHERE t.invitation_id = i.id AND t.phase = 'approved') FROM invitations "
                        "i WHERE i.state IN ('terminating', 'terminated') OR EXISTS (SELECT 1 "
                        "FROM terminations t WHERE t.invitation_id = i.id AND t.phase <> "
                        "'failed')");
    while (q.executeStep()) {
      const std::string which = "invitation " + q.getColumn(0).getString();
      const std::string state = q.getColumn(1).getString();
      const auto open = q.getColumn(2).getInt();
      const auto approved = q.getColumn(3).getInt();
      if ((state == "terminating") != (open == 1) || open > 1) {
        problems.push_back(which + " is " + state + " with " + std::to_string(open) +
                           " unfinished terminations");
      }
      if ((state == "terminated") != (approved == 1) || approved > 1) {
        problems.push_back(which + " is " + state + " with " + std::to_string(approved) +
                           " approved terminations");
      }
    }
  }

  // 7. Every phase change of a termination has exactly one event, and the events retell its
  // history: requested into awaiting_party, then accepted or refused by the other party, then
  // approved or refused by the school, ending in the phase the row is in, the last at the row's
  // updated_at.
  void check_termination_events(std::vector<std::string>& problems) {
    struct Step {
      const char* action;
      const char* from;
      const char* to;
    };
    static const Step kSteps[] = {
        {"termination.request", "", "awaiting_party"},
        {"termination.accept", "awaiting_party", "awaiting_review"},
        {"termination.reject", "awaiting_party", "failed"},
        {"termination.approve", "awaiting_review", "approved"},
        {"termination.school_reject", "awaiting_review", "failed"},
    };
    SQLite::Statement q(db(),
                        "SELECT e.subject_id, e.action, coalesce(json_extract(e.details, "
                        "'$.from'), ''), coalesce(json_extract(e.details, '$.to'), ''), e.at, "
                        "t.id IS NOT NULL, coalesce(t.updated_at, '') FROM events e LEFT JOIN "
                        "terminations t ON t.id = CAST(e.subject_id AS INTEGER) WHERE "
                        "e.subject_type = 'termination' ORDER BY CAST(e.subject_id AS INTEGER), "
                        "e.id");
    struct History {
      int events = 0;
      std::string phase;  // where the last event left it
      std::string at, updated_at;
    };
    std::map<std::int64_t, History> histories;
    while (q.executeStep()) {
      const std::string subject = q.getColumn(0).getString();
      const std::string action = q.getColumn(1).getString();
      const std::string from = q.getColumn(2).getString();
      const std::string to = q.getColumn(3).getString();
      const std::string which =
          "termination " + subject + "'s event " + action + " at " + q.getColumn(4).getString();
      if (q.getColumn(5).getInt() == 0) {
        problems.push_back(which + " is about no termination");
        continue;
      }
      auto& h = histories[std::stoll(subject)];
      bool known = false;
      for (const auto& step : kSteps) {
        known = known || (action == step.action && from == step.from && to == step.to);
      }
      if (!known || from != h.phase || (h.events == 0) != (action == "termination.request")) {
        problems.push_back(which + " goes '" + from + "' -> " + to + " after '" + h.phase +
                           "': not a step of an online termination");
      }
      ++h.events;
      h.phase = to;
      h.at = q.getColumn(4).getString();
      h.updated_at = q.getColumn(6).getString();
    }
    for (const auto& [id, t] : terms_) {
      const auto& h = histories[id];
      const std::string which = "termination " + std::to_string(id);
      if (h.events != t.events) {
        problems.push_back(which + " has " + std::to_string(h.events) + " events for " +
                           std::to_string(t.events) + " phase changes");
      }
      if (h.phase != t.phase) {
        problems.push_back(which + "'s last event leaves it " + h.phase + ", but it is " + t.phase);
      }
      if (h.at != h.updated_at) {
        problems.push_back(which + " was last updated at " + h.updated_at +
                           ", not at its last event " + h.at);
      }
    }
  }

  std::mt19937 rng_;
  ncss::Timestamp now_;
  struct ModelRegistration {
    int graduate = 0;
    std::string state = "pending";  // pending, approved, voided, invalid (其他毕业去向, code 70)
  };
  std::map<std::int64_t, ModelRegistration> regs_;
  bool favorite_[kEmployerCount][kGraduateCount] = {};  // a valid favourite of the employer
  std::string name_[kGraduateCount];                    // the roster's 学生姓名 as it is now
  std::map<std::int64_t, ModelInvitation> invs_;
  std::map<std::int64_t, ModelTermination> terms_;
  std::map<std::string, std::int64_t> last_sequence_;  // cohort + school code: the last number
  std::set<std::string> numbers_;                      // every agreement number handed out
  std::map<std::string, int> coverage_;
  int issues_ = 0;  // issue steps so far
  std::string last_;
  std::string before_;  // the fingerprint before the last operation
};

std::vector<std::uint32_t> property_seeds() {
  if (const char* s = std::getenv("NCSS_PROPERTY_SEED"); s && *s) {
    return {static_cast<std::uint32_t>(std::stoul(s))};
  }
  return {std::begin(kDefaultSeeds), std::end(kDefaultSeeds)};
}

int property_steps() {
  const char* s = std::getenv("NCSS_PROPERTY_STEPS");
  return s && *s ? std::stoi(s) : kDefaultSteps;
}

bool verbose() {
  const char* v = std::getenv("NCSS_PROPERTY_VERBOSE");
  return v && *v;
}

// Runs `steps` random steps, checking the invariants after each; the first is step `first` of
// the seed's run.
void run_steps(LifecycleRun& run, std::uint32_t seed, int steps, int first = 1) {
  for (int step = first; step < first + steps; ++step) {
    INFO("replay: NCSS_PROPERTY_SEED=" << seed << " NCSS_PROPERTY_STEPS=" << step
                                       << " ncss_tests \"[property]\"");
    run.advance_clock();
    INFO("now " << ncss::format_utc(run.now()));
    run.random_operation();
    INFO("after: " << run.last_operation());
    run.count_signed();
    auto problems = run.invariant_problems();
    if (!problems.empty()) FAIL(join(problems));
    if (verbose() && step % 50 == 0) {
      std::cout << "seed " << seed << " step " << step << ": "
                << run.text(
                       "SELECT group_concat(n || ' ' || state, ', ') FROM (SELECT state, "
                       "count(*) AS n FROM invitations GROUP BY state)")
                << "\n";
    }
  }
}

}  // namespace

TEST_CASE("signing property: random operations keep the lifecycle's invariants",
          "[property][signing][invitation][review][sweep]") {
  const int steps = property_steps();
  std::map<std::string, int> coverage;
  for (auto seed : property_seeds()) {
    LifecycleRun run(seed);
    run_steps(run, seed, steps);
    for (const auto& [tag, n] : run.coverage()) coverage[tag] += n;
  }
  if (verbose()) {
    for (const auto& [tag, n] : coverage) std::cout << n << "\t" << tag << "\n";
  }
  // Not vacuous: the default runs reach the cases the invariants are about (a single seed of
  // one's own choosing may not reach them all).
  if (property_seeds().size() > 1 && steps >= kDefaultSteps) {
    for (const char* tag :
         {"issue: issued", "issue: training_mode", "issue: open_invitation",
          "issue: already_signed", "issue: an overdue invitation expired first",
          "issue: no contact", "accept", "reject", "accept: past the deadline, not swept",
          "accept: view-only", "withdraw", "withdraw: contact the graduate", "abort", "approve",
          "approve: no degree level", "school reject", "sweep: expired",
          "sweep: due this very second, kept",
          // 解约 and 作废
          "request termination by employer", "request termination by graduate",
          "request termination: note of 200 characters", "request termination: bad party",
          "request termination: bad reason", "request termination: long note",
          "request termination: already terminating", "request termination: not signed",
          "request termination: again after 解约失败", "termination accept", "termination reject",
          "termination respond: own request", "termination respond: not awaiting the party",
          "approve termination", "approve termination: not awaiting review", "reject termination",
          "reject termination: no reason", "return termination: online", "void", "void: no reason",
          "void: terminating", "void: not signed", "accept: free again after 解约 or 作废",
          // corrections (失效) and favourites added again
          "correct", "correct: invitations made invalid",
          "correct: an overdue invitation expired, not invalid", "favorite add",
          "favorite add: already",
          // other destinations: one live destination across signings and registrations
          "register", "register: a live registration", "register: a live signing", "register: 定向",
          "accept: view-only (a registration)", "approve registration",
          "void registration: an approved one", "correct: registrations made invalid"}) {
      INFO(tag);
      CHECK(coverage[tag] > 0);
    }
  }
}

TEST_CASE("signing property: the invariant checks see a broken database", "[property][signing]") {
  LifecycleRun run(kDefaultSeeds[0]);
  // On until some agreement is signed and some termination is under way.
  auto ready = [&] {
    return run.scalar("SELECT count(*) FROM invitations WHERE state = 'signed'") > 0 &&
           run.scalar(
               "SELECT count(*) FROM terminations WHERE phase IN ('awaiting_party', "
               "'awaiting_review')") > 0;
  };
  for (int step = 1; step <= 1000 && !ready(); ++step) run_steps(run, kDefaultSeeds[0], 1, step);
  REQUIRE(ready());
  const std::string accept_event = std::to_string(
      run.scalar("SELECT max(e.id) FROM events e JOIN invitations i ON i.id = "
                 "CAST(e.subject_id AS INTEGER) WHERE e.action = 'invitation.accept' AND i.state "
                 "= 'signed'"));
  const std::string termination_event =
      std::to_string(run.scalar("SELECT max(id) FROM events WHERE subject_type = 'termination'"));
  REQUIRE(accept_event != "0");
  // Each breakage in a savepoint rolled back after the check: one run serves them all.
  struct Breakage {
    const char* what;
    std::string sql;
    const char* expected;
  };
  const Breakage breakages[] = {
      {"a second live signing",
       "INSERT INTO invitations (employer_code, graduate_id, state, job_category, position, "
       "valid_days, issued_at, deadline, responded_at, updated_at) SELECT employer_code, "
       "graduate_id, 'awaiting_review', job_category, position, valid_days, issued_at, "
       "deadline, responded_at, updated_at FROM invitations WHERE state = 'signed' LIMIT 1",
       "two live signings"},
      {"a state change without its event",
       "DELETE FROM outbox WHERE event_id = " + accept_event +
           "; DELETE FROM events WHERE id = " + accept_event,
       "events for"},
      {"an accept after the deadline",
       "UPDATE events SET at = '2999-01-01T00:00:00Z' WHERE id = " + accept_event,
       "after its deadline"},
      {"a signed agreement without its number",
       "UPDATE invitations SET agreement_no = NULL WHERE id = (SELECT min(id) FROM "
       "invitations WHERE state = 'signed')",
       "agreement number"},
      {"a terminating signing beside another live one",
       "INSERT INTO invitations (employer_code, graduate_id, state, job_category, position, "
       "valid_days, issued_at, deadline, responded_at, updated_at) SELECT employer_code, "
       "graduate_id, 'awaiting_review', job_category, position, valid_days, issued_at, "
       "deadline, responded_at, updated_at FROM invitations WHERE state = 'terminating' LIMIT 1",
       "two live signings"},
      {"a second unfinished termination of one signing",
       "INSERT INTO terminations (mode, invitation_id, requested_by, reason, note, phase, "
       "requested_at, updated_at) SELECT mode, invitation_id, requested_by, reason, note, "
       "'awaiting_party', requested_at, updated_at FROM terminations WHERE phase IN "
       "('awaiting_party', 'awaiting_review') LIMIT 1",
       "several unfinished terminations"},
      {"a termination's phase change without its event",
       "DELETE FROM outbox WHERE event_id = " + termination_event +
           "; DELETE FROM events WHERE id = " + termination_event,
       "phase changes"},
  };
  for (const auto& b : breakages) {
    INFO(b.what);
    run.exec("SAVEPOINT broken");
    run.exec(b.sql);
    auto problems = run.invariant_problems();
    run.exec("ROLLBACK TO broken; RELEASE broken");
    INFO(join(problems));
    CHECK(join(problems).find(b.expected) != std::string::npos);
    REQUIRE(run.invariant_problems().empty());
  }
}
