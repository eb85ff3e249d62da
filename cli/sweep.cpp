// ncssctl sweep: expires invitations past their deadline (for cron).
#include "ncss/sweep.hpp"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <memory>
#include <ostream>

#include "context.hpp"

namespace cli {

namespace {

struct SweepOptions {
  bool dry_run = false;
};

// Streams what the sweep reports, so a sweep of millions prints in bounded memory (tables
// excepted: their column widths need every row).
void run_sweep(Context& ctx, const SweepOptions& o) {
  Format f = ctx.format();
  const bool explicit_format = !ctx.options.format.empty();
  const bool terminal = ::isatty(STDOUT_FILENO);
  auto count_line = [&](std::int64_t n) {
    return std::to_string(n) + (o.dry_run ? " would expire" : " expired");
  };
  ncss::SweepSink sink;
  std::unique_ptr<RowWriter> rows;
  bool first_id = true;
  if (f == Format::Json) {
    sink.count = [&](std::int64_t n) {
      ctx.out() << "{\"expired\":" << n << ",\"dry_run\":" << (o.dry_run ? "true" : "false")
                << ",\"invitation_ids\":[";
    };
    sink.item = [&](const ncss::SweepItem& i) {
      ctx.out() << (first_id ? "" : ",") << i.invitation_id;
      first_id = false;
    };
  } else if (f == Format::Table && !o.dry_run) {
    // The count alone; cron's silence is kept unless on a terminal or asked.
    if (terminal || explicit_format) {
      sink.count = [&](std::int64_t n) { ctx.out() << count_line(n) << '\n'; };
    }
  } else if (o.dry_run || explicit_format) {  // csv, jsonl, or a dry run: the invitations
    sink.count = [&](std::int64_t n) {
      if (f == Format::Table) ctx.out() << count_line(n) << '\n';
      rows = std::make_unique<RowWriter>(ctx.out(), f,
                                         std::vector<Column>{{"invitation_id", "邀请编号", true},
                                                             {"employer", "统一社会信用代码"},
                                                             {"deadline", "应约截止时间"}});
    };
    sink.item = [&](const ncss::SweepItem& i) {
      rows->row({std::to_string(i.invitation_id), i.employer_code,
                 listed_time(f == Format::Table, i.deadline)});
    };
  }
  ncss::sweep_expired(ctx.store(), ctx.actor(), o.dry_run, sink);
  if (rows) rows->finish();
  if (f == Format::Json) ctx.out() << "]}\n";
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
