#include "ncss/school.hpp"

#include <algorithm>
#include <utility>

#include "audit_impl.hpp"
#include "store_impl.hpp"
#include "text_rules.hpp"

namespace ncss {

namespace {

constexpr const char* kColumns =
    "s.code, coalesce(s.moe_id, ''), s.name, s.authority, s.province, s.city, s.level, s.source";

School read_school(SQLite::Statement& q) {
  School s;
  s.code = q.getColumn(0).getString();
  s.moe_id = q.getColumn(1).getString();
  s.name = q.getColumn(2).getString();
  s.authority = q.getColumn(3).getString();
  s.province = q.getColumn(4).getString();
  s.city = q.getColumn(5).getString();
  s.level = q.getColumn(6).getString();
  s.source = q.getColumn(7).getString();
  return s;
}

void load_former_names(SQLite::Database& db, School& s) {
  SQLite::Statement q(db,
                      "SELECT name FROM school_aliases WHERE school_code = :code ORDER BY name");
  q.bind(":code", s.code);
  while (q.executeStep()) s.former_names.push_back(q.getColumn(0).getString());
}

}  // namespace

std::vector<School> list_schools(Store& store, const SchoolFilter& filter) {
  return with_storage_errors([&] {
    // A filter that names nothing is a mistake (北京 for 北京市), not an empty list.
    if (!filter.level.empty() && filter.level != "本科" && filter.level != "专科" &&
        filter.level != "成人" && filter.level != "其他") {
      throw Error::usage("--level '" + filter.level + "' must be 本科, 专科, 成人 or 其他");
    }
    if (!filter.province.empty()) {
      SQLite::Statement p(database(store), "SELECT 1 FROM schools WHERE province = :p LIMIT 1");
      p.bind(":p", filter.province);
      if (!p.executeStep()) {
        throw Error(ErrorCode::NotFound, "no institution is in the province '" + filter.province +
                                             "': write it in full, as 北京市, 广东省 or "
                                             "新疆维吾尔自治区");
      }
    }
    SQLite::Statement q(database(store),
                        std::string("SELECT ") + kColumns +
                            " FROM schools s WHERE (:province = '' OR s.province = :province) "
                            "AND (:level = '' OR s.level = :level) AND (:name = '' OR "
                            "instr(s.name, :name) > 0) ORDER BY s.code");
    q.bind(":province", filter.province);
    q.bind(":level", filter.level);
    q.bind(":name", filter.name_contains);
    std::vector<School> out;
    while (q.executeStep()) out.push_back(read_school(q));
    return out;
  });
}

std::optional<School> find_school(Store& store, const std::string& key) {
  return with_storage_errors([&]() -> std::optional<School> {
    auto& db = database(store);
    SQLite::Statement q(db, std::string("SELECT ") + kColumns +
                                " FROM schools s WHERE s.code = :key OR s.moe_id = :key OR "
                                "s.name = :key UNION ALL SELECT " +
                                kColumns +
                                " FROM school_aliases a JOIN schools s ON s.code = a.school_code "
                                "WHERE a.name = :key LIMIT 1");
    q.bind(":key", key);
    if (!q.executeStep()) return std::nullopt;
    School s = read_school(q);
    load_former_names(db, s);
    return s;
  });
}

School get_school(Store& store, const std::string& key) {
  auto s = find_school(store, key);
  if (!s) {
    throw Error(ErrorCode::NotFound, "unknown school '" + key +
                                         "': not a code, identifier or name on the national "
                                         "list; add it with `ncssctl school add`");
  }
  return *s;
}

School add_school(Store& store, School school, const Actor& actor) {
  const std::pair<const std::string*, const char*> text[] = {
      {&school.code, "院校代码 (--code)"},     {&school.moe_id, "学校标识码 (--moe-id)"},
      {&school.name, "学校名称 (--name)"},     {&school.authority, "主管部门 (--authority)"},
      {&school.province, "省份 (--province)"}, {&school.city, "所在地 (--city)"},
      {&school.level, "办学层次 (--level)"}};
  for (const auto& [value, label] : text) checked_text(*value, label, TextLines::Single);
  if (!(school.code.size() == 5 && all_ascii_digits(school.code))) {
    throw Error::invalid_input("school code '" + school.code + "' must be 5 digits");
  }
  if (!school.moe_id.empty() && !(school.moe_id.size() == 10 && all_ascii_digits(school.moe_id))) {
    throw Error::invalid_input("school identifier '" + school.moe_id + "' must be 10 digits");
  }
  if (school.name.empty()) throw Error::invalid_input("school name must not be empty");
  static const std::vector<std::string> kLevels = {"本科", "专科", "成人", "其他"};
  if (std::find(kLevels.begin(), kLevels.end(), school.level) == kLevels.end()) {
    throw Error::invalid_input("school level '" + school.level +
                               "' must be one of 本科, 专科, 成人, 其他");
  }
  return with_storage_errors([&] {
    auto& db = database(store);
    SQLite::Transaction tx(db, SQLite::TransactionBehavior::IMMEDIATE);
    SQLite::Statement clash(db,
                            "SELECT code, name FROM schools WHERE code = :code OR name = :name "
                            "OR (:id <> '' AND moe_id = :id) UNION ALL SELECT school_code, name "
                            "FROM school_aliases WHERE name = :name LIMIT 1");
    clash.bind(":code", school.code);
    clash.bind(":name", school.name);
    clash.bind(":id", school.moe_id);
    if (clash.executeStep()) {
      throw Error::conflict("school " + school.code + " " + school.name +
                            " clashes with the known school " + clash.getColumn(0).getString() +
                            " " + clash.getColumn(1).getString());
    }
    SQLite::Statement insert(
        db,
        "INSERT INTO schools (code, moe_id, name, authority, province, city, level, source, "
        "added_at, added_by) VALUES (:code, nullif(:id, ''), :name, :authority, :province, "
        ":city, :level, 'added', :at, :by)");
    insert.bind(":code", school.code);
    insert.bind(":id", school.moe_id);
    insert.bind(":name", school.name);
    insert.bind(":authority", school.authority);
    insert.bind(":province", school.province);
    insert.bind(":city", school.city);
    insert.bind(":level", school.level);
    insert.bind(":at", format_utc(actor.now));
    insert.bind(":by", actor.name);
    insert.exec();
    school.source = "added";
    AuditWriter audit(db, actor);
    audit.event("school.add", "school", school.code, "",
                {{"code", school.code},
                 {"moe_id", school.moe_id},
                 {"name", school.name},
                 {"authority", school.authority},
                 {"province", school.province},
                 {"city", school.city},
                 {"level", school.level}});
    tx.commit();
    return school;
  });
}

}  // namespace ncss
