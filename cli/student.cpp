// ncssctl student import|template|list|show|correct|remove|restore: the graduate rosters.

#include <CLI/CLI.hpp>
#include <filesystem>
#include <fstream>
#include <memory>

#include "context.hpp"
#include "exit_codes.hpp"
#include "import_report.hpp"
#include "ncss/error.hpp"
#include "ncss/graduate_record.hpp"
#include "ncss/identity.hpp"
#include "ncss/roster.hpp"
#include "ncss/roster_template.hpp"
#include "options.hpp"

namespace cli {

namespace {

struct StudentOptions {
  std::vector<std::string> files;
  ncss::ImportOptions import;
  std::string report;
  std::string template_out = "毕业生导入模板.xlsx";
  ncss::GraduateFilter filter;
  std::string id_number;
  int cohort = 0;
  bool unmask = false;
  ncss::GraduateCorrection correction;
  std::string reason;
};

// "2 favourites and 1 invitation made invalid (失效)", or "2 favourites, 1 invitation and 2
// registrations made invalid (失效)" when registrations were too; empty when nothing was.
std::string invalidated_text(std::size_t favorites, std::size_t invitations,
                             std::size_t registrations = 0) {
  if (favorites == 0 && invitations == 0 && registrations == 0) return "";
  std::string text = std::to_string(favorites) + (favorites == 1 ? " favourite" : " favourites") +
                     (registrations == 0 ? " and " : ", ") + std::to_string(invitations) +
                     (invitations == 1 ? " invitation" : " invitations");
  if (registrations != 0) {
    text += " and " + std::to_string(registrations) +
            (registrations == 1 ? " registration" : " registrations");
  }
  return text + " made invalid (失效)";
}

std::string summary_text(const ncss::ImportReport& r) {
  std::string text = std::to_string(r.added) + " new, " + std::to_string(r.updated) + " updated, " +
                     std::to_string(r.unchanged) + " unchanged, " + std::to_string(r.rejected) +
                     " rejected, " + std::to_string(r.blank) + " blank";
  std::string invalid = invalidated_text(r.invalidated_favorites, r.invalidated_invitations,
                                         r.invalidated_registrations);
  return invalid.empty() ? text : text + "; " + invalid;
}

void run_import(Context& ctx, const StudentOptions& o) {
  // Bad options refuse the command before any file is read or any report written.
  ncss::check_import_options(ctx.store(), o.import);
  ImportRun run(ctx, o.report, o.files,
                {{"added", "新增", true},
                 {"updated", "更新", true},
                 {"unchanged", "未变", true},
                 {"rejected", "拒绝", true},
                 {"blank", "空行", true},
                 {"invalidated_favorites", "失效收藏", true},
                 {"invalidated_invitations", "失效邀请", true},
                 {"invalidated_registrations", "失效登记", true}},
                o.import.dry_run, o.import.all_or_nothing);
  auto actor = ctx.actor();
  for (const auto& file : o.files) {
    run.file(file, [&](const ncss::ProblemSink& sink) {
      TerminalProgress progress(ctx, file);
      auto r = ncss::import_roster(ctx.store(), file, o.import, actor, &progress, sink);
      return ImportRun::Outcome::of(
          r,
          {std::to_string(r.added), std::to_string(r.updated), std::to_string(r.unchanged),
           std::to_string(r.rejected), std::to_string(r.blank),
           std::to_string(r.invalidated_favorites), std::to_string(r.invalidated_invitations),
           std::to_string(r.invalidated_registrations)},
          summary_text(r));
    });
  }
  run.finish();
}

void run_template(Context& ctx, const StudentOptions& o) {
  require_template_name(o.template_out);
  ncss::write_roster_template(ctx.output_path(o.template_out, "-o"));
  ctx.note("wrote the import template " + o.template_out);
}

const std::vector<Column> kGraduateColumns = {
    {"id_number", "身份证号"},   {"name", "学生姓名"},
    {"gender", "性别"},          {"cohort", "届别", true},
    {"school_code", "院校代码"}, {"school", "毕业院校"},
    {"department", "院系"},      {"degree_level", "学历层次"},
    {"major", "专业"},           {"training_mode", "培养方式"},
    {"student_no", "学号"},      {"phone", "手机号码"},
    {"email", "电子邮箱"},       {"status", "状态"}};

std::vector<std::string> graduate_row(const ncss::Graduate& g, bool mask) {
  return {mask ? ncss::mask_resident_id(g.id_number) : g.id_number,
          g.name,
          g.gender,
          std::to_string(g.cohort),
          g.school_code,
          g.school_name,
          g.department,
          g.degree_level_name,
          g.major,
          g.training_mode,
          g.student_no,
          mask && !g.phone.empty() ? ncss::mask_phone(g.phone) : g.phone,
          g.email,
          g.status};
}

void run_list(Context& ctx, const StudentOptions& o) {
  bool mask = ctx.mask_personal_data(o.unmask, "graduate", "list", "student list");
  RowWriter w(ctx.out(), ctx.format(), kGraduateColumns);
  ncss::for_each_graduate(ctx.store(), o.filter,
                          [&](const ncss::Graduate& g) { w.row(graduate_row(g, mask)); });
}

void run_show(Context& ctx, const StudentOptions& o) {
  auto g = ncss::get_graduate(ctx.store(), o.id_number, o.cohort);
  bool mask = ctx.mask_personal_data(o.unmask, "graduate", g.id_number, "student show");
  auto row = graduate_row(g, mask);
  if (ctx.format() == Format::Table) {
    RowWriter w(ctx.out(), Format::Table, {{"field", "字段"}, {"value", "值"}});
    for (std::size_t i = 0; i < kGraduateColumns.size(); ++i) {
      w.row({kGraduateColumns[i].label + " " + kGraduateColumns[i].key, row[i]});
    }
    return;
  }
  RowWriter w(ctx.out(), ctx.format(), kGraduateColumns);
  w.row(row);
}

// Prints the record after a correction, removal or restoration, and what it made invalid.
void print_correction(Context& ctx, const ncss::CorrectionResult& r, const std::string& command,
                      const std::string& done, bool unmask) {
  const auto& g = r.graduate;
  bool mask = ctx.mask_personal_data(unmask, "graduate", g.id_number, "student " + command);
  // The note is for a person at any format: masked unless --unmask.
  std::string who = g.name + " " + (unmask ? g.id_number : ncss::mask_resident_id(g.id_number));
  if (!r.changed) {
    ctx.note(who + ": nothing to change");
  } else {
    std::string invalid = invalidated_text(r.invalidated.favorites, r.invalidated.invitations,
                                           r.invalidated.registrations);
    ctx.note(who + ": " + done + (invalid.empty() ? "" : "; " + invalid));
  }
  if (ctx.format() == Format::Table) return;
  std::vector<Column> columns = kGraduateColumns;
  columns.push_back({"changed", "已更改"});
  columns.push_back({"invalidated_favorites", "失效收藏", true});
  columns.push_back({"invalidated_invitations", "失效邀请", true});
  columns.push_back({"invalidated_registrations", "失效登记", true});
  auto row = graduate_row(g, mask);
  row.push_back(r.changed ? "true" : "false");
  row.push_back(std::to_string(r.invalidated.favorites));
  row.push_back(std::to_string(r.invalidated.invitations));
  row.push_back(std::to_string(r.invalidated.registrations));
  ctx.script_result(columns, row);
}

void run_correct(Context& ctx, const StudentOptions& o) {
  const auto& c = o.correction;
  if (c.name.empty() && c.id_number.empty() && c.school.empty() && c.department.empty() &&
      c.degree_level.empty() && c.major.empty() && c.training_mode.empty() && c.phone.empty() &&
      c.email.empty()) {
    throw ncss::Error::usage(
        "say what to correct: --name, --id-number, --school, --department, --level, --major, "
        "--training-mode, --phone or --email");
  }
  auto r = ncss::correct_graduate(ctx.store(), o.id_number, o.cohort, c, o.reason, ctx.actor());
  print_correction(ctx, r, "correct", "corrected", o.unmask);
}

void run_remove(Context& ctx, const StudentOptions& o) {
  auto r = ncss::remove_graduate(ctx.store(), o.id_number, o.cohort, o.reason, ctx.actor());
  print_correction(ctx, r, "remove", "removed from the roster (invalid)", o.unmask);
}

void run_restore(Context& ctx, const StudentOptions& o) {
  auto r = ncss::restore_graduate(ctx.store(), o.id_number, o.cohort, o.reason, ctx.actor());
  print_correction(ctx, r, "restore", "restored to the roster", o.unmask);
}

// The graduate a correction names, and why.
void add_record_options(CLI::App* cmd, StudentOptions& o) {
  cmd->add_option("id_number", o.id_number, "身份证号 of the record")->required();
  cmd->add_option("--cohort", o.cohort, "届别, when the person is on several rosters")
      ->check(kCohortYear);
  cmd->add_option("--reason", o.reason, "why (recorded in the event)")->required();
  cmd->add_flag("--unmask", o.unmask, "show the ID number and phone in full (recorded)");
}

void add_filters(CLI::App* cmd, StudentOptions& o) {
  cmd->add_option("--school", o.filter.school, "only this school (name, former name or code)");
  cmd->add_option("--department", o.filter.department, "only this 院系");
  cmd->add_option("--cohort", o.filter.cohort, "only this 届别 (year)")->check(kCohortYear);
  cmd->add_option("--level", o.filter.degree_level,
                  "only this 学历层次 (博士, 硕士, 本科, 专科, or its code: 01, 11, 31, 41)");
  cmd->add_option("--training-mode", o.filter.training_mode, "only this 培养方式")
      ->check(CLI::IsMember({"非定向", "定向", "委培"}));
}

}  // namespace

void register_student(CLI::App& app, Context& ctx) {
  auto o = std::make_shared<StudentOptions>();
  auto* student = app.add_subcommand(
      "student", "graduate rosters: import, template, list, show, correct, remove, restore");
  student->require_subcommand(1);

  auto* import_cmd = student->add_subcommand(
      "import",
      "import roster files (.csv UTF-8/GBK, .xlsx); exit 0 all rows valid, 4 some rows "
      "rejected and the rest imported, 3 a file refused whole");
  import_cmd->add_option("files", o->files, "roster files")->required()->check(CLI::ExistingFile);
  import_cmd->add_option("--cohort", o->import.cohort, "届别 for rows (or files) that lack it")
      ->check(kCohortYear);
  import_cmd->add_option("--school", o->import.school,
                         "毕业院校 (name or code) for rows (or files) that lack it");
  add_import_options(import_cmd, o->import, o->report);
  import_cmd->callback([&ctx, o] { run_import(ctx, *o); });

  auto* tmpl = student->add_subcommand("template", "write the .xlsx import template");
  tmpl->add_option("-o,--output", o->template_out, "the .xlsx file to write")
      ->capture_default_str();
  tmpl->callback([&ctx, o] { run_template(ctx, *o); });

  auto* list = student->add_subcommand("list",
                                       "list graduates (ID numbers and phones masked "
                                       "in tables unless --unmask)");
  add_filters(list, *o);
  list->add_flag("--unmask", o->unmask, "show ID numbers and phones in full (recorded)");
  list->callback([&ctx, o] { run_list(ctx, *o); });

  auto* show = student->add_subcommand("show", "show one graduate");
  show->add_option("id_number", o->id_number, "身份证号")->required();
  show->add_option("--cohort", o->cohort, "届别, when the person is on several rosters")
      ->check(kCohortYear);
  show->add_flag("--unmask", o->unmask, "show the ID number and phone in full (recorded)");
  show->callback([&ctx, o] { run_show(ctx, *o); });

  auto* correct = student->add_subcommand(
      "correct",
      "the school corrects a record; a new 学生姓名, 身份证号, 毕业院校 or 培养方式, or a changed "
      "学历层次, 专业 or 院系, makes the graduate's "
      "favourites, open invitations and unfinished registrations invalid (失效)");
  add_record_options(correct, *o);
  correct->add_option("--name", o->correction.name, "new 学生姓名");
  correct->add_option("--id-number", o->correction.id_number, "new 身份证号 (性别 follows it)");
  correct->add_option("--school", o->correction.school, "new 毕业院校 (name, former name or code)");
  correct->add_option("--department", o->correction.department, "new 院系");
  correct->add_option("--level", o->correction.degree_level,
                      "new 学历层次 (博士, 硕士, 本科, 专科)");
  correct->add_option("--major", o->correction.major, "new 专业");
  correct->add_option("--training-mode", o->correction.training_mode,
                      "new 培养方式: 非定向, 定向 or 委培 (only 非定向 signs online)");
  correct->add_option("--phone", o->correction.phone, "new 手机号码");
  correct->add_option("--email", o->correction.email, "new 电子邮箱");
  correct->callback([&ctx, o] { run_correct(ctx, *o); });

  auto* remove = student->add_subcommand(
      "remove",
      "the school removes a record from the roster (it becomes invalid, its favourites, open "
      "invitations and unfinished registrations 失效)");
  add_record_options(remove, *o);
  remove->callback([&ctx, o] { run_remove(ctx, *o); });

  auto* restore = student->add_subcommand(
      "restore", "put a removed record back on the roster (invalidated invitations stay invalid)");
  add_record_options(restore, *o);
  restore->callback([&ctx, o] { run_restore(ctx, *o); });
}

}  // namespace cli
