// ncssctl history (ID | --graduate ID | --employer USCC): the audit trail, oldest first.
#include <CLI/CLI.hpp>
#include <memory>

#include "context.hpp"
#include "ncss/error.hpp"
#include "ncss/outbox.hpp"
#include "ncss/time.hpp"

namespace cli {

namespace {

struct HistoryOptions {
  std::int64_t invitation = 0;
  std::string graduate;
  std::string employer;
};

void run_history(Context& ctx, const HistoryOptions& o) {
  int given = (o.invitation != 0) + !o.graduate.empty() + !o.employer.empty();
  if (given != 1) {
    throw ncss::Error::usage(
        "history needs exactly one of: an invitation ID, --graduate, --employer");
  }
  auto events = o.invitation != 0     ? ncss::history_of_invitation(ctx.store(), o.invitation)
                : !o.graduate.empty() ? ncss::history_of_graduate(ctx.store(), o.graduate)
                                      : ncss::history_of_employer(ctx.store(), o.employer);
  const bool human = ctx.format() == Format::Table;
  RowWriter w(ctx.out(), ctx.format(),
              {{"event_id", "编号", true},
               {"at", "时间"},
               {"actor", "操作人"},
               {"action", "操作"},
               {"subject_type", "对象类型"},
               {"subject_id", "对象"},
               {"reason", "原因"},
               {"details", "详情"}});
  for (const auto& e : events) {
    std::string at = e.at;
    if (human) {
      if (auto t = ncss::parse_time(e.at)) at = ncss::format_cst(*t);
    }
    w.row({std::to_string(e.id), at, e.actor, e.action, e.subject_type, e.subject_id, e.reason,
           e.details.dump()});
  }
}

}  // namespace

void register_history(CLI::App& app, Context& ctx) {
  auto o = std::make_shared<HistoryOptions>();
  auto* cmd = app.add_subcommand(
      "history",
      "the audit trail (who, what, when, why) of an invitation, a graduate or an employer");
  cmd->add_option("invitation", o->invitation, "invitation ID");
  cmd->add_option("--graduate", o->graduate,
                  "a graduate's ID number: their record and invitations");
  cmd->add_option("--employer", o->employer,
                  "an employer's credit code: its record, verification, favourites, templates and "
                  "invitations");
  cmd->callback([&ctx, o] { run_history(ctx, *o); });
}

}  // namespace cli
