#include "ncss/destination_rate.hpp"

#include <algorithm>
#include <tuple>

#include "ncss/error.hpp"
#include "store_impl.hpp"
#include "text_rules.hpp"

namespace ncss {

namespace {

struct GroupWords {
  DestinationGroup group;
  std::string_view name;
  std::string_view label;  // as the code table's note writes it
};

// The one table of the groups' words.
constexpr std::array<GroupWords, kDestinationGroups.size()> kGroupWords = {{
    {DestinationGroup::Employed, "employed", "单位就业"},
    {DestinationGroup::Entrepreneurship, "entrepreneurship", "自主创业"},
    {DestinationGroup::Freelance, "freelance", "自由职业"},
    {DestinationGroup::FurtherStudy, "further_study", "升学"},
    {DestinationGroup::Unemployed, "unemployed", "未就业"},
}};

struct GroupingWords {
  RateGrouping grouping;
  std::string_view name;
  std::string_view label;
};

constexpr std::array<GroupingWords, 4> kGroupingWords = {{
    {RateGrouping::School, "school", "院校"},
    {RateGrouping::Department, "department", "院系"},
    {RateGrouping::Major, "major", "专业"},
    {RateGrouping::Level, "level", "学历层次"},
}};

constexpr const char* kBlankGroup = "（未填写）";

// Per graduate: the group's columns and the approved destination's code ('' when none), then
// counted per group and code. The online signing comes first, then the earliest approved
// registration (as live_destination orders them).
constexpr const char* kCountSql =
    "WITH d AS (SELECT g.school_code AS school_code, g.department AS department, g.major AS "
    "major, coalesce(g.degree_level, '') AS level, coalesce((SELECT '10' FROM invitations i "
    "WHERE i.graduate_id = g.id AND i.state IN ('signed', 'terminating') LIMIT 1), (SELECT "
    "r.destination FROM registrations r WHERE r.graduate_id = g.id AND r.state = 'approved' "
    "ORDER BY r.id LIMIT 1), '') AS code FROM graduates g WHERE g.status = 'valid' AND (:cohort "
    "= 0 OR g.cohort = :cohort) AND (:school = '' OR g.school_code = :school)) "
    "SELECT CASE WHEN :by = 'level' THEN '' ELSE school_code END AS sc, CASE :by WHEN 'school' "
    "THEN school_code WHEN 'department' THEN department WHEN 'major' THEN major ELSE level END "
    "AS grp, code, count(*) FROM d GROUP BY sc, grp, code";

}  // namespace

std::string_view destination_group_name(DestinationGroup g) {
  return kGroupWords[static_cast<std::size_t>(g)].name;
}

std::string_view destination_group_label(DestinationGroup g) {
  return kGroupWords[static_cast<std::size_t>(g)].label;
}

std::optional<DestinationGroup> parse_destination_group_label(std::string_view label) {
  for (const auto& w : kGroupWords) {
    if (w.label == label) return w.group;
  }
  return std::nullopt;
}

bool destination_group_placed(DestinationGroup g) { return g != DestinationGroup::Unemployed; }

std::optional<RateGrouping> parse_rate_grouping(std::string_view name) {
  for (const auto& w : kGroupingWords) {
    if (w.name == name) return w.grouping;
  }
  return std::nullopt;
}

std::string_view rate_grouping_name(RateGrouping g) {
  return kGroupingWords[static_cast<std::size_t>(g)].name;
}

std::string_view rate_grouping_label(RateGrouping g) {
  return kGroupingWords[static_cast<std::size_t>(g)].label;
}

std::int64_t RateRow::placed() const {
  std::int64_t n = 0;
  for (auto g : kDestinationGroups) {
    if (destination_group_placed(g)) n += count(g);
  }
  return n;
}

std::int64_t RateRow::no_destination() const {
  std::int64_t n = graduates;
  for (auto c : counts) n -= c;
  return n;
}

double RateRow::rate(DestinationGroup g) const {
  return graduates == 0 ? 0.0 : static_cast<double>(count(g)) / static_cast<double>(graduates);
}

double RateRow::placement_rate() const {
  return graduates == 0 ? 0.0 : static_cast<double>(placed()) / static_cast<double>(graduates);
}

namespace {

std::map<std::string, DestinationGroup> code_groups(SQLite::Database& db) {
  std::map<std::string, DestinationGroup> out;
  SQLite::Statement q(db, "SELECT code, coalesce(note, '') FROM destination_codes ORDER BY ord");
  while (q.executeStep()) {
    std::string code = q.getColumn(0).getString();
    std::string note = q.getColumn(1).getString();
    auto g = parse_destination_group_label(note);
    if (!g) {
      throw Error::internal("destination code " + code + " has the note '" + note +
                            "', which names no group of the destination-rate report");
    }
    out.emplace(code, *g);
  }
  return out;
}

}  // namespace

std::map<std::string, DestinationGroup> destination_code_groups(Store& store) {
  return with_storage_errors([&] { return code_groups(database(store)); });
}

RateReport destination_rate(Store& store, const RateFilter& filter) {
  return with_storage_errors([&] {
    auto& db = database(store);
    const std::string school = school_filter_code(db, filter.school);
    const auto groups = code_groups(db);

    RateReport report;
    report.total.group = "total";
    report.total.group_name = "合计";
    report.total.school_code = school;
    std::map<std::pair<std::string, std::string>, RateRow> rows;
    SQLite::Statement q(db, kCountSql);
    q.bind(":cohort", filter.cohort);
    q.bind(":school", school);
    q.bind(":by", std::string(rate_grouping_name(filter.by)));
    while (q.executeStep()) {
      std::string sc = q.getColumn(0).getString();
      std::string grp = q.getColumn(1).getString();
      std::string code = q.getColumn(2).getString();
      const std::int64_t n = q.getColumn(3).getInt64();
      RateRow& row = rows[{sc, grp}];
      row.school_code = school.empty() ? sc : school;
      row.group = grp;
      for (RateRow* r : {&row, &report.total}) {
        r->graduates += n;
        if (code.empty()) continue;
        auto g = groups.find(code);
        if (g == groups.end()) throw Error::internal("destination code " + code + " is unknown");
        r->counts[static_cast<std::size_t>(g->second)] += n;
      }
    }

    // Names: schools by code, degree levels by code (and their order); blanks are named so.
    SQLite::Statement school_name(db, "SELECT name FROM schools WHERE code = :code");
    std::map<std::string, std::pair<int, std::string>> levels;
    SQLite::Statement l(db, "SELECT code, name, ord FROM degree_levels");
    while (l.executeStep()) {
      levels[l.getColumn(0).getString()] = {l.getColumn(2).getInt(), l.getColumn(1).getString()};
    }
    if (!school.empty()) {
      school_name.bind(":code", school);
      if (school_name.executeStep())
        report.total.school_name = school_name.getColumn(0).getString();
      school_name.reset();
    }
    for (auto& [key, row] : rows) {
      if (!row.school_code.empty()) {
        school_name.bind(":code", row.school_code);
        row.school_name = school_name.executeStep() ? school_name.getColumn(0).getString() : "";
        school_name.reset();
      }
      if (filter.by == RateGrouping::School) {
        row.group_name = row.school_name;
      } else if (filter.by == RateGrouping::Level) {
        auto it = levels.find(row.group);
        row.group_name = it == levels.end() ? kBlankGroup : it->second.second;
      } else {
        row.group_name = row.group.empty() ? kBlankGroup : row.group;
      }
      report.groups.push_back(std::move(row));
    }
    // School code, then the group; a blank group last within its school; levels in code order.
    auto order = [&](const RateRow& r) {
      int level = 0;
      if (filter.by == RateGrouping::Level) {
        auto it = levels.find(r.group);
        level = it == levels.end() ? 1000 : it->second.first;
      }
      return std::make_tuple(r.school_code, level, r.group.empty(), r.group);
    };
    std::stable_sort(report.groups.begin(), report.groups.end(),
                     [&](const RateRow& a, const RateRow& b) { return order(a) < order(b); });
    return report;
  });
}

}  // namespace ncss
