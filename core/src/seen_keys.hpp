// The keys an import has met so far, each with the row that first held it: what finds
// duplicate_in_file in favourites import and invite issue --from-file. A temporary table rather
// than a map in memory: SQLite pages it out, so a file of any length stays within bounded memory
// (the roster import keeps its repeats the same way).
#pragma once

#include <SQLiteCpp/SQLiteCpp.h>

#include <cstddef>
#include <cstdint>
#include <string>

namespace ncss {

class SeenKeys {
 public:
  // Makes (or empties) the connection's temporary table of keys, inside the caller's transaction
  // (so it is rolled back with it). One import at a time uses it.
  explicit SeenKeys(SQLite::Database& db)
      : insert_(prepare(db)),
        select_(db, "SELECT row FROM temp.import_seen_keys WHERE key = :key") {}

  // 0 when `key` is new (it is recorded with `row`), else the row that first held it.
  std::size_t first_row(const std::string& key, std::size_t row) {
    insert_.reset();
    insert_.bind(":key", key);
    insert_.bind(":row", static_cast<std::int64_t>(row));
    if (insert_.exec() == 1) return 0;
    select_.reset();
    select_.bind(":key", key);
    return select_.executeStep() ? static_cast<std::size_t>(select_.getColumn(0).getInt64()) : 0;
  }

 private:
  static SQLite::Statement prepare(SQLite::Database& db) {
    db.exec(
        "CREATE TEMP TABLE IF NOT EXISTS import_seen_keys (key TEXT PRIMARY KEY, row INTEGER NOT "
        "NULL) WITHOUT ROWID");
    db.exec("DELETE FROM temp.import_seen_keys");
    return SQLite::Statement(db,
                             "INSERT INTO temp.import_seen_keys (key, row) VALUES (:key, :row) ON "
                             "CONFLICT DO NOTHING");
  }

  SQLite::Statement insert_, select_;
};

}  // namespace ncss
