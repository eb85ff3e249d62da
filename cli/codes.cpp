// ncssctl codes [TABLE]: the code tables (destination, employer nature, ...) as data.
#include "ncss/codes.hpp"

#include <CLI/CLI.hpp>
#include <memory>

#include "context.hpp"

namespace cli {

namespace {

struct CodesOptions {
  std::string table;
};

void run_codes(Context& ctx, const CodesOptions& o) {
  if (o.table.empty()) {
    RowWriter w(ctx.out(), ctx.format(),
                {{"table", "代码表"}, {"title", "名称"}, {"entries", "条目数", true}});
    for (const auto& t : ncss::list_code_tables(ctx.store())) {
      w.row({t.name, t.title, std::to_string(t.entries)});
    }
    return;
  }
  auto entries = ncss::list_codes(ctx.store(), o.table);
  RowWriter w(ctx.out(), ctx.format(), {{"code", "代码"}, {"name", "名称"}, {"note", "说明"}});
  for (const auto& e : entries) w.row({e.code, e.name, e.note});
}

}  // namespace

void register_codes(CLI::App& app, Context& ctx) {
  auto o = std::make_shared<CodesOptions>();
  auto* cmd = app.add_subcommand(
      "codes", "list the code tables, or the codes of one (destination, employer_nature, ...)");
  cmd->add_option("table", o->table, "code table name; without it, the tables are listed");
  cmd->callback([&ctx, o] { run_codes(ctx, *o); });
}

}  // namespace cli
