// ncssctl review list|queue|approve|reject|return: 院校审核 of signings the graduate has accepted,
// and of terminations (T<id>) and registrations (R<id>).
#include "ncss/review.hpp"

#include <CLI/CLI.hpp>
#include <cctype>
#include <memory>

#include "context.hpp"
#include "ncss/error.hpp"
#include "ncss/identity.hpp"
#include "options.hpp"
#include "review_items.hpp"

namespace cli {

namespace {

struct ReviewOptions {
  ncss::ReviewFilter filter;
  std::vector<std::string> items;  // invitation IDs, T<id> terminations
  std::string item;
  bool all = false;
  bool dry_run = false;
  bool unmask = false;
  std::string reason;
  std::string kind;  // queue: signing, registration or termination
};

const std::vector<Column> kReviewColumns = {{"invitation_id", "邀请编号", true},
                                            {"id_number", "身份证号"},
                                            {"name", "学生姓名"},
                                            {"school_code", "院校代码"},
                                            {"department", "院系"},
                                            {"degree_level", "学历层次"},
                                            {"employer", "统一社会信用代码"},
                                            {"employer_name", "单位名称"},
                                            {"position", "拟录用岗位名称"},
                                            {"responded_at", "应约时间"}};

const std::vector<Column> kQueueColumns = {{"item", "审核项"},       {"kind", "类别"},
                                           {"state", "状态"},        {"id_number", "身份证号"},
                                           {"name", "学生姓名"},     {"school_code", "院校代码"},
                                           {"department", "院系"},   {"degree_level", "学历层次"},
                                           {"cohort", "届别", true}, {"subject", "事项"},
                                           {"since", "提交审核时间"}};

const std::vector<Column> kApprovalColumns = {{"invitation_id", "邀请编号", true},
                                              {"agreement_no", "协议编号"}};

// The graduate's columns of both listings: id_number (masked in a table), name, school_code,
// department, degree_level.
std::vector<std::string> graduate_cells(const ncss::ReviewGraduate& g, bool mask) {
  return {mask ? ncss::mask_resident_id(g.id_number) : g.id_number, g.name, g.school_code,
          g.department, g.degree_level};
}

void run_list(Context& ctx, const ReviewOptions& o) {
  auto items = ncss::list_awaiting_review(ctx.store(), o.filter);
  bool mask = ctx.mask_personal_data(o.unmask, "school", o.filter.school, "review list");
  RowWriter w(ctx.out(), ctx.format(), kReviewColumns);
  for (const auto& i : items) {
    auto row = graduate_cells(i.graduate, mask);
    row.insert(row.begin(), std::to_string(i.invitation_id));
    row.insert(row.end(), {i.employer, i.employer_name, i.position,
                           listed_time(ctx.format() == Format::Table, i.responded_at)});
    w.row(row);
  }
}

void run_queue(Context& ctx, const ReviewOptions& o) {
  ncss::ReviewQueueFilter f;
  f.school = o.filter.school;
  f.department = o.filter.department;
  f.cohort = o.filter.cohort;
  f.kind = o.kind;
  auto items = ncss::review_queue(ctx.store(), f);
  bool mask = ctx.mask_personal_data(o.unmask, "school", o.filter.school, "review queue");
  RowWriter w(ctx.out(), ctx.format(), kQueueColumns);
  for (const auto& i : items) {
    auto row = graduate_cells(i.graduate, mask);
    row.insert(row.begin(), {i.ref, i.kind, i.state});
    row.insert(row.end(), {std::to_string(i.graduate.cohort), i.subject,
                           listed_time(ctx.format() == Format::Table, i.since)});
    w.row(row);
  }
}

// An item of the school's review: a signing (its invitation ID), a termination (T12) or a
// registration (R12).
struct Item {
  char kind = 'S';  // S signing, T termination, R registration
  std::int64_t id = 0;
};

// Approve, reject or return a termination or registration.
void review_other(Context& ctx, const Item& item, ReviewAction action, const std::string& reason) {
  if (item.kind == 'T') {
    review_termination(ctx, item.id, action, reason);
  } else {
    review_registration(ctx, item.id, action, reason);
  }
}

Item parse_item(const std::string& text) {
  Item item;
  std::string digits = text;
  if (!digits.empty() && std::string("TtRr").find(digits.front()) != std::string::npos) {
    item.kind = static_cast<char>(std::toupper(static_cast<unsigned char>(digits.front())));
    digits.erase(0, 1);
  }
  if (digits.empty() || digits.size() > 18 ||
      digits.find_first_not_of("0123456789") != std::string::npos) {
    throw ncss::Error::usage("'" + text +
                             "' is not a review item: an invitation ID (12), a termination (T12) "
                             "or a registration (R12)");
  }
  item.id = std::stoll(digits);
  return item;
}

void run_approve(Context& ctx, const ReviewOptions& o) {
  std::vector<ncss::Approval> done;
  std::vector<std::int64_t> ids;
  for (const auto& text : o.items) {
    Item item = parse_item(text);
    if (item.kind != 'S') {
      if (o.items.size() != 1) {
        throw ncss::Error::usage("approve one termination or registration at a time (" + text +
                                 ")");
      }
      review_other(ctx, item, ReviewAction::Approve, "");
      return;
    }
    ids.push_back(item.id);
  }
  if (o.all) {
    if (!ids.empty()) throw ncss::Error::usage("give invitation IDs or --all, not both");
    done = ncss::approve_matching(ctx.store(), o.filter, o.dry_run, ctx.actor());
    ctx.note(std::to_string(done.size()) +
             (o.dry_run ? " would be approved (dry run)" : " approved"));
  } else {
    if (ids.empty()) throw ncss::Error::usage("give invitation IDs to approve, or --all --school");
    if (o.dry_run) throw ncss::Error::usage("--dry-run goes with --all");
    done = ncss::approve_invitations(ctx.store(), ids, ctx.actor());
    ctx.note(std::to_string(done.size()) + " approved");
  }
  RowWriter w(ctx.out(), ctx.format(), kApprovalColumns);
  for (const auto& a : done) w.row({std::to_string(a.invitation_id), a.agreement_no});
}

void add_filter(CLI::App* cmd, ReviewOptions& o) {
  cmd->add_option("--school", o.filter.school, "毕业院校: code or name");
  cmd->add_option("--department", o.filter.department, "院系");
  cmd->add_option("--cohort", o.filter.cohort, "届别")->check(kCohortYear);
}

}  // namespace

void register_review(CLI::App& app, Context& ctx) {
  auto o = std::make_shared<ReviewOptions>();
  auto* review = app.add_subcommand(
      "review",
      "院校审核: list the signings awaiting review, queue everything awaiting the school "
      "(signings, registrations R<id>, terminations T<id>), approve, reject or return them");
  review->require_subcommand(1);

  auto* list = review->add_subcommand(
      "list", "invitations awaiting review (ID numbers masked in tables unless --unmask)");
  add_filter(list, *o);
  list->add_option("--employer", o->filter.employer, "the employer's 统一社会信用代码");
  list->add_flag("--unmask", o->unmask, "show ID numbers in full (recorded)");
  list->callback([&ctx, o] { run_list(ctx, *o); });

  auto* queue = review->add_subcommand(
      "queue",
      "everything awaiting the school's review, longest waiting first: signings (12), "
      "registrations in content or scan review (R3) and terminations (T2), named as review "
      "approve|reject|return take them (ID numbers masked in tables unless --unmask)");
  add_filter(queue, *o);
  queue->add_option("--kind", o->kind, "only signing, registration or termination items");
  queue->add_flag("--unmask", o->unmask, "show ID numbers in full (recorded)");
  queue->callback([&ctx, o] { run_queue(ctx, *o); });

  auto* approve = review->add_subcommand(
      "approve",
      "approve signings (已签约): assigns the 协议编号 and freezes the employer's and graduate's "
      "data; all or none");
  approve->add_option("items", o->items,
                      "invitation IDs, or one termination (T<id>) or registration (R<id>)");
  approve->add_flag("--all", o->all, "every invitation awaiting review of --school (and filters)");
  add_filter(approve, *o);
  approve->add_flag("--dry-run", o->dry_run,
                    "with --all: list what would be approved; write nothing");
  approve->callback([&ctx, o] { run_approve(ctx, *o); });

  auto* reject =
      review->add_subcommand("reject", "reject a signing (学校审核不通过) with a reason");
  reject
      ->add_option("item", o->item,
                   "invitation ID, a termination (T<id>) or a registration (R<id>)")
      ->required();
  reject->add_option("--reason", o->reason, "why (shown to the employer and the graduate)")
      ->required();
  reject->callback([&ctx, o] {
    Item item = parse_item(o->item);
    if (item.kind != 'S') {
      review_other(ctx, item, ReviewAction::Reject, o->reason);
      return;
    }
    ncss::reject_invitation(ctx.store(), item.id, o->reason, ctx.actor());
    ctx.note("rejected invitation " + std::to_string(item.id));
    // Scripts get the outcome, as approve prints it.
    ctx.script_result({{"invitation_id", "邀请函编号", true}, {"result", "结果"}},
                      {std::to_string(item.id), "rejected"});
  });

  auto* ret = review->add_subcommand("return",
                                     "return an offline termination (T<id>) or a registration "
                                     "(R<id>) for modification (退回修改)");
  ret->add_option("item", o->item, "a termination as T<id> or a registration as R<id>")->required();
  ret->add_option("--reason", o->reason, "what to modify")->required();
  ret->callback([&ctx, o] {
    Item item = parse_item(o->item);
    if (item.kind == 'S') {
      throw ncss::Error::usage(
          "a signing is approved or rejected, not returned; return T<id> or R<id>");
    }
    review_other(ctx, item, ReviewAction::Return, o->reason);
  });
}

}  // namespace cli
