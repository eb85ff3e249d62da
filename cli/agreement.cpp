// ncssctl agreement show|pdf: the electronic employment agreement (电子就业协议书) of a signed
// online signing, as text or as PDF files.
#include "ncss/agreement.hpp"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>

#include "context.hpp"
#include "exit_codes.hpp"
#include "ncss/error.hpp"
#include "ncss/identity.hpp"

namespace cli {

namespace {

namespace fs = std::filesystem;

struct AgreementOptions {
  std::int64_t id = 0;
  std::vector<std::int64_t> ids;
  bool all = false;
  ncss::AgreementFilter filter;
  std::string out_dir;
  std::string template_file;
  bool unmask = false;
};

ncss::AgreementTemplate layout_of(const AgreementOptions& o) {
  if (o.template_file.empty()) return ncss::default_agreement_template();
  return ncss::load_agreement_template(o.template_file);
}

void run_show(Context& ctx, const AgreementOptions& o) {
  auto layout = layout_of(o);
  auto a = ncss::load_agreement(ctx.store(), o.id);
  // Text is for people: masked unless --unmask (whose use is recorded), whatever the format.
  ctx.mask_personal_data(o.unmask, "invitation", std::to_string(o.id), "agreement show");
  if (!o.unmask) a.graduate.id_number = ncss::mask_resident_id(a.graduate.id_number);
  ctx.out() << ncss::agreement_text(a, layout);
}

void run_pdf(Context& ctx, const AgreementOptions& o) {
  if (o.all == !o.ids.empty()) {
    throw ncss::Error::usage("agreement pdf needs invitation IDs or --all, not both");
  }
  if (!o.all &&
      (!o.filter.school_code.empty() || o.filter.cohort != 0 || !o.filter.employer_code.empty())) {
    throw ncss::Error::usage("--school, --cohort and --employer select records only with --all");
  }
  auto layout = layout_of(o);  // a bad template refuses the whole batch before any file
  std::vector<std::int64_t> ids = o.all ? ncss::signed_agreement_ids(ctx.store(), o.filter) : o.ids;
  fs::path dir(o.out_dir);
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec || !fs::is_directory(dir)) {
    throw ncss::Error::io(
        "cannot create the output directory " + dir.string() + (ec ? ": " + ec.message() : ""),
        ec.value());
  }
  const bool progress = !ctx.options.quiet && ::isatty(STDERR_FILENO);
  std::size_t written = 0, failed = 0, done = 0;
  std::optional<int> failure_status;
  RowWriter w(ctx.out(), ctx.format(),
              {{"invitation_id", "编号", true}, {"agreement_no", "协议编号"}, {"file", "文件"}});
  for (auto id : ids) {
    ++done;
    if (progress) {
      std::cerr << "\r\033[K" << done << "/" << ids.size() << " agreements" << std::flush;
    }
    try {
      auto a = ncss::load_agreement(ctx.store(), id);
      fs::path file = dir / ncss::agreement_file_name(a);
      ncss::write_agreement_pdf(a, layout, file, ncss::agreement_time(a));
      ++written;
      w.row({std::to_string(id), a.agreement_no, file.string()});
    } catch (const ncss::Error& e) {
      ++failed;
      if (progress) std::cerr << "\r\033[K";
      ctx.error("invitation " + std::to_string(id) + ": " + e.what());
      int status = exit_status_for(e);
      if (!failure_status) failure_status = status;
    }
  }
  if (progress) std::cerr << "\r\033[K" << std::flush;
  w.finish();
  ctx.note(std::to_string(written) + " written, " + std::to_string(failed) + " failed (" +
           dir.string() + ")");
  if (failed > 0) {
    ctx.exit_status = written > 0 ? exit_status_for(ncss::ErrorCode::Partial) : *failure_status;
  }
}

void add_template_option(CLI::App* cmd, AgreementOptions& o) {
  cmd->add_option("--template", o.template_file,
                  "a layout file (JSON, see ncssctl(1) AGREEMENT TEMPLATE) instead of the built-in "
                  "templates/agreement.json");
}

}  // namespace

void register_agreement(CLI::App& app, Context& ctx) {
  auto o = std::make_shared<AgreementOptions>();
  auto* agr = app.add_subcommand(
      "agreement",
      "电子就业协议书: the agreement of a signed online signing, from the data frozen at approval, "
      "as text or PDF");
  agr->require_subcommand(1);

  auto* show = agr->add_subcommand("show", "print one agreement as text");
  show->add_option("signing", o->id, "the signing's invitation ID")->required();
  add_template_option(show, *o);
  show->add_flag("--unmask", o->unmask, "show the ID number in full (recorded)");
  show->callback([&ctx, o] { run_show(ctx, *o); });

  auto* pdf = agr->add_subcommand("pdf",
                                  "write agreements as PDF files <协议编号>_<姓名>.pdf into a "
                                  "directory; a record that fails is "
                                  "reported and the others are still written");
  pdf->add_option("signing", o->ids, "the signings' invitation IDs");
  pdf->add_flag("--all", o->all, "every signed agreement (state signed), narrowed by the filters");
  pdf->add_option("--school", o->filter.school_code, "with --all: the school's code");
  pdf->add_option("--cohort", o->filter.cohort, "with --all: the cohort (届别)");
  pdf->add_option("--employer", o->filter.employer_code,
                  "with --all: the employer's 统一社会信用代码");
  pdf->add_option("-o,--output", o->out_dir, "the directory (created if missing)")->required();
  add_template_option(pdf, *o);
  pdf->callback([&ctx, o] { run_pdf(ctx, *o); });
}

}  // namespace cli
