// ncssctl invite issue|withdraw|respond|abort|list|show: the employer's 签约邀请函 and the
// graduate's response.
#include <CLI/CLI.hpp>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>

#include "context.hpp"
#include "import_report.hpp"
#include "ncss/error.hpp"
#include "ncss/identity.hpp"
#include "ncss/invitation.hpp"
#include "ncss/invite_template.hpp"
#include "ncss/text.hpp"
#include "ncss/time.hpp"
#include "options.hpp"

namespace cli {

namespace {

constexpr int kExitSomeRefused = 4;  // as in imports: some graduates refused
constexpr int kExitNoneWritten = 3;  // --all-or-nothing and a graduate was refused

struct InviteOptions {
  ncss::IssueRequest issue;
  std::int64_t id = 0;
  std::string reason;
  std::string note;
  bool accept = false;
  bool reject = false;
  ncss::InvitationFilter filter;
  bool unmask = false;
};

std::string read_terms(const std::string& terms) {
  if (terms.empty() || terms.front() != '@') return terms;
  const std::string file = terms.substr(1);
  std::error_code ec;
  if (std::filesystem::is_directory(file, ec)) {
    throw ncss::Error::io("cannot read the terms file '" + file + "': it is a directory");
  }
  std::ifstream in(file, std::ios::binary);
  if (!in) throw ncss::Error::io("cannot read the terms file '" + file + "'");
  std::ostringstream s;
  s << in.rdbuf();
  if (in.bad()) throw ncss::Error::io("cannot read the terms file '" + file + "'");
  std::string text = s.str();
  // Notepad and other Windows editors start a UTF-8 file with a byte-order mark: not text.
  if (text.starts_with("\xEF\xBB\xBF")) text.erase(0, 3);
  if (auto at = ncss::invalid_utf8_at(text)) {
    throw ncss::Error::invalid_input("the terms file '" + file + "' is not UTF-8 text (byte " +
                                     std::to_string(*at + 1) +
                                     "); save it as UTF-8 (补充条款 are text)");
  }
  return text;
}

void run_issue(Context& ctx, InviteOptions& o) {
  if (o.issue.terms.starts_with('@')) o.issue.terms_file = o.issue.terms.substr(1);
  o.issue.terms = read_terms(o.issue.terms);
  bool mask = ctx.format() == Format::Table;
  RowWriter w(ctx.out(), ctx.format(),
              {{"id_number", "证件号码"},
               {"name", "学生姓名"},
               {"result", "结果"},
               {"invitation_id", "邀请函编号", true},
               {"code", "原因代码"},
               {"message", "说明"},
               {"row", "文件行号", true}});
  // Streamed once the transaction has ended: a bulk issue of any size prints in bounded memory
  // (tables excepted: their column widths need every row).
  std::optional<TerminalProgress> progress;
  progress.emplace(ctx, "invite issue", "graduates");
  auto report = ncss::issue_invitations(
      ctx.store(), o.issue, ctx.actor(),
      [&](const ncss::IssueResult& r) {
        progress.reset();  // the outcomes are printed once the graduates are all decided
        std::string shown = mask ? ncss::mask_resident_id(r.id_number) : r.id_number;
        if (!r.issued)
          ctx.error(ncss::mask_resident_id(r.id_number) + ": " + r.code + ": " + r.message);
        w.row({shown, r.name, r.issued ? "issued" : "refused",
               r.invitation_id ? std::to_string(r.invitation_id) : "", r.code, r.message,
               r.row ? std::to_string(r.row) : ""});
      },
      [&](std::size_t done) {
        if (progress) progress->rows_done(done);
      });
  progress.reset();
  w.finish();
  for (const auto& warning : report.warnings) ctx.warn(o.issue.from_file + ": " + warning);
  std::string summary =
      std::to_string(report.issued) + " issued, " + std::to_string(report.refused) + " refused";
  const bool refused_whole = o.issue.all_or_nothing && report.refused > 0;
  if (o.issue.dry_run && refused_whole) {
    summary += " (dry run, --all-or-nothing: the real run would write nothing)";
  } else if (!report.written) {
    summary += o.issue.dry_run ? " (dry run: nothing written)" : " (nothing written)";
  }
  ctx.note(summary);
  // A dry run answers as the real run would.
  if (report.refused > 0) ctx.exit_status = refused_whole ? kExitNoneWritten : kExitSomeRefused;
}

const std::vector<Column> kListColumns = {{"invitation_id", "邀请函编号", true},
                                          {"employer_code", "统一社会信用代码"},
                                          {"name", "学生姓名"},
                                          {"id_number", "证件号码"},
                                          {"school", "毕业院校"},
                                          {"degree_level", "学历层次"},
                                          {"major", "专业"},
                                          {"state", "状态代码"},
                                          {"state_name", "最新状态"},
                                          {"updated_at", "最新操作时间"},
                                          {"deadline", "应约截止时间"}};

std::vector<std::string> list_row(const ncss::Invitation& v, bool mask, bool human) {
  return {std::to_string(v.id),
          v.employer_code,
          v.name,
          mask ? ncss::mask_resident_id(v.id_number) : v.id_number,
          v.school_name,
          v.degree_level,
          v.major,
          std::string(ncss::signing_state_name(v.state)),
          ncss::invitation_state_text(v),
          listed_time(human, v.updated_at),
          listed_time(human, v.deadline)};
}

void run_list(Context& ctx, const InviteOptions& o) {
  auto rows = ncss::list_invitations(ctx.store(), o.filter);
  bool mask = ctx.mask_personal_data(o.unmask, "employer", o.filter.employer_code, "invite list");
  RowWriter w(ctx.out(), ctx.format(), kListColumns);
  for (const auto& v : rows) w.row(list_row(v, mask, ctx.format() == Format::Table));
}

void run_show(Context& ctx, const InviteOptions& o) {
  auto v = ncss::get_invitation(ctx.store(), o.id);
  bool mask = ctx.mask_personal_data(o.unmask, "invitation", std::to_string(o.id), "invite show");
  using S = ncss::SigningState;
  bool responded = !v.responded_at.empty();
  bool reviewed = !v.reviewed_at.empty();
  bool signed_ = v.state == S::Signed || v.state == S::Terminating || v.state == S::Terminated ||
                 v.state == S::Voided;
  // "terms 补充条款": the table shows the key and its label, CSV and JSON the stable key alone.
  const bool human = ctx.format() == Format::Table;
  std::string wait_time = responded ? listed_time(human, v.responded_at) : "";
  if (!responded && v.state == S::Failed) wait_time = listed_time(human, v.updated_at);
  std::string review_time = reviewed ? listed_time(human, v.reviewed_at) : "";
  RowWriter w(ctx.out(), ctx.format(), {{"field", "项目"}, {"value", "内容"}});
  auto row = [&](const std::string& k, const std::string& val) {
    w.row({human ? k : k.substr(0, k.find(' ')), val});
  };
  row("invitation_id 邀请函编号", std::to_string(v.id));
  row("employer 用人单位", v.employer_code + " " + v.employer_name);
  row("name 学生姓名", v.name);
  row("id_number 证件号码", mask ? ncss::mask_resident_id(v.id_number) : v.id_number);
  row("school 毕业院校", v.school_name);
  row("degree_level 学历层次", v.degree_level);
  row("major 专业", v.major);
  row("cohort 届别", std::to_string(v.cohort));
  row("state 状态代码", std::string(ncss::signing_state_name(v.state)));
  row("state_name 最新状态", ncss::invitation_state_text(v));
  row("step1 单位已发起邀请", listed_time(human, v.issued_at));
  row("step2 等待学生应约", wait_time);
  row("step3 学校（院系）审核", review_time);
  row("step4 签约完成", signed_ ? review_time : "");
  row("deadline 应约截止时间", listed_time(human, v.deadline));
  row("job_category 拟录用职位类别", v.job_category + " " + v.job_category_name);
  row("position 拟录用岗位名称", v.position);
  row("work_location 工作地点", v.work_location);
  row("contact 签约联系人", v.contact);
  row("contact_phone 联系电话", mask ? ncss::mask_phone(v.contact_phone) : v.contact_phone);
  // A table says the archive and hukou blocks in words (codes named, phones masked); scripts
  // get the stored JSON.
  auto block = [&](const std::string& kind, const std::string& json) {
    if (!human) return json;
    return ncss::describe_template_fields(ctx.store(), kind, ncss::template_fields_from_json(json),
                                          !mask);
  };
  row("archive 档案接收", block("archive", v.archive));
  row("hukou 户口迁移", block("hukou", v.hukou));
  row("terms 补充条款", v.terms);
  if (!v.withdraw_reason.empty()) row("withdraw_reason 撤回原因", v.withdraw_reason);
  if (!v.review_reason.empty()) row("review_reason 审核意见", v.review_reason);
  if (!v.agreement_no.empty()) row("agreement_no 协议编号", v.agreement_no);
  row("updated_at 最新操作时间", listed_time(human, v.updated_at));
}

void print_one(Context& ctx, const ncss::Invitation& v) {
  RowWriter w(ctx.out(), ctx.format(), kListColumns);
  const bool human = ctx.format() == Format::Table;
  w.row(list_row(v, human, human));
}

}  // namespace

void register_invite(CLI::App& app, Context& ctx) {
  auto o = std::make_shared<InviteOptions>();
  auto* inv = app.add_subcommand(
      "invite",
      "签约邀请函: issue invitations, withdraw them, respond or abort as the graduate, list, show");
  inv->require_subcommand(1);

  auto* issue = inv->add_subcommand(
      "issue",
      "send invitations to favourite graduates; exit 0 all issued, 4 some refused, 3 none "
      "written because of --all-or-nothing, 5 the employer is not verified");
  auto& r = o->issue;
  issue->add_option("--employer", r.employer_code, "the employer's 统一社会信用代码")->required();
  auto* to = issue->add_option("--to", r.id_numbers, "身份证号 of the graduates to invite");
  auto* all =
      issue->add_flag("--all-favorites", r.all_favorites, "invite every favourite of --cohort");
  auto* from = issue->add_option("--from-file", r.from_file,
                                 "a .csv or .xlsx list with a 身份证号 column (optional 届别, "
                                 "学生姓名, checked against the roster)");
  from->check(CLI::ExistingFile);
  to->excludes(all);
  from->excludes(to);
  from->excludes(all);
  issue->add_option("--sheet", r.sheet,
                    "--from-file .xlsx: the sheet to read (default the first that is not hidden)");
  issue->add_option("--cohort", r.cohort, "届别")->check(kCohortYear);
  auto* jt = issue->add_option("--job-template", r.job_template, "a saved job template");
  auto* jc = issue->add_option("--job-category", r.job_category, "拟录用职位类别, code or name");
  jt->excludes(jc);
  issue->add_option("--position", r.position, "拟录用岗位名称");
  issue->add_option("--work-location", r.work_location, "工作地点");
  issue->add_option("--contact", r.contact,
                    "签约联系人, required with typed job info (starred on the invitation form)");
  issue->add_option("--contact-phone", r.contact_phone, "签约联系人电话");
  // Typed archive and hukou info (the template fields of invite_template.hpp).
  struct Typed {
    const char* option;
    ncss::TemplateFields ncss::IssueRequest::*block;
    const char* key;
    const char* help;
  };
  static const Typed kTyped[] = {
      {"--archive-receipt-type", &ncss::IssueRequest::archive, "receipt_type",
       "档案接收类型, code or name (ncssctl codes archive_receipt)"},
      {"--archive-forward-unit", &ncss::IssueRequest::archive, "forward_unit",
       "档案转寄单位名称 (with receipt type 2)"},
      {"--archive-address", &ncss::IssueRequest::archive, "address", "档案接收地址"},
      {"--archive-contact", &ncss::IssueRequest::archive, "contact", "档案接收联系人"},
      {"--archive-phone", &ncss::IssueRequest::archive, "phone", "档案接收联系电话"},
      {"--archive-postcode", &ncss::IssueRequest::archive, "postcode", "档案接收邮编, 6 digits"},
      {"--hukou-address", &ncss::IssueRequest::hukou, "address", "户口迁移地址"},
  };
  for (const auto& t : kTyped) {
    issue->add_option_function<std::string>(
        t.option, [o, t](const std::string& v) { (o->issue.*t.block)[t.key] = v; },
        std::string(t.help) +
            "; the first typed becomes the employer's default (else a template is used)");
  }
  issue->add_option("--archive-template", r.archive_template,
                    "档案接收 template (default: the employer's default)");
  issue->add_option("--hukou-template", r.hukou_template,
                    "户口迁移 template (default: the employer's default)");
  issue->add_option("--valid-days", r.valid_days, "应约有效期 in days, 1 to 30")
      ->capture_default_str();
  issue->add_option("--terms", r.terms,
                    "补充条款: TEXT, or @FILE; line breaks kept, control and invisible characters "
                    "refused");
  issue->add_flag("--dry-run", r.dry_run, "check and report; write nothing");
  issue->add_flag("--all-or-nothing", r.all_or_nothing, "write nothing if any graduate is refused");
  issue->callback([&ctx, o] { run_issue(ctx, *o); });

  auto* withdraw = inv->add_subcommand(
      "withdraw",
      "撤回签约, only while awaiting the graduate (awaiting review: exit 10, 请联系学生中止签约)");
  withdraw->add_option("id", o->id, "invitation id")->required();
  withdraw->add_option("--reason", o->reason, "撤回签约原因, code or name")->required();
  withdraw->add_option("--note", o->note,
                       "a note of at most 200 characters (may hold line breaks)");
  withdraw->callback([&ctx, o] {
    auto v = ncss::withdraw_invitation(ctx.store(), o->id, o->reason, o->note, ctx.actor());
    ctx.note("withdrew invitation " + std::to_string(v.id));
    print_one(ctx, v);
  });

  auto* respond = inv->add_subcommand(
      "respond", "the graduate accepts or rejects (refused past the deadline, exit 5)");
  respond->add_option("id", o->id, "invitation id")->required();
  auto* acc = respond->add_flag("--accept", o->accept, "接受");
  auto* rej = respond->add_flag("--reject", o->reject, "拒绝");
  acc->excludes(rej);
  respond->callback([&ctx, o] {
    if (!o->accept && !o->reject) throw ncss::Error::usage("give --accept or --reject");
    auto v = ncss::respond_invitation(ctx.store(), o->id, o->accept, ctx.actor());
    ctx.note(std::string(o->accept ? "accepted" : "rejected") + " invitation " +
             std::to_string(v.id));
    print_one(ctx, v);
  });

  auto* abort = inv->add_subcommand(
      "abort", "中止签约: the graduate stops a signing awaiting the school's review");
  abort->add_option("id", o->id, "invitation id")->required();
  abort->callback([&ctx, o] {
    auto v = ncss::abort_invitation(ctx.store(), o->id, ctx.actor());
    ctx.note("aborted invitation " + std::to_string(v.id));
    print_one(ctx, v);
  });

  auto* list = inv->add_subcommand("list", "list invitations (ID numbers masked in tables)");
  list->add_option("--employer", o->filter.employer_code, "统一社会信用代码");
  list->add_option("--state", o->filter.state, "a state: awaiting_graduate, signed, failed, ...");
  list->add_option("--list", o->filter.list,
                   "a list (栏目): 签约中, 已签约, 签约失败, 解约中, 已解约, 已作废, 失效");
  list->add_option("--cohort", o->filter.cohort, "届别")->check(kCohortYear);
  list->add_flag("--unmask", o->unmask, "show ID numbers in full (recorded)");
  list->callback([&ctx, o] { run_list(ctx, *o); });

  auto* show = inv->add_subcommand("show", "one invitation with its four progress steps");
  show->add_option("id", o->id, "invitation id")->required();
  show->add_flag("--unmask", o->unmask,
                 "show the ID number and the contact's phone in full (recorded)");
  show->callback([&ctx, o] { run_show(ctx, *o); });
}

}  // namespace cli
