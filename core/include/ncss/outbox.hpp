// The notification outbox: what an SMS or WeChat gateway drains.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "ncss/audit.hpp"
#include "ncss/store.hpp"

namespace ncss {

struct OutboxMessage {
  std::int64_t id = 0;
  std::int64_t event_id = 0;
  std::string created_at;
  std::string channel;
  std::string recipient_type;
  std::string recipient_id;
  std::string template_name;
  std::string payload;  // JSON
  std::string status;   // pending, sent, failed
  std::string sent_at;
};

// Messages in id order; an empty status lists all.
std::vector<OutboxMessage> list_outbox(Store& store, const std::string& status = "pending");
// Takes every pending message and, when mark_sent, marks exactly those sent in the same
// transaction: a gateway that exports with mark_sent gets each message once. `deliver` is given
// the messages (as marked) inside that transaction, before it commits: when it throws, nothing is
// marked and the exception propagates, so a message is marked sent only once it was delivered.
void take_outbox(Store& store, bool mark_sent, const Actor& actor,
                 const std::function<void(const std::vector<OutboxMessage>&)>& deliver);

// The audit trail of one invitation, of everything about a graduate (their record and their
// invitations) or of an employer (its record, verification, favourites, templates and
// invitations), oldest first.
std::vector<EventRecord> history_of_invitation(Store& store, std::int64_t invitation_id);
std::vector<EventRecord> history_of_graduate(Store& store, const std::string& id_number);
std::vector<EventRecord> history_of_employer(Store& store, const std::string& credit_code);
// A termination's events; a registration's, with its offline terminations'.
std::vector<EventRecord> history_of_termination(Store& store, std::int64_t termination_id);
std::vector<EventRecord> history_of_registration(Store& store, std::int64_t registration_id);

}  // namespace ncss
