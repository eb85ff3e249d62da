// ncssctl stats: the 工作台 dashboard, invitations per state, then registrations per kind and
// state; `stats rate`: the destination-rate report (去向落实率) as a table, .xlsx or a PNG chart.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <set>

#include "context.hpp"
#include "ncss/chart.hpp"
#include "ncss/dashboard.hpp"
#include "ncss/destination_rate.hpp"
#include "ncss/error.hpp"
#include "ncss/xlsx_writer.hpp"
#include "options.hpp"

namespace cli {

namespace {

struct RateOptions {
  ncss::RateFilter filter;
  std::string by = "school";
  std::string output;  // FILE.xlsx or FILE.png; empty: stdout in --format
};

using G = ncss::DestinationGroup;
constexpr G kPlacedGroups[] = {G::Employed, G::Entrepreneurship, G::Freelance, G::FurtherStudy};

// The report's columns, in order: the group, the counts, then the rates.
std::vector<Column> rate_columns(ncss::RateGrouping by) {
  std::vector<Column> c = {{"school_code", "院校代码"},
                           {"group", std::string(ncss::rate_grouping_label(by))},
                           {"group_name", "名称"},
                           {"graduates", "毕业生数", true}};
  for (auto g : ncss::kDestinationGroups) {
    c.push_back({std::string(ncss::destination_group_name(g)),
                 std::string(ncss::destination_group_label(g)), true});
  }
  c.push_back({"no_destination", "无已审核去向", true});
  c.push_back({"placed", "已落实", true});
  for (auto g : kPlacedGroups) {
    c.push_back({"rate_" + std::string(ncss::destination_group_name(g)),
                 std::string(ncss::destination_group_label(g)) + "率", true});
  }
  c.push_back({"rate", "落实率", true});
  return c;
}

// Rates: a percentage with one decimal in tables ("92.3%"), a fraction of 1 with four decimals
// in CSV and JSON ("0.9231").
std::string shown_rate(double share, bool percent) {
  char buf[32];
  if (percent) {
    std::snprintf(buf, sizeof buf, "%.1f%%", share * 100);
  } else {
    std::snprintf(buf, sizeof buf, "%.4f", share);
  }
  return buf;
}

struct RateCells {
  std::vector<std::string> text;  // the group's three columns
  std::vector<std::int64_t> counts;
  std::vector<double> rates;
};

RateCells rate_cells(const ncss::RateRow& r) {
  RateCells c;
  c.text = {r.school_code, r.group, r.group_name};
  c.counts.push_back(r.graduates);
  for (auto g : ncss::kDestinationGroups) c.counts.push_back(r.count(g));
  c.counts.push_back(r.no_destination());
  c.counts.push_back(r.placed());
  for (auto g : kPlacedGroups) c.rates.push_back(r.rate(g));
  c.rates.push_back(r.placement_rate());
  return c;
}

std::string lower_extension(const std::string& path) {
  std::string ext = std::filesystem::path(path).extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
  return ext;
}

void write_rate_xlsx(const ncss::RateReport& report, ncss::RateGrouping by,
                     const std::string& path) {
  std::vector<std::string> headers;
  for (const auto& c : rate_columns(by)) headers.push_back(c.label);
  ncss::XlsxTableWriter xlsx(path, "去向落实率", headers);
  auto write = [&](const ncss::RateRow& r) {
    RateCells c = rate_cells(r);
    std::vector<ncss::XlsxCell> cells;
    for (auto& t : c.text) cells.push_back(ncss::XlsxCell::of_text(t));
    for (auto n : c.counts) cells.push_back(ncss::XlsxCell::of_number(static_cast<double>(n)));
    for (auto s : c.rates) cells.push_back(ncss::XlsxCell::of_percent(s));
    xlsx.typed_row(cells);
  };
  for (const auto& r : report.groups) write(r);
  write(report.total);
  xlsx.close();
}

void write_rate_png(const ncss::RateReport& report, const RateOptions& o, ncss::Timestamp now,
                    const std::string& path) {
  if (report.groups.size() + 1 > ncss::kChartMaxBars) {
    throw ncss::Error::invalid_input(
        "the chart would have " + std::to_string(report.groups.size()) +
        " groups; it holds at most " + std::to_string(ncss::kChartMaxBars - 1) +
        ": narrow it with --school or --cohort, or group by something coarser (--by)");
  }
  std::set<std::string> schools;
  for (const auto& r : report.groups) schools.insert(r.school_code);
  const bool name_school = schools.size() > 1 && (o.filter.by == ncss::RateGrouping::Department ||
                                                  o.filter.by == ncss::RateGrouping::Major);
  ncss::BarChart chart;
  chart.title = (o.filter.cohort ? std::to_string(o.filter.cohort) + "届" : std::string()) +
                "毕业生去向落实率（按" + std::string(ncss::rate_grouping_label(o.filter.by)) + "）";
  const std::string scope =
      report.total.school_name.empty() ? "全部院校" : report.total.school_name;
  chart.subtitle = scope + "　毕业生 " + std::to_string(report.total.graduates) +
                   " 人　落实率 = 单位就业率 + 自主创业率 + 自由职业率 + 升学率　统计至 " +
                   ncss::format_cst_date(now);
  for (const auto& r : report.groups) {
    std::string label = name_school ? r.school_name + " " + r.group_name : r.group_name;
    chart.bars.push_back({label, r.placement_rate(), false});
  }
  chart.bars.push_back({report.total.group_name, report.total.placement_rate(), true});
  ncss::save_bar_chart_png(chart, path);
}

void run_rate(Context& ctx, RateOptions& o) {
  auto by = ncss::parse_rate_grouping(o.by);
  if (!by) throw ncss::Error::usage("--by must be school, department, major or level");
  o.filter.by = *by;
  std::string ext;
  if (!o.output.empty()) {
    ext = lower_extension(o.output);
    if (ext != ".xlsx" && ext != ".png") {
      throw ncss::Error::usage("-o '" + o.output + "' must end in .xlsx or .png");
    }
    ctx.output_path(o.output, "-o");
  }
  auto report = ncss::destination_rate(ctx.store(), o.filter);
  if (ext == ".xlsx") {
    write_rate_xlsx(report, *by, o.output);
  } else if (ext == ".png") {
    write_rate_png(report, o, ctx.now(), o.output);
  } else {
    const bool percent = ctx.format() == Format::Table;
    RowWriter w(ctx.out(), ctx.format(), rate_columns(*by));
    auto write = [&](const ncss::RateRow& r) {
      RateCells c = rate_cells(r);
      std::vector<std::string> cells = c.text;
      for (auto n : c.counts) cells.push_back(std::to_string(n));
      for (auto s : c.rates) cells.push_back(shown_rate(s, percent));
      w.row(cells);
    };
    for (const auto& r : report.groups) write(r);
    write(report.total);
    return;
  }
  const auto groups = report.groups.size();
  ctx.note("wrote " + o.output + ": " + std::to_string(groups) +
           (groups == 1 ? " group" : " groups") + " and the total, " +
           std::to_string(report.total.graduates) + " graduates, 落实率 " +
           shown_rate(report.total.placement_rate(), true));
}

}  // namespace

void register_stats(CLI::App& app, Context& ctx) {
  auto o = std::make_shared<ncss::DashboardFilter>();
  auto* cmd =
      app.add_subcommand("stats",
                         "the dashboard (工作台): graduates, invitations per state, registrations "
                         "per kind and state, terminations per mode and phase");
  cmd->add_option("--cohort", o->cohort, "only this 届别")->check(kCohortYear);
  cmd->add_option("--school", o->school, "only this school (code or name)");
  cmd->add_option("--employer", o->employer,
                  "only this employer's invitations and paper or offline agreements (credit code)");

  auto r = std::make_shared<RateOptions>();
  auto* rate = cmd->add_subcommand(
      "rate",
      "the destination-rate report (去向落实率): graduates, approved destinations by code group "
      "and the rates, per school, department, major or level; as a table, .xlsx or a PNG chart");
  rate->add_option("--cohort", r->filter.cohort, "only this 届别")->check(kCohortYear);
  rate->add_option("--school", r->filter.school, "only this school (code or name)");
  rate->add_option("--by", r->by, "group by school, department, major or level")
      ->check(CLI::IsMember({"school", "department", "major", "level"}))
      ->capture_default_str();
  rate->add_option("-o,--output", r->output,
                   "write FILE.xlsx (the table) or FILE.png (a bar chart of 落实率) instead of "
                   "printing");
  rate->callback([&ctx, r] { run_rate(ctx, *r); });

  cmd->callback([&ctx, o, rate] {
    if (rate->parsed()) return;  // `stats rate` ran instead
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
