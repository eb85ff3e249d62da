#include "signing_impl.hpp"

#include <string_view>
#include <vector>

#include "ncss/error.hpp"
#include "ncss/identity.hpp"
#include "registration_impl.hpp"

namespace ncss {

namespace {

// Who the platform messages about an event: the employer, the graduate, or both.
enum class Recipients { None, Employer, Graduate, Both };

Recipients recipients_of(SigningEvent e) {
  switch (e) {
    case SigningEvent::Accept:
    case SigningEvent::Reject:
    case SigningEvent::Abort:
      return Recipients::Employer;
    case SigningEvent::Withdraw:
      return Recipients::Graduate;
    case SigningEvent::Approve:
    case SigningEvent::SchoolReject:
    case SigningEvent::Expire:
    case SigningEvent::Invalidate:
      return Recipients::Both;
    default:
      return Recipients::Both;
  }
}

}  // namespace

std::optional<InvitationRow> load_invitation(SQLite::Database& db, std::int64_t id) {
  SQLite::Statement q(
      db,
      "SELECT i.id, i.employer_code, i.graduate_id, i.state, "
      "coalesce(i.fail_reason, 'none'), i.deadline, g.id_number, g.name, "
      "g.school_code, g.cohort, i.issued_at FROM invitations i JOIN graduates g ON g.id = "
      "i.graduate_id WHERE i.id = :id");
  q.bind(":id", static_cast<std::int64_t>(id));
  if (!q.executeStep()) return std::nullopt;
  InvitationRow r;
  r.id = q.getColumn(0).getInt64();
  r.employer_code = q.getColumn(1).getString();
  r.graduate_id = q.getColumn(2).getInt64();
  auto state = parse_signing_state(q.getColumn(3).getString());
  auto reason = parse_fail_reason(q.getColumn(4).getString());
  if (!state || !reason) throw Error::internal("invitation " + std::to_string(id) + " is corrupt");
  r.state = *state;
  r.reason = *reason;
  r.deadline = q.getColumn(5).getString();
  r.id_number = q.getColumn(6).getString();
  r.graduate_name = q.getColumn(7).getString();
  r.school_code = q.getColumn(8).getString();
  r.cohort = q.getColumn(9).getInt();
  r.issued_at = q.getColumn(10).getString();
  return r;
}

SigningState apply_signing_event(SQLite::Database& db, AuditWriter& audit, const InvitationRow& inv,
                                 SigningEvent event, const std::string& reason,
                                 const std::string& note) {
  SigningTransition t = require_transition(inv.state, event);
  const std::string event_name(signing_event_name(event));
  const std::string from(signing_state_name(inv.state));
  const std::string to(signing_state_name(t.next));
  nlohmann::json details = {{"from", from}, {"to", to}, {"reason", reason}, {"note", note}};
  if (t.next == SigningState::Failed) details["fail_reason"] = fail_reason_name(t.reason);
  std::int64_t event_id = audit.event("invitation." + event_name, "invitation",
                                      std::to_string(inv.id), reason, details);

  // The event row holds the actor and the time of this transaction: the invitation takes both.
  std::string at, by;
  {
    SQLite::Statement q(db, "SELECT at, actor FROM events WHERE id = :id");
    q.bind(":id", static_cast<std::int64_t>(event_id));
    if (!q.executeStep()) throw Error::internal("the event just written is missing");
    at = q.getColumn(0).getString();
    by = q.getColumn(1).getString();
  }

  // The graduate's answer; a later abort (中止签约) keeps the time of the acceptance it undoes.
  const bool responded = event == SigningEvent::Accept || event == SigningEvent::Reject;
  const bool reviewed = event == SigningEvent::Approve || event == SigningEvent::SchoolReject;
  SQLite::Statement u(
      db,
      "UPDATE invitations SET state = :state, fail_reason = :fail, updated_at = :at, "
      "responded_at = CASE WHEN :responded THEN :at ELSE responded_at END, "
      "reviewed_at = CASE WHEN :reviewed THEN :at ELSE reviewed_at END, "
      "reviewed_by = CASE WHEN :reviewed THEN :by ELSE reviewed_by END, "
      "review_reason = CASE WHEN :reviewed THEN :review_reason ELSE review_reason END, "
      "withdraw_reason = CASE WHEN :withdrawn THEN :reason ELSE withdraw_reason END "
      "WHERE id = :id");
  u.bind(":state", to);
  if (t.next == SigningState::Failed) {
    u.bind(":fail", std::string(fail_reason_name(t.reason)));
  } else {
    u.bind(":fail");
  }
  u.bind(":at", at);
  u.bind(":by", by);
  u.bind(":responded", responded ? 1 : 0);
  u.bind(":reviewed", reviewed ? 1 : 0);
  if (reason.empty()) {
    u.bind(":review_reason");
  } else {
    u.bind(":review_reason", reason);
  }
  u.bind(":withdrawn", event == SigningEvent::Withdraw ? 1 : 0);
  if (reason.empty()) {
    u.bind(":reason");
  } else {
    u.bind(":reason", reason);
  }
  u.bind(":id", static_cast<std::int64_t>(inv.id));
  if (u.exec() != 1) throw Error::not_found("invitation", std::to_string(inv.id));

  nlohmann::json payload = {{"invitation_id", inv.id},
                            {"employer_code", inv.employer_code},
                            {"graduate_name", inv.graduate_name},
                            {"event", event_name},
                            {"state", to},
                            {"state_name", signing_state_label(t.next)},
                            {"reason", reason}};
  if (t.next == SigningState::Failed) {
    payload["fail_reason"] = fail_reason_name(t.reason);
    payload["fail_reason_name"] = fail_reason_label(t.reason);
  }
  const std::string template_name = "invitation_" + event_name;
  Recipients r = recipients_of(event);
  if (r == Recipients::Employer || r == Recipients::Both) {
    Notification n;
    n.recipient_type = "employer";
    n.recipient_id = inv.employer_code;
    n.template_name = template_name;
    n.payload = payload;
    audit.notify(event_id, n);
  }
  if (r == Recipients::Graduate || r == Recipients::Both) {
    Notification n;
    n.recipient_type = "graduate";
    n.recipient_id = inv.id_number;
    n.template_name = template_name;
    n.payload = payload;
    audit.notify(event_id, n);
  }
  return t.next;
}

bool change_invalidates(const nlohmann::json& changes) {
  for (const char* key : {"name", "id_number", "school_code", "training_mode"}) {
    if (changes.contains(key)) return true;
  }
  for (const char* key : {"degree_level", "major", "department"}) {
    if (changes.contains(key) && !changes[key].value("old", "").empty()) return true;
  }
  return false;
}

InvalidationCount invalidate_graduate(SQLite::Database& db, AuditWriter& audit,
                                      std::int64_t graduate_id, const std::string& cause) {
  InvalidationCount count;
  struct Fav {
    std::int64_t id;
    std::string credit_code, id_number;
    int cohort;
  };
  std::vector<Fav> favorites;
  {
    SQLite::Statement q(db,
                        "SELECT f.id, f.credit_code, g.id_number, f.cohort FROM favorites f JOIN "
                        "graduates g ON g.id = f.graduate_id WHERE f.graduate_id = :g AND "
                        "f.status = 'valid' ORDER BY f.id");
    q.bind(":g", static_cast<std::int64_t>(graduate_id));
    while (q.executeStep()) {
      favorites.push_back({q.getColumn(0).getInt64(), q.getColumn(1).getString(),
                           q.getColumn(2).getString(), q.getColumn(3).getInt()});
    }
  }
  SQLite::Statement mark(db, "UPDATE favorites SET status = 'invalid' WHERE id = :id");
  for (const auto& f : favorites) {
    mark.reset();
    mark.bind(":id", static_cast<std::int64_t>(f.id));
    mark.exec();
    std::int64_t event_id = audit.event(
        "favorite.invalidate", "employer", f.credit_code, cause,
        {{"id_number", f.id_number}, {"cohort", f.cohort}, {"from", "valid"}, {"to", "invalid"}});
    Notification n;
    n.recipient_type = "employer";
    n.recipient_id = f.credit_code;
    n.template_name = "favorite_invalid";
    n.payload = {
        {"id_number", mask_resident_id(f.id_number)}, {"cohort", f.cohort}, {"reason", cause}};
    audit.notify(event_id, n);
    ++count.favorites;
  }

  std::vector<std::int64_t> open;
  {
    SQLite::Statement q(db,
                        "SELECT id FROM invitations WHERE graduate_id = :g AND state IN "
                        "('awaiting_graduate', 'awaiting_review') ORDER BY id");
    q.bind(":g", static_cast<std::int64_t>(graduate_id));
    while (q.executeStep()) open.push_back(q.getColumn(0).getInt64());
  }
  for (std::int64_t id : open) {
    auto inv = load_invitation(db, id);
    if (!inv || !is_open(inv->state)) continue;
    // The deadline is a fact of time (DOMAIN.md): an unanswered invitation past it had already
    // failed when the record changed, whether or not a sweep has run. Recorded as the sweep would
    // record it, not as invalid.
    if (inv->state == SigningState::AwaitingGraduate && inv->deadline < audit.at()) {
      apply_signing_event(db, audit, *inv, SigningEvent::Expire, kDeadlinePassedReason, "");
      continue;
    }
    apply_signing_event(db, audit, *inv, SigningEvent::Invalidate, cause, "");
    ++count.invitations;
  }
  count.registrations = invalidate_registrations(db, audit, graduate_id, cause);
  return count;
}

}  // namespace ncss
