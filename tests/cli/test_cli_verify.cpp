// End-to-end: ncssctl employer verify remittance|confirm|materials|approve|reject|show.
#include <SQLiteCpp/SQLiteCpp.h>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "testkit.hpp"

using testkit::run_ncssctl;
using testkit::TempDir;

namespace {

const std::string kCode = "91110108749352307A";
const std::string kAccount = "110060224018800044454";

using testkit::contains;

std::string sample(const std::string& name) {
  return (testkit::source_dir() / "samples/files" / name).string();
}

// A database with one registered, unverified employer, inserted directly so these tests do not
// depend on `employer register`.
struct Office {
  TempDir dir;
  std::string db = (dir / "ncss.db").string();
  Office() {
    REQUIRE(run_ncssctl({"--db", db, "init"}).exit_code == 0);
    SQLite::Database raw(db, SQLite::OPEN_READWRITE);
    raw.exec(testkit::employers_sql({{"91110108749352307A", "示例科技有限公司", false, "北京市",
                                      "北京市", "海淀区中关村大街1号"}}));
  }
  std::string file(const std::string& name, const std::string& bytes) {
    auto p = dir / name;
    testkit::write_file(p, bytes);
    return p.string();
  }
  testkit::RunResult run(std::vector<std::string> args) {
    args.insert(args.begin(),
                {"--db", db, "--now", "2026-05-20T09:00:00+08:00", "--actor", "审核员"});
    return run_ncssctl(args);
  }
  int count(const std::string& sql) {
    SQLite::Database raw(db, SQLite::OPEN_READONLY);
    return raw.execAndGet(sql).getInt();
  }
  std::string text(const std::string& sql) {
    SQLite::Database raw(db, SQLite::OPEN_READONLY);
    return raw.execAndGet(sql).getString();
  }
  std::string verification() { return text("SELECT verification FROM employers"); }
  testkit::RunResult remit(const std::string& account = kAccount) {
    return run({"employer", "verify", "remittance", kCode, "--account", account, "--bank",
                "交通银行北京海淀支行", "--authorisation", sample("authorisation.jpg")});
  }
  // The amount as staff see it with --reveal-amount.
  std::string revealed() {
    auto r = run({"employer", "verify", "show", kCode, "--reveal-amount", "--format", "json"});
    REQUIRE(r.exit_code == 0);
    return nlohmann::json::parse(r.out).back()["amount"].get<std::string>();
  }
};

std::string other_amount(const std::string& amount) {
  return amount == "9.99" ? "0.01" : (amount == "1.00" ? "2.00" : "1.00");
}

}  // namespace

TEST_CASE("cli verify: every subcommand has help", "[cli][verify]") {
  for (const char* sub : {"remittance", "confirm", "materials", "approve", "reject", "show"}) {
    auto r = run_ncssctl({"employer", "verify", sub, "--help"});
    CHECK(r.exit_code == 0);
    CHECK(contains(r.out, "credit_code"));
  }
}

TEST_CASE("cli verify: remittance, reveal, confirm with the right amount", "[cli][verify]") {
  Office o;
  auto r = o.remit();
  CHECK(r.exit_code == 0);
  CHECK(contains(r.err, "remittance to 1100*****4454 recorded"));
  CHECK(o.verification() == "pending");
  CHECK(o.count("SELECT count(*) FROM outbox WHERE template = 'employer_remittance_sent'") == 1);

  // show masks the account in a table and never shows the amount without --reveal-amount.
  r = o.run({"employer", "verify", "show", kCode, "--format", "table"});
  CHECK(r.exit_code == 0);
  CHECK(contains(r.out, "1100*****4454"));
  CHECK_FALSE(contains(r.out, kAccount));
  CHECK(contains(r.out, "等待填写汇款金额"));
  r = o.run({"employer", "verify", "show", kCode, "--format", "json"});
  CHECK(nlohmann::json::parse(r.out)[0]["amount"] == "");
  CHECK(o.count("SELECT count(*) FROM events WHERE action = 'employer.verify.amount_revealed'") ==
        0);
  auto amount = o.revealed();
  CHECK(o.count("SELECT count(*) FROM events WHERE action = 'employer.verify.amount_revealed' "
                "AND actor = '审核员'") == 1);

  r = o.run({"employer", "verify", "confirm", kCode, "--amount", amount, "--format", "json"});
  CHECK(r.exit_code == 0);
  CHECK(nlohmann::json::parse(r.out)[0]["status"] == "verified");
  CHECK(o.verification() == "verified");
  CHECK(o.count("SELECT count(*) FROM outbox WHERE template = 'employer_verified'") == 1);

  // Verifying again is refused.
  r = o.remit();
  CHECK(r.exit_code == 5);
  CHECK(contains(r.err, "already verified"));
}

TEST_CASE("cli verify: three wrong amounts lock, the fourth is refused even if right",
          "[cli][verify]") {
  Office o;
  REQUIRE(o.remit().exit_code == 0);
  auto amount = o.revealed();
  auto wrong = other_amount(amount);
  for (int i = 1; i <= 3; ++i) {
    auto r = o.run({"employer", "verify", "confirm", kCode, "--amount", wrong});
    CHECK(r.exit_code == 5);
    CHECK(contains(r.err, "wrong amount (" + std::to_string(i) + " of 3 tries)"));
    CHECK(r.out.empty());
    // The count persists although the command failed.
    CHECK(o.count("SELECT wrong_tries FROM verifications") == i);
  }
  CHECK(o.text("SELECT status FROM verifications") == "locked");
  auto r = o.run({"employer", "verify", "confirm", kCode, "--amount", amount});
  CHECK(r.exit_code == 5);
  CHECK(contains(r.err, "locked: start again with employer verify remittance"));
  CHECK(o.count("SELECT wrong_tries FROM verifications") == 3);
  CHECK(o.verification() == "pending");

  // Restarting with the same account makes a new attempt and supersedes the locked one.
  REQUIRE(o.remit().exit_code == 0);
  CHECK(o.count("SELECT count(*) FROM verifications WHERE status = 'superseded'") == 1);
  r = o.run({"employer", "verify", "confirm", kCode, "--amount", o.revealed()});
  CHECK(r.exit_code == 0);
  CHECK(o.verification() == "verified");
}

TEST_CASE("cli verify: a restart with another account is refused", "[cli][verify]") {
  Office o;
  REQUIRE(o.remit().exit_code == 0);
  auto r = o.remit("6222020200112233445");
  CHECK(r.exit_code == 5);
  CHECK(contains(r.err, "cannot be changed once submitted"));
  CHECK(contains(r.err, "1100*****4454"));
  CHECK(o.count("SELECT count(*) FROM verifications") == 1);
  CHECK(o.count("SELECT count(*) FROM files") == 1);
}

TEST_CASE("cli verify: malformed amounts are refused without using a try", "[cli][verify]") {
  Office o;
  REQUIRE(o.remit().exit_code == 0);
  for (const char* bad : {"abc", "1.789", "10.00", "0"}) {
    auto r = o.run({"employer", "verify", "confirm", kCode, "--amount", bad});
    CHECK(r.exit_code == 3);
    CHECK(contains(r.err, "amount '"));
  }
  CHECK(o.run({"employer", "verify", "confirm", kCode}).exit_code == 2);
  CHECK(o.count("SELECT wrong_tries FROM verifications") == 0);
}

TEST_CASE("cli verify: a PNG that is really a PDF is refused", "[cli][verify]") {
  Office o;
  auto pdf = o.file("x.png", "%PDF-1.4\n%\xE2\xE3\xCF\xD3\n1 0 obj\n<<>>\nendobj\n");
  auto r = o.run({"employer", "verify", "materials", kCode, "--licence", pdf, "--authorisation",
                  sample("authorisation.png")});
  CHECK(r.exit_code == 3);
  CHECK(contains(r.err, "x.png: not a JPEG or PNG image (it is a PDF document)"));
  r = o.run({"employer", "verify", "remittance", kCode, "--account", kAccount, "--bank", "银行",
             "--authorisation", pdf});
  CHECK(r.exit_code == 3);
  CHECK(o.count("SELECT count(*) FROM files") == 0);
  CHECK(o.count("SELECT count(*) FROM verifications") == 0);
  CHECK(o.count("SELECT count(*) FROM events") == 0);
  CHECK(o.verification() == "unverified");
}

TEST_CASE("cli verify: a file over 10 MiB and a missing file are refused", "[cli][verify]") {
  Office o;
  auto big = o.file("big.jpg", "\xFF\xD8\xFF\xE0" + std::string(10 * 1024 * 1024, 'x'));
  auto r = o.run({"employer", "verify", "materials", kCode, "--licence", sample("licence.png"),
                  "--authorisation", sample("authorisation.png"), "--extra", big});
  CHECK(r.exit_code == 3);
  CHECK(contains(r.err, "big.jpg"));
  CHECK(contains(r.err, "over the 10 MiB limit"));
  r = o.run({"employer", "verify", "materials", kCode, "--licence", (o.dir / "none.png").string(),
             "--authorisation", sample("authorisation.png")});
  CHECK(r.exit_code == 8);
  CHECK(contains(r.err, "none.png"));
  // Both documents are required; an --extra does not stand in for either (exit 2: usage).
  r = o.run({"employer", "verify", "materials", kCode, "--licence", sample("licence.png"),
             "--extra", sample("authorisation.png")});
  CHECK(r.exit_code == 2);
  CHECK(contains(r.err, "--authorisation is required"));
  r = o.run({"employer", "verify", "materials", kCode, "--authorisation",
             sample("authorisation.png"), "--extra", sample("licence.png")});
  CHECK(r.exit_code == 2);
  CHECK(contains(r.err, "--licence is required"));
  CHECK(o.count("SELECT count(*) FROM files") == 0);
  CHECK(o.count("SELECT count(*) FROM verifications") == 0);
}

TEST_CASE("cli verify: materials rejected with a reason, resubmitted, approved", "[cli][verify]") {
  Office o;
  auto r = o.run({"employer", "verify", "approve", kCode});
  CHECK(r.exit_code == 5);
  CHECK(contains(r.err, "no materials awaiting review"));
  r = o.run({"employer", "verify", "reject", kCode, "--reason", "模糊"});
  CHECK(r.exit_code == 5);

  r = o.run({"employer", "verify", "materials", kCode, "--licence", sample("licence.png"),
             "--authorisation", sample("authorisation.jpg"), "--extra", sample("authorisation.png"),
             "--format", "json"});
  CHECK(r.exit_code == 0);
  auto j = nlohmann::json::parse(r.out);
  CHECK(j[0]["status"] == "pending");
  CHECK(contains(j[0]["files"].get<std::string>(), "licence:licence.png:"));
  CHECK(o.count("SELECT count(*) FROM verification_files") == 3);
  CHECK(o.verification() == "pending");

  // A rejection needs --reason: a usage error, nothing written.
  r = o.run({"employer", "verify", "reject", kCode});
  CHECK(r.exit_code == 2);
  CHECK(contains(r.err, "--reason"));
  r = o.run({"employer", "verify", "reject", kCode, "--reason", " "});
  CHECK(r.exit_code == 3);
  CHECK(o.text("SELECT status FROM verifications") == "pending");

  r = o.run({"employer", "verify", "reject", kCode, "--reason", "营业执照未加盖公章"});
  CHECK(r.exit_code == 0);
  CHECK(o.verification() == "rejected");
  CHECK(o.count("SELECT count(*) FROM events WHERE action = 'employer.verify.rejected' AND "
                "reason = '营业执照未加盖公章' AND actor = '审核员'") == 1);
  CHECK(o.count("SELECT count(*) FROM outbox WHERE template = 'employer_verification_rejected'") ==
        1);

  r = o.run({"employer", "verify", "materials", kCode, "--licence", sample("licence.png"),
             "--authorisation", sample("authorisation.jpg")});
  CHECK(r.exit_code == 0);
  r = o.run({"employer", "verify", "approve", kCode});
  CHECK(r.exit_code == 0);
  CHECK(o.verification() == "verified");
  r = o.run({"employer", "verify", "show", kCode, "--format", "csv"});
  CHECK(contains(r.out, "credit_code,name,verification,verified_at,attempt,method,status"));
  CHECK(contains(r.out, ",materials,rejected,"));
  CHECK(contains(r.out, ",materials,verified,"));
  r = o.run({"employer", "verify", "approve", kCode});
  CHECK(r.exit_code == 5);
  CHECK(contains(r.err, "already verified"));
}

TEST_CASE("cli verify: an unknown employer is exit 2", "[cli][verify]") {
  Office o;
  for (std::vector<std::string> args :
       {std::vector<std::string>{"show", "91370214MA3D2M2T5C"},
        {"approve", "91370214MA3D2M2T5C"},
        {"confirm", "91370214MA3D2M2T5C", "--amount", "1.78"},
        {"remittance", "91370214MA3D2M2T5C", "--account", kAccount, "--bank", "银行",
         "--authorisation", sample("authorisation.jpg")}}) {
    args.insert(args.begin(), {"employer", "verify"});
    auto r = o.run(args);
    CHECK(r.exit_code == 2);
    CHECK(contains(r.err, "unknown employer '91370214MA3D2M2T5C'"));
  }
  CHECK(o.count("SELECT count(*) FROM files") == 0);
}
