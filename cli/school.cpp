// ncssctl school list|show|add: the institutions rosters and agreements name.
#include "ncss/school.hpp"

#include <CLI/CLI.hpp>
#include <memory>

#include "context.hpp"

namespace cli {

namespace {

struct SchoolOptions {
  ncss::SchoolFilter filter;
  std::string key;
  ncss::School added;
};

const std::vector<Column> kSchoolColumns = {{"code", "院校代码"},  {"moe_id", "学校标识码"},
                                            {"name", "学校名称"},  {"authority", "主管部门"},
                                            {"province", "省份"},  {"city", "所在地"},
                                            {"level", "办学层次"}, {"source", "来源"}};

std::vector<std::string> school_row(const ncss::School& s) {
  return {s.code, s.moe_id, s.name, s.authority, s.province, s.city, s.level, s.source};
}

void run_list(Context& ctx, const SchoolOptions& o) {
  auto schools = ncss::list_schools(ctx.store(), o.filter);
  RowWriter w(ctx.out(), ctx.format(), kSchoolColumns);
  for (const auto& s : schools) w.row(school_row(s));
}

void run_show(Context& ctx, const SchoolOptions& o) {
  auto s = ncss::get_school(ctx.store(), o.key);
  auto columns = kSchoolColumns;
  columns.push_back({"former_names", "曾用名"});
  auto row = school_row(s);
  std::string former;
  for (const auto& n : s.former_names) former += (former.empty() ? "" : ";") + n;
  row.push_back(former);
  if (ctx.format() == Format::Table) {
    // One school: a vertical card reads better than a one-row table.
    RowWriter w(ctx.out(), Format::Table, {{"field", "字段"}, {"value", "值"}});
    for (std::size_t i = 0; i < columns.size(); ++i) {
      w.row({columns[i].label + " " + columns[i].key, row[i]});
    }
    return;
  }
  RowWriter w(ctx.out(), ctx.format(), columns);
  w.row(row);
}

void run_add(Context& ctx, const SchoolOptions& o) {
  auto s = ncss::add_school(ctx.store(), o.added, ctx.actor());
  ctx.note("added school " + s.code + " " + s.name);
  ctx.script_result(kSchoolColumns, school_row(s));  // as every add prints its record
}

}  // namespace

void register_school(CLI::App& app, Context& ctx) {
  auto o = std::make_shared<SchoolOptions>();
  auto* school = app.add_subcommand("school", "institutions: the national list and additions");
  school->require_subcommand(1);

  auto* list = school->add_subcommand("list", "list institutions");
  list->add_option("--province", o->filter.province, "only this province (北京市, ...)");
  list->add_option("--level", o->filter.level, "only this level: 本科, 专科, 成人, 其他");
  list->add_option("--name", o->filter.name_contains, "only names containing this text");
  list->callback([&ctx, o] { run_list(ctx, *o); });

  auto* show = school->add_subcommand("show", "show one institution");
  show->add_option("school", o->key, "5-digit code, 10-digit identifier, name or former name")
      ->required();
  show->callback([&ctx, o] { run_show(ctx, *o); });

  auto* add = school->add_subcommand("add", "add an institution missing from the national list");
  add->add_option("--code", o->added.code, "5-digit 院校代码")->required();
  add->add_option("--name", o->added.name, "学校名称")->required();
  add->add_option("--moe-id", o->added.moe_id, "10-digit 学校标识码, if it has one");
  add->add_option("--authority", o->added.authority, "主管部门");
  add->add_option("--province", o->added.province, "省份");
  add->add_option("--city", o->added.city, "所在地");
  add->add_option("--level", o->added.level, "本科, 专科, 成人 or 其他")->required();
  add->callback([&ctx, o] { run_add(ctx, *o); });
}

}  // namespace cli
