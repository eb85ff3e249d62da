// The destination-rate report (去向落实率): graduates, their approved destinations by group of
// 毕业去向 codes, and the rates as the 2024 national definition counts them:
// 落实率 = 单位就业率 + 自主创业率 + 自由职业率 + 升学率, each a count over the graduates.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ncss/store.hpp"

namespace ncss {

// The groups of 毕业去向 codes. Which code is in which group is data: the code table's note
// (schema/0001_foundation.sql, `ncssctl codes destination`).
enum class DestinationGroup { Employed, Entrepreneurship, Freelance, FurtherStudy, Unemployed };
inline constexpr std::array<DestinationGroup, 5> kDestinationGroups = {
    DestinationGroup::Employed, DestinationGroup::Entrepreneurship, DestinationGroup::Freelance,
    DestinationGroup::FurtherStudy, DestinationGroup::Unemployed};

std::string_view destination_group_name(DestinationGroup g);   // employed, entrepreneurship, ...
std::string_view destination_group_label(DestinationGroup g);  // 单位就业, 自主创业, ...
std::optional<DestinationGroup> parse_destination_group_label(std::string_view label);
// Whether the group counts towards 落实率: every group but 未就业.
bool destination_group_placed(DestinationGroup g);

// Each destination code's group, from the code table. Throws Error(Internal) when a code's note
// names no group (the table and this report would disagree).
std::map<std::string, DestinationGroup> destination_code_groups(Store& store);

enum class RateGrouping { School, Department, Major, Level };
std::optional<RateGrouping> parse_rate_grouping(std::string_view name);  // school, department, ...
std::string_view rate_grouping_name(RateGrouping g);
std::string_view rate_grouping_label(RateGrouping g);  // 院校, 院系, 专业, 学历层次

struct RateFilter {
  int cohort = 0;      // 0: every cohort
  std::string school;  // code or name; empty: every school
  RateGrouping by = RateGrouping::School;
};

// One group's counts. Counts are graduates: each graduate is counted once, by their approved
// destination (see destination_rate).
struct RateRow {
  // The school the group belongs to: for school, department and major its code (departments and
  // majors are a school's own); for level and the total, the --school filter's, else empty.
  std::string school_code;
  std::string school_name;  // of school_code
  // The group's machine value: school code, department, major, degree-level code ("31"); empty
  // when the roster left it blank; "total" for the total.
  std::string group;
  // What people read: school name, department, major, 本科生; "（未填写）" when blank; 合计.
  std::string group_name;
  std::int64_t graduates = 0;
  std::array<std::int64_t, kDestinationGroups.size()> counts{};  // indexed by DestinationGroup

  std::int64_t count(DestinationGroup g) const { return counts[static_cast<std::size_t>(g)]; }
  // 已落实: 单位就业 + 自主创业 + 自由职业 + 升学.
  std::int64_t placed() const;
  // Graduates without an approved destination (not even 未就业).
  std::int64_t no_destination() const;
  // count / graduates, and placed / graduates (落实率); 0 when there are no graduates.
  double rate(DestinationGroup g) const;
  double placement_rate() const;
};

struct RateReport {
  std::vector<RateRow> groups;  // in the order of school code, then group; levels in code order
  RateRow total;                // every graduate the filter selects
};

// Counts the valid graduates (removed records, status 失效, are left out) of the cohort and
// school, grouped, by their approved destination:
// - an online signing signed (已签约) or being terminated (解约中) is destination 10;
// - else a registration in state approved (审核通过) counts with its stored code: paper and
//   offline agreements and 定向/委培 registrations are stored as 10, other destinations with
//   the code the school approved.
// Nothing else counts: pending, returned, rejected, voided, terminated and invalid ones, an
// offline agreement awaiting its scan, invitations not yet approved. A graduate is counted once:
// should the data ever hold two approved destinations, the online signing wins, then the
// earliest registration (the order live_destination uses).
// Throws Error(NotFound) for an unknown school.
RateReport destination_rate(Store& store, const RateFilter& filter);

}  // namespace ncss
