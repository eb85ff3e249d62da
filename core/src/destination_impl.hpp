// DOMAIN.md "Other registrations": a graduate has at most one live destination at a time across
// online signings, paper agreements, offline agreements and other destinations. Every command
// that would create or accept a destination asks here first, inside its own transaction.
#pragma once

#include <SQLiteCpp/SQLiteCpp.h>

#include <cstdint>
#include <optional>
#include <string>

namespace ncss {

// Live: an invitation awaiting review, signed or terminating; a registration pending, returned,
// awaiting its scan, in scan review, or approved.
struct LiveDestination {
  std::string kind;  // "invitation" or "registration"
  std::int64_t id = 0;
  std::string state;  // machine name
  std::string
      description;  // "invitation 12 (已签约)", "registration R3 (已签纸质就业协议登记, 待审核)"
  std::string way_out;  // how it ends, by the state it is in: "the school voids it (void 12) ..."
};

// The graduate's live destination, leaving out the invitation or registration being acted on
// (0: none left out).
std::optional<LiveDestination> live_destination(SQLite::Database& db, std::int64_t graduate_id,
                                                std::int64_t except_invitation = 0,
                                                std::int64_t except_registration = 0);

// "the graduate 110105********002X already has a live destination: <description>; to move on,
// the graduate voids or terminates it first" — the message every refusal of the rule gives.
std::string live_destination_message(const std::string& id_number, const LiveDestination& live);

// Words of a registration kind and state, as the platform shows them.
std::string registration_kind_label(const std::string& kind);
std::string registration_state_label(const std::string& state);

}  // namespace ncss
