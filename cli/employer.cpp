// ncssctl employer register|show|list|edit|correct and employer user add|list|edit|disable:
// employers (用人单位) and their accounts. `employer verify ...` is in employer_verify.cpp.
#include "ncss/employer.hpp"

#include <CLI/CLI.hpp>
#include <functional>
#include <memory>

#include "context.hpp"
#include "ncss/error.hpp"
#include "ncss/identity.hpp"

namespace cli {

namespace {

// An option whose absence means "leave as it is": the value lands in `text`, and the callback
// copies it into the optional only when the option was given.
struct Optional {
  CLI::Option* option = nullptr;
  std::string text;
  bool given() const { return option->count() > 0; }
  void into(std::optional<std::string>& target) const {
    if (given()) target = text;
  }
};

struct EmployerOptions {
  std::string credit_code;
  ncss::EmployerRegistration reg;
  ncss::EmployerFilter filter;
  Optional short_name, nature, industry, size, province, city, street, website;
  Optional new_name, new_short_name, new_code;
  std::string reason;
  ncss::EmployerUser user;
  std::int64_t user_id = 0;
  Optional real_name, gender, department, position, email, work_phone, fax, mobile;
  bool unmask = false;
  bool set_private = false, set_not_private = false;  // employer edit
};

const char* verification_word(const std::string& state) {
  if (state == "unverified") return "未认证";
  if (state == "pending") return "审核中";
  if (state == "verified") return "已认证";
  if (state == "rejected") return "认证未通过";
  return "";
}

const std::vector<Column> kEmployerColumns = {{"credit_code", "统一社会信用代码"},
                                              {"name", "单位名称"},
                                              {"short_name", "公司简称"},
                                              {"nature_code", "单位性质代码"},
                                              {"nature", "单位性质"},
                                              {"industry_code", "行业代码"},
                                              {"industry", "网签所属行业"},
                                              {"size", "公司规模"},
                                              {"province", "省份"},
                                              {"city", "城市"},
                                              {"street", "详细地址"},
                                              {"website", "公司网址"},
                                              {"verification", "认证状态"},
                                              {"private", "民营企业", true}};

std::vector<std::string> employer_row(const ncss::Employer& e, bool human) {
  std::string state = e.verification;
  if (human) state = std::string(verification_word(state)) + " " + state;
  return {
      e.credit_code, e.name,
      e.short_name,  e.nature_code,
      e.nature,      e.industry_code,
      e.industry,    e.size,
      e.province,    e.city,
      e.street,      e.website,
      state,         human ? (e.private_company ? "是" : "否") : (e.private_company ? "1" : "0")};
}

const std::vector<Column> kUserColumns = {{"id", "编号", true},
                                          {"credit_code", "统一社会信用代码"},
                                          {"real_name", "真实姓名"},
                                          {"gender", "性别"},
                                          {"department", "所在部门"},
                                          {"position", "担任职务"},
                                          {"email", "邮箱"},
                                          {"work_phone", "工作电话"},
                                          {"fax", "传真"},
                                          {"mobile", "手机"},
                                          {"status", "状态"}};

std::vector<std::string> user_row(const ncss::EmployerUser& u, bool mask) {
  auto phone = [mask](const std::string& p) {
    return mask && !p.empty() ? ncss::mask_phone(p) : p;
  };
  return {std::to_string(u.id),
          u.credit_code,
          u.real_name,
          u.gender,
          u.department,
          u.position,
          u.email,
          phone(u.work_phone),
          phone(u.fax),
          phone(u.mobile),
          u.disabled ? "disabled" : "active"};
}

// "field: old → new" lines for the human.
void note_changes(Context& ctx, const std::string& what, const ncss::ChangeSet& cs) {
  if (cs.empty()) {
    ctx.note(what + ": nothing changed");
    return;
  }
  ctx.note(what + ": " + std::to_string(cs.changes.size()) + " field(s) changed");
  // Text values quoted, others (the private flag: true, false) as JSON writes them.
  auto text = [](const nlohmann::json& v) {
    return v.is_string() ? "'" + v.get<std::string>() + "'" : v.dump();
  };
  for (const auto& [field, change] : cs.changes.items()) {
    // Named as the option that sets it (--size, not the column size_code).
    std::string shown = field;
    if (shown.ends_with("_code") && shown != "credit_code") shown.resize(shown.size() - 5);
    ctx.note("  " + shown + ": " + text(change["old"]) + " -> " + text(change["new"]));
  }
}

// After a change, scripts get the record as it now is (a person has the notes).
void print_for_scripts(Context& ctx, const ncss::Employer& e) {
  ctx.script_result(kEmployerColumns, employer_row(e, false));
}

void print_for_scripts(Context& ctx, const ncss::EmployerUser& u) {
  ctx.script_result(kUserColumns, user_row(u, false));
}

void run_register(Context& ctx, const EmployerOptions& o) {
  auto e = ncss::register_employer(ctx.store(), o.reg, ctx.actor());
  ctx.note("registered employer " + e.credit_code + " " + e.name + " (" + e.nature_code + " " +
           e.nature + "); next: identity verification with `ncssctl employer verify`");
  print_for_scripts(ctx, e);
}

void run_show(Context& ctx, const EmployerOptions& o) {
  auto e = ncss::get_employer(ctx.store(), o.credit_code);
  bool human = ctx.format() == Format::Table;
  auto columns = kEmployerColumns;
  columns.push_back({"verified_at", "认证时间"});
  columns.push_back({"created_at", "注册时间"});
  columns.push_back({"updated_at", "更新时间"});
  auto row = employer_row(e, human);
  row.push_back(listed_time(human, e.verified_at));
  row.push_back(listed_time(human, e.created_at));
  row.push_back(listed_time(human, e.updated_at));
  if (human) {
    // One employer: a vertical card reads better than a one-row table.
    RowWriter w(ctx.out(), Format::Table, {{"field", "字段"}, {"value", "值"}});
    for (std::size_t i = 0; i < columns.size(); ++i) {
      w.row({columns[i].label + " " + columns[i].key, row[i]});
    }
    return;
  }
  RowWriter w(ctx.out(), ctx.format(), columns);
  w.row(row);
}

void run_list(Context& ctx, const EmployerOptions& o) {
  auto employers = ncss::list_employers(ctx.store(), o.filter);
  bool human = ctx.format() == Format::Table;
  RowWriter w(ctx.out(), ctx.format(), kEmployerColumns);
  for (const auto& e : employers) w.row(employer_row(e, human));
}

void run_edit(Context& ctx, const EmployerOptions& o) {
  if (o.short_name.given()) {
    throw ncss::Error::usage(
        "公司简称 is printed on the agreement and corrected by staff (the guide's 企业客服), not "
        "by the employer's own edit: ncssctl employer correct " +
        o.credit_code + " --short-name NAME --reason WHY");
  }
  ncss::EmployerEdit edit;
  o.nature.into(edit.nature);
  o.industry.into(edit.industry);
  o.size.into(edit.size);
  o.province.into(edit.province);
  o.city.into(edit.city);
  o.street.into(edit.street);
  o.website.into(edit.website);
  if (o.set_private) edit.private_company = true;
  if (o.set_not_private) edit.private_company = false;
  auto cs = ncss::edit_employer(ctx.store(), o.credit_code, edit, ctx.actor());
  note_changes(ctx, "employer " + o.credit_code, cs);
  print_for_scripts(ctx, ncss::get_employer(ctx.store(), o.credit_code));
}

void run_correct(Context& ctx, const EmployerOptions& o) {
  ncss::EmployerCorrection c;
  o.new_name.into(c.name);
  o.new_short_name.into(c.short_name);
  o.new_code.into(c.credit_code);
  c.reason = o.reason;
  auto actor = ctx.actor();
  auto e = ncss::correct_employer(ctx.store(), o.credit_code, c, actor);
  ctx.note("corrected employer " + o.credit_code + ": now " + e.credit_code + " " + e.name +
           " (recorded as done by " + actor.name + ")");
  print_for_scripts(ctx, e);
}

void run_user_add(Context& ctx, const EmployerOptions& o) {
  auto u = ncss::add_employer_user(ctx.store(), o.credit_code, o.user, ctx.actor());
  ctx.note("added user " + std::to_string(u.id) + " " + u.real_name + " to employer " +
           u.credit_code);
  print_for_scripts(ctx, u);
}

void run_user_list(Context& ctx, const EmployerOptions& o) {
  auto users = ncss::list_employer_users(ctx.store(), o.credit_code);
  bool mask = ctx.mask_personal_data(o.unmask, "employer", o.credit_code, "employer user list");
  RowWriter w(ctx.out(), ctx.format(), kUserColumns);
  for (const auto& u : users) w.row(user_row(u, mask));
}

void run_user_edit(Context& ctx, const EmployerOptions& o) {
  ncss::EmployerUserEdit edit;
  o.real_name.into(edit.real_name);
  o.gender.into(edit.gender);
  o.department.into(edit.department);
  o.position.into(edit.position);
  o.email.into(edit.email);
  o.work_phone.into(edit.work_phone);
  o.fax.into(edit.fax);
  o.mobile.into(edit.mobile);
  auto cs = ncss::edit_employer_user(ctx.store(), o.user_id, edit, ctx.actor());
  note_changes(ctx, "user " + std::to_string(o.user_id), cs);
  print_for_scripts(ctx, ncss::get_employer_user(ctx.store(), o.user_id));
}

void run_user_disable(Context& ctx, const EmployerOptions& o) {
  if (ncss::disable_employer_user(ctx.store(), o.user_id, ctx.actor())) {
    ctx.note("disabled user " + std::to_string(o.user_id));
  } else {
    ctx.note("user " + std::to_string(o.user_id) + " was already disabled; nothing changed");
  }
  print_for_scripts(ctx, ncss::get_employer_user(ctx.store(), o.user_id));
}

void add_optional(CLI::App* app, Optional& target, const std::string& name,
                  const std::string& help) {
  target.option = app->add_option(name, target.text, help);
}

void add_user_fields(CLI::App* app, EmployerOptions& o, bool editing) {
  if (editing) {
    add_optional(app, o.real_name, "--real-name", "真实姓名");
    add_optional(app, o.gender, "--gender", "性别: 男 or 女");
    add_optional(app, o.department, "--department", "所在部门");
    add_optional(app, o.position, "--position", "担任职务");
    add_optional(app, o.email, "--email", "邮箱, name@domain.tld");
    add_optional(app, o.work_phone, "--work-phone", "工作电话");
    add_optional(app, o.fax, "--fax", "传真");
    add_optional(app, o.mobile, "--mobile", "手机: 11 digits starting with 1");
    return;
  }
  app->add_option("--real-name", o.user.real_name, "真实姓名")->required();
  app->add_option("--gender", o.user.gender, "性别: 男 or 女")->required();
  app->add_option("--department", o.user.department, "所在部门")->required();
  app->add_option("--position", o.user.position, "担任职务")->required();
  app->add_option("--email", o.user.email, "邮箱, name@domain.tld")->required();
  app->add_option("--work-phone", o.user.work_phone,
                  "工作电话 (at least one of --work-phone and --fax)");
  app->add_option("--fax", o.user.fax, "传真 (at least one of --work-phone and --fax)");
  app->add_option("--mobile", o.user.mobile, "手机 for SMS: 11 digits starting with 1");
}

void register_user(CLI::App* employer, Context& ctx, std::shared_ptr<EmployerOptions> o) {
  auto* user = employer->add_subcommand("user", "the employer's user accounts (单位用户)");
  user->require_subcommand(1);

  auto* add = user->add_subcommand("add", "add a user account to an employer");
  add->add_option("credit_code", o->credit_code, "the employer's 统一社会信用代码")->required();
  add_user_fields(add, *o, false);
  add->callback([&ctx, o] { run_user_add(ctx, *o); });

  auto* list = user->add_subcommand(
      "list", "list an employer's user accounts (phones masked in tables unless --unmask)");
  list->add_option("credit_code", o->credit_code, "the employer's 统一社会信用代码")->required();
  list->add_flag("--unmask", o->unmask, "show phone and fax numbers in full (recorded)");
  list->callback([&ctx, o] { run_user_list(ctx, *o); });

  auto* edit = user->add_subcommand("edit", "change a user account; records old and new values");
  edit->add_option("id", o->user_id, "the account's number (from `employer user list`)")
      ->required();
  add_user_fields(edit, *o, true);
  edit->callback([&ctx, o] { run_user_edit(ctx, *o); });

  auto* disable = user->add_subcommand("disable", "disable a user account (kept for the record)");
  disable->add_option("id", o->user_id, "the account's number (from `employer user list`)")
      ->required();
  disable->callback([&ctx, o] { run_user_disable(ctx, *o); });
}

}  // namespace

void register_employer(CLI::App& app, Context& ctx) {
  auto o = std::make_shared<EmployerOptions>();
  auto* employer = app.add_subcommand(
      "employer", "employers (用人单位): registration, accounts and identity verification");
  employer->require_subcommand(1);

  auto* reg = employer->add_subcommand("register", "register an employer (单位注册)");
  reg->add_option("--name", o->reg.name, "单位名称")->required();
  reg->add_option("--short-name", o->reg.short_name, "公司简称")->required();
  reg->add_option("--credit-code", o->reg.credit_code, "统一社会信用代码 (GB 32100, 18 characters)")
      ->required();
  reg->add_option("--nature", o->reg.nature,
                  "单位性质: code or name (`ncssctl codes employer_nature`)")
      ->required();
  reg->add_option("--industry", o->reg.industry,
                  "网签所属行业: GB/T 4754 section letter or name (`ncssctl codes industry`)")
      ->required();
  reg->add_option("--size", o->reg.size, "公司规模: code or name (`ncssctl codes company_size`)")
      ->required();
  reg->add_option("--province", o->reg.province, "公司地址: 省份")->required();
  reg->add_option("--city", o->reg.city, "公司地址: 城市")->required();
  reg->add_option("--street", o->reg.street, "公司地址: 详细地址")->required();
  reg->add_option("--website", o->reg.website, "公司网址, starting with http:// or https://");
  reg->add_flag("--private", o->reg.private_company,
                "a private company (民营企业): its 单位性质 must be 39 其他企业");
  reg->callback([&ctx, o] { run_register(ctx, *o); });

  auto* show = employer->add_subcommand("show", "show one employer, with its verification status");
  show->add_option("credit_code", o->credit_code, "统一社会信用代码")->required();
  show->callback([&ctx, o] { run_show(ctx, *o); });

  auto* list = employer->add_subcommand("list", "list employers");
  list->add_option("--verification", o->filter.verification,
                   "only this status: unverified, pending, verified, rejected");
  list->add_option("--nature", o->filter.nature, "only this 单位性质 (code or name)");
  list->add_option("--industry", o->filter.industry, "only this 网签所属行业 (code or name)");
  list->callback([&ctx, o] { run_list(ctx, *o); });

  auto* edit = employer->add_subcommand(
      "edit", "the employer's own edit; name and credit code cannot be changed here (see correct)");
  edit->add_option("credit_code", o->credit_code, "统一社会信用代码")->required();
  // Not shown in --help: given anyway, it says where 公司简称 is corrected.
  add_optional(edit, o->short_name, "--short-name", "公司简称 (corrected by staff)");
  o->short_name.option->group("");
  add_optional(edit, o->nature, "--nature", "单位性质: code or name");
  add_optional(edit, o->industry, "--industry", "网签所属行业: code or name");
  add_optional(edit, o->size, "--size", "公司规模: code or name");
  add_optional(edit, o->province, "--province", "公司地址: 省份");
  add_optional(edit, o->city, "--city", "公司地址: 城市");
  add_optional(edit, o->street, "--street", "公司地址: 详细地址");
  add_optional(edit, o->website, "--website", "公司网址 (http:// or https://; empty to clear)");
  auto* set_private = edit->add_flag(
      "--private", o->set_private,
      "it is a private company (民营企业): its 单位性质 must be 39 其他企业, now and after");
  edit->add_flag("--not-private", o->set_not_private,
                 "it is no longer a private company (the nature may then change)")
      ->excludes(set_private);
  edit->callback([&ctx, o] { run_edit(ctx, *o); });

  auto* correct = employer->add_subcommand(
      "correct",
      "staff only: correct an employer's name, short name or credit code, with a reason");
  correct->add_option("credit_code", o->credit_code, "the current 统一社会信用代码")->required();
  add_optional(correct, o->new_name, "--name", "the corrected 单位名称");
  add_optional(correct, o->new_short_name, "--short-name", "the corrected 公司简称");
  add_optional(correct, o->new_code, "--credit-code", "the corrected 统一社会信用代码");
  correct->add_option("--reason", o->reason, "why (recorded with the acting --actor)")->required();
  correct->callback([&ctx, o] { run_correct(ctx, *o); });

  register_user(employer, ctx, o);
  register_employer_verify(*employer, ctx);
}

}  // namespace cli
