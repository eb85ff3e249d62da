// ncssctl template add|list|show|edit|remove|history: 邀请函信息管理, an employer's named job,
// archive and hukou templates, every version kept.
#include <CLI/CLI.hpp>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>

#include "context.hpp"
#include "ncss/error.hpp"
#include "ncss/identity.hpp"
#include "ncss/invite_template.hpp"

namespace cli {

namespace {

// Option names and labels of the template fields; the core says which fields each kind has.
struct FieldOption {
  const char* key;
  const char* flag;
  const char* label;
  const char* help;
};

const std::vector<FieldOption> kFieldOptions = {
    {"job_category", "--job-category", "拟录用职位类别",
     "job: 拟录用职位类别, code or name (`ncssctl codes job_category`)"},
    {"position", "--position", "拟录用岗位名称", "job: 拟录用岗位名称"},
    {"work_location", "--work-location", "工作地点", "job: 工作地点"},
    {"contact", "--contact", "联系人",
     "job: 签约联系人, required (starred on the invitation form); archive: 联系人"},
    {"contact_phone", "--contact-phone", "联系电话", "job: the contact's phone"},
    {"receipt_type", "--receipt-type", "档案接收类型",
     "archive: 档案接收类型, code or name (`ncssctl codes archive_receipt`)"},
    {"forward_unit", "--forward-unit", "转寄单位名称",
     "archive: 转寄单位名称 (required with receipt type 2)"},
    {"address", "--address", "地址",
     "archive: 地址 (required with receipt type 2); hukou: 户口迁移地址"},
    {"phone", "--phone", "电话", "archive: 电话"},
    {"postcode", "--postcode", "邮编", "archive: 邮编, 6 digits"},
};

std::string label(const std::string& key, const std::string& kind) {
  if (key == "address" && kind == "hukou") return "户口迁移地址";
  if (key == "contact" && kind == "job") return "签约联系人";
  for (const auto& f : kFieldOptions) {
    if (key == f.key) return f.label;
  }
  return key;
}

struct TemplateOptions {
  std::string employer;
  std::string kind;
  std::string name;
  bool make_default = false;
  bool unmask = false;
  std::map<std::string, std::string> values;
  std::vector<std::pair<std::string, CLI::Option*>> given;  // of the running subcommand
};

ncss::TemplateFields given_fields(const TemplateOptions& o) {
  ncss::TemplateFields f;
  for (const auto& [key, opt] : o.given) {
    if (opt->count() > 0) f[key] = o.values.at(key);
  }
  return f;
}

// The fields column: for scripts a JSON object as text, as history's details are (key=value
// pairs were ambiguous: a value may hold "; " and "="); in a table the fields in words, codes
// with their names and phone numbers masked unless --unmask (ncss::describe_template_fields).
std::string fields_text(Context& ctx, const std::string& kind, const ncss::TemplateFields& f,
                        bool mask) {
  if (ctx.format() == Format::Table) {
    return ncss::describe_template_fields(ctx.store(), kind, f, !mask);
  }
  nlohmann::ordered_json j = nlohmann::ordered_json::object();
  for (const auto& [k, v] : f) j[k] = v;
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

bool mask_phones(Context& ctx, const TemplateOptions& o, const std::string& command) {
  return ctx.mask_personal_data(o.unmask, "employer", o.employer, command);
}

void add_unmask(CLI::App* cmd, TemplateOptions& o) {
  cmd->add_flag("--unmask", o.unmask, "show phone numbers in full in a table (recorded)");
}

void show(Context& ctx, const ncss::InviteTemplate& t, bool mask) {
  std::vector<std::pair<std::string, std::string>> rows = {
      {"kind", t.kind},
      {"name", t.name},
      {"is_default", t.is_default ? "yes" : "no"},
      {"version", std::to_string(t.version)},
      {"updated_at", listed_time(ctx.format() == Format::Table, t.updated_at)}};
  for (const auto& key : ncss::template_field_keys(t.kind)) {
    std::string v = t.fields.count(key) ? t.fields.at(key) : "";
    if (mask && ncss::template_field_is_phone(t.kind, key)) v = ncss::mask_phone(v);
    rows.emplace_back(key, v);
  }
  if (ctx.format() == Format::Table) {
    RowWriter w(ctx.out(), Format::Table, {{"field", "字段"}, {"value", "值"}});
    for (const auto& [k, v] : rows) {
      std::string l = k == "kind"         ? "类型"
                      : k == "name"       ? "名称"
                      : k == "is_default" ? "默认"
                      : k == "version"    ? "版本"
                      : k == "updated_at" ? "更新时间"
                                          : label(k, t.kind);
      w.row({l + " " + k, v});
    }
    return;
  }
  std::vector<Column> cols;
  std::vector<std::string> values;
  for (const auto& [k, v] : rows) {
    cols.push_back({k, label(k, t.kind), k == "version"});  // a number, as in list and history
    values.push_back(v);
  }
  RowWriter w(ctx.out(), ctx.format(), cols);
  w.row(values);
}

CLI::App* add_kind_command(CLI::App* parent, const char* name, const char* help, TemplateOptions& o,
                           bool with_name) {
  auto* cmd = parent->add_subcommand(name, help);
  cmd->add_option("kind", o.kind, "job, archive or hukou")
      ->required()
      ->check(CLI::IsMember({"job", "archive", "hukou"}));
  if (with_name) cmd->add_option("name", o.name, "the template's name")->required();
  cmd->add_option("--employer", o.employer, "the employer's 统一社会信用代码")->required();
  return cmd;
}

void add_field_options(CLI::App* cmd, TemplateOptions& o) {
  for (const auto& f : kFieldOptions) {
    auto* opt = cmd->add_option(f.flag, o.values[f.key], f.help);
    o.given.emplace_back(f.key, opt);
  }
  cmd->add_flag("--default", o.make_default,
                "make it the default template of its kind (unmarking the previous default)");
}

}  // namespace

void register_template(CLI::App& app, Context& ctx) {
  auto o = std::make_shared<TemplateOptions>();
  auto* tmpl = app.add_subcommand(
      "template", "邀请函信息管理: an employer's job, archive and hukou templates for invitations");
  tmpl->require_subcommand(1);

  // `template add KIND --name NAME`: the name is an option here, as the brief's form has it.
  auto* add = add_kind_command(tmpl, "add", "add a named template", *o, false);
  add->add_option("--name", o->name, "the template's name")->required();
  add_field_options(add, *o);
  add->callback([&ctx, o] {
    auto t = ncss::add_template(ctx.store(), o->employer, o->kind, o->name, given_fields(*o),
                                o->make_default, ctx.actor());
    ctx.note("added the " + t.kind + " template '" + t.name + "'" +
             (t.is_default ? " (default)" : ""));
    show(ctx, t, mask_phones(ctx, *o, "template add"));
  });
  add_unmask(add, *o);

  auto* list = tmpl->add_subcommand("list", "list the employer's templates");
  list->add_option("--employer", o->employer, "the employer's 统一社会信用代码")->required();
  list->add_option("--kind", o->kind, "only this kind")
      ->check(CLI::IsMember({"job", "archive", "hukou"}));
  list->callback([&ctx, o] {
    RowWriter w(ctx.out(), ctx.format(),
                {{"kind", "类型"},
                 {"name", "名称"},
                 {"is_default", "默认"},
                 {"version", "版本", true},
                 {"fields", "内容"},
                 {"updated_at", "更新时间"}});
    const bool mask = mask_phones(ctx, *o, "template list");
    for (const auto& t : ncss::list_templates(ctx.store(), o->employer, o->kind)) {
      w.row({t.kind, t.name, t.is_default ? "yes" : "no", std::to_string(t.version),
             fields_text(ctx, t.kind, t.fields, mask),
             listed_time(ctx.format() == Format::Table, t.updated_at)});
    }
  });
  add_unmask(list, *o);

  auto* show_cmd = add_kind_command(tmpl, "show", "show one template", *o, true);
  show_cmd->callback([&ctx, o] {
    show(ctx, ncss::get_template(ctx.store(), o->employer, o->kind, o->name),
         mask_phones(ctx, *o, "template show"));
  });
  add_unmask(show_cmd, *o);

  auto* edit =
      add_kind_command(tmpl, "edit",
                       "change fields of a template (an empty value clears an optional field); "
                       "every edit is a new version",
                       *o, true);
  add_field_options(edit, *o);
  edit->callback([&ctx, o] {
    auto before = ncss::get_template(ctx.store(), o->employer, o->kind, o->name);
    auto t = ncss::edit_template(ctx.store(), o->employer, o->kind, o->name, given_fields(*o),
                                 o->make_default, ctx.actor());
    ctx.note(t.version == before.version
                 ? "nothing changed"
                 : "saved version " + std::to_string(t.version) + " of '" + t.name + "'");
    show(ctx, t, mask_phones(ctx, *o, "template edit"));
  });
  add_unmask(edit, *o);

  auto* remove =
      add_kind_command(tmpl, "remove", "remove a template (its history stays)", *o, true);
  remove->callback([&ctx, o] {
    ncss::remove_template(ctx.store(), o->employer, o->kind, o->name, ctx.actor());
    ctx.note("removed the " + o->kind + " template '" + o->name + "'");
    ctx.script_result({{"kind", "类型"}, {"name", "名称"}, {"result", "结果"}},
                      {o->kind, o->name, "removed"});
  });

  auto* history = add_kind_command(
      tmpl, "history", "every version of a template with who and when (查看编辑记录)", *o, true);
  history->callback([&ctx, o] {
    RowWriter w(ctx.out(), ctx.format(),
                {{"version", "版本", true},
                 {"action", "操作"},
                 {"actor", "操作人"},
                 {"at", "时间"},
                 {"is_default", "默认"},
                 {"fields", "内容"}});
    const bool mask = mask_phones(ctx, *o, "template history");
    for (const auto& v : ncss::template_history(ctx.store(), o->employer, o->kind, o->name)) {
      w.row({std::to_string(v.version), v.action, v.actor,
             listed_time(ctx.format() == Format::Table, v.at), v.is_default ? "yes" : "no",
             fields_text(ctx, o->kind, v.fields, mask)});
    }
  });
  add_unmask(history, *o);
}

}  // namespace cli
