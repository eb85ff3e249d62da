// ncssctl employer verify remittance|confirm|materials|approve|reject|show: 身份认证, by a
// remittance to the corporate account or by uploaded materials that staff review.
#include <CLI/CLI.hpp>
#include <memory>

#include "context.hpp"
#include "ncss/verification.hpp"

namespace cli {

namespace {

struct VerifyOptions {
  std::string credit_code;
  std::string account;
  std::string bank;
  std::string authorisation;
  std::string licence;
  std::vector<std::string> extras;
  std::string amount;
  std::string reason;
  bool reveal_amount = false;
};

const std::vector<Column> kAttemptColumns = {{"attempt", "认证编号", true},
                                             {"method", "认证方式"},
                                             {"status", "状态"},
                                             {"status_name", "状态说明"},
                                             {"account", "对公账号"},
                                             {"bank", "开户银行"},
                                             {"amount", "汇款金额"},
                                             {"wrong_tries", "错误次数", true},
                                             {"files", "认证材料"},
                                             {"reason", "审核意见"},
                                             {"decided_by", "审核人"},
                                             {"decided_at", "审核时间"},
                                             {"created_at", "提交时间"}};

const std::vector<Column> kEmployerColumns = {{"credit_code", "统一社会信用代码"},
                                              {"name", "单位名称"},
                                              {"verification", "认证状态"},
                                              {"verified_at", "认证时间"}};

std::string method_name(const std::string& method) {
  return method == "remittance" ? "对公账号汇款认证" : "上传材料认证";
}

std::string verification_name(const std::string& v) {
  if (v == "unverified") return "未认证";
  if (v == "pending") return "认证中";
  if (v == "verified") return "已认证";
  if (v == "rejected") return "认证未通过";
  return v;
}

std::vector<std::string> attempt_row(const ncss::VerificationAttempt& a, bool human) {
  std::string files;
  for (const auto& f : a.files) {
    if (!files.empty()) files += human ? "; " : ";";
    files += f.role + ":" + f.file.name;
    if (human) {
      files +=
          " (" + std::to_string(f.file.size) + " B, sha256 " + f.file.sha256.substr(0, 12) + "…)";
    } else {
      files += ":" + std::to_string(f.file.size) + ":" + f.file.sha256;
    }
  }
  std::string method = human ? method_name(a.method) : a.method;
  return {std::to_string(a.id),
          method,
          std::string(ncss::attempt_state_name(a.state)),
          std::string(ncss::attempt_state_label(a.state)),
          human && !a.account.empty() ? ncss::mask_account(a.account) : a.account,
          a.bank,
          a.amount_fen ? ncss::format_amount(*a.amount_fen) : "",
          std::to_string(a.wrong_tries),
          files,
          a.reason,
          a.decided_by,
          listed_time(human, a.decided_at),
          listed_time(human, a.created_at)};
}

void write_attempt(Context& ctx, const ncss::VerificationAttempt& a) {
  bool human = ctx.format() == Format::Table;
  auto row = attempt_row(a, human);
  if (human) {
    // One attempt: a vertical card reads better than a one-row table.
    RowWriter w(ctx.out(), Format::Table, {{"field", "字段"}, {"value", "值"}});
    for (std::size_t i = 0; i < kAttemptColumns.size(); ++i) {
      if (!row[i].empty()) w.row({kAttemptColumns[i].label + " " + kAttemptColumns[i].key, row[i]});
    }
    return;
  }
  RowWriter w(ctx.out(), ctx.format(), kAttemptColumns);
  w.row(row);
}

void run_remittance(Context& ctx, const VerifyOptions& o) {
  auto a = ncss::start_remittance(ctx.store(), {o.credit_code, o.account, o.bank, o.authorisation},
                                  ctx.actor());
  write_attempt(ctx, a);
  ctx.note("remittance to " + ncss::mask_account(a.account) +
           " recorded; when it arrives, type "
           "the amount with: ncssctl employer verify confirm " +
           a.credit_code + " --amount X.XX");
}

void run_confirm(Context& ctx, const VerifyOptions& o) {
  int fen = ncss::parse_amount_fen(o.amount);
  auto a = ncss::confirm_remittance(ctx.store(), o.credit_code, fen, ctx.actor());
  write_attempt(ctx, a);
  ctx.note("employer " + a.credit_code + " verified by remittance");
}

void run_materials(Context& ctx, const VerifyOptions& o) {
  ncss::MaterialsRequest r{o.credit_code, o.licence, o.authorisation, {}};
  for (const auto& e : o.extras) r.extras.emplace_back(e);
  auto a = ncss::submit_materials(ctx.store(), r, ctx.actor());
  write_attempt(ctx, a);
  ctx.note("materials of " + a.credit_code + " submitted for review (" +
           std::to_string(a.files.size()) + " files)");
}

void run_approve(Context& ctx, const VerifyOptions& o) {
  auto a = ncss::approve_materials(ctx.store(), o.credit_code, ctx.actor());
  write_attempt(ctx, a);
  ctx.note("employer " + a.credit_code + " verified: materials approved");
}

void run_reject(Context& ctx, const VerifyOptions& o) {
  auto a = ncss::reject_materials(ctx.store(), o.credit_code, o.reason, ctx.actor());
  write_attempt(ctx, a);
  ctx.note("materials of " + a.credit_code + " rejected; the employer may resubmit");
}

void run_show(Context& ctx, const VerifyOptions& o) {
  auto v = ncss::show_verification(ctx.store(), o.credit_code, o.reveal_amount, ctx.actor());
  bool human = ctx.format() == Format::Table;
  auto columns = kEmployerColumns;
  columns.insert(columns.end(), kAttemptColumns.begin(), kAttemptColumns.end());
  std::vector<std::string> head = {v.credit_code, v.employer_name,
                                   human ? verification_name(v.verification) : v.verification,
                                   listed_time(human, v.verified_at)};
  RowWriter w(ctx.out(), ctx.format(), columns);
  if (v.attempts.empty()) {
    auto row = head;
    row.resize(columns.size());
    w.row(row);
  }
  for (const auto& a : v.attempts) {
    auto row = head;
    auto rest = attempt_row(a, human);
    row.insert(row.end(), rest.begin(), rest.end());
    w.row(row);
  }
  w.finish();
  if (o.reveal_amount) ctx.note("the amount was revealed; this is recorded as an event");
}

}  // namespace

void register_employer_verify(CLI::App& employer, Context& ctx) {
  auto o = std::make_shared<VerifyOptions>();
  auto* verify = employer.add_subcommand(
      "verify", "身份认证: verify an employer by remittance or by uploaded materials");
  verify->require_subcommand(1);
  auto uscc = [o](CLI::App* sub) {
    sub->add_option("credit_code", o->credit_code, "the employer's unified social credit code")
        ->required();
  };
  const char* kImage = "a JPEG or PNG image, at most 10 MiB";

  auto* remit = verify->add_subcommand(
      "remittance",
      "对公账号汇款认证: record a remittance of a random amount (0.01-9.99) to the corporate "
      "account and queue the SMS; a restart keeps the same account");
  uscc(remit);
  remit->add_option("--account", o->account, "对公账号, the corporate account number")->required();
  remit->add_option("--bank", o->bank, "开户银行, the bank holding the account")->required();
  remit
      ->add_option("--authorisation", o->authorisation,
                   std::string("网签授权书 with the company seal: ") + kImage)
      ->required();
  remit->callback([&ctx, o] { run_remittance(ctx, *o); });

  auto* confirm = verify->add_subcommand(
      "confirm", "type back the amount remitted; 3 wrong amounts lock the attempt");
  uscc(confirm);
  confirm->add_option("--amount", o->amount, "the amount received in yuan, such as 1.78")
      ->required();
  confirm->callback([&ctx, o] { run_confirm(ctx, *o); });

  auto* materials = verify->add_subcommand(
      "materials", "上传材料认证: submit the licence and authorisation for staff review");
  uscc(materials);
  materials
      ->add_option("--licence", o->licence,
                   std::string("营业执照 or 统一社会信用代码证书 scan with the seal: ") + kImage)
      ->required();
  materials
      ->add_option("--authorisation", o->authorisation,
                   std::string("网签授权书 with the company seal: ") + kImage)
      ->required();
  materials->add_option("--extra", o->extras,
                        std::string("more material (repeatable, optional): ") + kImage);
  materials->callback([&ctx, o] { run_materials(ctx, *o); });

  auto* approve =
      verify->add_subcommand("approve", "staff: approve the pending materials; verified");
  uscc(approve);
  approve->callback([&ctx, o] { run_approve(ctx, *o); });

  auto* reject = verify->add_subcommand(
      "reject", "staff: reject the pending materials with a reason; the employer resubmits");
  uscc(reject);
  reject->add_option("--reason", o->reason, "why, in words the employer can act on")->required();
  reject->callback([&ctx, o] { run_reject(ctx, *o); });

  auto* show = verify->add_subcommand(
      "show", "show the employer's verification status and every attempt, oldest first");
  uscc(show);
  show->add_flag("--reveal-amount", o->reveal_amount,
                 "staff and testing aid: show the remitted amount (recorded as an event)");
  show->callback([&ctx, o] { run_show(ctx, *o); });
}

}  // namespace cli
