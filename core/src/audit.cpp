#include "audit_impl.hpp"
#include "store_impl.hpp"

namespace ncss {

AuditWriter::AuditWriter(SQLite::Database& db, const Actor& actor)
    : db_(db),
      actor_(actor),
      at_(format_utc(actor.now)),
      insert_event_(db,
                    "INSERT INTO events (at, actor, action, subject_type, subject_id, reason, "
                    "details) VALUES (:at, :actor, :action, :type, :id, :reason, :details)"),
      insert_outbox_(db,
                     "INSERT INTO outbox (event_id, created_at, channel, recipient_type, "
                     "recipient_id, template, payload) VALUES (:event, :at, :channel, :rtype, "
                     ":rid, :template, :payload)") {}

std::int64_t AuditWriter::event(const std::string& action, const std::string& subject_type,
                                const std::string& subject_id, const std::string& reason,
                                const nlohmann::json& details) {
  insert_event_.reset();
  insert_event_.bind(":at", at_);
  insert_event_.bind(":actor", actor_.name);
  insert_event_.bind(":action", action);
  insert_event_.bind(":type", subject_type);
  insert_event_.bind(":id", subject_id);
  if (reason.empty()) {
    insert_event_.bind(":reason");
  } else {
    insert_event_.bind(":reason", reason);
  }
  insert_event_.bind(":details", details.dump());
  insert_event_.exec();
  return db_.getLastInsertRowid();
}

void AuditWriter::notify(std::int64_t event_id, const Notification& n) {
  insert_outbox_.reset();
  insert_outbox_.bind(":event", static_cast<int64_t>(event_id));
  insert_outbox_.bind(":at", at_);
  insert_outbox_.bind(":channel", n.channel);
  insert_outbox_.bind(":rtype", n.recipient_type);
  insert_outbox_.bind(":rid", n.recipient_id);
  insert_outbox_.bind(":template", n.template_name);
  insert_outbox_.bind(":payload", n.payload.dump());
  insert_outbox_.exec();
}

void check_events_writable(Store& store) {
  with_storage_errors([&] {
    auto& db = database(store);
    // BEGIN IMMEDIATE takes the write lock (waiting up to the busy timeout) and fails on a
    // read-only file or directory; nothing is written and the lock is let go at once.
    SQLite::Transaction tx(db, SQLite::TransactionBehavior::IMMEDIATE);
  });  // rolled back as tx goes
}

std::int64_t record_event(Store& store, const Actor& actor, const std::string& action,
                          const std::string& subject_type, const std::string& subject_id,
                          const std::string& reason, const nlohmann::json& details) {
  return with_storage_errors([&] {
    auto& db = database(store);
    SQLite::Transaction tx(db, SQLite::TransactionBehavior::IMMEDIATE);
    AuditWriter audit(db, actor);
    auto id = audit.event(action, subject_type, subject_id, reason, details);
    tx.commit();
    return id;
  });
}

std::vector<EventRecord> read_events(SQLite::Statement& q) {
  std::vector<EventRecord> out;
  while (q.executeStep()) {
    EventRecord e;
    e.id = q.getColumn(0).getInt64();
    e.at = q.getColumn(1).getString();
    e.actor = q.getColumn(2).getString();
    e.action = q.getColumn(3).getString();
    e.subject_type = q.getColumn(4).getString();
    e.subject_id = q.getColumn(5).getString();
    e.reason = q.getColumn(6).getString();
    e.details = nlohmann::json::parse(q.getColumn(7).getString());
    out.push_back(std::move(e));
  }
  return out;
}

std::vector<EventRecord> list_events(Store& store, const std::string& subject_type,
                                     const std::string& subject_id) {
  return with_storage_errors([&] {
    SQLite::Statement q(database(store),
                        "SELECT id, at, actor, action, subject_type, subject_id, "
                        "coalesce(reason, ''), details FROM events "
                        "WHERE (:type = '' OR subject_type = :type) AND (:id = '' OR "
                        "subject_id = :id) ORDER BY id");
    q.bind(":type", subject_type);
    q.bind(":id", subject_id);
    return read_events(q);
  });
}

}  // namespace ncss
