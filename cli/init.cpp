// ncssctl init: create the database with every migration applied; never destroys one.
#include <CLI/CLI.hpp>

#include "context.hpp"
#include "ncss/store.hpp"

namespace cli {

void register_init(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand(
      "init", "create the database (mode 0600) with the code tables and the school list");
  cmd->callback([&ctx] {
    ncss::InitOutcome outcome;
    auto& store = ctx.adopt_store(ncss::Store::init(ctx.options.db, ctx.store_options(), outcome));
    if (outcome == ncss::InitOutcome::Created) {
      ctx.note("created " + ctx.options.db + " (schema version " +
               std::to_string(store.schema_version()) + ")");
    } else {
      ctx.note(ctx.options.db + " is already an ncssctl database (schema version " +
               std::to_string(store.schema_version()) + "); nothing changed");
    }
    ctx.script_result({{"db", "数据库"}, {"schema_version", "版本", true}, {"result", "结果"}},
                      {ctx.options.db, std::to_string(store.schema_version()),
                       outcome == ncss::InitOutcome::Created ? "created" : "unchanged"});
  });
}

}  // namespace cli
