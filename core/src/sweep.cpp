#include "ncss/sweep.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "ncss/signing_state.hpp"
#include "store_impl.hpp"

namespace ncss {

namespace {

// The overdue set; the partial index invitations_overdue serves it.
const char* const kOverdue = "state = 'awaiting_graduate' AND deadline < :now";

// Page cache for the sweep's transaction. Expiring 100,000 invitations of a million dirties about
// 100,000 pages (every invitations page holding one, three of its indexes at random places, the
// new events and notifications); with SQLite's default 2 MiB they are written to the WAL early
// and read back again and again. Memory is taken only as pages are used: a sweep of a few dozen
// invitations stays at a few MiB, the 100,000 of tests/bench/sweep_issue.sh reach about 270 MiB.
constexpr int kSweepCacheKib = 256 * 1024;

void sort_by_id(std::vector<SweepItem>& items) {
  std::sort(items.begin(), items.end(), [](const SweepItem& a, const SweepItem& b) {
    return a.invitation_id < b.invitation_id;
  });
}

// What would expire, for a dry run. No ORDER BY in the query: with one, SQLite reads the whole
// table in id order rather than the partial index, so the rows are sorted here.
std::vector<SweepItem> overdue_in(SQLite::Database& db, const std::string& now) {
  SQLite::Statement q(
      db, std::string("SELECT id, employer_code, deadline FROM invitations WHERE ") + kOverdue);
  q.bind(":now", now);
  std::vector<SweepItem> out;
  while (q.executeStep()) {
    out.push_back(
        {q.getColumn(0).getInt64(), q.getColumn(1).getString(), q.getColumn(2).getString()});
  }
  sort_by_id(out);
  return out;
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

SweepReport sweep_expired(Store& store, const Actor& actor, bool dry_run) {
  return with_storage_errors([&] {
    auto& db = database(store);
    const std::string now = format_utc(actor.now);
    // The state machine decides what expiry means; the SQL below applies it to the whole set.
    SigningTransition t = require_transition(SigningState::AwaitingGraduate, SigningEvent::Expire);
    const std::string from(signing_state_name(SigningState::AwaitingGraduate));
    const std::string to(signing_state_name(t.next));
    const std::string fail(fail_reason_name(t.reason));
    const std::string event_name(signing_event_name(SigningEvent::Expire));
    const std::string reason = "应约截止时间已过 (deadline passed)";

    SweepReport report;
    if (dry_run) {
      report.expired = overdue_in(db, now);
      return report;
    }
    PageCache cache(db, kSweepCacheKib);
    // IMMEDIATE: a second sweep waits (busy timeout) and then finds nothing left to expire.
    SQLite::Transaction tx(db, SQLite::TransactionBehavior::IMMEDIATE);
    std::int64_t last_event = db.execAndGet("SELECT coalesce(max(id), 0) FROM events").getInt64();

    // One event per overdue invitation, in id order. INDEXED BY: given ORDER BY id, SQLite
    // would rather read every invitation in id order than sort what the partial index finds
    // (a million rows read for 100,000 overdue, and for none at all on a quiet cron run).
    SQLite::Statement events(
        db, std::string("INSERT INTO events (at, actor, action, subject_type, subject_id, reason, "
                        "details) SELECT :at, :actor, :action, 'invitation', CAST(id AS TEXT), "
                        ":reason, json_object('from', :from, 'to', :to, 'reason', :reason, "
                        "'note', '', 'fail_reason', :fail, 'deadline', deadline) FROM "
                        "invitations INDEXED BY invitations_overdue WHERE ") +
                kOverdue + " ORDER BY id");
    events.bind(":at", now);
    events.bind(":actor", actor.name);
    events.bind(":action", "invitation." + event_name);
    events.bind(":reason", reason);
    events.bind(":from", from);
    events.bind(":to", to);
    events.bind(":fail", fail);
    events.bind(":now", now);
    const int expired = events.exec();
    if (expired == 0) return report;

    // One notification per recipient kind for each new event; the payload is the one
    // apply_signing_event writes.
    const std::string kPayload =
        "json_object('invitation_id', i.id, 'employer_code', i.employer_code, 'graduate_name', "
        "g.name, 'event', :event, 'state', :to, 'state_name', :state_name, 'reason', :reason, "
        "'fail_reason', :fail, 'fail_reason_name', :fail_name)";
    // Both recipients in one pass over the new events.
    SQLite::Statement outbox(
        db,
        "INSERT INTO outbox (event_id, created_at, channel, recipient_type, recipient_id, "
        "template, payload) SELECT e.id, :at, 'sms', r.kind, CASE r.kind WHEN 'employer' THEN "
        "i.employer_code ELSE g.id_number END, :template, " +
            kPayload +
            " FROM events e JOIN invitations i ON i.id = CAST(e.subject_id AS INTEGER) JOIN "
            "graduates g ON g.id = i.graduate_id CROSS JOIN (SELECT 'employer' AS kind UNION ALL "
            "SELECT 'graduate') r WHERE e.id > :last ORDER BY e.id, r.kind");
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

    // OR FAIL: inside a transaction, a statement that may abort must be able to undo itself
    // alone, so SQLite first copies every page it is about to change into a statement journal
    // (for 100,000 invitations some 60,000 pages, 250 MB written to a temporary file). FAIL
    // stops at an error without undoing the statement; the error then rolls back the whole
    // transaction, which is all the sweep needs. RETURNING gives the report in the same pass.
    SQLite::Statement update(db, std::string("UPDATE OR FAIL invitations SET state = :to, "
                                             "fail_reason = :fail, updated_at = :at WHERE ") +
                                     kOverdue + " RETURNING id, employer_code, deadline");
    update.bind(":to", to);
    update.bind(":fail", fail);
    update.bind(":at", now);
    update.bind(":now", now);
    while (update.executeStep()) {
      report.expired.push_back({update.getColumn(0).getInt64(), update.getColumn(1).getString(),
                                update.getColumn(2).getString()});
    }
    if (report.expired.size() != static_cast<std::size_t>(expired)) {
      throw Error::internal("the overdue set changed inside the sweep's transaction");
    }
    sort_by_id(report.expired);
    tx.commit();
    report.written = true;
    return report;
  });
}

}  // namespace ncss
