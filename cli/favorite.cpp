// ncssctl favorite add|import|template|remove|list: an employer's 学生收藏夹.
#include "ncss/favorite.hpp"

#include <CLI/CLI.hpp>
#include <cerrno>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>

#include "context.hpp"
#include "exit_codes.hpp"
#include "import_report.hpp"
#include "ncss/error.hpp"
#include "ncss/identity.hpp"
#include "options.hpp"

namespace cli {

namespace {

struct FavoriteOptions {
  std::string employer;
  ncss::FavoriteRequest request;
  std::vector<std::string> files;
  ncss::FavoriteImportOptions import;
  std::string report;
  std::string template_out = "学生收藏导入模板.xlsx";
  std::string id_number;
  int cohort = 0;
  std::string status;  // list: valid, invalid or empty (both)
  bool unmask = false;
};

const std::vector<Column> kFavoriteColumns = {
    {"id_number", "身份证号"},   {"name", "学生姓名"},     {"gender", "性别"},
    {"school_code", "院校代码"}, {"school", "毕业院校"},   {"degree_level", "学历层次"},
    {"major", "专业"},           {"cohort", "届别", true}, {"status", "状态"},
    {"added_at", "收藏时间"}};

// `human`: a table, whose time is China Standard Time; `mask` too unless --unmask.
std::vector<std::string> favorite_row(const ncss::Favorite& f, bool mask, bool human) {
  return {mask ? ncss::mask_resident_id(f.id_number) : f.id_number,
          f.name,
          f.gender,
          f.school_code,
          f.school_name,
          f.degree_level,
          f.major,
          std::to_string(f.cohort),
          f.status,
          listed_time(human, f.added_at)};
}

void run_add(Context& ctx, const FavoriteOptions& o) {
  auto r = o.request;
  r.cohort = o.cohort;
  auto f = ncss::add_favorite(ctx.store(), o.employer, r, ctx.actor());
  ctx.note("added " + ncss::mask_resident_id(f.id_number) + " " + f.name + " (" +
           std::to_string(f.cohort) + ") to the favourites of " + o.employer);
  RowWriter w(ctx.out(), ctx.format(), kFavoriteColumns);
  w.row(favorite_row(f, ctx.format() == Format::Table, ctx.format() == Format::Table));
}

void run_import(Context& ctx, FavoriteOptions& o) {
  o.import.cohort = o.cohort;
  ImportRun run(ctx, o.report, o.files,
                {{"added", "新增", true}, {"rejected", "拒绝", true}, {"blank", "空行", true}},
                o.import.dry_run, o.import.all_or_nothing);
  auto actor = ctx.actor();
  for (const auto& file : o.files) {
    run.file(file, [&](const ncss::ProblemSink& sink) {
      TerminalProgress progress(ctx, file);
      auto r =
          ncss::import_favorites(ctx.store(), o.employer, file, o.import, actor, sink, &progress);
      return ImportRun::Outcome::of(
          r, {std::to_string(r.added), std::to_string(r.rejected), std::to_string(r.blank)},
          std::to_string(r.added) + " added, " + std::to_string(r.rejected) + " rejected, " +
              std::to_string(r.blank) + " blank");
    });
  }
  run.finish();
}

void run_remove(Context& ctx, const FavoriteOptions& o) {
  ncss::remove_favorite(ctx.store(), o.employer, o.id_number, o.cohort, ctx.actor());
  const std::string id = ncss::normalize_resident_id(o.id_number);
  ctx.note("removed " + ncss::mask_resident_id(id) + " from the favourites of " + o.employer);
  ctx.script_result(
      {{"employer_code", "统一社会信用代码"}, {"id_number", "身份证号"}, {"result", "结果"}},
      {ncss::normalize_credit_code(o.employer), id, "removed"});
}

void run_list(Context& ctx, const FavoriteOptions& o) {
  auto favorites = ncss::list_favorites(ctx.store(), o.employer, o.cohort, o.status);
  bool mask = ctx.mask_personal_data(o.unmask, "employer", o.employer, "favorite list");
  RowWriter w(ctx.out(), ctx.format(), kFavoriteColumns);
  for (const auto& f : favorites) {
    w.row(favorite_row(f, mask, ctx.format() == Format::Table));
  }
}

void add_employer(CLI::App* cmd, FavoriteOptions& o) {
  cmd->add_option("--employer", o.employer, "the employer's 统一社会信用代码")->required();
}

}  // namespace

void register_favorite(CLI::App& app, Context& ctx) {
  auto o = std::make_shared<FavoriteOptions>();
  auto* fav = app.add_subcommand("favorite",
                                 "学生收藏夹: a verified employer's favourite graduates: add, "
                                 "import, list, remove; the import template");
  fav->require_subcommand(1);

  auto* add = fav->add_subcommand(
      "add",
      "add a graduate matched exactly on 学生姓名, 身份证号 and 毕业院校 (verified employers)");
  add_employer(add, *o);
  add->add_option("--name", o->request.name, "学生姓名")->required();
  add->add_option("--id", o->request.id_number, "身份证号")->required();
  add->add_option("--school", o->request.school, "毕业院校 (name, former name or code)")
      ->required();
  add->add_option("--cohort", o->cohort, "届别, when the person is on several rosters")
      ->check(kCohortYear);
  add->callback([&ctx, o] { run_add(ctx, *o); });

  auto* import_cmd = fav->add_subcommand(
      "import",
      "add the graduates of files in the three-column template (.csv, .xlsx); exit 0 all rows "
      "added, 4 some rows rejected, 3 a file refused whole");
  add_employer(import_cmd, *o);
  import_cmd->add_option("files", o->files, "favourite files")
      ->required()
      ->check(CLI::ExistingFile);
  import_cmd->add_option("--cohort", o->cohort, "届别 for ID numbers on several cohorts' rosters")
      ->check(kCohortYear);
  add_import_options(import_cmd, o->import, o->report);
  import_cmd->callback([&ctx, o] { run_import(ctx, *o); });

  auto* tmpl = fav->add_subcommand("template", "write the .xlsx import template");
  tmpl->add_option("-o,--output", o->template_out, "the .xlsx file to write")
      ->capture_default_str();
  tmpl->callback([&ctx, o] {
    require_template_name(o->template_out);
    ncss::write_favorite_template(ctx.output_path(o->template_out, "-o"));
    ctx.note("wrote the favourites template " + o->template_out);
  });

  auto* remove = fav->add_subcommand("remove", "remove a graduate from the favourites");
  add_employer(remove, *o);
  remove->add_option("id_number", o->id_number, "身份证号")->required();
  remove->add_option("--cohort", o->cohort, "届别, when favourites of several cohorts match")
      ->check(kCohortYear);
  remove->callback([&ctx, o] { run_remove(ctx, *o); });

  auto* list = fav->add_subcommand(
      "list", "list the favourites (ID numbers masked in tables unless --unmask)");
  add_employer(list, *o);
  list->add_option("--cohort", o->cohort, "only this 届别")->check(kCohortYear);
  list->add_option("--status", o->status,
                   "valid (the 收藏夹 as the platform shows it) or invalid (its 失效 list); "
                   "default both");
  list->add_flag("--unmask", o->unmask, "show ID numbers in full (recorded)");
  list->callback([&ctx, o] { run_list(ctx, *o); });
}

}  // namespace cli
