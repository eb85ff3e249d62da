// ncssctl register paper|destination|targeted|offline-agreement|upload-scan|withdraw|resubmit|
// approve|return|reject|void|list|show|history: the graduate's registrations (paper agreements,
// other destinations, 定向/委培, offline agreements) and the school's review of them.
#include <CLI/CLI.hpp>
#include <memory>

#include "context.hpp"
#include "history.hpp"
#include "ncss/audit.hpp"
#include "ncss/error.hpp"
#include "ncss/identity.hpp"
#include "ncss/outbox.hpp"
#include "ncss/registration.hpp"
#include "options.hpp"
#include "review_items.hpp"

namespace cli {

namespace {

struct RegisterOptions {
  ncss::RegistrationRequest request;
  ncss::RegistrationFields fields;  // the field options given
  std::string code;
  std::vector<std::string> scans;
  std::vector<std::string> proofs;
  std::int64_t id = 0;
  std::string reason;
  ncss::RegistrationFilter filter;
  bool unmask = false;
};

std::vector<std::filesystem::path> paths(const std::vector<std::string>& files) {
  return {files.begin(), files.end()};
}

// "registration R12 (已签纸质就业协议登记, 待审核)"
std::string described(const ncss::Registration& v) {
  return "registration R" + std::to_string(v.id) + " (" + ncss::registration_kind_text(v.kind) +
         ", " + ncss::registration_state_text(v.state) + ")";
}

// The name a registration is about: the employer, the unit, the school or the company.
std::string main_name(const ncss::Registration& v) {
  for (const char* key : {"employer_name", "unit", "study_school", "company"}) {
    auto it = v.fields.find(key);
    if (it != v.fields.end()) return it->second;
  }
  return "";
}

const std::vector<Column> kListColumns = {{"registration_id", "登记编号", true},
                                          {"kind", "登记类型代码"},
                                          {"kind_name", "登记类型"},
                                          {"name", "学生姓名"},
                                          {"id_number", "证件号码"},
                                          {"school", "毕业院校"},
                                          {"department", "院系"},
                                          {"cohort", "届别", true},
                                          {"destination", "毕业去向代码"},
                                          {"destination_name", "毕业去向"},
                                          {"subtype", "子类型"},
                                          {"unit", "单位/院校"},
                                          {"state", "状态代码"},
                                          {"state_name", "审核状态"},
                                          {"agreement_no", "协议编号"},
                                          {"updated_at", "最新操作时间"}};

std::vector<std::string> list_row(const ncss::Registration& v, bool mask, bool human) {
  return {std::to_string(v.id),
          std::string(ncss::registration_kind_name(v.kind)),
          ncss::registration_kind_text(v.kind),
          v.name,
          mask ? ncss::mask_resident_id(v.id_number) : v.id_number,
          v.school_name,
          v.department,
          std::to_string(v.cohort),
          v.destination,
          v.destination_name,
          v.subtype,
          main_name(v),
          std::string(ncss::registration_state_name(v.state)),
          ncss::registration_state_text(v.state),
          v.agreement_no,
          listed_time(human, v.updated_at)};
}

// After an action: a note for the human and the registration's row.
void print_one(Context& ctx, const std::string& done, const ncss::Registration& v) {
  std::string note = done + " " + described(v);
  if (!v.agreement_no.empty() && v.state == ncss::RegistrationState::Approved) {
    note += ", 协议编号 " + v.agreement_no;
  }
  ctx.note(note);
  RowWriter w(ctx.out(), ctx.format(), kListColumns);
  const bool human = ctx.format() == Format::Table;
  w.row(list_row(v, human, human));
}

void run_list(Context& ctx, const RegisterOptions& o) {
  auto rows = ncss::list_registrations(ctx.store(), o.filter);
  bool mask = ctx.mask_personal_data(o.unmask, "registration", "", "register list");
  RowWriter w(ctx.out(), ctx.format(), kListColumns);
  for (const auto& v : rows) w.row(list_row(v, mask, ctx.format() == Format::Table));
}

// The fields in the order the forms show them, with their labels.
const std::vector<std::pair<std::string, std::string>>& field_labels() {
  static const std::vector<std::pair<std::string, std::string>> kLabels = {
      {"employer_name", "单位名称"},
      {"credit_code", "统一社会信用代码"},
      {"nature", "单位性质"},
      {"job_category", "职位类别"},
      {"position", "岗位名称"},
      {"work_location", "工作地点"},
      {"unit", "单位名称"},
      {"study_school", "升学院校"},
      {"country", "国家/地区"},
      {"company", "公司名称"},
      {"note", "说明"}};
  return kLabels;
}

void run_show(Context& ctx, const RegisterOptions& o) {
  auto v = ncss::get_registration(ctx.store(), o.id);
  bool mask =
      ctx.mask_personal_data(o.unmask, "registration", std::to_string(o.id), "register show");
  RowWriter w(ctx.out(), ctx.format(), {{"field", "项目"}, {"value", "内容"}});
  // "terms 补充条款": the table shows the key and its label, CSV and JSON the stable key alone.
  const bool human = ctx.format() == Format::Table;
  auto row = [&](const std::string& k, const std::string& val) {
    w.row({human ? k : k.substr(0, k.find(' ')), val});
  };
  row("registration_id 登记编号", std::to_string(v.id));
  row("kind 登记类型代码", std::string(ncss::registration_kind_name(v.kind)));
  row("kind_name 登记类型", ncss::registration_kind_text(v.kind));
  row("name 学生姓名", v.name);
  row("id_number 证件号码", mask ? ncss::mask_resident_id(v.id_number) : v.id_number);
  row("school 毕业院校", v.school_code + " " + v.school_name);
  row("department 院系", v.department);
  row("degree_level 学历层次", v.degree_level);
  row("cohort 届别", std::to_string(v.cohort));
  row("training_mode 培养方式", v.training_mode);
  row("destination 毕业去向", v.destination + " " + v.destination_name);
  if (!v.subtype.empty()) row("subtype 子类型", v.subtype);
  row("state 状态代码", std::string(ncss::registration_state_name(v.state)));
  row("state_name 审核状态", ncss::registration_state_text(v.state));
  for (const auto& [key, label] : field_labels()) {
    auto it = v.fields.find(key);
    if (it == v.fields.end()) continue;
    std::string shown = it->second;
    if (key == "nature" && !v.nature_name.empty()) shown += " " + v.nature_name;
    if (key == "job_category" && !v.job_category_name.empty()) {
      shown += " " + v.job_category_name;
    }
    bool targeted_unit = key == "unit" && v.kind == ncss::RegistrationKind::Targeted;
    row(key + " " + (targeted_unit ? std::string("定向/委培单位") : label), shown);
  }
  if (!v.agreement_no.empty()) row("agreement_no 协议编号", v.agreement_no);
  row("submitted_at 提交时间", listed_time(human, v.submitted_at));
  if (!v.reviewed_at.empty()) {
    row("reviewed_at 审核时间", listed_time(human, v.reviewed_at));
    row("reviewed_by 审核人", v.reviewed_by);
  }
  if (!v.review_reason.empty()) row("review_reason 审核意见", v.review_reason);
  row("updated_at 最新操作时间", listed_time(human, v.updated_at));
  for (const auto& f : v.files) {
    const std::string label = f.role == "scan"           ? " 扫描件"
                              : f.role == "proof"        ? " 证明材料"
                              : f.role == "stamped_scan" ? " 盖章扫描件"
                                                         : std::string();
    row("file." + f.role + label, f.name + " (" + std::to_string(f.size) + " bytes, " +
                                      f.media_type + ", sha256 " + f.sha256 + ", file " +
                                      std::to_string(f.file_id) + ")");
  }
}

void run_history(Context& ctx, const RegisterOptions& o) {
  // The registration's events and those of its offline terminations.
  print_events(
      ctx, ncss::history_of_registration(ctx.store(), o.id),
      ctx.mask_personal_data(o.unmask, "registration", std::to_string(o.id), "register history"));
}

using Options = std::shared_ptr<RegisterOptions>;

// An option that sets one field (only when given: an empty value clears an optional field).
CLI::Option* add_field(CLI::App* cmd, const Options& o, const std::string& option,
                       const std::string& key, const std::string& help) {
  return cmd->add_option_function<std::string>(
      option, [o, key](const std::string& v) { o->fields[key] = v; }, help);
}

void add_graduate(CLI::App* cmd, const Options& o) {
  cmd->add_option("--graduate", o->request.id_number, "the graduate's 身份证号")->required();
  cmd->add_option("--cohort", o->request.cohort, "届别, when the graduate is on several rosters")
      ->check(kCohortYear);
}

// 单位名称, 统一社会信用代码, 单位性质, 职位类别, 岗位名称, 工作地点 (paper and offline).
void add_agreement_fields(CLI::App* cmd, const Options& o, bool required) {
  auto req = [required](CLI::Option* opt) {
    if (required) opt->required();
  };
  req(add_field(cmd, o, "--employer-name", "employer_name", "单位名称"));
  req(add_field(cmd, o, "--credit-code", "credit_code", "统一社会信用代码 (checked, GB 32100)"));
  req(add_field(cmd, o, "--nature", "nature",
                "单位性质, code or name (ncssctl codes employer_nature)"));
  req(add_field(cmd, o, "--job-category", "job_category",
                "职位类别, code or name (ncssctl codes job_category)"));
  req(add_field(cmd, o, "--position", "position", "岗位名称"));
  add_field(cmd, o, "--work-location", "work_location", "工作地点 (optional)");
}

// The fields of other destinations, which the code decides.
void add_destination_fields(CLI::App* cmd, const Options& o) {
  add_field(cmd, o, "--unit", "unit",
            "单位名称: required for employment (10 sub-types, 11, 12, 27, 46, 50, 51)");
  add_field(cmd, o, "--study-school", "study_school",
            "升学院校 / 留学院校: required for 80 and 85");
  add_field(cmd, o, "--country", "country", "国家/地区: required for 85");
  add_field(cmd, o, "--company", "company", "公司名称: required for 75 自主创业");
  add_field(cmd, o, "--note", "note", "说明, at most 200 characters (may hold line breaks)");
}

void add_id(CLI::App* cmd, const Options& o) {
  cmd->add_option("id", o->id, "registration id (the number of R12)")->required();
}

void submit(Context& ctx, RegisterOptions& o, ncss::RegistrationKind kind) {
  o.request.kind = kind;
  o.request.code = o.code;
  o.request.fields = o.fields;
  o.request.scans = paths(o.scans);
  o.request.proofs = paths(o.proofs);
  print_one(ctx, "submitted", ncss::submit_registration(ctx.store(), o.request, ctx.actor()));
}

ncss::RegistrationChange change_of(const RegisterOptions& o) {
  ncss::RegistrationChange c;
  c.code = o.code;
  c.fields = o.fields;
  c.scans = paths(o.scans);
  c.proofs = paths(o.proofs);
  return c;
}

}  // namespace

void review_registration(Context& ctx, std::int64_t id, ReviewAction action,
                         const std::string& reason) {
  switch (action) {
    case ReviewAction::Approve:
      print_one(ctx, "approved", ncss::approve_registration(ctx.store(), id, {}, ctx.actor()));
      return;
    case ReviewAction::Reject:
      print_one(ctx, "rejected", ncss::reject_registration(ctx.store(), id, reason, ctx.actor()));
      return;
    case ReviewAction::Return:
      print_one(ctx, "returned", ncss::return_registration(ctx.store(), id, reason, ctx.actor()));
      return;
  }
}

void register_register(CLI::App& app, Context& ctx) {
  auto o = std::make_shared<RegisterOptions>();
  using Kind = ncss::RegistrationKind;
  auto* reg =
      app.add_subcommand("register",
                         "the graduate's registrations (已签纸质就业协议登记, 其他毕业去向登记, "
                         "定向/委培毕业去向补充登记, 线下签约) and the school's review of them");
  reg->require_subcommand(1);

  auto* paper = reg->add_subcommand(
      "paper",
      "已签纸质就业协议登记: the graduate registers a signed paper agreement with its stamped "
      "scans (destination 10); exit 5 for a 定向/委培 graduate or a second live destination");
  add_graduate(paper, o);
  add_agreement_fields(paper, o, true);
  paper->add_option("--scan", o->scans, "the stamped agreement's scans, JPEG or PNG")->required();
  paper->callback([&ctx, o] { submit(ctx, *o, Kind::Paper); });

  auto* dest = reg->add_subcommand(
      "destination",
      "其他毕业去向登记: the graduate registers another destination by code or sub-type (考研, "
      "西部计划, ...); exit 5 for a 定向/委培 graduate or a second live destination");
  add_graduate(dest, o);
  dest->add_option("--code", o->code,
                   "毕业去向 code or name, or a sub-type name (ncssctl codes destination, "
                   "destination_subtype); 10 only through its sub-types")
      ->required();
  add_destination_fields(dest, o);
  dest->add_option("--proof", o->proofs,
                   "证明材料, JPEG or PNG: required except for 76, 70, 71, 72");
  dest->callback([&ctx, o] { submit(ctx, *o, Kind::Destination); });

  auto* targeted = reg->add_subcommand(
      "targeted",
      "定向/委培毕业去向补充登记: the only registration of a 定向/委培 graduate (others: exit 5)");
  add_graduate(targeted, o);
  add_field(targeted, o, "--unit", "unit", "定向/委培单位")->required();
  add_field(targeted, o, "--note", "note", "说明, at most 200 characters (may hold line breaks)");
  targeted->add_option("--proof", o->proofs, "证明材料, JPEG or PNG (optional)");
  targeted->callback([&ctx, o] { submit(ctx, *o, Kind::Targeted); });

  auto* offline = reg->add_subcommand(
      "offline-agreement",
      "线下签约: the graduate submits the agreement's content for review; after approval it is "
      "printed, stamped and its scan uploaded (upload-scan) for a second review");
  add_graduate(offline, o);
  add_agreement_fields(offline, o, true);
  offline->callback([&ctx, o] { submit(ctx, *o, Kind::Offline); });

  auto* upload = reg->add_subcommand(
      "upload-scan",
      "线下签约: the graduate uploads the stamped agreement once its content is approved");
  add_id(upload, o);
  upload->add_option("--scan", o->scans, "the stamped agreement's scans, JPEG or PNG")->required();
  upload->callback([&ctx, o] {
    print_one(ctx, "uploaded the stamped scan of",
              ncss::upload_registration_scan(ctx.store(), o->id, paths(o->scans), ctx.actor()));
  });

  auto* withdraw = reg->add_subcommand(
      "withdraw", "撤回修改: the graduate takes back a registration before the school's review");
  add_id(withdraw, o);
  withdraw->callback([&ctx, o] {
    print_one(ctx, "withdrew", ncss::withdraw_registration(ctx.store(), o->id, ctx.actor()));
  });

  auto* resubmit = reg->add_subcommand(
      "resubmit",
      "the graduate submits a returned registration again, with the fields given changed (an "
      "empty value clears an optional one) and --scan/--proof files replacing the earlier ones");
  add_id(resubmit, o);
  resubmit->add_option("--code", o->code, "another destination: a new 毕业去向 code or sub-type");
  add_agreement_fields(resubmit, o, false);
  add_destination_fields(resubmit, o);
  resubmit->add_option("--scan", o->scans, "paper: new scans, replacing the earlier ones");
  resubmit->add_option("--proof", o->proofs, "new proof files, replacing the earlier ones");
  resubmit->callback([&ctx, o] {
    print_one(ctx, "resubmitted",
              ncss::resubmit_registration(ctx.store(), o->id, change_of(*o), ctx.actor()));
  });

  auto* approve = reg->add_subcommand(
      "approve",
      "审核通过 (the school): pending → approved (线下签约: → awaiting its scan; its scan review → "
      "approved); paper and offline agreements get their 协议编号");
  add_id(approve, o);
  approve->add_option("--code", o->code,
                      "another destination: approve it as this 毕业去向 code or sub-type");
  add_destination_fields(approve, o);
  approve->callback([&ctx, o] {
    print_one(ctx, "approved",
              ncss::approve_registration(ctx.store(), o->id, change_of(*o), ctx.actor()));
  });

  auto* ret = reg->add_subcommand(
      "return",
      "退回修改 (the school): back to the graduate to edit (线下签约 scan: to re-upload)");
  add_id(ret, o);
  ret->add_option("--reason", o->reason, "why (sent to the graduate)")->required();
  ret->callback([&ctx, o] {
    print_one(ctx, "returned",
              ncss::return_registration(ctx.store(), o->id, o->reason, ctx.actor()));
  });

  auto* reject = reg->add_subcommand(
      "reject", "审核不通过 (the school): final; the graduate files a new registration");
  add_id(reject, o);
  reject->add_option("--reason", o->reason, "why (sent to the graduate)")->required();
  reject->callback([&ctx, o] {
    print_one(ctx, "rejected",
              ncss::reject_registration(ctx.store(), o->id, o->reason, ctx.actor()));
  });

  auto* voided = reg->add_subcommand(
      "void",
      "作废 (the graduate, no review): an approved destination or 定向/委培 registration, or one "
      "not yet reviewed; approved paper and offline agreements end by termination (exit 5)");
  add_id(voided, o);
  voided->add_option("--reason", o->reason, "why (recorded)");
  voided->callback([&ctx, o] {
    print_one(ctx, "voided", ncss::void_registration(ctx.store(), o->id, o->reason, ctx.actor()));
  });

  auto* list = reg->add_subcommand("list", "list registrations (ID numbers masked in tables)");
  list->add_option("--school", o->filter.school, "only this school (code or name)");
  list->add_option("--department", o->filter.department, "only this 院系");
  list->add_option("--cohort", o->filter.cohort, "only this 届别")->check(kCohortYear);
  list->add_option("--kind", o->filter.kind, "paper, destination, targeted or offline");
  list->add_option("--state", o->filter.state,
                   "pending, returned, awaiting_scan, scan_review, approved, rejected, voided, "
                   "terminated or invalid");
  list->add_option("--graduate", o->filter.id_number, "only this graduate's (身份证号)");
  list->add_flag("--unmask", o->unmask, "show ID numbers in full (recorded)");
  list->callback([&ctx, o] { run_list(ctx, *o); });

  auto* show = reg->add_subcommand("show", "one registration with its fields and files");
  add_id(show, o);
  show->add_flag("--unmask", o->unmask, "show the ID number in full (recorded)");
  show->callback([&ctx, o] { run_show(ctx, *o); });

  auto* history = reg->add_subcommand(
      "history", "a registration's events, oldest first (the school sees the graduate's voids)");
  add_id(history, o);
  history->add_flag("--unmask", o->unmask,
                    "show ID numbers and phones in full in the table (recorded)");
  history->callback([&ctx, o] { run_history(ctx, *o); });
}

}  // namespace cli
