#include <catch2/catch.hpp>
#include <set>

#include "fixtures.hpp"
#include "ncss/error.hpp"
#include "ncss/verification.hpp"
#include "store_impl.hpp"

namespace {

const std::string kCode = "91110108749352307A";

struct VerifyFixture : testkit::StoreFixture {
  std::filesystem::path png = testkit::source_dir() / "samples/files/licence.png";
  std::filesystem::path jpg = testkit::source_dir() / "samples/files/authorisation.jpg";
  VerifyFixture() {
    ncss::database(store).exec(testkit::employers_sql(
        {{kCode, "示例科技有限公司", false, "北京市", "北京市", "海淀区中关村大街1号"}}));
  }
  int count(const std::string& sql) { return ncss::database(store).execAndGet(sql).getInt(); }
  std::string text(const std::string& sql) {
    return ncss::database(store).execAndGet(sql).getString();
  }
  std::string verification() {
    return text("SELECT verification FROM employers WHERE credit_code = '" + kCode + "'");
  }
  int amount() { return count("SELECT amount_fen FROM verifications ORDER BY id DESC LIMIT 1"); }
  ncss::VerificationAttempt remit(const std::string& account = "110060224018800044454") {
    return ncss::start_remittance(store, {kCode, account, "交通银行北京海淀支行", jpg}, actor);
  }
  ncss::VerificationAttempt materials() {
    return ncss::submit_materials(store, {kCode, png, jpg, {}}, actor);
  }
};

template <typename Fn>
std::string refusal(Fn&& fn, ncss::ErrorCode expected) {
  try {
    fn();
  } catch (const ncss::Error& e) {
    CHECK(e.code() == expected);
    return e.what();
  }
  FAIL("no error");
  return "";
}

using testkit::contains;

}  // namespace

TEST_CASE("verification: the attempt state machine", "[verify]") {
  using S = ncss::AttemptState;
  using E = ncss::AttemptEvent;
  CHECK(ncss::next_attempt_state(S::AwaitingAmount, E::RightAmount) == S::Verified);
  CHECK(ncss::next_attempt_state(S::AwaitingAmount, E::WrongAmount) == S::AwaitingAmount);
  CHECK(ncss::next_attempt_state(S::AwaitingAmount, E::LastWrongAmount) == S::Locked);
  CHECK(ncss::next_attempt_state(S::Locked, E::Restart) == S::Superseded);
  CHECK(ncss::next_attempt_state(S::Pending, E::Approve) == S::Verified);
  CHECK(ncss::next_attempt_state(S::Pending, E::Reject) == S::Rejected);
  CHECK(ncss::next_attempt_state(S::Pending, E::Restart) == S::Superseded);
  CHECK(ncss::next_attempt_state(S::Rejected, E::Restart) == S::Rejected);
  CHECK_FALSE(ncss::next_attempt_state(S::Locked, E::RightAmount));
  CHECK_FALSE(ncss::next_attempt_state(S::AwaitingAmount, E::Approve));
  CHECK_FALSE(ncss::next_attempt_state(S::Pending, E::RightAmount));
  CHECK_FALSE(ncss::next_attempt_state(S::Verified, E::Restart));
  CHECK_FALSE(ncss::next_attempt_state(S::Superseded, E::Approve));
  CHECK_FALSE(ncss::next_attempt_state(S::Rejected, E::Approve));
  for (auto s :
       {S::AwaitingAmount, S::Locked, S::Pending, S::Verified, S::Rejected, S::Superseded}) {
    CHECK(ncss::parse_attempt_state(ncss::attempt_state_name(s)) == s);
    CHECK_FALSE(ncss::attempt_state_label(s).empty());
  }
}

TEST_CASE("verification: amounts are parsed in yuan to fen", "[verify]") {
  CHECK(ncss::parse_amount_fen("1.78") == 178);
  CHECK(ncss::parse_amount_fen("1.7") == 170);
  CHECK(ncss::parse_amount_fen("2") == 200);
  CHECK(ncss::parse_amount_fen("0.01") == 1);
  CHECK(ncss::parse_amount_fen(" 9.99 ") == 999);
  CHECK(ncss::parse_amount_fen("01.78") == 178);
  for (const char* bad : {"", "abc", "1.789", "1.", ".5", "-1.00", "1,78", "10.00", "0", "0.00",
                          "1.7a", "¥1.78", "1e0"}) {
    INFO(bad);
    CHECK_THROWS_AS(ncss::parse_amount_fen(bad), ncss::Error);
  }
  CHECK(ncss::format_amount(178) == "1.78");
  CHECK(ncss::format_amount(5) == "0.05");
  CHECK(ncss::format_amount(170) == "1.70");
}

TEST_CASE("verification: accounts are masked as the guide shows them", "[verify]") {
  CHECK(ncss::mask_account("110060224018800044454") == "1100*****4454");
  CHECK(ncss::mask_account("12345678") == "****5678");
}

TEST_CASE("verification: remittance with the right amount verifies", "[verify]") {
  VerifyFixture f;
  auto a = f.remit();
  CHECK(a.state == ncss::AttemptState::AwaitingAmount);
  CHECK(a.method == "remittance");
  CHECK_FALSE(a.amount_fen);  // never returned unless revealed
  REQUIRE(a.files.size() == 1);
  CHECK(a.files[0].role == "authorisation");
  CHECK(a.files[0].file.media_type == "image/jpeg");
  CHECK(f.verification() == "pending");
  int fen = f.amount();
  CHECK(fen >= 1);
  CHECK(fen <= 999);
  // The SMS tells of the remittance with the masked account, never the amount.
  CHECK(f.count("SELECT count(*) FROM outbox WHERE template = 'employer_remittance_sent' AND "
                "recipient_type = 'employer' AND recipient_id = '" +
                kCode + "'") == 1);
  auto payload = f.text("SELECT payload FROM outbox WHERE template = 'employer_remittance_sent'");
  CHECK(contains(payload, "1100*****4454"));
  CHECK_FALSE(contains(payload, "amount"));
  CHECK_FALSE(contains(payload, ncss::format_amount(fen)));
  CHECK_FALSE(contains(f.text("SELECT group_concat(details) FROM events"),
                       "\"" + ncss::format_amount(fen) + "\""));

  auto done = ncss::confirm_remittance(f.store, kCode, fen, f.actor);
  CHECK(done.state == ncss::AttemptState::Verified);
  CHECK(f.verification() == "verified");
  CHECK(f.text("SELECT verified_at FROM employers") == "2026-05-20T01:00:00Z");
  CHECK(f.count("SELECT count(*) FROM events WHERE action = 'employer.verify.confirmed' AND actor "
                "= 'tester'") == 1);
  CHECK(f.count("SELECT count(*) FROM outbox WHERE template = 'employer_verified'") == 1);
  auto again = refusal([&] { f.remit(); }, ncss::ErrorCode::InvalidTransition);
  CHECK(contains(again, "already verified"));
  refusal([&] { f.materials(); }, ncss::ErrorCode::InvalidTransition);
  refusal([&] { ncss::confirm_remittance(f.store, kCode, fen, f.actor); },
          ncss::ErrorCode::InvalidTransition);
}

TEST_CASE("verification: random amounts cover the range", "[verify]") {
  VerifyFixture f;
  std::set<int> seen;
  for (int i = 0; i < 30; ++i) {
    f.remit();
    int fen = f.amount();
    CHECK(fen >= 1);
    CHECK(fen <= 999);
    seen.insert(fen);
  }
  CHECK(seen.size() > 20);
  // Each restart superseded the one before: only the latest is open.
  CHECK(f.count("SELECT count(*) FROM verifications WHERE status = 'superseded'") == 29);
  CHECK(f.count("SELECT count(*) FROM verifications WHERE status = 'awaiting_amount'") == 1);
}

TEST_CASE("verification: wrong amounts are counted, committed and lock on the third", "[verify]") {
  VerifyFixture f;
  f.remit();
  int fen = f.amount();
  int wrong = fen == 999 ? 1 : fen + 1;
  for (int i = 1; i <= 3; ++i) {
    auto m = refusal([&] { ncss::confirm_remittance(f.store, kCode, wrong, f.actor); },
                     ncss::ErrorCode::InvalidTransition);
    CHECK(contains(m, "wrong amount (" + std::to_string(i) + " of 3 tries)"));
    CHECK(f.count("SELECT wrong_tries FROM verifications") == i);
    if (i == 3) CHECK(contains(m, "locked: start again with employer verify remittance"));
  }
  CHECK(f.text("SELECT status FROM verifications") == "locked");
  CHECK(f.count("SELECT count(*) FROM events WHERE action = 'employer.verify.wrong_amount'") == 2);
  CHECK(f.count("SELECT count(*) FROM events WHERE action = 'employer.verify.locked'") == 1);
  // Even the right amount is refused now, and nothing changes.
  auto m = refusal([&] { ncss::confirm_remittance(f.store, kCode, fen, f.actor); },
                   ncss::ErrorCode::InvalidTransition);
  CHECK(contains(m, "locked: start again with employer verify remittance"));
  CHECK(f.count("SELECT wrong_tries FROM verifications") == 3);
  CHECK(f.verification() == "pending");

  // Restart with the same account: a new attempt, the locked one superseded.
  auto fresh = f.remit("1100 6022 4018 8000 44454");
  CHECK(fresh.state == ncss::AttemptState::AwaitingAmount);
  CHECK(fresh.wrong_tries == 0);
  CHECK(f.count("SELECT count(*) FROM verifications WHERE status = 'superseded'") == 1);
  ncss::confirm_remittance(f.store, kCode, f.amount(), f.actor);
  CHECK(f.verification() == "verified");
}

TEST_CASE("verification: the account cannot be changed once submitted", "[verify]") {
  VerifyFixture f;
  f.remit();
  int events = f.count("SELECT count(*) FROM events");
  auto m = refusal([&] { f.remit("6222020200112233445"); }, ncss::ErrorCode::InvalidTransition);
  CHECK(contains(m, "1100*****4454"));
  CHECK_FALSE(contains(m, "110060224018800044454"));
  CHECK(f.count("SELECT count(*) FROM verifications") == 1);
  CHECK(f.count("SELECT count(*) FROM files") == 1);
  CHECK(f.count("SELECT count(*) FROM events") == events);
  // Even after switching to materials and back.
  f.materials();
  refusal([&] { f.remit("6222020200112233445"); }, ncss::ErrorCode::InvalidTransition);
}

TEST_CASE("verification: malformed remittance requests are refused", "[verify]") {
  VerifyFixture f;
  refusal([&] { f.remit("12-34"); }, ncss::ErrorCode::InvalidInput);
  refusal([&] { f.remit("账号1234567890"); }, ncss::ErrorCode::InvalidInput);
  refusal(
      [&] {
        ncss::start_remittance(f.store, {kCode, "110060224018800044454", "", f.jpg}, f.actor);
      },
      ncss::ErrorCode::InvalidInput);
  auto pdf = f.dir / "auth.png";
  testkit::write_file(pdf, "%PDF-1.4\n");
  auto m = refusal(
      [&] {
        ncss::start_remittance(f.store, {kCode, "110060224018800044454", "银行", pdf}, f.actor);
      },
      ncss::ErrorCode::InvalidInput);
  CHECK(contains(m, "PDF"));
  CHECK(f.count("SELECT count(*) FROM verifications") == 0);
  CHECK(f.count("SELECT count(*) FROM files") == 0);
  CHECK(f.verification() == "unverified");
  refusal([&] { ncss::confirm_remittance(f.store, kCode, 178, f.actor); },
          ncss::ErrorCode::InvalidTransition);
}

TEST_CASE("verification: an unknown employer is NotFound", "[verify]") {
  VerifyFixture f;
  auto m = refusal([&] { ncss::show_verification(f.store, "91370214MA3D2M2T5C", false, f.actor); },
                   ncss::ErrorCode::NotFound);
  CHECK(contains(m, "employer register"));
  m = refusal([&] { ncss::approve_materials(f.store, "91110000600037341N", f.actor); },
              ncss::ErrorCode::NotFound);
  CHECK(contains(m, "not a valid"));
}

TEST_CASE("verification: materials are approved or rejected and resubmitted", "[verify]") {
  VerifyFixture f;
  SECTION("approve and reject need a pending materials attempt") {
    auto m = refusal([&] { ncss::approve_materials(f.store, kCode, f.actor); },
                     ncss::ErrorCode::InvalidTransition);
    CHECK(contains(m, "no materials awaiting review"));
    refusal([&] { ncss::reject_materials(f.store, kCode, "模糊", f.actor); },
            ncss::ErrorCode::InvalidTransition);
    f.remit();
    refusal([&] { ncss::approve_materials(f.store, kCode, f.actor); },
            ncss::ErrorCode::InvalidTransition);
    CHECK(f.verification() == "pending");
  }
  SECTION("the licence and the authorisation are both needed; extras do not stand in") {
    auto m = refusal(
        [&] {
          ncss::submit_materials(f.store, {kCode, {}, f.jpg, {f.png}}, f.actor);
        },
        ncss::ErrorCode::InvalidInput);
    CHECK(contains(m, "(--licence)"));
    m = refusal(
        [&] {
          ncss::submit_materials(f.store, {kCode, f.png, {}, {f.jpg}}, f.actor);
        },
        ncss::ErrorCode::InvalidInput);
    CHECK(contains(m, "网签授权书"));
    CHECK(f.count("SELECT count(*) FROM verifications") == 0);
    CHECK(f.count("SELECT count(*) FROM files") == 0);
    CHECK(f.verification() == "unverified");
  }
  SECTION("reject needs a reason") {
    f.materials();
    refusal([&] { ncss::reject_materials(f.store, kCode, "  ", f.actor); },
            ncss::ErrorCode::InvalidInput);
    CHECK(f.text("SELECT status FROM verifications") == "pending");
  }
  SECTION("rejected, resubmitted, approved") {
    auto a = ncss::submit_materials(f.store, {kCode, f.png, f.jpg, {f.png, f.jpg}}, f.actor);
    CHECK(a.state == ncss::AttemptState::Pending);
    REQUIRE(a.files.size() == 4);
    CHECK(a.files[0].role == "licence");
    CHECK(a.files[1].role == "authorisation");
    CHECK(a.files[2].role == "extra");
    CHECK(f.verification() == "pending");
    auto r = ncss::reject_materials(f.store, kCode, "营业执照未加盖公章", f.actor);
    CHECK(r.state == ncss::AttemptState::Rejected);
    CHECK(r.reason == "营业执照未加盖公章");
    CHECK(r.decided_by == "tester");
    CHECK(f.verification() == "rejected");
    CHECK(f.count("SELECT count(*) FROM events WHERE action = 'employer.verify.rejected' AND "
                  "reason = '营业执照未加盖公章'") == 1);
    CHECK(f.count("SELECT count(*) FROM outbox WHERE template = "
                  "'employer_verification_rejected'") == 1);
    refusal([&] { ncss::approve_materials(f.store, kCode, f.actor); },
            ncss::ErrorCode::InvalidTransition);

    f.materials();
    CHECK(f.count("SELECT count(*) FROM verifications WHERE status = 'rejected'") == 1);
    CHECK(f.verification() == "pending");
    auto ok = ncss::approve_materials(f.store, kCode, f.actor);
    CHECK(ok.state == ncss::AttemptState::Verified);
    CHECK(f.verification() == "verified");
    CHECK(f.count("SELECT count(*) FROM events WHERE action = 'employer.verify.approved'") == 1);
    auto v = ncss::show_verification(f.store, kCode, false, f.actor);
    CHECK(v.verification == "verified");
    CHECK(v.attempts.size() == 2);
    auto m = refusal([&] { f.materials(); }, ncss::ErrorCode::InvalidTransition);
    CHECK(contains(m, "already verified"));
  }
}

TEST_CASE("verification: a bad file in materials writes nothing", "[verify]") {
  VerifyFixture f;
  auto big = f.dir / "big.jpg";
  testkit::write_file(big, "\xFF\xD8\xFF" + std::string(ncss::kMaxUploadBytes, 'x'));
  refusal(
      [&] {
        ncss::submit_materials(f.store, {kCode, f.png, f.jpg, {big}}, f.actor);
      },
      ncss::ErrorCode::InvalidInput);
  CHECK(f.count("SELECT count(*) FROM verifications") == 0);
  CHECK(f.count("SELECT count(*) FROM files") == 0);
  CHECK(f.count("SELECT count(*) FROM events") == 0);
  CHECK(f.verification() == "unverified");
}

TEST_CASE("verification: show reveals the amount only when asked, and records it", "[verify]") {
  VerifyFixture f;
  auto v = ncss::show_verification(f.store, kCode, false, f.actor);
  CHECK(v.verification == "unverified");
  CHECK(v.attempts.empty());
  refusal([&] { ncss::show_verification(f.store, kCode, true, f.actor); },
          ncss::ErrorCode::InvalidTransition);
  f.remit();
  v = ncss::show_verification(f.store, kCode, false, f.actor);
  REQUIRE(v.attempts.size() == 1);
  CHECK_FALSE(v.attempts[0].amount_fen);
  CHECK(f.count("SELECT count(*) FROM events WHERE action = 'employer.verify.amount_revealed'") ==
        0);
  v = ncss::show_verification(f.store, kCode, true, f.actor);
  CHECK(v.attempts[0].amount_fen == f.amount());
  CHECK(f.count("SELECT count(*) FROM events WHERE action = 'employer.verify.amount_revealed'") ==
        1);
}
