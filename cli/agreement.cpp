// ncssctl agreement show|pdf|verify: the electronic employment agreement (电子就业协议书) of a
// signed online signing, as text or as PDF files, its verification, and the blank paper form
// for offline signing.
#include "ncss/agreement.hpp"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>

#include "context.hpp"
#include "exit_codes.hpp"
#include "ncss/error.hpp"
#include "ncss/identity.hpp"
#include "ncss/pdf_writer.hpp"
#include "ncss/roster.hpp"
#include "options.hpp"

namespace cli {

namespace {

namespace fs = std::filesystem;

struct AgreementOptions {
  std::int64_t id = 0;
  std::vector<std::string> records;  // invitation IDs, or ID numbers with --blank
  bool all = false;
  bool blank = false;
  int blank_cohort = 0;
  ncss::AgreementFilter filter;
  bool state_given = false;
  unsigned jobs = 0;
  std::string out_dir;
  std::string template_file;
  std::string subject;  // verify: a PDF file or a code
  bool unmask = false;
};

ncss::AgreementTemplate layout_of(const AgreementOptions& o) {
  if (o.template_file.empty()) return ncss::default_agreement_template();
  return ncss::load_agreement_template(o.template_file);
}

// The agreement's fields for scripts, one row each in key order ("graduate.name" and the like),
// as invite show gives its fields.
void write_agreement_fields(Context& ctx, const nlohmann::json& agreement) {
  RowWriter w(ctx.out(), ctx.format(), {{"field", "字段"}, {"value", "值"}});
  auto text = [](const nlohmann::json& v) {
    return v.is_string() ? v.get<std::string>() : v.dump();
  };
  for (const auto& [key, value] : agreement.items()) {
    if (!value.is_object()) {
      w.row({key, text(value)});
      continue;
    }
    for (const auto& [field, inner] : value.items()) w.row({key + "." + field, text(inner)});
  }
  w.finish();
}

// The text is for people: the ID number masked unless --unmask (whose use is recorded). An
// explicit --format csv, json or jsonl gives the fields for scripts, the ID number in full as in
// every listing's CSV and JSON (--unmask changes nothing there); without --format the text goes
// to a pipe as well.
void run_show(Context& ctx, const AgreementOptions& o) {
  auto layout = layout_of(o);
  auto a = ncss::load_agreement(ctx.store(), o.id);
  const bool fields = !ctx.options.format.empty() && ctx.format() != Format::Table;
  if (fields) {
    write_agreement_fields(ctx, ncss::agreement_json(a));
    return;
  }
  ctx.mask_personal_data(o.unmask, "invitation", std::to_string(o.id), "agreement show");
  if (!o.unmask) a.graduate.id_number = ncss::mask_resident_id(a.graduate.id_number);
  // The text view is for people: a control character in the terms or a name is shown as
  // <U+XXXX>, never sent to the terminal (line breaks stay).
  ctx.out() << printable(ncss::agreement_text(a, layout));
}

// The output directory, made when missing. If the batch fails without writing a file (every
// record refused, or an error before the first file), the directories this command made are
// removed again on the way out: a refused batch leaves nothing behind.
class OutputDirectory {
 public:
  explicit OutputDirectory(const std::string& out_dir) : dir_(out_dir) {
    std::error_code ec;
    for (fs::path p = dir_; !p.empty() && !fs::exists(p, ec); p = p.parent_path()) {
      created_.push_back(p);
      if (p == p.parent_path()) break;
    }
    fs::create_directories(dir_, ec);
    if (ec || !fs::is_directory(dir_)) {
      throw ncss::Error::io(
          "cannot create the output directory " + dir_.string() + (ec ? ": " + ec.message() : ""),
          ec.value());
    }
  }
  ~OutputDirectory() {
    if (kept_) return;
    std::error_code ec;
    for (const auto& p : created_) fs::remove(p, ec);  // deepest first; only while empty
  }
  OutputDirectory(const OutputDirectory&) = delete;
  OutputDirectory& operator=(const OutputDirectory&) = delete;

  const fs::path& path() const { return dir_; }
  void keep() { kept_ = true; }

 private:
  fs::path dir_;
  std::vector<fs::path> created_;
  bool kept_ = false;
};

// Counts a batch's records, reports failures as they come, and sets the exit status at the end:
// 0 when all were written, 4 (partial) when some were, else the first failure's status.
class Batch {
 public:
  Batch(Context& ctx, std::size_t total)
      : ctx_(ctx), total_(total), progress_(!ctx.options.quiet && ::isatty(STDERR_FILENO)) {}

  void written() {
    tick();
    ++written_;
  }
  // A written record's warning (a character drawn as 〓), on its own line.
  void warn(const std::string& line) {
    if (progress_) std::cerr << "\r\033[K";
    ctx_.warn(line);
  }
  void failed(const std::string& what, const ncss::Error& e) {
    tick();
    ++failed_;
    if (progress_) std::cerr << "\r\033[K";
    ctx_.error(what + ": " + e.what());
    if (!failure_status_) failure_status_ = exit_status_for(e);
  }
  void finish(OutputDirectory& dir) {
    if (progress_) std::cerr << "\r\033[K" << std::flush;
    if (written_ > 0 || failed_ == 0) dir.keep();  // an empty selection still gets its directory
    ctx_.note(std::to_string(written_) + " written, " + std::to_string(failed_) + " failed (" +
              dir.path().string() + ")");
    if (failed_ > 0) {
      ctx_.exit_status =
          written_ > 0 ? exit_status_for(ncss::ErrorCode::Partial) : *failure_status_;
    }
  }

 private:
  void tick() {
    ++done_;
    if (progress_) std::cerr << "\r\033[K" << done_ << "/" << total_ << " agreements" << std::flush;
  }
  Context& ctx_;
  std::size_t total_, done_ = 0, written_ = 0, failed_ = 0;
  bool progress_;
  std::optional<int> failure_status_;
};

std::int64_t invitation_id_of(const std::string& text) {
  std::size_t used = 0;
  long long id = 0;
  try {
    id = std::stoll(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != text.size() || id <= 0) {
    throw ncss::Error::usage("\"" + text + "\" is not an invitation ID (a positive number)");
  }
  return id;
}

void run_blank(Context& ctx, const AgreementOptions& o, const ncss::AgreementTemplate& layout) {
  if (o.records.empty()) {
    throw ncss::Error::usage("agreement pdf --blank needs the graduates' ID numbers (身份证号)");
  }
  OutputDirectory dir(o.out_dir);
  Batch batch(ctx, o.records.size());
  // Masked in a table, in full in CSV and JSON for scripts, as every listing.
  const bool mask = ctx.format() == Format::Table;
  RowWriter w(ctx.out(), ctx.format(),
              {{"id_number", "身份证号"}, {"name", "姓名"}, {"file", "文件"}});
  for (const auto& id_number : o.records) {
    try {
      auto g = ncss::get_graduate(ctx.store(), id_number, o.blank_cohort);
      auto blank = ncss::blank_agreement(ctx.store(), g.id);
      // One file per graduate record, 线下签约_<姓名>_<record ID>.pdf, made safe like any other.
      ncss::Agreement naming;
      naming.agreement_no = "线下签约";
      naming.graduate.name = g.name + "_" + std::to_string(g.id);
      fs::path file = dir.path() / ncss::agreement_file_name(naming);
      std::vector<std::string> warnings;
      ncss::write_file_atomically(file,
                                  ncss::blank_agreement_pdf(blank, layout, ctx.now(), &warnings));
      for (const auto& line : warnings) batch.warn(line);
      batch.written();
      w.row({mask ? ncss::mask_resident_id(g.id_number) : g.id_number, g.name, file.string()});
    } catch (const ncss::Error& e) {
      batch.failed("graduate " + ncss::mask_resident_id(id_number), e);
    }
  }
  w.finish();
  batch.finish(dir);
}

void run_pdf(Context& ctx, const AgreementOptions& o) {
  if (o.out_dir.empty()) throw ncss::Error::usage("-o/--output is empty: name the directory");
  const bool filtered =
      !o.filter.school_code.empty() || o.filter.cohort != 0 || !o.filter.employer_code.empty();
  if (o.blank) {
    if (o.all || filtered || o.state_given) {
      throw ncss::Error::usage("--blank takes graduates' ID numbers, not --all or its filters");
    }
    run_blank(ctx, o, layout_of(o));
    return;
  }
  if (o.blank_cohort != 0) {
    throw ncss::Error::usage("--graduate-cohort goes with --blank; with --all use --cohort");
  }
  if (!o.all && (filtered || o.state_given)) {
    throw ncss::Error::usage(
        "--state, --school, --cohort and --employer select records only with --all");
  }
  if (o.all && !o.records.empty()) {
    throw ncss::Error::usage("agreement pdf takes invitation IDs or --all, not both");
  }
  if (!o.all && o.records.empty()) {
    throw ncss::Error::usage("agreement pdf needs invitation IDs or --all; neither was given");
  }
  // An ID named twice is one agreement: one file, reported once.
  std::vector<std::int64_t> ids;
  for (const auto& r : o.records) {
    auto id = invitation_id_of(r);
    if (std::find(ids.begin(), ids.end(), id) == ids.end()) ids.push_back(id);
  }
  auto layout = layout_of(o);  // a bad template refuses the whole batch before any file
  if (o.all) ids = ncss::agreement_ids(ctx.store(), o.filter);
  OutputDirectory dir(o.out_dir);
  Batch batch(ctx, ids.size());
  RowWriter w(ctx.out(), ctx.format(),
              {{"invitation_id", "编号", true}, {"agreement_no", "协议编号"}, {"file", "文件"}});
  ncss::write_agreement_pdfs(
      ctx.store(), ids, layout, dir.path(), o.jobs, [&](const ncss::AgreementPdfResult& r) {
        if (!r.error) {
          for (const auto& line : r.warnings) batch.warn(line);
          batch.written();
          w.row({std::to_string(r.invitation_id), r.agreement_no, r.file.string()});
          return;
        }
        try {
          std::rethrow_exception(r.error);
        } catch (const ncss::Error& e) {
          batch.failed("invitation " + std::to_string(r.invitation_id), e);
        } catch (const std::exception& e) {
          batch.failed("invitation " + std::to_string(r.invitation_id),
                       ncss::Error::internal(e.what()));
        }
      });
  w.finish();
  batch.finish(dir);
}

void run_verify(Context& ctx, const AgreementOptions& o) {
  std::error_code ec;
  if (fs::is_directory(o.subject, ec)) {
    throw ncss::Error::io("cannot verify '" + o.subject +
                          "': it is a directory; give an agreement's PDF file or its code");
  }
  const bool is_file = fs::is_regular_file(o.subject, ec) || o.subject.ends_with(".pdf") ||
                       o.subject.ends_with(".PDF");
  ncss::AgreementVerification v;
  if (is_file) {
    if (o.template_file.empty()) {
      v = ncss::verify_agreement_pdf(ctx.store(), o.subject, nullptr);  // built in, any version
    } else {
      const auto layout = layout_of(o);
      v = ncss::verify_agreement_pdf(ctx.store(), o.subject, &layout);
    }
  } else {
    if (!o.template_file.empty()) {
      throw ncss::Error::usage("--template is for verifying a PDF file, not a code");
    }
    v = ncss::verify_agreement_code(ctx.store(), o.subject);
  }
  RowWriter w(ctx.out(), ctx.format(),
              {{"result", "结果"},
               {"code", "验证码"},
               {"invitation_id", "编号", true},
               {"agreement_no", "协议编号"},
               {"state", "协议状态"},
               {"detail", "说明"}});
  w.row({ncss::verification_result_name(v.result), v.code,
         v.agreement ? std::to_string(v.agreement->invitation_id) : "",
         v.agreement ? v.agreement->agreement_no : "", v.agreement ? v.agreement->state : "",
         v.detail});
  w.finish();
  if (v.result != ncss::VerificationResult::Valid) {
    ctx.exit_status = exit_status_for(ncss::ErrorCode::CheckFailed);
  }
}

void add_template_option(CLI::App* cmd, AgreementOptions& o, const std::string& more = "") {
  cmd->add_option("--template", o.template_file,
                  "a layout file (JSON, see ncssctl(1) AGREEMENT TEMPLATE) instead of the built-in "
                  "templates/agreement.json" +
                      more);
}

}  // namespace

void register_agreement(CLI::App& app, Context& ctx) {
  auto o = std::make_shared<AgreementOptions>();
  auto* agr = app.add_subcommand(
      "agreement",
      "电子就业协议书: the agreement of a signed online signing, from the data frozen at approval, "
      "as text or PDF");
  agr->require_subcommand(1);

  auto* show = agr->add_subcommand(
      "show",
      "print one agreement as text; with --format csv, json or jsonl its fields for scripts "
      "(field, value: graduate.name, employer.credit_code, ..., the ID number in full)");
  show->add_option("signing", o->id, "the signing's invitation ID")->required();
  add_template_option(show, *o);
  show->add_flag("--unmask", o->unmask, "show the ID number in full (recorded)");
  show->callback([&ctx, o] { run_show(ctx, *o); });

  auto* pdf = agr->add_subcommand("pdf",
                                  "write agreements as PDF files <协议编号>_<姓名>.pdf into a "
                                  "directory, with their verification code and QR code; a "
                                  "record that fails is reported and the others are still "
                                  "written");
  pdf->add_option("records", o->records,
                  "the signings' invitation IDs (with --blank: the graduates' ID numbers)");
  pdf->add_flag("--all", o->all, "every agreement in --state, narrowed by the filters");
  auto* state = pdf->add_option("--state", o->filter.state,
                                "with --all: signed (已签约, the default) or terminating (解约中)")
                    ->check(CLI::IsMember({"signed", "terminating"}));
  pdf->add_option("--school", o->filter.school_code,
                  "with --all: the school (code, name or former name)");
  pdf->add_option("--cohort", o->filter.cohort, "with --all: the cohort (届别)")
      ->check(kCohortYear);
  pdf->add_option("--employer", o->filter.employer_code,
                  "with --all: the employer's 统一社会信用代码");
  pdf->add_option("-j,--jobs", o->jobs,
                  "documents made at once, 0 to 64 (default 0: one per processor core)")
      ->check(CLI::Range(0u, 64u));
  pdf->add_flag("--blank", o->blank,
                "the paper agreement for offline signing (线下签约) of each graduate named by ID "
                "number: the graduate's and school's parts filled in, the rest left to write on, "
                "no verification code");
  pdf->add_option("--graduate-cohort", o->blank_cohort,
                  "with --blank: the cohort, when an ID number is on several rosters")
      ->check(kCohortYear);
  pdf->add_option("-o,--output", o->out_dir, "the directory (created if missing)")->required();
  add_template_option(pdf, *o);
  pdf->callback([&ctx, o, state] {
    o->state_given = state->count() > 0;
    run_pdf(ctx, *o);
  });

  auto* verify = agr->add_subcommand(
      "verify",
      "check an agreement PDF or a verification code against this database: valid (exit 0), or "
      "terminated, voided, unknown or altered (exit 9)");
  verify
      ->add_option("subject", o->subject,
                   "an agreement PDF file, a code XXXX-XXXX-XXXX-XXXX, or the QR code's text")
      ->required();
  add_template_option(verify, *o,
                      " (without it, the built-in templates of earlier versions are accepted too)");
  verify->callback([&ctx, o] { run_verify(ctx, *o); });
}

}  // namespace cli
