#include "ncss/codes.hpp"

#include "store_impl.hpp"

namespace ncss {

namespace {

// The view behind a code table. The name is checked against the catalogue first, and the
// catalogue only ever holds lower-case identifiers, so this never builds SQL from user data.
std::string view_for(SQLite::Database& db, const std::string& table) {
  SQLite::Statement q(db, "SELECT name FROM code_tables WHERE name = :name");
  q.bind(":name", table);
  if (!q.executeStep()) {
    std::string known;
    SQLite::Statement all(db, "SELECT name FROM code_tables ORDER BY ord");
    while (all.executeStep()) {
      if (!known.empty()) known += ", ";
      known += all.getColumn(0).getString();
    }
    throw Error(ErrorCode::NotFound,
                "unknown code table '" + table + "'; the tables are: " + known);
  }
  for (char c : table) {
    if (!((c >= 'a' && c <= 'z') || c == '_')) throw Error::internal("bad code table name");
  }
  return "code_list_" + table;
}

CodeEntry read_entry(SQLite::Statement& q) {
  return {q.getColumn(0).getString(), q.getColumn(1).getString(), q.getColumn(2).getString()};
}

}  // namespace

std::vector<CodeTable> list_code_tables(Store& store) {
  return with_storage_errors([&] {
    auto& db = database(store);
    std::vector<CodeTable> tables;
    SQLite::Statement q(db, "SELECT name, title FROM code_tables ORDER BY ord");
    while (q.executeStep()) {
      tables.push_back({q.getColumn(0).getString(), q.getColumn(1).getString(), 0});
    }
    for (auto& t : tables) {
      // sql-lint: view_for() names a view of a table listed in code_tables ([a-z_] only).
      t.entries = db.execAndGet("SELECT count(*) FROM " + view_for(db, t.name)).getInt();
    }
    return tables;
  });
}

std::vector<CodeEntry> list_codes(Store& store, const std::string& table) {
  return with_storage_errors([&] {
    auto& db = database(store);
    // sql-lint: view_for() names a view of a table listed in code_tables ([a-z_] only).
    SQLite::Statement q(
        db, "SELECT code, name, coalesce(note, '') FROM " + view_for(db, table) + " ORDER BY ord");
    std::vector<CodeEntry> entries;
    while (q.executeStep()) entries.push_back(read_entry(q));
    return entries;
  });
}

std::optional<CodeEntry> find_code(Store& store, const std::string& table,
                                   const std::string& code_or_name) {
  return with_storage_errors([&]() -> std::optional<CodeEntry> {
    auto& db = database(store);
    std::string extra = table == "degree_level" ? " OR note = :key" : "";
    // sql-lint: view_for() names a view of a table listed in code_tables ([a-z_] only); extra
    // is one of two literals.
    SQLite::Statement q(db, "SELECT code, name, coalesce(note, '') FROM " + view_for(db, table) +
                                " WHERE code = :key OR name = :key" + extra + " ORDER BY ord");
    q.bind(":key", code_or_name);
    if (!q.executeStep()) return std::nullopt;
    return read_entry(q);
  });
}

}  // namespace ncss
