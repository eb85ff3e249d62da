#include "ncss/sweep.hpp"

#include <nlohmann/json.hpp>

#include "ncss/signing_state.hpp"
#include "signing_impl.hpp"
#include "store_impl.hpp"

namespace ncss {

namespace {

// The overdue set; the partial index invitations_overdue serves it.
const char* const kOverdue = "state = 'awaiting_graduate' AND deadline < :now";

// The overdue set in the order it fell due. The partial index holds the invitations awaiting the
// graduate ordered by deadline and then id, so reading it in that order needs no sort: with
// ORDER BY id, SQLite sorts every overdue invitation in memory first (2,000,000 at national
// scale, tests/bench/national.sh), or reads the whole table in id order. INDEXED BY pins it.
const std::string kOverdueInOrder =
    std::string(" FROM invitations INDEXED BY invitations_overdue WHERE ") + kOverdue +
    " ORDER BY deadline, id";

void emit(SQLite::Statement& q, const SweepSink& sink) {
  while (q.executeStep()) {
    sink.item({q.getColumn(0).getInt64(), q.getColumn(1).getString(), q.getColumn(2).getString()});
  }
}

// Page cache for the sweep's transaction. Expiring 100,000 invitations of a million dirties about
// 100,000 pages (every invitations page holding one, three of its indexes at random places, the
// new events and notifications); with SQLite's default 2 MiB they are written to the WAL early
// and read back again and again. Memory is taken only as pages are used: a sweep of a few dozen
// invitations stays at a few MiB; larger ones stop at this bound, whatever their size.
constexpr int kSweepCacheKib = 256 * 1024;

// A dry run: what would expire, counted and listed from one snapshot.
SweepReport would_expire(SQLite::Database& db, const std::string& now, const SweepSink& sink) {
  SQLite::Transaction snapshot(db, SQLite::TransactionBehavior::DEFERRED);
  SQLite::Statement count(
      db, std::string("SELECT count(*) FROM invitations INDEXED BY invitations_overdue WHERE ") +
              kOverdue);
  count.bind(":now", now);
  count.executeStep();
  SweepReport report;
  report.expired = count.getColumn(0).getInt64();
  if (sink.count) sink.count(report.expired);
  if (sink.item && report.expired > 0) {
    SQLite::Statement q(db, "SELECT id, employer_code, deadline" + kOverdueInOrder);
    q.bind(":now", now);
    emit(q, sink);
  }
  return report;  // the snapshot ends as it goes out of scope: nothing was written
}

// Sets the connection's page cache for one transaction and puts the previous size back.
class PageCache {
 public:
  PageCache(SQLite::Database& db, int kib)
      : db_(db), previous_(db.execAndGet("PRAGMA cache_size").getInt()) {
    db_.exec("PRAGMA cache_size = " + std::to_string(-kib));
  }
  ~PageCache() {
    try {
      db_.exec("PRAGMA cache_size = " + std::to_string(previous_));
    } catch (const SQLite::Exception&) {  // only a size: never worth an error of its own
    }
  }
  PageCache(const PageCache&) = delete;
  PageCache& operator=(const PageCache&) = delete;

 private:
  SQLite::Database& db_;
  int previous_;
};

}  // namespace

SweepReport sweep_expired(Store& store, const Actor& actor, bool dry_run, const SweepSink& sink) {
  return with_storage_errors([&] {
    auto& db = database(store);
    const std::string now = format_utc(actor.now);
    // The state machine decides what expiry means; the SQL below applies it to the whole set.
    SigningTransition t = require_transition(SigningState::AwaitingGraduate, SigningEvent::Expire);
    const std::string from(signing_state_name(SigningState::AwaitingGraduate));
    const std::string to(signing_state_name(t.next));
    const std::string fail(fail_reason_name(t.reason));
    const std::string event_name(signing_event_name(SigningEvent::Expire));
    const std::string reason = kDeadlinePassedReason;

    if (dry_run) return would_expire(db, now, sink);

    SweepReport report;
    std::int64_t last_event = 0, end_event = 0;
    {
      PageCache cache(db, kSweepCacheKib);
      // IMMEDIATE: a second sweep waits (busy timeout) and then finds nothing left to expire.
      SQLite::Transaction tx(db, SQLite::TransactionBehavior::IMMEDIATE);
      last_event = db.execAndGet("SELECT coalesce(max(id), 0) FROM events").getInt64();

      // One event per overdue invitation, in the order they fell due.
      SQLite::Statement events(
          db,
          "INSERT INTO events (at, actor, action, subject_type, subject_id, reason, details) "
          "SELECT :at, :actor, :action, 'invitation', CAST(id AS TEXT), :reason, "
          "json_object('from', :from, 'to', :to, 'reason', :reason, 'note', '', "
          "'fail_reason', :fail, 'deadline', deadline)" +
              kOverdueInOrder);
      events.bind(":at", now);
      events.bind(":actor", actor.name);
      events.bind(":action", "invitation." + event_name);
      events.bind(":reason", reason);
      events.bind(":from", from);
      events.bind(":to", to);
      events.bind(":fail", fail);
      events.bind(":now", now);
      report.expired = events.exec();
      if (report.expired > 0) {
        end_event = db.execAndGet("SELECT max(id) FROM events").getInt64();

        // One notification per recipient kind for each new event; the payload is the one
        // apply_signing_event writes.
        const std::string kPayload =
            "json_object('invitation_id', i.id, 'employer_code', i.employer_code, "
            "'graduate_name', g.name, 'event', :event, 'state', :to, 'state_name', :state_name, "
            "'reason', :reason, 'fail_reason', :fail, 'fail_reason_name', :fail_name)";
        // Both recipients in one pass over the new events.
        SQLite::Statement outbox(
            db,
            "INSERT INTO outbox (event_id, created_at, channel, recipient_type, recipient_id, "
            "template, payload) SELECT e.id, :at, 'sms', r.kind, CASE r.kind WHEN 'employer' "
            "THEN i.employer_code ELSE g.id_number END, :template, " +
                kPayload +
                " FROM events e JOIN invitations i ON i.id = CAST(e.subject_id AS INTEGER) JOIN "
                "graduates g ON g.id = i.graduate_id CROSS JOIN (SELECT 'employer' AS kind "
                "UNION ALL SELECT 'graduate') r WHERE e.id > :last ORDER BY e.id, r.kind");
        outbox.bind(":at", now);
        outbox.bind(":template", "invitation_" + event_name);
        outbox.bind(":event", event_name);
        outbox.bind(":to", to);
        outbox.bind(":state_name", std::string(signing_state_label(t.next)));
        outbox.bind(":reason", reason);
        outbox.bind(":fail", fail);
        outbox.bind(":fail_name", std::string(fail_reason_label(t.reason)));
        outbox.bind(":last", last_event);
        outbox.exec();

        // OR FAIL: inside a transaction, a statement that may abort must be able to undo
        // itself alone, so SQLite first copies every page it is about to change into a
        // statement journal (for 100,000 invitations some 60,000 pages, 250 MB written to a
        // temporary file). FAIL stops at an error without undoing the statement; the error
        // then rolls back the whole transaction, which is all the sweep needs. No RETURNING:
        // SQLite would hold every returned row in memory; the new events say what expired.
        SQLite::Statement update(db, std::string("UPDATE OR FAIL invitations SET state = :to, "
                                                 "fail_reason = :fail, updated_at = :at WHERE ") +
                                         kOverdue);
        update.bind(":to", to);
        update.bind(":fail", fail);
        update.bind(":at", now);
        update.bind(":now", now);
        if (update.exec() != report.expired) {
          throw Error::internal("the overdue set changed inside the sweep's transaction");
        }
        tx.commit();
        report.written = true;
      }
    }
    if (sink.count) sink.count(report.expired);
    if (sink.item && report.written) {
      // Read back from the events just committed, in the order they were written. Invitations
      // never change their id, employer or deadline, so a later writer cannot alter the list.
      SQLite::Statement q(db,
                          "SELECT i.id, i.employer_code, i.deadline FROM events e JOIN "
                          "invitations i ON i.id = CAST(e.subject_id AS INTEGER) WHERE e.id > "
                          ":last AND e.id <= :end ORDER BY e.id");
      q.bind(":last", last_event);
      q.bind(":end", end_event);
      emit(q, sink);
    }
    return report;
  });
}

}  // namespace ncss
