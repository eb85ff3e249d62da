// The audit trail and the notification outbox. Every write of a use case records an event in the
// same transaction; events the platform would message someone about also queue a notification.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "ncss/store.hpp"
#include "ncss/time.hpp"

namespace ncss {

// Who acts and when: taken by every use case that writes.
struct Actor {
  std::string name;
  Timestamp now;
};

struct EventRecord {
  std::int64_t id = 0;
  std::string at;  // UTC, stored form
  std::string actor;
  std::string action;
  std::string subject_type;
  std::string subject_id;
  std::string reason;
  nlohmann::json details = nlohmann::json::object();
};

struct Notification {
  std::string channel = "sms";
  std::string recipient_type;  // graduate, employer, school
  std::string recipient_id;
  std::string template_name;
  nlohmann::json payload = nlohmann::json::object();
};

// Records one event in its own transaction (for acts that change nothing else, such as showing
// unmasked personal data).
std::int64_t record_event(Store& store, const Actor& actor, const std::string& action,
                          const std::string& subject_type, const std::string& subject_id,
                          const std::string& reason = "",
                          const nlohmann::json& details = nlohmann::json::object());

// Throws (storage: read-only, busy past the timeout) unless an event could be written now: takes
// the write lock and lets it go, writing nothing. For what must not be shown unless its event can
// be recorded afterwards (--unmask).
void check_events_writable(Store& store);

// Lists events, newest last; empty filters match everything.
std::vector<EventRecord> list_events(Store& store, const std::string& subject_type = "",
                                     const std::string& subject_id = "");

}  // namespace ncss
