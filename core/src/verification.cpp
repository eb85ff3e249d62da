#include "ncss/verification.hpp"

#include <openssl/rand.h>

#include <algorithm>
#include <array>
#include <cctype>

#include "audit_impl.hpp"
#include "ncss/identity.hpp"
#include "ncss/text.hpp"
#include "store_impl.hpp"
#include "upload_impl.hpp"

namespace ncss {

namespace {

struct StateInfo {
  AttemptState state;
  std::string_view name;
  std::string_view label;
};

constexpr std::array<StateInfo, 6> kStates = {{
    {AttemptState::AwaitingAmount, "awaiting_amount", "等待填写汇款金额"},
    {AttemptState::Locked, "locked", "已锁定"},
    {AttemptState::Pending, "pending", "待审核"},
    {AttemptState::Verified, "verified", "认证通过"},
    {AttemptState::Rejected, "rejected", "审核不通过"},
    {AttemptState::Superseded, "superseded", "已重新提交"},
}};

struct Transition {
  AttemptState from;
  AttemptEvent event;
  AttemptState to;
};

constexpr std::array<Transition, 9> kTransitions = {{
    {AttemptState::AwaitingAmount, AttemptEvent::RightAmount, AttemptState::Verified},
    {AttemptState::AwaitingAmount, AttemptEvent::WrongAmount, AttemptState::AwaitingAmount},
    {AttemptState::AwaitingAmount, AttemptEvent::LastWrongAmount, AttemptState::Locked},
    {AttemptState::AwaitingAmount, AttemptEvent::Restart, AttemptState::Superseded},
    {AttemptState::Locked, AttemptEvent::Restart, AttemptState::Superseded},
    {AttemptState::Pending, AttemptEvent::Approve, AttemptState::Verified},
    {AttemptState::Pending, AttemptEvent::Reject, AttemptState::Rejected},
    {AttemptState::Pending, AttemptEvent::Restart, AttemptState::Superseded},
    // A rejected attempt stays on file as it was: a resubmission is a new attempt.
    {AttemptState::Rejected, AttemptEvent::Restart, AttemptState::Rejected},
}};

struct EmployerRow {
  std::string credit_code;
  std::string name;
  std::string verification;
  std::string verified_at;
};

EmployerRow get_employer_row(SQLite::Database& db, const std::string& raw_code) {
  auto code = normalize_credit_code(raw_code);
  SQLite::Statement q(db,
                      "SELECT credit_code, name, verification, coalesce(verified_at, '') FROM "
                      "employers WHERE credit_code = :code");
  q.bind(":code", code);
  if (!q.executeStep()) {
    std::string why = check_credit_code(code).empty()
                          ? "register it first with `ncssctl employer register`"
                          : "it is not a valid unified social credit code";
    throw Error(ErrorCode::NotFound, "unknown employer '" + raw_code + "': " + why);
  }
  return {q.getColumn(0).getString(), q.getColumn(1).getString(), q.getColumn(2).getString(),
          q.getColumn(3).getString()};
}

std::vector<AttemptFile> load_files(SQLite::Database& db, std::int64_t attempt_id) {
  SQLite::Statement q(db,
                      "SELECT vf.role, f.id, f.name, f.media_type, f.size, f.sha256 FROM "
                      "verification_files vf JOIN files f ON f.id = vf.file_id WHERE "
                      "vf.verification_id = :id ORDER BY CASE vf.role WHEN 'licence' THEN 0 "
                      "WHEN 'authorisation' THEN 1 ELSE 2 END, f.id");
  q.bind(":id", static_cast<int64_t>(attempt_id));
  std::vector<AttemptFile> out;
  while (q.executeStep()) {
    out.push_back(
        {q.getColumn(0).getString(),
         {q.getColumn(1).getInt64(), q.getColumn(2).getString(), q.getColumn(3).getString(),
          q.getColumn(4).getInt64(), q.getColumn(5).getString()}});
  }
  return out;
}

constexpr const char* kAttemptColumns =
    "id, credit_code, method, status, coalesce(account, ''), coalesce(bank, ''), amount_fen, "
    "wrong_tries, coalesce(reason, ''), coalesce(decided_by, ''), coalesce(decided_at, ''), "
    "created_at";

// Reads an attempt; the amount only when asked for, so it never leaves by accident.
VerificationAttempt read_attempt(SQLite::Database& db, SQLite::Statement& q, bool with_amount) {
  VerificationAttempt a;
  a.id = q.getColumn(0).getInt64();
  a.credit_code = q.getColumn(1).getString();
  a.method = q.getColumn(2).getString();
  a.state = parse_attempt_state(q.getColumn(3).getString());
  a.account = q.getColumn(4).getString();
  a.bank = q.getColumn(5).getString();
  if (with_amount && !q.getColumn(6).isNull()) a.amount_fen = q.getColumn(6).getInt();
  a.wrong_tries = q.getColumn(7).getInt();
  a.reason = q.getColumn(8).getString();
  a.decided_by = q.getColumn(9).getString();
  a.decided_at = q.getColumn(10).getString();
  a.created_at = q.getColumn(11).getString();
  a.files = load_files(db, a.id);
  return a;
}

struct Latest {
  VerificationAttempt attempt;
  int amount_fen = 0;  // for remittance attempts
};

std::optional<Latest> latest_attempt(SQLite::Database& db, const std::string& code) {
  SQLite::Statement q(db, std::string("SELECT ") + kAttemptColumns +
                              " FROM verifications WHERE credit_code = :code ORDER BY id DESC "
                              "LIMIT 1");
  q.bind(":code", code);
  if (!q.executeStep()) return std::nullopt;
  Latest l{read_attempt(db, q, true)};
  l.amount_fen = l.attempt.amount_fen.value_or(0);
  l.attempt.amount_fen.reset();
  return l;
}

VerificationAttempt get_attempt(SQLite::Database& db, std::int64_t id) {
  SQLite::Statement q(
      db, std::string("SELECT ") + kAttemptColumns + " FROM verifications WHERE id = :id");
  q.bind(":id", static_cast<int64_t>(id));
  if (!q.executeStep()) throw Error::internal("verification attempt vanished");
  return read_attempt(db, q, false);
}

void set_attempt_state(SQLite::Database& db, std::int64_t id, AttemptState s) {
  SQLite::Statement u(db, "UPDATE verifications SET status = :status WHERE id = :id");
  u.bind(":status", std::string(attempt_state_name(s)));
  u.bind(":id", static_cast<int64_t>(id));
  u.exec();
}

void set_employer_verification(SQLite::Database& db, const std::string& code,
                               const std::string& verification, const Actor& actor) {
  SQLite::Statement u(db,
                      "UPDATE employers SET verification = :v, verified_at = CASE WHEN :v = "
                      "'verified' THEN :at ELSE NULL END, updated_at = :at WHERE credit_code = "
                      ":code");
  u.bind(":v", verification);
  u.bind(":at", format_utc(actor.now));
  u.bind(":code", code);
  u.exec();
}

void refuse_if_verified(const EmployerRow& e) {
  if (e.verification == "verified") {
    throw Error::invalid_transition("employer " + e.credit_code + " " + e.name +
                                    " is already verified");
  }
}

// Moves the latest open attempt aside for a new one; returns its id, or 0.
std::int64_t supersede_latest(SQLite::Database& db, const std::string& code) {
  auto latest = latest_attempt(db, code);
  if (!latest) return 0;
  auto to = next_attempt_state(latest->attempt.state, AttemptEvent::Restart);
  if (!to) {
    throw Error::invalid_transition("the latest verification attempt is " +
                                    std::string(attempt_state_name(latest->attempt.state)));
  }
  if (*to == latest->attempt.state) return 0;
  set_attempt_state(db, latest->attempt.id, *to);
  return latest->attempt.id;
}

std::string normalize_account(std::string_view raw) {
  std::string out;
  for (char c : raw) {
    if (c == ' ' || c == '-') continue;
    out += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return out;
}

int random_amount_fen() {
  // Uniform over 1..999 by rejection: 65535 - 65535 % 999 values are kept.
  constexpr unsigned kLimit = 65536u - 65536u % 999u;
  for (;;) {
    unsigned char b[2];
    if (RAND_bytes(b, 2) != 1) throw Error::internal("the random number generator failed");
    unsigned v = (static_cast<unsigned>(b[0]) << 8) | b[1];
    if (v < kLimit) return static_cast<int>(1 + v % 999);
  }
}

std::int64_t insert_attempt(SQLite::Database& db, const std::string& code,
                            const std::string& method, AttemptState state,
                            const std::string& account, const std::string& bank, int amount_fen,
                            const Actor& actor) {
  SQLite::Statement ins(db,
                        "INSERT INTO verifications (credit_code, method, status, account, bank, "
                        "amount_fen, created_at) VALUES (:code, :method, :status, "
                        "nullif(:account, ''), nullif(:bank, ''), nullif(:amount, 0), :at)");
  ins.bind(":code", code);
  ins.bind(":method", method);
  ins.bind(":status", std::string(attempt_state_name(state)));
  ins.bind(":account", account);
  ins.bind(":bank", bank);
  ins.bind(":amount", amount_fen);
  ins.bind(":at", format_utc(actor.now));
  ins.exec();
  return db.getLastInsertRowid();
}

nlohmann::json attach_file(SQLite::Database& db, std::int64_t attempt_id, const std::string& role,
                           const std::filesystem::path& path, const Actor& actor) {
  auto f = insert_upload_file(db, path, actor);
  SQLite::Statement ins(db,
                        "INSERT INTO verification_files (verification_id, role, file_id) VALUES "
                        "(:attempt, :role, :file)");
  ins.bind(":attempt", static_cast<int64_t>(attempt_id));
  ins.bind(":role", role);
  ins.bind(":file", static_cast<int64_t>(f.id));
  ins.exec();
  return {
      {"role", role}, {"file_id", f.id}, {"name", f.name}, {"size", f.size}, {"sha256", f.sha256}};
}

Notification employer_sms(const std::string& code, const std::string& template_name,
                          nlohmann::json payload) {
  Notification n;
  n.recipient_type = "employer";
  n.recipient_id = code;
  n.template_name = template_name;
  n.payload = std::move(payload);
  return n;
}

}  // namespace

std::optional<AttemptState> next_attempt_state(AttemptState from, AttemptEvent event) {
  for (const auto& t : kTransitions) {
    if (t.from == from && t.event == event) return t.to;
  }
  return std::nullopt;
}

std::string_view attempt_state_name(AttemptState s) {
  for (const auto& i : kStates) {
    if (i.state == s) return i.name;
  }
  return "";
}

std::string_view attempt_state_label(AttemptState s) {
  for (const auto& i : kStates) {
    if (i.state == s) return i.label;
  }
  return "";
}

AttemptState parse_attempt_state(std::string_view name) {
  for (const auto& i : kStates) {
    if (i.name == name) return i.state;
  }
  throw Error::internal("unknown verification state '" + std::string(name) + "'");
}

std::string mask_account(std::string_view account) {
  if (account.size() <= 8) {
    auto keep = account.size() > 4 ? 4 : 0;
    return std::string(account.size() - keep, '*') +
           std::string(account.substr(account.size() - keep));
  }
  return std::string(account.substr(0, 4)) + "*****" +
         std::string(account.substr(account.size() - 4));
}

int parse_amount_fen(std::string_view raw) {
  std::string_view text = raw;
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  auto bad = [&raw](const std::string& why) {
    return Error::invalid_input("amount '" + std::string(raw) + "' " + why +
                                "; type the amount received, such as 1.78");
  };
  auto dot = text.find('.');
  auto whole = text.substr(0, dot);
  auto frac = dot == std::string_view::npos ? std::string_view() : text.substr(dot + 1);
  auto digits = [](std::string_view s) {
    return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
  };
  if (whole.empty() || !digits(whole) || !digits(frac) ||
      (dot != std::string_view::npos && frac.empty())) {
    throw bad("is not an amount in yuan");
  }
  if (frac.size() > 2) throw bad("has more than two decimal places");
  while (whole.size() > 1 && whole.front() == '0') whole.remove_prefix(1);
  if (whole.size() > 1) throw bad("is out of range: the remittance is between 0.01 and 9.99");
  int yuan = whole.front() - '0';
  int fen = yuan * 100;
  if (frac.size() >= 1) fen += (frac[0] - '0') * 10;
  if (frac.size() == 2) fen += frac[1] - '0';
  if (fen < 1 || fen > 999) {
    throw bad("is out of range: the remittance is between 0.01 and 9.99");
  }
  return fen;
}

std::string format_amount(int fen) {
  std::string cents = std::to_string(fen % 100);
  if (cents.size() == 1) cents = "0" + cents;
  return std::to_string(fen / 100) + "." + cents;
}

VerificationAttempt start_remittance(Store& store, const RemittanceRequest& request,
                                     const Actor& actor) {
  checked_text(request.account, "the account (对公账号, --account)", TextLines::Single);
  checked_text(request.bank, "the bank (开户银行, --bank)", TextLines::Single);
  auto account = normalize_account(request.account);
  if (account.size() < 8 || account.size() > 32 ||
      !std::all_of(account.begin(), account.end(),
                   [](char c) { return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z'); })) {
    throw Error::invalid_input("account '" + request.account +
                               "' is not a corporate account number (8 to 32 digits or letters)");
  }
  if (request.bank.empty()) throw Error::invalid_input("the bank (开户银行) must not be empty");
  return with_storage_errors([&] {
    auto& db = database(store);
    SQLite::Transaction tx(db, SQLite::TransactionBehavior::IMMEDIATE);
    auto e = get_employer_row(db, request.credit_code);
    refuse_if_verified(e);
    SQLite::Statement on_file(db,
                              "SELECT account FROM verifications WHERE credit_code = :code AND "
                              "method = 'remittance' AND account IS NOT NULL ORDER BY id LIMIT 1");
    on_file.bind(":code", e.credit_code);
    if (on_file.executeStep() && on_file.getColumn(0).getString() != account) {
      throw Error::invalid_transition(
          "the corporate account cannot be changed once submitted: the account on file is " +
          mask_account(on_file.getColumn(0).getString()) +
          "; to use another, verify with materials (employer verify materials)");
    }
    auto superseded = supersede_latest(db, e.credit_code);
    auto id = insert_attempt(db, e.credit_code, "remittance", AttemptState::AwaitingAmount, account,
                             request.bank, random_amount_fen(), actor);
    auto file = attach_file(db, id, "authorisation", request.authorisation, actor);
    set_employer_verification(db, e.credit_code, "pending", actor);
    AuditWriter audit(db, actor);
    nlohmann::json details = {{"attempt", id},
                              {"method", "remittance"},
                              {"account", mask_account(account)},
                              {"bank", request.bank},
                              {"files", nlohmann::json::array({file})},
                              {"old", {{"verification", e.verification}}},
                              {"new", {{"verification", "pending"}}}};
    if (superseded) details["superseded"] = superseded;
    auto ev = audit.event("employer.verify.remittance", "employer", e.credit_code, "", details);
    audit.notify(ev, employer_sms(e.credit_code, "employer_remittance_sent",
                                  {{"employer", e.name},
                                   {"account", mask_account(account)},
                                   {"bank", request.bank}}));
    tx.commit();
    return get_attempt(db, id);
  });
}

VerificationAttempt confirm_remittance(Store& store, const std::string& credit_code, int amount_fen,
                                       const Actor& actor) {
  return with_storage_errors([&] {
    auto& db = database(store);
    SQLite::Transaction tx(db, SQLite::TransactionBehavior::IMMEDIATE);
    auto e = get_employer_row(db, credit_code);
    refuse_if_verified(e);
    auto latest = latest_attempt(db, e.credit_code);
    if (!latest || latest->attempt.method != "remittance") {
      throw Error::invalid_transition("employer " + e.credit_code +
                                      " has no remittance awaiting its amount; start one with "
                                      "employer verify remittance");
    }
    auto& a = latest->attempt;
    if (a.state == AttemptState::Locked) {
      throw Error::invalid_transition("locked: start again with employer verify remittance (" +
                                      std::to_string(kMaxAmountTries) +
                                      " wrong amounts were typed)");
    }
    if (a.state != AttemptState::AwaitingAmount) {
      throw Error::invalid_transition("the remittance attempt is " +
                                      std::string(attempt_state_name(a.state)) +
                                      "; start again with employer verify remittance");
    }
    AuditWriter audit(db, actor);
    if (amount_fen == latest->amount_fen) {
      SQLite::Statement u(db,
                          "UPDATE verifications SET status = 'verified', decided_by = :by, "
                          "decided_at = :at WHERE id = :id");
      u.bind(":by", actor.name);
      u.bind(":at", format_utc(actor.now));
      u.bind(":id", static_cast<int64_t>(a.id));
      u.exec();
      set_employer_verification(db, e.credit_code, "verified", actor);
      auto ev = audit.event("employer.verify.confirmed", "employer", e.credit_code, "",
                            {{"attempt", a.id},
                             {"method", "remittance"},
                             {"wrong_tries", a.wrong_tries},
                             {"old", {{"verification", e.verification}}},
                             {"new", {{"verification", "verified"}}}});
      audit.notify(ev, employer_sms(e.credit_code, "employer_verified",
                                    {{"employer", e.name}, {"method", "remittance"}}));
      tx.commit();
      return get_attempt(db, a.id);
    }
    // A wrong amount: the count is committed before the refusal is reported, so a failing
    // command still uses up a try.
    int tries = a.wrong_tries + 1;
    auto event =
        tries >= kMaxAmountTries ? AttemptEvent::LastWrongAmount : AttemptEvent::WrongAmount;
    auto to = *next_attempt_state(a.state, event);
    SQLite::Statement u(db,
                        "UPDATE verifications SET wrong_tries = :tries, status = :status WHERE "
                        "id = :id");
    u.bind(":tries", tries);
    u.bind(":status", std::string(attempt_state_name(to)));
    u.bind(":id", static_cast<int64_t>(a.id));
    u.exec();
    std::string message = "wrong amount (" + std::to_string(tries) + " of " +
                          std::to_string(kMaxAmountTries) + " tries)";
    auto ev = audit.event(
        to == AttemptState::Locked ? "employer.verify.locked" : "employer.verify.wrong_amount",
        "employer", e.credit_code, message,
        {{"attempt", a.id}, {"amount_typed", format_amount(amount_fen)}, {"wrong_tries", tries}});
    if (to == AttemptState::Locked) {
      audit.notify(ev, employer_sms(e.credit_code, "employer_remittance_locked",
                                    {{"employer", e.name}, {"account", mask_account(a.account)}}));
      message += "; locked: start again with employer verify remittance";
    }
    tx.commit();
    throw Error::invalid_transition(message);
  });
}

VerificationAttempt submit_materials(Store& store, const MaterialsRequest& request,
                                     const Actor& actor) {
  // DOMAIN.md: materials verification is the licence and the signed authorisation; extras
  // cannot stand in for either.
  if (request.licence.empty()) {
    throw Error::invalid_input(
        "上传材料认证 needs the 营业执照 or 统一社会信用代码证书 scan (--licence)");
  }
  if (request.authorisation.empty()) {
    throw Error::invalid_input(
        "上传材料认证 needs the 网签授权书 with the company seal "
        "(--authorisation)");
  }
  return with_storage_errors([&] {
    auto& db = database(store);
    SQLite::Transaction tx(db, SQLite::TransactionBehavior::IMMEDIATE);
    auto e = get_employer_row(db, request.credit_code);
    refuse_if_verified(e);
    auto superseded = supersede_latest(db, e.credit_code);
    auto id =
        insert_attempt(db, e.credit_code, "materials", AttemptState::Pending, "", "", 0, actor);
    auto files = nlohmann::json::array();
    files.push_back(attach_file(db, id, "licence", request.licence, actor));
    files.push_back(attach_file(db, id, "authorisation", request.authorisation, actor));
    for (const auto& p : request.extras) files.push_back(attach_file(db, id, "extra", p, actor));
    set_employer_verification(db, e.credit_code, "pending", actor);
    AuditWriter audit(db, actor);
    nlohmann::json details = {{"attempt", id},
                              {"method", "materials"},
                              {"files", files},
                              {"old", {{"verification", e.verification}}},
                              {"new", {{"verification", "pending"}}}};
    if (superseded) details["superseded"] = superseded;
    audit.event("employer.verify.materials", "employer", e.credit_code, "", details);
    tx.commit();
    return get_attempt(db, id);
  });
}

namespace {

VerificationAttempt decide_materials(Store& store, const std::string& credit_code,
                                     AttemptEvent decision, const std::string& reason,
                                     const Actor& actor) {
  return with_storage_errors([&] {
    auto& db = database(store);
    SQLite::Transaction tx(db, SQLite::TransactionBehavior::IMMEDIATE);
    auto e = get_employer_row(db, credit_code);
    refuse_if_verified(e);
    auto latest = latest_attempt(db, e.credit_code);
    std::optional<AttemptState> to;
    if (latest && latest->attempt.method == "materials") {
      to = next_attempt_state(latest->attempt.state, decision);
    }
    if (!to) {
      throw Error::invalid_transition(
          "employer " + e.credit_code + " has no materials awaiting review" +
          (latest ? " (its latest attempt is " + latest->attempt.method + ", " +
                        std::string(attempt_state_name(latest->attempt.state)) + ")"
                  : std::string(" (nothing submitted)")));
    }
    const auto& a = latest->attempt;
    SQLite::Statement u(db,
                        "UPDATE verifications SET status = :status, reason = nullif(:reason, ''), "
                        "decided_by = :by, decided_at = :at WHERE id = :id");
    u.bind(":status", std::string(attempt_state_name(*to)));
    u.bind(":reason", reason);
    u.bind(":by", actor.name);
    u.bind(":at", format_utc(actor.now));
    u.bind(":id", static_cast<int64_t>(a.id));
    u.exec();
    bool approved = *to == AttemptState::Verified;
    std::string verification = approved ? "verified" : "rejected";
    set_employer_verification(db, e.credit_code, verification, actor);
    AuditWriter audit(db, actor);
    auto ev = audit.event(approved ? "employer.verify.approved" : "employer.verify.rejected",
                          "employer", e.credit_code, reason,
                          {{"attempt", a.id},
                           {"method", "materials"},
                           {"old", {{"verification", e.verification}}},
                           {"new", {{"verification", verification}}}});
    nlohmann::json payload = {{"employer", e.name}, {"method", "materials"}};
    if (!approved) payload["reason"] = reason;
    audit.notify(ev, employer_sms(e.credit_code,
                                  approved ? "employer_verified" : "employer_verification_rejected",
                                  payload));
    tx.commit();
    return get_attempt(db, a.id);
  });
}

}  // namespace

VerificationAttempt approve_materials(Store& store, const std::string& credit_code,
                                      const Actor& actor) {
  return decide_materials(store, credit_code, AttemptEvent::Approve, "", actor);
}

VerificationAttempt reject_materials(Store& store, const std::string& credit_code,
                                     const std::string& reason, const Actor& actor) {
  std::string trimmed = reason;
  trimmed.erase(0, trimmed.find_first_not_of(" \t\n"));
  trimmed.erase(trimmed.find_last_not_of(" \t\n") + 1);
  if (trimmed.empty()) {
    throw Error::invalid_input("a rejection needs a reason the employer can act on");
  }
  trimmed = checked_text(trimmed, "--reason", TextLines::Multi);
  return decide_materials(store, credit_code, AttemptEvent::Reject, trimmed, actor);
}

EmployerVerification show_verification(Store& store, const std::string& credit_code,
                                       bool reveal_amount, const Actor& actor) {
  return with_storage_errors([&] {
    auto& db = database(store);
    SQLite::Transaction tx(db, SQLite::TransactionBehavior::IMMEDIATE);
    auto e = get_employer_row(db, credit_code);
    EmployerVerification v{e.credit_code, e.name, e.verification, e.verified_at, {}};
    SQLite::Statement q(db, std::string("SELECT ") + kAttemptColumns +
                                " FROM verifications WHERE credit_code = :code ORDER BY id");
    q.bind(":code", e.credit_code);
    while (q.executeStep()) v.attempts.push_back(read_attempt(db, q, false));
    if (reveal_amount) {
      auto latest = latest_attempt(db, e.credit_code);
      if (!latest || latest->attempt.method != "remittance") {
        throw Error::invalid_transition("employer " + e.credit_code +
                                        " has no remittance whose amount could be revealed");
      }
      v.attempts.back().amount_fen = latest->amount_fen;
      AuditWriter audit(db, actor);
      audit.event("employer.verify.amount_revealed", "employer", e.credit_code, "",
                  {{"attempt", latest->attempt.id}});
      tx.commit();
    }
    return v;
  });
}

}  // namespace ncss
