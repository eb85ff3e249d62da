// ncssctl terminate request|respond|offline|resubmit|approve|reject|return|list|show (解约) and
// ncssctl void (作废).
#include <CLI/CLI.hpp>
#include <memory>

#include "context.hpp"
#include "ncss/error.hpp"
#include "ncss/identity.hpp"
#include "ncss/termination.hpp"
#include "options.hpp"
#include "review_items.hpp"

namespace cli {

namespace {

struct TerminateOptions {
  ncss::TerminationRequest request;
  ncss::OfflineTerminationRequest offline;
  std::vector<std::string> letters;
  std::int64_t id = 0;
  std::string by;
  bool accept = false;
  bool reject = false;
  std::string reason;
  std::string note;
  ncss::TerminationFilter filter;
  int idle_days = 0;
  bool failed = false;
  bool unmask = false;
};

const std::vector<Column> kColumns = {{"termination_id", "解约编号", true},
                                      {"mode", "方式"},
                                      {"invitation_id", "邀请编号", true},
                                      {"registration_id", "登记编号", true},
                                      {"agreement_no", "协议编号"},
                                      {"name", "学生姓名"},
                                      {"id_number", "证件号码"},
                                      {"school_code", "院校代码"},
                                      {"employer_code", "统一社会信用代码"},
                                      {"employer_name", "单位名称"},
                                      {"requested_by", "发起方"},
                                      {"reason", "解约原因代码"},
                                      {"reason_name", "解约原因"},
                                      {"note", "解约说明"},
                                      {"phase", "状态代码"},
                                      {"phase_name", "解约状态"},
                                      {"list", "栏目"},
                                      {"review_reason", "审核意见"},
                                      {"letters", "解约函", true},
                                      {"requested_at", "发起时间"},
                                      {"updated_at", "最新操作时间"}};

std::vector<std::string> row_of(const ncss::Termination& t, bool mask, bool human) {
  auto number = [](std::int64_t n) { return n ? std::to_string(n) : std::string(); };
  return {std::to_string(t.id),
          t.mode,
          number(t.invitation_id),
          number(t.registration_id),
          t.agreement_no,
          t.name,
          mask ? ncss::mask_resident_id(t.id_number) : t.id_number,
          t.school_code,
          t.employer_code,
          t.employer_name,
          t.requested_by,
          t.reason,
          t.reason_name,
          t.note,
          t.phase,
          ncss::termination_phase_label(t),
          ncss::termination_list(t.phase),
          t.review_reason,
          std::to_string(t.letters),
          listed_time(human, t.requested_at),
          listed_time(human, t.updated_at)};
}

void print(Context& ctx, const ncss::Termination& t, const std::string& done) {
  ctx.note("termination " + std::to_string(t.id) + ": " + done + " — " +
           ncss::termination_phase_label(t));
  RowWriter w(ctx.out(), ctx.format(), kColumns);
  const bool human = ctx.format() == Format::Table;
  w.row(row_of(t, human, human));
}

std::vector<std::filesystem::path> paths(const std::vector<std::string>& files) {
  return {files.begin(), files.end()};
}

void run_list(Context& ctx, TerminateOptions& o) {
  if (o.failed) {
    if (!o.filter.list.empty() && o.filter.list != "解约失败") {
      throw ncss::Error::usage("--failed is --list 解约失败; give one of them");
    }
    o.filter.list = "解约失败";
  }
  if (o.idle_days > 0)
    o.filter.idle_since = ncss::Timestamp{ctx.now().seconds - o.idle_days * 86400};
  auto all = ncss::list_terminations(ctx.store(), o.filter);
  bool mask = ctx.mask_personal_data(o.unmask, "termination", "list", "terminate list");
  RowWriter w(ctx.out(), ctx.format(), kColumns);
  for (const auto& t : all) w.row(row_of(t, mask, ctx.format() == Format::Table));
}

}  // namespace

void review_termination(Context& ctx, std::int64_t id, ReviewAction action,
                        const std::string& reason) {
  switch (action) {
    case ReviewAction::Approve:
      print(ctx, ncss::approve_termination(ctx.store(), id, ctx.actor()), "approved");
      return;
    case ReviewAction::Reject:
      print(ctx, ncss::reject_termination(ctx.store(), id, reason, ctx.actor()),
            "refused by the school");
      return;
    case ReviewAction::Return:
      print(ctx, ncss::return_termination(ctx.store(), id, reason, ctx.actor()),
            "returned for modification");
      return;
  }
}

void register_terminate(CLI::App& app, Context& ctx) {
  auto o = std::make_shared<TerminateOptions>();
  auto* term = app.add_subcommand(
      "terminate",
      "解约: online termination of a signed agreement (request, the other party's answer, the "
      "school's review) and offline termination of a paper agreement");
  term->require_subcommand(1);

  auto* request = term->add_subcommand(
      "request",
      "either party asks to terminate a signed agreement (线上解约) → 解约中, awaiting the other "
      "party (no time limit)");
  request->add_option("signing", o->request.invitation_id, "the signing's invitation ID")
      ->required();
  request->add_option("--by", o->request.by, "who asks: employer or graduate")
      ->required()
      ->check(CLI::IsMember({"employer", "graduate"}));
  request->add_option("--reason", o->request.reason, "解约原因, code or name")->required();
  request->add_option(
      "--note", o->request.note,
      "解约说明, at most 200 characters (optional: the form marks it 选填; may hold "
      "line breaks)");
  request->callback([&ctx, o] {
    print(ctx, ncss::request_termination(ctx.store(), o->request, ctx.actor()), "requested");
  });

  auto* respond = term->add_subcommand(
      "respond",
      "the other party accepts (→ the school's review) or refuses (→ 解约失败, the agreement "
      "stays signed)");
  respond->add_option("id", o->id, "termination ID")->required();
  respond->add_option("--by", o->by, "who answers: the party that did not ask")
      ->required()
      ->check(CLI::IsMember({"employer", "graduate"}));
  auto* acc = respond->add_flag("--accept", o->accept, "同意解约");
  auto* rej = respond->add_flag("--reject", o->reject, "不同意解约");
  acc->excludes(rej);
  respond->callback([&ctx, o] {
    if (!o->accept && !o->reject) throw ncss::Error::usage("give --accept or --reject");
    print(ctx, ncss::respond_termination(ctx.store(), o->id, o->by, o->accept, ctx.actor()),
          o->accept ? "accepted by the other party" : "refused by the other party");
  });

  auto* offline = term->add_subcommand(
      "offline",
      "线下解约: the graduate files the termination of an approved paper or offline agreement "
      "with the termination letter → the school's review");
  offline->add_option("--graduate", o->offline.id_number, "身份证号")->required();
  offline->add_option("--cohort", o->offline.cohort, "届别, when on several rosters")
      ->check(kCohortYear);
  offline->add_option("--reason", o->offline.reason, "解约原因, code or name")->required();
  offline
      ->add_option("--note", o->offline.note,
                   "解约说明, at most 200 characters (may hold line breaks)")
      ->required();
  offline->add_option("--letter", o->letters, "解约函 scans, JPEG or PNG, at most 10 MiB each")
      ->required();
  offline->callback([&ctx, o] {
    o->offline.letters = paths(o->letters);
    print(ctx, ncss::request_offline_termination(ctx.store(), o->offline, ctx.actor()), "filed");
  });

  auto* resubmit = term->add_subcommand(
      "resubmit", "the graduate resubmits an offline termination returned for modification");
  resubmit->add_option("id", o->id, "termination ID")->required();
  resubmit->add_option("--reason", o->reason, "a new 解约原因 (default: keep)");
  resubmit->add_option("--note", o->note, "a new 解约说明 (default: keep; may hold line breaks)");
  resubmit->add_option("--letter", o->letters, "more 解约函 scans, JPEG or PNG");
  resubmit->callback([&ctx, o] {
    print(ctx,
          ncss::resubmit_termination(ctx.store(), o->id, o->reason, o->note, paths(o->letters),
                                     ctx.actor()),
          "resubmitted");
  });

  auto* approve = term->add_subcommand(
      "approve", "the school approves a termination → 已解约 (the graduate is free again)");
  approve->add_option("id", o->id, "termination ID")->required();
  approve->callback([&ctx, o] { review_termination(ctx, o->id, ReviewAction::Approve, ""); });

  auto* reject = term->add_subcommand(
      "reject", "the school refuses a termination → 解约失败 (the agreement stays valid)");
  reject->add_option("id", o->id, "termination ID")->required();
  reject->add_option("--reason", o->reason, "审核意见")->required();
  reject->callback([&ctx, o] { review_termination(ctx, o->id, ReviewAction::Reject, o->reason); });

  auto* ret = term->add_subcommand(
      "return", "the school returns an offline termination for modification (退回修改)");
  ret->add_option("id", o->id, "termination ID")->required();
  ret->add_option("--reason", o->reason, "what to modify")->required();
  ret->callback([&ctx, o] { review_termination(ctx, o->id, ReviewAction::Return, o->reason); });

  auto* list = term->add_subcommand(
      "list", "the 解约中 / 已解约 / 解约失败 lists (ID numbers masked in tables unless --unmask)");
  list->add_option("--list", o->filter.list, "解约中, 已解约 or 解约失败")
      ->check(CLI::IsMember({"解约中", "已解约", "解约失败"}));
  list->add_flag("--failed", o->failed, "the 解约失败 list");
  list->add_option("--phase", o->filter.phase, "one phase: awaiting_review is the school's queue")
      ->check(
          CLI::IsMember({"awaiting_party", "awaiting_review", "returned", "approved", "failed"}));
  list->add_option("--employer", o->filter.employer, "the employer's 统一社会信用代码");
  list->add_option("--school", o->filter.school, "毕业院校: code or name");
  list->add_option("--cohort", o->filter.cohort, "届别")->check(kCohortYear);
  list->add_option("--graduate", o->filter.id_number, "身份证号");
  list->add_option("--idle-days", o->idle_days,
                   "only those whose last step is at least N days old (with --phase "
                   "awaiting_party: requests the other party has not answered, for the school "
                   "to help with)")
      ->check(CLI::Range(1, 3650));
  list->add_flag("--unmask", o->unmask, "show ID numbers in full (recorded)");
  list->callback([&ctx, o] { run_list(ctx, *o); });

  auto* show = term->add_subcommand("show", "one termination");
  show->add_option("id", o->id, "termination ID")->required();
  show->add_flag("--unmask", o->unmask, "show the ID number in full in a table (recorded)");
  show->callback([&ctx, o] {
    auto t = ncss::get_termination(ctx.store(), o->id);
    const bool mask =
        ctx.mask_personal_data(o->unmask, "termination", std::to_string(t.id), "terminate show");
    RowWriter w(ctx.out(), ctx.format(), kColumns);
    w.row(row_of(t, mask, ctx.format() == Format::Table));
  });
}

void register_void(CLI::App& app, Context& ctx) {
  auto o = std::make_shared<TerminateOptions>();
  auto* v = app.add_subcommand(
      "void",
      "作废: the school voids a signed agreement → 已作废 (the employer's list); the graduate is "
      "free again");
  v->add_option("signing", o->id, "the signing's invitation ID")->required();
  v->add_option("--reason", o->reason, "why (recorded, shown to both parties)")->required();
  v->callback([&ctx, o] {
    auto inv = ncss::void_signing(ctx.store(), o->id, o->reason, ctx.actor());
    ctx.note("voided invitation " + std::to_string(inv.id) + " (" + inv.agreement_no + ")");
    RowWriter w(ctx.out(), ctx.format(),
                {{"invitation_id", "邀请编号", true},
                 {"agreement_no", "协议编号"},
                 {"state", "状态代码"},
                 {"state_name", "最新状态"}});
    w.row({std::to_string(inv.id), inv.agreement_no, "voided", ncss::invitation_state_text(inv)});
  });
}

}  // namespace cli
