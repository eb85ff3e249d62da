// Recording events and notifications inside a use case's transaction.
#pragma once

#include <SQLiteCpp/SQLiteCpp.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "ncss/audit.hpp"

namespace ncss {

// Prepares its statements once; use one per transaction and call it in loops.
class AuditWriter {
 public:
  AuditWriter(SQLite::Database& db, const Actor& actor);
  std::int64_t event(const std::string& action, const std::string& subject_type,
                     const std::string& subject_id, const std::string& reason = "",
                     const nlohmann::json& details = nlohmann::json::object());
  void notify(std::int64_t event_id, const Notification& n);
  // The events' time, in the stored form (format_utc of the actor's now).
  const std::string& at() const { return at_; }

 private:
  SQLite::Database& db_;
  const Actor& actor_;
  std::string at_;
  SQLite::Statement insert_event_;
  SQLite::Statement insert_outbox_;
};

// The events a statement selects, with the columns id, at, actor, action, subject_type,
// subject_id, reason ('' for none) and details, in that order.
std::vector<EventRecord> read_events(SQLite::Statement& q);

}  // namespace ncss
