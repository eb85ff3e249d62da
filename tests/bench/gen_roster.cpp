// gen_roster N OUT.csv OUT.xlsx [--shared-strings]
//
// Writes the same N valid graduates of the 2026 cohort twice, for the import benchmark: as a
// UTF-8 CSV and as an .xlsx (ID numbers as text, phone numbers as numbers, like a roster typed
// into Excel). Columns follow ncss::roster_fields(). ID numbers are unique with correct GB 11643
// check digits; schools are 10001..10010 of the national list, by code. The output is the same
// for the same N.
//
// The .xlsx is written in libxlsxwriter's constant-memory mode, which stores strings inline;
// --shared-strings writes a shared-strings table instead, as Excel itself does (the generator
// then holds the whole sheet in memory: fine for 100,000 rows, heavy for 1,000,000).
#include <xlsxwriter.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <numeric>
#include <random>
#include <string>
#include <vector>

#include "ncss/roster.hpp"

namespace {

constexpr int kWeights[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};

char check_char(const std::string& first17) {
  int sum = 0;
  for (int i = 0; i < 17; ++i) sum += (first17[i] - '0') * kWeights[i];
  return "10X98765432"[sum % 11];
}

struct School {
  const char* code;
  const char* domain;
};
constexpr School kSchools[] = {
    {"10001", "pku.edu.cn"},  {"10002", "ruc.edu.cn"},  {"10003", "tsinghua.edu.cn"},
    {"10004", "bjtu.edu.cn"}, {"10005", "bjut.edu.cn"}, {"10006", "buaa.edu.cn"},
    {"10007", "bit.edu.cn"},  {"10008", "ustb.edu.cn"}, {"10009", "ncut.edu.cn"},
    {"10010", "buct.edu.cn"},
};

// Resident ID regions (county-level codes).
constexpr const char* kRegions[] = {
    "110108", "110105", "120104", "130104", "140105", "210102", "220104", "230103",
    "310115", "320106", "320583", "330106", "340104", "350203", "360102", "370212",
    "410105", "420111", "430104", "440305", "440106", "450103", "500103", "510107",
    "520102", "530102", "610113", "620102", "650102", "653101",
};
constexpr int kRegionCount = sizeof kRegions / sizeof kRegions[0];

constexpr const char* kSurnames[] = {
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马",   "朱",
    "胡", "郭", "何", "高", "林", "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩",   "冯",
    "邓", "曹", "彭", "曾", "肖", "田", "董", "袁", "潘", "于", "蒋", "蔡", "欧阳", "司马"};
constexpr const char* kMaleGiven[] = {"浩然", "子轩", "宇航", "博文", "俊杰", "天宇", "明轩",
                                      "振宇", "泽宇", "磊",   "凯",   "毅",   "晨阳", "志强",
                                      "嘉懿", "皓轩", "思远", "一鸣", "文博", "子墨"};
constexpr const char* kFemaleGiven[] = {"雨涵", "欣然", "诗琪", "梦瑶", "可欣", "佳慧", "静怡",
                                        "子涵", "一诺", "婉婷", "晓彤", "雪",   "嘉怡", "思琪",
                                        "雅琴", "晨曦", "梓涵", "晓雯", "欣怡", "语桐"};

struct Program {
  const char* department;
  const char* major;
};
constexpr Program kPrograms[] = {
    {"信息科学技术学院", "计算机科学与技术"},
    {"信息科学技术学院", "电子信息"},
    {"数学科学学院", "数学与应用数学"},
    {"法学院", "法学"},
    {"法学院", "法律（非法学）"},
    {"经济学院", "金融学"},
    {"化学与分子工程学院", "化学"},
    {"机械工程学院", "机械设计制造及其自动化"},
    {"外国语学院", "英语"},
    {"材料科学与工程学院", "材料科学与工程"},
    {"马克思主义学院", "思想政治教育"},
    {"生命科学学院", "生物科学"},
};

constexpr const char* kPhonePrefixes[] = {"130", "131", "132", "133", "135", "136", "137",
                                          "138", "139", "150", "151", "152", "155", "157",
                                          "158", "159", "176", "177", "180", "181", "182",
                                          "185", "186", "187", "188", "189", "191", "199"};

template <typename T, std::size_t N>
const T& pick(const T (&items)[N], std::mt19937_64& rng) {
  return items[rng() % N];
}

// A degree level with the birth years of its graduates (disjoint, so IDs of different levels
// never collide) and the year they entered.
struct Level {
  const char* word;
  int first_birth_year;
  int years;  // birth years covered
  const char* entry_year;
  char student_kind;        // the digit after the entry year in a student number
  std::uint64_t count = 0;  // IDs handed out so far
};

int days_in_month(int year, int month) {
  static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : days[month - 1];
}

// The `index`-th date from January 1st of `year`, as YYYYMMDD.
std::string nth_date(int year, int index) {
  int month = 1;
  while (index >= days_in_month(year, month)) {
    index -= days_in_month(year, month);
    if (++month > 12) {
      month = 1;
      ++year;
    }
  }
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d%02d%02d", year, month, index + 1);
  return buf;
}

// A unique ID for the n-th graduate of a level: (region, birth day, sequence) is a bijection of
// n, scrambled by a multiplier coprime to the number of combinations so neighbours differ.
std::string make_id(Level& level, bool male) {
  const std::uint64_t days = 365ULL * static_cast<std::uint64_t>(level.years);
  const std::uint64_t capacity = 500ULL * days * kRegionCount;
  std::uint64_t multiplier = 1000003;
  while (std::gcd(multiplier, capacity) != 1) multiplier += 2;
  std::uint64_t n = (level.count++ * multiplier) % capacity;
  std::uint64_t seq = n % 500;
  n /= 500;
  int day = static_cast<int>(n % days);
  int region = static_cast<int>(n / days);
  char tail[24];
  std::snprintf(tail, sizeof tail, "%03d", static_cast<int>(seq * 2 + (male ? 1 : 0)));
  std::string first17 =
      std::string(kRegions[region]) + nth_date(level.first_birth_year, day) + tail;
  return first17 + check_char(first17);
}

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

bool lxw_ok(lxw_error error, const char* what) {
  if (error == LXW_NO_ERROR) return true;
  std::cerr << "gen_roster: " << what << ": " << lxw_strerror(error) << "\n";
  return false;
}

}  // namespace

int main(int argc, char** argv) {
  bool shared_strings = argc == 5 && std::strcmp(argv[4], "--shared-strings") == 0;
  if (argc != 4 && !shared_strings) {
    std::cerr << "usage: gen_roster N OUT.csv OUT.xlsx [--shared-strings]\n";
    return 2;
  }
  char* end = nullptr;
  unsigned long long rows = std::strtoull(argv[1], &end, 10);
  if (*end != '\0' || rows == 0 || rows > 1048575) {
    std::cerr << "gen_roster: N must be 1..1048575 (one sheet's rows)\n";
    return 2;
  }

  const auto& fields = ncss::roster_fields();
  std::ofstream csv(argv[2], std::ios::binary | std::ios::trunc);
  if (!csv) {
    std::cerr << "gen_roster: cannot write " << argv[2] << "\n";
    return 1;
  }
  std::filesystem::path xlsx_path(argv[3]);
  std::string tmpdir =
      xlsx_path.parent_path().empty() ? std::string(".") : xlsx_path.parent_path().string();
  lxw_workbook_options options{};
  options.constant_memory = shared_strings ? LXW_FALSE : LXW_TRUE;
  options.tmpdir = tmpdir.data();
  lxw_workbook* workbook = workbook_new_opt(argv[3], &options);
  lxw_worksheet* sheet = workbook ? workbook_add_worksheet(workbook, "毕业生名单") : nullptr;
  if (sheet == nullptr) {
    std::cerr << "gen_roster: cannot start " << argv[3] << "\n";
    return 1;
  }

  std::vector<std::string> keys;
  for (std::size_t c = 0; c < fields.size(); ++c) {
    keys.push_back(fields[c].key);
    csv << (c ? "," : "") << csv_field(fields[c].header);
    if (!lxw_ok(worksheet_write_string(sheet, 0, static_cast<lxw_col_t>(c),
                                       fields[c].header.c_str(), nullptr),
                "header")) {
      return 1;
    }
  }
  csv << "\n";

  std::mt19937_64 rng(20260520);
  Level levels[] = {
      {"本科", 2002, 3, "22", '0'}, {"硕士", 1997, 5, "23", '1'}, {"博士", 1990, 7, "21", '3'}};
  std::uint64_t per_school[std::size(kSchools)] = {};
  std::vector<std::string> values(keys.size());
  for (unsigned long long i = 0; i < rows; ++i) {
    auto roll = rng() % 100;
    Level& level = roll < 60 ? levels[0] : roll < 90 ? levels[1] : levels[2];
    bool male = rng() % 2 == 0;
    std::size_t school_index = rng() % std::size(kSchools);
    const School& school = kSchools[school_index];
    const Program& program = pick(kPrograms, rng);
    char student_no[32];
    std::snprintf(student_no, sizeof student_no, "%s%c%07llu", level.entry_year, level.student_kind,
                  static_cast<unsigned long long>(++per_school[school_index]));
    auto roll_mode = rng() % 100;
    std::string phone = std::string(pick(kPhonePrefixes, rng));
    char digits[16];
    std::snprintf(digits, sizeof digits, "%08llu",
                  static_cast<unsigned long long>(rng() % 100000000ULL));
    phone += digits;

    for (std::size_t c = 0; c < keys.size(); ++c) {
      const std::string& key = keys[c];
      std::string& v = values[c];
      if (key == "name") {
        v = std::string(pick(kSurnames, rng)) +
            (male ? pick(kMaleGiven, rng) : pick(kFemaleGiven, rng));
      } else if (key == "id_number") {
        v = make_id(level, male);
      } else if (key == "school") {
        v = school.code;
      } else if (key == "department") {
        v = program.department;
      } else if (key == "degree_level") {
        v = level.word;
      } else if (key == "major") {
        v = program.major;
      } else if (key == "cohort") {
        v = "2026";
      } else if (key == "training_mode") {
        v = roll_mode < 95 ? "非定向" : roll_mode < 98 ? "定向" : "委培";
      } else if (key == "student_no") {
        v = student_no;
      } else if (key == "gender") {
        v = male ? "男" : "女";
      } else if (key == "phone") {
        v = phone;
      } else if (key == "email") {
        v = std::string(student_no) + "@stu." + school.domain;
      } else {
        v.clear();
      }
    }

    auto row = static_cast<lxw_row_t>(i + 1);
    for (std::size_t c = 0; c < keys.size(); ++c) {
      csv << (c ? "," : "") << csv_field(values[c]);
      if (values[c].empty()) continue;
      auto col = static_cast<lxw_col_t>(c);
      lxw_error error = keys[c] == "phone"
                            ? worksheet_write_number(sheet, row, col, std::stod(values[c]), nullptr)
                            : worksheet_write_string(sheet, row, col, values[c].c_str(), nullptr);
      if (!lxw_ok(error, "cell")) return 1;
    }
    csv << "\n";
  }
  csv.close();
  if (!csv) {
    std::cerr << "gen_roster: cannot write " << argv[2] << "\n";
    return 1;
  }
  if (!lxw_ok(workbook_close(workbook), argv[3])) return 1;
  return 0;
}
