// 身份认证: an employer proves who it is before it may sign, in one of the two ways the guides
// describe. Remittance (对公账号汇款认证): the platform remits a small random amount to the
// corporate account and the employer types it back, with 3 tries. Materials (上传材料认证): a
// licence and a signed authorisation are uploaded and platform staff approve or reject them.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ncss/audit.hpp"
#include "ncss/store.hpp"
#include "ncss/upload.hpp"

namespace ncss {

constexpr int kMaxAmountTries = 3;

// The state machine of one attempt, as pure code.
enum class AttemptState { AwaitingAmount, Locked, Pending, Verified, Rejected, Superseded };
enum class AttemptEvent {
  RightAmount,      // the employer typed the remitted amount
  WrongAmount,      // a wrong amount, tries left
  LastWrongAmount,  // the wrong amount that uses the last try
  Approve,          // staff approve the materials
  Reject,           // staff reject the materials
  Restart,          // the employer starts a new attempt
};
// The state an attempt moves to, or nullopt when the event is not allowed in `from`.
std::optional<AttemptState> next_attempt_state(AttemptState from, AttemptEvent event);
std::string_view attempt_state_name(AttemptState s);   // awaiting_amount, locked, ...
std::string_view attempt_state_label(AttemptState s);  // 等待填写汇款金额, ...
AttemptState parse_attempt_state(std::string_view name);

struct AttemptFile {
  std::string role;  // licence, authorisation, extra
  UploadedFile file;
};

struct VerificationAttempt {
  std::int64_t id = 0;
  std::string credit_code;
  std::string method;  // remittance, materials
  AttemptState state = AttemptState::Pending;
  std::string account;  // in full; mask_account for people
  std::string bank;
  std::optional<int> amount_fen;  // only when revealed
  int wrong_tries = 0;
  std::string reason;
  std::string decided_by;
  std::string decided_at;  // UTC stored form, or empty
  std::string created_at;
  std::vector<AttemptFile> files;
};

struct EmployerVerification {
  std::string credit_code;
  std::string employer_name;
  std::string verification;                   // unverified, pending, verified, rejected
  std::string verified_at;                    // UTC stored form, or empty
  std::vector<VerificationAttempt> attempts;  // oldest first; the last one counts
};

// 1100*****4454: the first and last four characters, as the guide shows an account.
std::string mask_account(std::string_view account);
// "1.78" → 178, "1.7" → 170, "2" → 200. Refuses (InvalidInput) anything else, and amounts
// outside 0.01–9.99.
int parse_amount_fen(std::string_view text);
std::string format_amount(int fen);  // 178 → "1.78"

struct RemittanceRequest {
  std::string credit_code;
  std::string account;
  std::string bank;
  std::filesystem::path authorisation;
};
// Records an attempt awaiting the amount with a random amount of 0.01–9.99, stores the
// authorisation, marks the employer pending and queues the employer_remittance_sent SMS. An
// earlier open attempt is superseded. Refuses (InvalidTransition) a verified employer and an
// account other than the one submitted before.
VerificationAttempt start_remittance(Store& store, const RemittanceRequest& request,
                                     const Actor& actor);
// Right amount: the employer is verified. Wrong: the try is counted and committed, then refused
// (InvalidTransition) with the count; the third wrong try locks the attempt.
VerificationAttempt confirm_remittance(Store& store, const std::string& credit_code, int amount_fen,
                                       const Actor& actor);

struct MaterialsRequest {
  std::string credit_code;
  std::filesystem::path licence;
  std::filesystem::path authorisation;
  std::vector<std::filesystem::path> extras;
};
VerificationAttempt submit_materials(Store& store, const MaterialsRequest& request,
                                     const Actor& actor);
// Staff decisions on a pending materials attempt; refused (InvalidTransition) without one.
VerificationAttempt approve_materials(Store& store, const std::string& credit_code,
                                      const Actor& actor);
VerificationAttempt reject_materials(Store& store, const std::string& credit_code,
                                     const std::string& reason, const Actor& actor);

// The employer's verification and its attempts. With reveal_amount the latest remittance
// amount is included and the reveal recorded as an event.
EmployerVerification show_verification(Store& store, const std::string& credit_code,
                                       bool reveal_amount, const Actor& actor);

}  // namespace ncss
