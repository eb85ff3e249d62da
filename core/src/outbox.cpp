#include "ncss/outbox.hpp"

#include "audit_impl.hpp"
#include "ncss/identity.hpp"
#include "store_impl.hpp"

namespace ncss {

namespace {

constexpr const char* kOutboxColumns =
    "id, event_id, created_at, channel, recipient_type, recipient_id, template, payload, status, "
    "coalesce(sent_at, '') FROM outbox";

OutboxMessage read_message(SQLite::Statement& q) {
  OutboxMessage m;
  m.id = q.getColumn(0).getInt64();
  m.event_id = q.getColumn(1).getInt64();
  m.created_at = q.getColumn(2).getString();
  m.channel = q.getColumn(3).getString();
  m.recipient_type = q.getColumn(4).getString();
  m.recipient_id = q.getColumn(5).getString();
  m.template_name = q.getColumn(6).getString();
  m.payload = q.getColumn(7).getString();
  m.status = q.getColumn(8).getString();
  m.sent_at = q.getColumn(9).getString();
  return m;
}

constexpr const char* kEventColumns =
    "SELECT id, at, actor, action, subject_type, subject_id, coalesce(reason, ''), details "
    "FROM events ";

}  // namespace

std::vector<OutboxMessage> list_outbox(Store& store, const std::string& status) {
  return with_storage_errors([&] {
    SQLite::Statement q(database(store), std::string("SELECT ") + kOutboxColumns +
                                             " WHERE :status = '' OR status = :status ORDER BY id");
    q.bind(":status", status);
    std::vector<OutboxMessage> out;
    while (q.executeStep()) out.push_back(read_message(q));
    return out;
  });
}

void take_outbox(Store& store, bool mark_sent, const Actor& actor,
                 const std::function<void(const std::vector<OutboxMessage>&)>& deliver) {
  with_storage_errors([&] {
    auto& db = database(store);
    SQLite::Transaction tx(db, SQLite::TransactionBehavior::IMMEDIATE);
    SQLite::Statement q(
        db, std::string("SELECT ") + kOutboxColumns + " WHERE status = 'pending' ORDER BY id");
    std::vector<OutboxMessage> out;
    while (q.executeStep()) out.push_back(read_message(q));
    if (mark_sent && !out.empty()) {
      SQLite::Statement mark(db,
                             "UPDATE outbox SET status = 'sent', sent_at = :at, attempts = "
                             "attempts + 1 WHERE status = 'pending' AND id <= :last");
      mark.bind(":at", format_utc(actor.now));
      mark.bind(":last", out.back().id);
      mark.exec();
      AuditWriter audit(db, actor);
      audit.event("outbox.sent", "outbox", std::to_string(out.back().id), "",
                  {{"count", out.size()}, {"first", out.front().id}, {"last", out.back().id}});
      for (auto& m : out) {
        m.status = "sent";
        m.sent_at = format_utc(actor.now);
      }
    }
    deliver(out);  // throws: the transaction rolls back
    tx.commit();
  });
}

std::vector<EventRecord> history_of_invitation(Store& store, std::int64_t invitation_id) {
  return with_storage_errors([&] {
    auto& db = database(store);
    SQLite::Statement exists(db, "SELECT 1 FROM invitations WHERE id = :id");
    exists.bind(":id", invitation_id);
    if (!exists.executeStep()) throw Error::not_found("invitation", std::to_string(invitation_id));
    // The signing and its terminations.
    SQLite::Statement q(db, std::string(kEventColumns) +
                                "WHERE (subject_type = 'invitation' AND subject_id = :id) OR "
                                "(subject_type = 'termination' AND subject_id IN (SELECT "
                                "CAST(id AS TEXT) FROM terminations WHERE invitation_id = "
                                "CAST(:id AS INTEGER))) ORDER BY id");
    q.bind(":id", std::to_string(invitation_id));
    return read_events(q);
  });
}

std::vector<EventRecord> history_of_graduate(Store& store, const std::string& id_number_raw) {
  return with_storage_errors([&] {
    auto& db = database(store);
    std::string id = normalize_resident_id(id_number_raw);
    SQLite::Statement exists(db, "SELECT 1 FROM graduates WHERE id_number = :id");
    exists.bind(":id", id);
    if (!exists.executeStep()) throw Error::not_found("graduate", mask_resident_id(id));
    SQLite::Statement q(
        db, std::string(kEventColumns) +
                "WHERE (subject_type = 'graduate' AND subject_id = :id) OR (subject_type = "
                "'invitation' AND subject_id IN (SELECT CAST(i.id AS TEXT) FROM invitations i "
                "JOIN graduates g ON g.id = i.graduate_id WHERE g.id_number = :id)) OR "
                "(subject_type = 'registration' AND subject_id IN (SELECT CAST(r.id AS TEXT) "
                "FROM registrations r JOIN graduates g ON g.id = r.graduate_id WHERE "
                "g.id_number = :id)) OR (subject_type = 'termination' AND subject_id IN (SELECT "
                "CAST(t.id AS TEXT) FROM terminations t LEFT JOIN invitations i ON i.id = "
                "t.invitation_id LEFT JOIN registrations r ON r.id = t.registration_id JOIN "
                "graduates g ON g.id = coalesce(i.graduate_id, r.graduate_id) WHERE g.id_number "
                "= :id)) ORDER BY id");
    q.bind(":id", id);
    return read_events(q);
  });
}

std::vector<EventRecord> history_of_employer(Store& store, const std::string& code_raw) {
  return with_storage_errors([&] {
    auto& db = database(store);
    std::string code = normalize_credit_code(code_raw);
    SQLite::Statement exists(db, "SELECT 1 FROM employers WHERE credit_code = :c");
    exists.bind(":c", code);
    if (!exists.executeStep()) throw Error::not_found("employer", code);
    SQLite::Statement q(
        db, std::string(kEventColumns) +
                "WHERE (subject_type = 'employer' AND subject_id = :c) OR (subject_type = "
                "'employer_user' AND subject_id IN (SELECT CAST(id AS TEXT) FROM employer_users "
                "WHERE credit_code = :c)) OR (subject_type = "
                "'invitation' AND subject_id IN (SELECT CAST(id AS TEXT) FROM invitations WHERE "
                "employer_code = :c)) OR (subject_type = 'termination' AND subject_id IN (SELECT "
                "CAST(t.id AS TEXT) FROM terminations t JOIN invitations i ON i.id = "
                "t.invitation_id WHERE i.employer_code = :c)) ORDER BY id");
    q.bind(":c", code);
    return read_events(q);
  });
}

std::vector<EventRecord> history_of_termination(Store& store, std::int64_t termination_id) {
  return with_storage_errors([&] {
    auto& db = database(store);
    SQLite::Statement exists(db, "SELECT 1 FROM terminations WHERE id = :id");
    exists.bind(":id", termination_id);
    if (!exists.executeStep()) {
      throw Error::not_found("termination", "T" + std::to_string(termination_id));
    }
    SQLite::Statement q(db, std::string(kEventColumns) +
                                "WHERE subject_type = 'termination' AND subject_id = :id ORDER "
                                "BY id");
    q.bind(":id", std::to_string(termination_id));
    return read_events(q);
  });
}

std::vector<EventRecord> history_of_registration(Store& store, std::int64_t registration_id) {
  return with_storage_errors([&] {
    auto& db = database(store);
    SQLite::Statement exists(db, "SELECT 1 FROM registrations WHERE id = :id");
    exists.bind(":id", registration_id);
    if (!exists.executeStep()) {
      throw Error::not_found("registration", "R" + std::to_string(registration_id));
    }
    // The registration and its offline terminations.
    SQLite::Statement q(db, std::string(kEventColumns) +
                                "WHERE (subject_type = 'registration' AND subject_id = :id) OR "
                                "(subject_type = 'termination' AND subject_id IN (SELECT "
                                "CAST(id AS TEXT) FROM terminations WHERE registration_id = "
                                "CAST(:id AS INTEGER))) ORDER BY id");
    q.bind(":id", std::to_string(registration_id));
    return read_events(q);
  });
}

}  // namespace ncss
