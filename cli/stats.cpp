// ncssctl stats: the 工作台 dashboard, invitations per state, then registrations per kind and
// state.
#include <CLI/CLI.hpp>
#include <memory>

#include "context.hpp"
#include "ncss/dashboard.hpp"

namespace cli {

void register_stats(CLI::App& app, Context& ctx) {
  auto o = std::make_shared<ncss::DashboardFilter>();
  auto* cmd =
      app.add_subcommand("stats",
                         "the dashboard (工作台): graduates, invitations per state, registrations "
                         "per kind and state, terminations per mode and phase");
  cmd->add_option("--cohort", o->cohort, "only this 届别");
  cmd->add_option("--school", o->school, "only this school (code or name)");
  cmd->add_option("--employer", o->employer,
                  "only this employer's invitations and paper or offline agreements (credit code)");
  cmd->callback([&ctx, o] {
    auto d = ncss::dashboard(ctx.store(), *o);
    RowWriter w(
        ctx.out(), ctx.format(),
        {{"state", "状态"}, {"state_name", "状态名称"}, {"list", "栏目"}, {"count", "数量", true}});
    w.row({"graduates", "毕业生", "", std::to_string(d.graduates)});
    for (const auto& s : d.states) w.row({s.state, s.label, s.list, std::to_string(s.count)});
    // Registrations: state "registration.KIND.STATE", the kind's words as the list (栏目).
    for (const auto& r : d.registrations) {
      w.row({"registration." + r.kind + "." + r.state, r.label, r.kind_label,
             std::to_string(r.count)});
    }
    // Terminations: state "termination.MODE.PHASE".
    for (const auto& t : d.terminations) {
      w.row({"termination." + t.mode + "." + t.phase, t.label, t.list, std::to_string(t.count)});
    }
  });
}

}  // namespace cli
