// ncssctl export graduates|signings|registrations|terminations: the school's reporting files,
// .csv or .xlsx, with the platform lists' Chinese headers, streamed row by row.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <cctype>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "context.hpp"
#include "format.hpp"
#include "ncss/csv_writer.hpp"
#include "ncss/error.hpp"
#include "ncss/identity.hpp"
#include "ncss/invitation.hpp"
#include "ncss/registration.hpp"
#include "ncss/roster.hpp"
#include "ncss/termination.hpp"
#include "ncss/xlsx_writer.hpp"
#include "options.hpp"

namespace cli {

namespace {

struct ExportOptions {
  std::string output;
  bool unmask = false;
  ncss::GraduateFilter graduates;
  std::string graduate_status;
  ncss::InvitationFilter signings;
  ncss::RegistrationFilter registrations;
  ncss::TerminationFilter terminations;
};

// The words of machine names the exports show that no other table of the project has.
struct Word {
  const char* name;
  const char* text;
};
constexpr Word kWords[] = {
    {"valid", "有效"},        {"invalid", "失效"},      // graduate status
    {"online", "线上解约"},   {"offline", "线下解约"},  // termination mode
    {"employer", "用人单位"}, {"graduate", "毕业生"},   // who asked to terminate
};

std::string word_of(const std::string& name) {
  for (const auto& w : kWords) {
    if (name == w.name) return w.text;
  }
  return name;
}

// .csv or .xlsx by the name's extension (any case); anything else is refused before any work.
class ExportFile {
 public:
  static bool is_xlsx(const std::string& path) {
    std::string ext = std::filesystem::path(path).extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (ext == ".xlsx") return true;
    if (ext == ".csv") return false;
    throw ncss::Error::usage("-o '" + path + "' must end in .csv or .xlsx");
  }

  ExportFile(const std::string& path, const std::string& sheet,
             const std::vector<std::string>& headers) {
    if (is_xlsx(path)) {
      xlsx_ = std::make_unique<ncss::XlsxTableWriter>(path, sheet, headers);
    } else {
      csv_ = std::make_unique<ncss::CsvTableWriter>(path, headers);
    }
  }
  void row(const std::vector<std::string>& cells) {
    if (xlsx_) {
      xlsx_->row(cells);
    } else {
      csv_->row(cells);
    }
  }
  void close() {
    if (xlsx_) {
      xlsx_->close();
    } else {
      csv_->close();
    }
  }
  std::size_t rows() const { return xlsx_ ? xlsx_->rows_written() : csv_->rows_written(); }

 private:
  std::unique_ptr<ncss::XlsxTableWriter> xlsx_;
  std::unique_ptr<ncss::CsvTableWriter> csv_;
};

using RowSource = std::function<void(ExportFile& file, bool mask)>;

// The file's kind checked first, the file opened, the rows streamed, and a summary for the human;
// --unmask is recorded once all the rows are written, before the file is put in place: a file of
// full ID numbers never stands without its pii.unmask event.
void run_export(Context& ctx, const ExportOptions& o, const std::string& what,
                const std::string& sheet, const std::vector<std::string>& headers,
                const RowSource& rows) {
  ExportFile::is_xlsx(o.output);
  ctx.output_path(o.output, "-o");
  ExportFile file(o.output, sheet, headers);
  // Exports are files that travel: masked whatever --format says, unless --unmask.
  bool mask = !o.unmask;
  if (o.unmask) ctx.mask_personal_data(true, "export", what, "export " + what + " -o " + o.output);
  rows(file, mask);
  ctx.record_unmasking();
  file.close();
  ctx.note(std::to_string(file.rows()) + (file.rows() == 1 ? " row" : " rows") + " → " + o.output);
}

std::string id_shown(const std::string& id, bool mask) {
  return mask ? ncss::mask_resident_id(id) : id;
}

const std::vector<std::string> kGraduateHeaders = {
    "学生姓名", "身份证号", "性别", "毕业院校", "院系",     "学历层次", "专业",
    "培养方式", "届别",     "学号", "手机号码", "电子邮箱", "状态"};

void export_graduates(Context& ctx, const ExportOptions& o) {
  run_export(ctx, o, "graduates", "毕业生", kGraduateHeaders, [&](ExportFile& file, bool mask) {
    ncss::for_each_graduate(ctx.store(), o.graduates, [&](const ncss::Graduate& g) {
      if (!o.graduate_status.empty() && g.status != o.graduate_status) return;
      file.row({g.name, id_shown(g.id_number, mask), g.gender, g.school_name, g.department,
                g.degree_level_name, g.major, g.training_mode, std::to_string(g.cohort),
                g.student_no, mask && !g.phone.empty() ? ncss::mask_phone(g.phone) : g.phone,
                g.email, word_of(g.status)});
    });
  });
}

const std::vector<std::string> kSigningHeaders = {
    "协议编号", "学生姓名",     "身份证号",  "毕业院校",         "院系",         "学历层次",
    "专业",     "届别",         "单位名称",  "统一社会信用代码", "职位类别",     "岗位名称",
    "工作地点", "状态",         "栏目",      "发起时间",         "应约截止时间", "应约时间",
    "审核时间", "最新操作时间", "邀请函编号"};

void export_signings(Context& ctx, const ExportOptions& o) {
  run_export(ctx, o, "signings", "签约", kSigningHeaders, [&](ExportFile& file, bool mask) {
    ncss::for_each_invitation(ctx.store(), o.signings, [&](const ncss::Invitation& v) {
      file.row({v.agreement_no,
                v.name,
                id_shown(v.id_number, mask),
                v.school_name,
                v.department,
                v.degree_level,
                v.major,
                std::to_string(v.cohort),
                v.employer_name,
                v.employer_code,
                v.job_category_name,
                v.position,
                v.work_location,
                ncss::invitation_state_text(v),
                std::string(ncss::signing_state_list(v.state)),
                shown_time(v.issued_at),
                shown_time(v.deadline),
                shown_time(v.responded_at),
                shown_time(v.reviewed_at),
                shown_time(v.updated_at),
                std::to_string(v.id)});
    });
  });
}

const std::vector<std::string> kRegistrationHeaders = {
    "登记编号", "登记类型", "学生姓名",     "身份证号", "毕业院校", "院系",     "学历层次",
    "届别",     "培养方式", "毕业去向代码", "毕业去向", "子类型",   "单位名称", "统一社会信用代码",
    "单位性质", "职位类别", "岗位名称",     "工作地点", "审核状态", "审核意见", "协议编号",
    "提交时间", "审核时间", "最新操作时间"};

std::string field(const ncss::Registration& v, const char* key) {
  auto it = v.fields.find(key);
  return it == v.fields.end() ? "" : it->second;
}

// The name a registration is about, as `register list` shows it: the employer, the unit, the
// school or the company.
std::string unit_name(const ncss::Registration& v) {
  for (const char* key : {"employer_name", "unit", "study_school", "company"}) {
    if (auto name = field(v, key); !name.empty()) return name;
  }
  return "";
}

void export_registrations(Context& ctx, const ExportOptions& o) {
  run_export(ctx, o, "registrations", "毕业去向登记", kRegistrationHeaders,
             [&](ExportFile& file, bool mask) {
               ncss::for_each_registration(ctx.store(), o.registrations,
                                           [&](const ncss::Registration& v) {
                                             file.row({std::to_string(v.id),
                                                       ncss::registration_kind_text(v.kind),
                                                       v.name,
                                                       id_shown(v.id_number, mask),
                                                       v.school_name,
                                                       v.department,
                                                       v.degree_level,
                                                       std::to_string(v.cohort),
                                                       v.training_mode,
                                                       v.destination,
                                                       v.destination_name,
                                                       v.subtype,
                                                       unit_name(v),
                                                       field(v, "credit_code"),
                                                       v.nature_name,
                                                       v.job_category_name,
                                                       field(v, "position"),
                                                       field(v, "work_location"),
                                                       ncss::registration_state_text(v.state),
                                                       v.review_reason,
                                                       v.agreement_no,
                                                       shown_time(v.submitted_at),
                                                       shown_time(v.reviewed_at),
                                                       shown_time(v.updated_at)});
                                           });
             });
}

const std::vector<std::string> kTerminationHeaders = {
    "解约编号", "解约方式", "协议编号",         "学生姓名", "身份证号",    "毕业院校", "院系",
    "届别",     "单位名称", "统一社会信用代码", "发起方",   "解约原因",    "解约说明", "解约状态",
    "栏目",     "审核意见", "发起时间",         "审核时间", "最新操作时间"};

void export_terminations(Context& ctx, const ExportOptions& o) {
  run_export(ctx, o, "terminations", "解约", kTerminationHeaders, [&](ExportFile& file, bool mask) {
    ncss::for_each_termination(ctx.store(), o.terminations, [&](const ncss::Termination& t) {
      file.row({std::to_string(t.id), word_of(t.mode), t.agreement_no, t.name,
                id_shown(t.id_number, mask), t.school_name, t.department, std::to_string(t.cohort),
                t.employer_name, t.employer_code, word_of(t.requested_by), t.reason_name, t.note,
                ncss::termination_phase_label(t), ncss::termination_list(t.phase), t.review_reason,
                shown_time(t.requested_at), shown_time(t.reviewed_at), shown_time(t.updated_at)});
    });
  });
}

// -o and --unmask, and the filters every kind has: 毕业院校, 院系, 届别.
CLI::App* add_kind(CLI::App* exp, const char* name, const char* help, ExportOptions& o,
                   std::string& school, std::string& department, int& cohort) {
  auto* cmd = exp->add_subcommand(name, help);
  cmd->add_option("-o,--output", o.output, "the file to write: FILE.csv or FILE.xlsx")->required();
  cmd->add_flag("--unmask", o.unmask, "write ID numbers and phones in full (recorded)");
  cmd->add_option("--school", school, "only this 毕业院校 (name, former name or code)");
  cmd->add_option("--department", department, "only this 院系");
  cmd->add_option("--cohort", cohort, "only this 届别 (year)")->check(kCohortYear);
  return cmd;
}

}  // namespace

void register_export(CLI::App& app, Context& ctx) {
  auto o = std::make_shared<ExportOptions>();
  auto* exp = app.add_subcommand(
      "export",
      "the school's reporting files: graduates, signings, registrations or terminations as .csv "
      "(UTF-8 with BOM) or .xlsx, Chinese headers, ID numbers and phones masked unless --unmask");
  exp->require_subcommand(1);

  auto& g = o->graduates;
  auto* graduates =
      add_kind(exp, "graduates", "the rosters (学生名单)", *o, g.school, g.department, g.cohort);
  graduates->add_option("--level", g.degree_level, "only this 学历层次 (博士, 硕士, 本科, 专科)");
  graduates->add_option("--training-mode", g.training_mode, "only this 培养方式")
      ->check(CLI::IsMember({"非定向", "定向", "委培"}));
  graduates
      ->add_option("--status", o->graduate_status, "only valid (有效) or invalid (失效) records")
      ->check(CLI::IsMember({"valid", "invalid"}));
  graduates->callback([&ctx, o] { export_graduates(ctx, *o); });

  auto& s = o->signings;
  auto* signings = add_kind(exp, "signings", "online signings (签约邀请函 and agreements)", *o,
                            s.school, s.department, s.cohort);
  signings->add_option("--employer", s.employer_code, "only this employer (统一社会信用代码)");
  signings->add_option("--state", s.state, "a state: awaiting_graduate, signed, failed, ...");
  signings->add_option("--list", s.list,
                       "a list (栏目): 签约中, 已签约, 签约失败, 解约中, 已解约, 已作废, 失效");
  signings->callback([&ctx, o] { export_signings(ctx, *o); });

  auto& r = o->registrations;
  auto* registrations =
      add_kind(exp, "registrations", "registrations (paper agreements, other destinations, ...)",
               *o, r.school, r.department, r.cohort);
  registrations->add_option("--kind", r.kind, "paper, destination, targeted or offline");
  registrations->add_option("--state", r.state, "a state: pending, approved, rejected, ...");
  registrations->callback([&ctx, o] { export_registrations(ctx, *o); });

  auto& t = o->terminations;
  auto* terminations = add_kind(exp, "terminations", "terminations (解约), online and offline", *o,
                                t.school, t.department, t.cohort);
  terminations->add_option("--employer", t.employer, "only this employer (统一社会信用代码)");
  terminations->add_option("--list", t.list, "解约中, 已解约 or 解约失败");
  terminations->add_option(
      "--phase", t.phase, "one phase: awaiting_party, awaiting_review, returned, approved, failed");
  terminations->callback([&ctx, o] { export_terminations(ctx, *o); });
}

}  // namespace cli
