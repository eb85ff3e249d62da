// Recording events and notifications inside a use case's transaction.
#pragma once

#include <SQLiteCpp/SQLiteCpp.h>

#include <cstdint>
#include <memory>
#include <string>

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

  // Refuses (Error::refused) an action dated before `last_change`, the stored time `what` (say
  // "invitation 7") last changed: a record's history runs forward, so a command run at an earlier
  // time than the record's latest event would write a response before the issue it answers.
  void require_not_before(const std::string& last_change, const std::string& what) const;

 private:
  SQLite::Database& db_;
  const Actor& actor_;
  std::string at_;
  SQLite::Statement insert_event_;
  SQLite::Statement insert_outbox_;
};

}  // namespace ncss
