// ncssctl stats: the 工作台 dashboard, invitations per state.
#include <CLI/CLI.hpp>
#include <memory>

#include "context.hpp"
#include "ncss/dashboard.hpp"

namespace cli {

void register_stats(CLI::App& app, Context& ctx) {
  auto o = std::make_shared<ncss::DashboardFilter>();
  auto* cmd =
      app.add_subcommand("stats", "the dashboard (工作台): graduates and invitations per state");
  cmd->add_option("--cohort", o->cohort, "only this 届别");
  cmd->add_option("--school", o->school, "only this school (code or name)");
  cmd->add_option("--employer", o->employer, "only this employer's invitations (credit code)");
  cmd->callback([&ctx, o] {
    auto d = ncss::dashboard(ctx.store(), *o);
    RowWriter w(
        ctx.out(), ctx.format(),
        {{"state", "状态"}, {"state_name", "状态名称"}, {"list", "栏目"}, {"count", "数量", true}});
    w.row({"graduates", "毕业生", "", std::to_string(d.graduates)});
    for (const auto& s : d.states) w.row({s.state, s.label, s.list, std::to_string(s.count)});
  });
}

}  // namespace cli
