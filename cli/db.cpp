// ncssctl db check|migrate: the database's health and schema version.
#include <CLI/CLI.hpp>

#include "context.hpp"
#include "ncss/error.hpp"
#include "ncss/store.hpp"

namespace cli {

namespace {

void run_check(Context& ctx) {
  auto report = ctx.store().check();
  RowWriter w(ctx.out(), ctx.format(), {{"check", "检查"}, {"result", "结果"}});
  w.row({"schema_version", std::to_string(report.schema_version) + " (expected " +
                               std::to_string(report.expected_version) + ")"});
  for (const auto& p : report.problems) w.row({"problem", p});
  w.row({"status", report.ok() ? "ok" : "failed"});
  w.finish();
  if (!report.ok()) {
    throw ncss::Error(
        ncss::ErrorCode::CheckFailed,
        "database check found " + std::to_string(report.problems.size()) + " problem(s)");
  }
}

void run_migrate(Context& ctx) {
  auto store = ncss::Store::open_for_migration(ctx.options.db, ctx.store_options());
  int before = store.schema_version();
  int applied = store.migrate();
  ctx.note(applied == 0 ? "schema version " + std::to_string(before) + " is current; nothing to do"
                        : "migrated from schema version " + std::to_string(before) + " to " +
                              std::to_string(store.schema_version()));
}

}  // namespace

void register_db(CLI::App& app, Context& ctx) {
  auto* db = app.add_subcommand("db", "database maintenance");
  db->require_subcommand(1);
  db->add_subcommand("check",
                     "integrity_check, foreign_key_check and the schema version; exit status 9 "
                     "when a problem is found")
      ->callback([&ctx] { run_check(ctx); });
  db->add_subcommand("migrate",
                     "apply the schema migrations this database lacks (never downgrades)")
      ->callback([&ctx] { run_migrate(ctx); });
}

}  // namespace cli
