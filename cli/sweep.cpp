// ncssctl sweep: expires invitations past their deadline (for cron).
#include "ncss/sweep.hpp"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <memory>
#include <nlohmann/json.hpp>
#include <ostream>

#include "context.hpp"

namespace cli {

namespace {

struct SweepOptions {
  bool dry_run = false;
};

void run_sweep(Context& ctx, const SweepOptions& o) {
  auto report = ncss::sweep_expired(ctx.store(), ctx.actor(), o.dry_run);
  const std::string count =
      std::to_string(report.expired.size()) + (o.dry_run ? " would expire" : " expired");
  Format f = ctx.format();
  if (f == Format::Json) {
    nlohmann::json ids = nlohmann::json::array();
    for (const auto& i : report.expired) ids.push_back(i.invitation_id);
    ctx.out() << nlohmann::json{{"expired", report.expired.size()},
                                {"dry_run", o.dry_run},
                                {"invitation_ids", ids}}
                     .dump()
              << '\n';
    return;
  }
  const bool explicit_format = !ctx.options.format.empty();
  const bool terminal = ::isatty(STDOUT_FILENO);
  if (f == Format::Table && !o.dry_run) {
    if (terminal || explicit_format) ctx.out() << count << '\n';
    return;
  }
  // csv, jsonl, or a dry run: the invitations; cron's silence is kept unless asked.
  if (!o.dry_run && !explicit_format) return;
  if (f == Format::Table) ctx.out() << count << '\n';
  RowWriter w(ctx.out(), f,
              {{"invitation_id", "邀请编号", true},
               {"employer", "统一社会信用代码"},
               {"deadline", "应约截止时间"}});
  for (const auto& i : report.expired) {
    w.row({std::to_string(i.invitation_id), i.employer_code, i.deadline});
  }
}

}  // namespace

void register_sweep(CLI::App& app, Context& ctx) {
  auto o = std::make_shared<SweepOptions>();
  auto* sweep = app.add_subcommand(
      "sweep",
      "expire invitations still awaiting the graduate past their deadline (for cron); quiet on "
      "success unless on a terminal or given --format");
  sweep->add_flag("--dry-run", o->dry_run, "list what would expire; write nothing");
  sweep->callback([&ctx, o] { run_sweep(ctx, *o); });
}

}  // namespace cli
