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
  // The row that first held a key, and whether that row was rejected (so nothing of it was kept).
  struct Earlier {
    std::size_t row = 0;  // 0: the key is new
    bool rejected = false;
    explicit operator bool() const { return row != 0; }
  };

  // Makes (or empties) the connection's temporary table of keys, inside the caller's transaction
  // (so it is rolled back with it). One import at a time uses it.
  explicit SeenKeys(SQLite::Database& db)
      : insert_(prepare(db)),
        select_(db, "SELECT row, rejected FROM temp.import_seen_keys WHERE key = :key"),
        reject_(db, "UPDATE temp.import_seen_keys SET rejected = 1 WHERE key = :key") {}

  // Nothing when `key` is new (it is recorded with `row`), else the row that first held it.
  Earlier first(const std::string& key, std::size_t row) {
    insert_.reset();
    insert_.bind(":key", key);
    insert_.bind(":row", static_cast<std::int64_t>(row));
    if (insert_.exec() == 1) return {};
    select_.reset();
    select_.bind(":key", key);
    if (!select_.executeStep()) return {};
    return {static_cast<std::size_t>(select_.getColumn(0).getInt64()),
            select_.getColumn(1).getInt() != 0};
  }

  // The row that recorded `key` was rejected after all.
  void reject(const std::string& key) {
    reject_.reset();
    reject_.bind(":key", key);
    reject_.exec();
  }

 private:
  static SQLite::Statement prepare(SQLite::Database& db) {
    db.exec(
        "CREATE TEMP TABLE IF NOT EXISTS import_seen_keys (key TEXT PRIMARY KEY, row INTEGER NOT "
        "NULL, rejected INTEGER NOT NULL DEFAULT 0) WITHOUT ROWID");
    db.exec("DELETE FROM temp.import_seen_keys");
    return SQLite::Statement(db,
                             "INSERT INTO temp.import_seen_keys (key, row) VALUES (:key, :row) ON "
                             "CONFLICT DO NOTHING");
  }

  SQLite::Statement insert_, select_, reject_;
};

}  // namespace ncss
