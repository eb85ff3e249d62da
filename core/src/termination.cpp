#include "ncss/termination.hpp"

#include <algorithm>
#include <iterator>
#include <optional>

#include "audit_impl.hpp"
#include "ncss/error.hpp"
#include "ncss/identity.hpp"
#include "ncss/school.hpp"
#include "ncss/signing_state.hpp"
#include "signing_impl.hpp"
#include "store_impl.hpp"
#include "text_rules.hpp"
#include "upload_impl.hpp"

namespace ncss {

namespace {

const char* const kSelect =
    "SELECT t.id, t.mode, coalesce(t.invitation_id, 0), coalesce(t.registration_id, 0), "
    "t.requested_by, t.reason, r.name, t.note, t.phase, coalesce(t.fail_reason, ''), "
    "t.requested_at, coalesce(t.responded_at, ''), coalesce(t.responded_by, ''), "
    "coalesce(t.reviewed_at, ''), coalesce(t.reviewed_by, ''), coalesce(t.review_reason, ''), "
    "t.updated_at, coalesce(i.agreement_no, g_reg.agreement_no, ''), g.id_number, g.name, "
    "g.school_code, g.cohort, coalesce(i.employer_code, json_extract(g_reg.fields, "
    "'$.credit_code'), ''), coalesce(e.name, json_extract(g_reg.fields, '$.employer_name'), ''), "
    "(SELECT count(*) FROM termination_files f WHERE f.termination_id = t.id), "
    "coalesce((SELECT s.name FROM schools s WHERE s.code = g.school_code), ''), g.department "
    "FROM terminations t JOIN termination_reasons r ON r.code = t.reason "
    "LEFT JOIN invitations i ON i.id = t.invitation_id "
    "LEFT JOIN registrations g_reg ON g_reg.id = t.registration_id "
    "JOIN graduates g ON g.id = coalesce(i.graduate_id, g_reg.graduate_id) "
    "LEFT JOIN employers e ON e.credit_code = i.employer_code ";

Termination read_termination(SQLite::Statement& q) {
  Termination t;
  int c = 0;
  t.id = q.getColumn(c++).getInt64();
  t.mode = q.getColumn(c++).getString();
  t.invitation_id = q.getColumn(c++).getInt64();
  t.registration_id = q.getColumn(c++).getInt64();
  t.requested_by = q.getColumn(c++).getString();
  t.reason = q.getColumn(c++).getString();
  t.reason_name = q.getColumn(c++).getString();
  t.note = q.getColumn(c++).getString();
  t.phase = q.getColumn(c++).getString();
  t.fail_reason = q.getColumn(c++).getString();
  t.requested_at = q.getColumn(c++).getString();
  t.responded_at = q.getColumn(c++).getString();
  t.responded_by = q.getColumn(c++).getString();
  t.reviewed_at = q.getColumn(c++).getString();
  t.reviewed_by = q.getColumn(c++).getString();
  t.review_reason = q.getColumn(c++).getString();
  t.updated_at = q.getColumn(c++).getString();
  t.agreement_no = q.getColumn(c++).getString();
  t.id_number = q.getColumn(c++).getString();
  t.name = q.getColumn(c++).getString();
  t.school_code = q.getColumn(c++).getString();
  t.cohort = q.getColumn(c++).getInt();
  t.employer_code = q.getColumn(c++).getString();
  t.employer_name = q.getColumn(c++).getString();
  t.letters = q.getColumn(c++).getInt();
  t.school_name = q.getColumn(c++).getString();
  t.department = q.getColumn(c++).getString();
  return t;
}

Termination get_in(SQLite::Database& db, std::int64_t id) {
  SQLite::Statement q(db, std::string(kSelect) + "WHERE t.id = :id");
  q.bind(":id", static_cast<std::int64_t>(id));
  if (!q.executeStep()) throw Error::not_found("termination", "T" + std::to_string(id));
  return read_termination(q);
}

std::string reason_code(SQLite::Database& db, const std::string& reason) {
  SQLite::Statement q(db, "SELECT code FROM termination_reasons WHERE code = :v OR name = :v");
  q.bind(":v", trim(reason));
  if (!q.executeStep()) {
    throw Error::invalid_input("解约原因 '" + reason +
                               "' is not a termination reason (see ncssctl codes "
                               "termination_reason)");
  }
  return q.getColumn(0).getString();
}

// `required`: the offline request's 解约说明 must be filled in (graduate guide 6.1); the online
// request's form marks it 选填 (graduate guide, 申请解约), so an empty one is no note.
std::string checked_note(const std::string& note, bool required = true) {
  std::string n = checked_text(trim(note), "--note", TextLines::Multi);  // 0/200: a text area
  if (n.empty() && required)
    throw Error::invalid_input("--note is required: say why, in at most 200 characters");
  if (utf8_length(n) > kMaxTerminationNoteChars) {
    throw Error::invalid_input("--note is " + std::to_string(utf8_length(n)) +
                               " characters; at most 200");
  }
  return n;
}

std::string checked_party(const std::string& by) {
  if (by != "employer" && by != "graduate") {
    throw Error::invalid_input("--by must be employer or graduate, not '" + by + "'");
  }
  return by;
}

std::string required_reason(const std::string& reason, const char* what) {
  std::string r = trim(reason);
  if (r.empty()) throw Error::invalid_input(std::string("--reason is required: ") + what);
  return checked_text(r, "--reason", TextLines::Multi);
}

// The row as it is stored, to change it; NotFound otherwise.
struct Stored {
  std::string mode, phase, requested_by;
  std::int64_t invitation_id = 0, registration_id = 0;
};

Stored load(SQLite::Database& db, std::int64_t id) {
  SQLite::Statement q(db,
                      "SELECT mode, phase, requested_by, coalesce(invitation_id, 0), "
                      "coalesce(registration_id, 0) FROM terminations WHERE id = :id");
  q.bind(":id", static_cast<std::int64_t>(id));
  if (!q.executeStep()) throw Error::not_found("termination", "T" + std::to_string(id));
  return {q.getColumn(0).getString(), q.getColumn(1).getString(), q.getColumn(2).getString(),
          q.getColumn(3).getInt64(), q.getColumn(4).getInt64()};
}

std::string phase_words(const std::string& phase) {
  if (phase == "awaiting_party") return "awaiting the other party";
  if (phase == "awaiting_review") return "awaiting the school's review";
  if (phase == "returned") return "returned for modification";
  if (phase == "approved") return "approved (已解约)";
  return "failed (解约失败)";
}

void require_phase(const Stored& s, std::int64_t id, const std::string& phase, const char* act) {
  if (s.phase != phase) {
    throw Error::invalid_transition("termination " + std::to_string(id) + " cannot be " + act +
                                    ": it is " + phase_words(s.phase) + ", not " +
                                    phase_words(phase));
  }
}

enum class Stamp { None, Responded, Reviewed };

// Moves the termination to `phase`, recording the termination's own event (its time and actor
// become the row's) and, for an answer or a review, who gave it.
std::int64_t move(SQLite::Database& db, AuditWriter& audit, std::int64_t id, const Stored& s,
                  const std::string& action, const std::string& phase,
                  const std::string& fail_reason, const std::string& reason, Stamp stamp) {
  auto event_id = audit.event("termination." + action, "termination", std::to_string(id), reason,
                              {{"from", s.phase},
                               {"to", phase},
                               {"reason", reason},
                               {"note", ""},
                               {"mode", s.mode},
                               {"fail_reason", fail_reason},
                               {"invitation_id", s.invitation_id},
                               {"registration_id", s.registration_id}});
  SQLite::Statement e(db, "SELECT at, actor FROM events WHERE id = :id");
  e.bind(":id", static_cast<std::int64_t>(event_id));
  if (!e.executeStep()) throw Error::internal("the event just written is missing");
  SQLite::Statement u(
      db,
      "UPDATE terminations SET phase = :phase, fail_reason = nullif(:fail, ''), updated_at = :at, "
      "responded_at = CASE WHEN :responded THEN :at ELSE responded_at END, "
      "responded_by = CASE WHEN :responded THEN :by ELSE responded_by END, "
      "reviewed_at = CASE WHEN :reviewed THEN :at ELSE reviewed_at END, "
      "reviewed_by = CASE WHEN :reviewed THEN :by ELSE reviewed_by END, "
      "review_reason = CASE WHEN :reviewed THEN nullif(:why, '') ELSE review_reason END "
      "WHERE id = :id");
  u.bind(":phase", phase);
  u.bind(":fail", fail_reason);
  u.bind(":at", e.getColumn(0).getString());
  u.bind(":by", e.getColumn(1).getString());
  u.bind(":responded", stamp == Stamp::Responded ? 1 : 0);
  u.bind(":reviewed", stamp == Stamp::Reviewed ? 1 : 0);
  u.bind(":why", reason);
  u.bind(":id", static_cast<std::int64_t>(id));
  u.exec();
  return event_id;
}

// The invitation of an online termination, for its state machine.
InvitationRow invitation_of(SQLite::Database& db, const Stored& s) {
  auto inv = load_invitation(db, s.invitation_id);
  if (!inv) throw Error::internal("the termination's invitation is missing");
  return *inv;
}

// Notifies the graduate of an offline termination's step (online steps notify both parties
// through the signing's own event).
void notify_graduate(SQLite::Database& db, AuditWriter& audit, std::int64_t event_id,
                     std::int64_t id, const std::string& phase, const std::string& reason) {
  auto t = get_in(db, id);
  Notification n;
  n.recipient_type = "graduate";
  n.recipient_id = t.id_number;
  n.template_name = "termination_" + phase;
  n.payload = {{"termination_id", id},
               {"registration_id", t.registration_id},
               {"agreement_no", t.agreement_no},
               {"phase", t.phase},
               {"phase_name", termination_phase_label(t)},
               {"reason", reason}};
  audit.notify(event_id, n);
}

template <typename Fn>
Termination in_transaction(Store& store, Fn&& fn) {
  return with_storage_errors([&] {
    auto& db = database(store);
    SQLite::Transaction tx(db, SQLite::TransactionBehavior::IMMEDIATE);
    std::int64_t id = fn(db);
    auto out = get_in(db, id);
    tx.commit();
    return out;
  });
}

}  // namespace

std::string termination_phase_label(const Termination& t) {
  if (t.phase == "awaiting_party") return "解约中（等待对方确认）";
  if (t.phase == "awaiting_review") return "解约中（学校审核中）";
  if (t.phase == "returned") return "解约中（退回修改）";
  if (t.phase == "approved") return "已解约";
  if (t.fail_reason == "party_rejected") return "解约失败（对方不同意解约）";
  return "解约失败（学校审核不通过）";
}

std::string termination_list(const std::string& phase) {
  if (phase == "approved") return "已解约";
  if (phase == "failed") return "解约失败";
  return "解约中";
}

Termination request_termination(Store& store, const TerminationRequest& r, const Actor& actor) {
  return in_transaction(store, [&](SQLite::Database& db) {
    const std::string by = checked_party(r.by);
    const std::string reason = reason_code(db, r.reason);
    const std::string note = checked_note(r.note, false);
    auto inv = load_invitation(db, r.invitation_id);
    if (!inv) throw Error::not_found("invitation", std::to_string(r.invitation_id));
    if (inv->state == SigningState::Terminating) {
      throw Error::invalid_transition("invitation " + std::to_string(inv->id) +
                                      " is already terminating (解约中): one request at a time");
    }
    AuditWriter audit(db, actor);
    // The signing's own transition first: it refuses anything but a signed agreement.
    apply_signing_event(db, audit, *inv, SigningEvent::RequestTermination, reason, note);
    SQLite::Statement ins(db,
                          "INSERT INTO terminations (mode, invitation_id, requested_by, reason, "
                          "note, phase, requested_at, updated_at) VALUES ('online', :inv, :by, "
                          ":reason, :note, 'awaiting_party', :at, :at)");
    const std::string at = format_utc(actor.now);
    ins.bind(":inv", static_cast<std::int64_t>(inv->id));
    ins.bind(":by", by);
    ins.bind(":reason", reason);
    ins.bind(":note", note);
    ins.bind(":at", at);
    ins.exec();
    std::int64_t id = db.getLastInsertRowid();
    audit.event("termination.request", "termination", std::to_string(id), reason,
                {{"from", ""},
                 {"to", "awaiting_party"},
                 {"reason", reason},
                 {"note", note},
                 {"mode", "online"},
                 {"requested_by", by},
                 {"invitation_id", inv->id}});
    return id;
  });
}

Termination respond_termination(Store& store, std::int64_t id, const std::string& by_raw,
                                bool accept, const Actor& actor) {
  return in_transaction(store, [&](SQLite::Database& db) {
    const std::string by = checked_party(by_raw);
    Stored s = load(db, id);
    require_phase(s, id, "awaiting_party", accept ? "accepted" : "refused");
    if (by == s.requested_by) {
      throw Error::invalid_transition("termination " + std::to_string(id) +
                                      " was requested by the " + s.requested_by +
                                      ": only the other party answers it");
    }
    AuditWriter audit(db, actor);
    auto inv = invitation_of(db, s);
    apply_signing_event(db, audit, inv,
                        accept ? SigningEvent::AcceptTermination : SigningEvent::RejectTermination,
                        "", "");
    move(db, audit, id, s, accept ? "accept" : "reject", accept ? "awaiting_review" : "failed",
         accept ? "" : "party_rejected", "", Stamp::Responded);
    return id;
  });
}

Termination approve_termination(Store& store, std::int64_t id, const Actor& actor) {
  return in_transaction(store, [&](SQLite::Database& db) {
    Stored s = load(db, id);
    require_phase(s, id, "awaiting_review", "approved");
    AuditWriter audit(db, actor);
    if (s.mode == "online") {
      auto inv = invitation_of(db, s);
      apply_signing_event(db, audit, inv, SigningEvent::ApproveTermination, "", "");
      move(db, audit, id, s, "approve", "approved", "", "", Stamp::Reviewed);
      return id;
    }
    auto event_id = move(db, audit, id, s, "approve", "approved", "", "", Stamp::Reviewed);
    SQLite::Statement u(db,
                        "UPDATE registrations SET state = 'terminated', updated_at = (SELECT at "
                        "FROM events WHERE id = :e) WHERE id = :r AND state = 'approved'");
    u.bind(":e", static_cast<std::int64_t>(event_id));
    u.bind(":r", static_cast<std::int64_t>(s.registration_id));
    if (u.exec() != 1) {
      throw Error::invalid_transition("registration R" + std::to_string(s.registration_id) +
                                      " is no longer an approved agreement");
    }
    audit.event("registration.terminate", "registration", std::to_string(s.registration_id), "",
                {{"from", "approved"},
                 {"to", "terminated"},
                 {"reason", ""},
                 {"note", ""},
                 {"termination_id", id}});
    notify_graduate(db, audit, event_id, id, "approved", "");
    return id;
  });
}

Termination reject_termination(Store& store, std::int64_t id, const std::string& reason_raw,
                               const Actor& actor) {
  return in_transaction(store, [&](SQLite::Database& db) {
    const std::string reason = required_reason(reason_raw, "say why the termination is refused");
    Stored s = load(db, id);
    require_phase(s, id, "awaiting_review", "refused by the school");
    AuditWriter audit(db, actor);
    if (s.mode == "online") {
      auto inv = invitation_of(db, s);
      apply_signing_event(db, audit, inv, SigningEvent::RejectTerminationReview, reason, "");
      move(db, audit, id, s, "school_reject", "failed", "school_rejected", reason, Stamp::Reviewed);
      return id;
    }
    auto event_id = move(db, audit, id, s, "school_reject", "failed", "school_rejected", reason,
                         Stamp::Reviewed);
    notify_graduate(db, audit, event_id, id, "failed", reason);
    return id;
  });
}

Termination return_termination(Store& store, std::int64_t id, const std::string& reason_raw,
                               const Actor& actor) {
  return in_transaction(store, [&](SQLite::Database& db) {
    const std::string reason = required_reason(reason_raw, "say what to modify");
    Stored s = load(db, id);
    if (s.mode != "offline") {
      throw Error::invalid_transition("termination " + std::to_string(id) +
                                      " is online: the school approves or refuses it; only an "
                                      "offline termination is returned for modification");
    }
    require_phase(s, id, "awaiting_review", "returned");
    AuditWriter audit(db, actor);
    auto event_id = move(db, audit, id, s, "return", "returned", "", reason, Stamp::Reviewed);
    notify_graduate(db, audit, event_id, id, "returned", reason);
    return id;
  });
}

namespace {

void attach_letters(SQLite::Database& db, std::int64_t id,
                    const std::vector<std::filesystem::path>& letters, const Actor& actor) {
  SQLite::Statement link(
      db, "INSERT OR IGNORE INTO termination_files (termination_id, file_id) VALUES (:t, :f)");
  for (const auto& path : letters) {
    std::int64_t file_id = insert_upload(db, path, actor);
    link.reset();
    link.bind(":t", static_cast<std::int64_t>(id));
    link.bind(":f", static_cast<std::int64_t>(file_id));
    link.exec();
  }
}

}  // namespace

Termination request_offline_termination(Store& store, const OfflineTerminationRequest& r,
                                        const Actor& actor) {
  return in_transaction(store, [&](SQLite::Database& db) {
    const std::string reason = reason_code(db, r.reason);
    const std::string note = checked_note(r.note);
    if (r.letters.empty()) {
      throw Error::invalid_input(
          "--letter is required: the termination letter (解约函), JPEG or PNG");
    }
    const std::string id_number = normalize_resident_id(r.id_number);
    SQLite::Statement g(db,
                        "SELECT id FROM graduates WHERE id_number = :n AND (:c = 0 OR cohort = "
                        ":c) ORDER BY cohort DESC");
    g.bind(":n", id_number);
    g.bind(":c", r.cohort);
    std::vector<std::int64_t> graduates;
    while (g.executeStep()) graduates.push_back(g.getColumn(0).getInt64());
    if (graduates.empty()) throw Error::not_found("graduate", mask_resident_id(id_number));
    if (graduates.size() > 1) {
      throw Error::usage("the graduate " + mask_resident_id(id_number) +
                         " is on several cohorts' rosters; say which with --cohort");
    }
    SQLite::Statement q(db,
                        "SELECT id FROM registrations WHERE graduate_id = :g AND kind IN "
                        "('paper', 'offline') AND state = 'approved' ORDER BY id DESC LIMIT 1");
    q.bind(":g", static_cast<std::int64_t>(graduates.front()));
    if (!q.executeStep()) {
      throw Error::invalid_transition(
          "the graduate " + mask_resident_id(id_number) +
          " has no approved paper or offline agreement to terminate offline (an online signing "
          "is terminated with `terminate request`)");
    }
    const std::int64_t registration = q.getColumn(0).getInt64();
    SQLite::Statement open(db,
                           "SELECT id FROM terminations WHERE registration_id = :r AND phase IN "
                           "('awaiting_review', 'returned')");
    open.bind(":r", static_cast<std::int64_t>(registration));
    if (open.executeStep()) {
      throw Error::invalid_transition("termination " +
                                      std::to_string(open.getColumn(0).getInt64()) +
                                      " of that agreement is already under way");
    }
    const std::string at = format_utc(actor.now);
    SQLite::Statement ins(db,
                          "INSERT INTO terminations (mode, registration_id, requested_by, reason, "
                          "note, phase, requested_at, updated_at) VALUES ('offline', :r, "
                          "'graduate', :reason, :note, 'awaiting_review', :at, :at)");
    ins.bind(":r", static_cast<std::int64_t>(registration));
    ins.bind(":reason", reason);
    ins.bind(":note", note);
    ins.bind(":at", at);
    ins.exec();
    std::int64_t id = db.getLastInsertRowid();
    attach_letters(db, id, r.letters, actor);
    AuditWriter audit(db, actor);
    auto event_id = audit.event("termination.request", "termination", std::to_string(id), reason,
                                {{"from", ""},
                                 {"to", "awaiting_review"},
                                 {"reason", reason},
                                 {"note", note},
                                 {"mode", "offline"},
                                 {"requested_by", "graduate"},
                                 {"registration_id", registration},
                                 {"letters", r.letters.size()}});
    notify_graduate(db, audit, event_id, id, "awaiting_review", reason);
    return id;
  });
}

Termination resubmit_termination(Store& store, std::int64_t id, const std::string& reason_raw,
                                 const std::string& note_raw,
                                 const std::vector<std::filesystem::path>& letters,
                                 const Actor& actor) {
  return in_transaction(store, [&](SQLite::Database& db) {
    Stored s = load(db, id);
    require_phase(s, id, "returned", "resubmitted");
    if (!trim(reason_raw).empty() || !trim(note_raw).empty()) {
      SQLite::Statement u(db,
                          "UPDATE terminations SET reason = coalesce(nullif(:reason, ''), "
                          "reason), note = coalesce(nullif(:note, ''), note) WHERE id = :id");
      u.bind(":reason", trim(reason_raw).empty() ? std::string() : reason_code(db, reason_raw));
      u.bind(":note", trim(note_raw).empty() ? std::string() : checked_note(note_raw));
      u.bind(":id", static_cast<std::int64_t>(id));
      u.exec();
    }
    attach_letters(db, id, letters, actor);
    AuditWriter audit(db, actor);
    auto event_id = move(db, audit, id, s, "resubmit", "awaiting_review", "", "", Stamp::None);
    notify_graduate(db, audit, event_id, id, "awaiting_review", "");
    return id;
  });
}

std::vector<Termination> list_terminations(Store& store, const TerminationFilter& f) {
  std::vector<Termination> out;
  for_each_termination(store, f, [&](const Termination& t) { out.push_back(t); });
  return out;
}

void for_each_termination(Store& store, const TerminationFilter& f,
                          const std::function<void(const Termination&)>& sink) {
  with_storage_errors([&] {
    auto& db = database(store);
    std::string school;
    if (!f.school.empty()) school = get_school(store, f.school).code;
    std::string phases;
    if (f.list.empty()) {
      phases = "";
    } else if (f.list == "解约中") {
      phases = "awaiting_party,awaiting_review,returned";
    } else if (f.list == "已解约") {
      phases = "approved";
    } else if (f.list == "解约失败") {
      phases = "failed";
    } else {
      throw Error::usage("--list must be 解约中, 已解约 or 解约失败, not '" + f.list + "'");
    }
    static const char* const kPhases[] = {"awaiting_party", "awaiting_review", "returned",
                                          "approved", "failed"};
    if (!f.phase.empty() &&
        std::find(std::begin(kPhases), std::end(kPhases), f.phase) == std::end(kPhases)) {
      throw Error::usage(
          "--phase must be awaiting_party, awaiting_review, returned, "
          "approved or failed, not '" +
          f.phase + "'");
    }
    SQLite::Statement q(
        db, std::string(kSelect) +
                "WHERE (:phases = '' OR instr(',' || :phases || ',', ',' || t.phase || ',') > 0) "
                "AND (:phase = '' OR t.phase = :phase) "
                "AND (:employer = '' OR coalesce(i.employer_code, json_extract(g_reg.fields, "
                "'$.credit_code')) = :employer) AND (:school = '' OR "
                "g.school_code = :school) AND (:cohort = 0 OR g.cohort = :cohort) AND (:id = '' "
                "OR g.id_number = :id) AND (:dept = '' OR g.department = :dept) AND (:idle = '' "
                "OR t.updated_at <= :idle) ORDER BY t.id");
    q.bind(":phases", phases);
    q.bind(":phase", f.phase);
    q.bind(":employer", employer_filter_code(db, f.employer));
    q.bind(":school", school);
    q.bind(":cohort", f.cohort);
    q.bind(":id", graduate_filter_id(db, f.id_number));
    q.bind(":dept", trim(f.department));
    q.bind(":idle", f.idle_since ? format_utc(*f.idle_since) : std::string());
    while (q.executeStep()) sink(read_termination(q));
  });
}

Termination get_termination(Store& store, std::int64_t id) {
  return with_storage_errors([&] { return get_in(database(store), id); });
}

Invitation void_signing(Store& store, std::int64_t invitation_id, const std::string& reason_raw,
                        const Actor& actor) {
  with_storage_errors([&] {
    auto& db = database(store);
    const std::string reason = required_reason(reason_raw, "say why the agreement is voided");
    SQLite::Transaction tx(db, SQLite::TransactionBehavior::IMMEDIATE);
    auto inv = load_invitation(db, invitation_id);
    if (!inv) throw Error::not_found("invitation", std::to_string(invitation_id));
    AuditWriter audit(db, actor);
    apply_signing_event(db, audit, *inv, SigningEvent::Void, reason, "");
    SQLite::Statement u(db, "UPDATE invitations SET void_reason = :r WHERE id = :id");
    u.bind(":r", reason);
    u.bind(":id", static_cast<std::int64_t>(invitation_id));
    u.exec();
    tx.commit();
  });
  return get_invitation(store, invitation_id);
}

}  // namespace ncss
