#include <SQLiteCpp/SQLiteCpp.h>
#include <sqlite3.h>
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <tuple>

#include "fixtures.hpp"
#include "migrations.hpp"
#include "ncss/error.hpp"
#include "ncss/store.hpp"
#include "store_impl.hpp"

using ncss::ErrorCode;
using ncss::InitOutcome;
using ncss::Store;
using testkit::TempDir;

namespace {

int user_version_of(const std::filesystem::path& path) {
  SQLite::Database db(path.string(), SQLite::OPEN_READONLY);
  return db.execAndGet("PRAGMA user_version").getInt();
}

ErrorCode code_of(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const ncss::Error& e) {
    return e.code();
  }
  FAIL("no ncss::Error was thrown");
  return ErrorCode::Internal;
}

}  // namespace

TEST_CASE("store: migrations are numbered 1..N without gaps", "[store]") {
  const auto& all = ncss::detail::migrations();
  REQUIRE(all.size() >= 2);
  for (std::size_t i = 0; i < all.size(); ++i) CHECK(all[i].version == static_cast<int>(i + 1));
  CHECK(ncss::latest_schema_version() == static_cast<int>(all.size()));
}

TEST_CASE("store: init creates a private database at the latest version", "[store]") {
  TempDir dir;
  auto path = dir / "new.db";
  InitOutcome outcome;
  {
    auto store = Store::init(path, {}, outcome);
    CHECK(outcome == InitOutcome::Created);
    CHECK(store.schema_version() == ncss::latest_schema_version());
    CHECK(store.check().ok());
  }
  struct stat st;
  REQUIRE(::stat(path.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  SQLite::Database db(path.string(), SQLite::OPEN_READONLY);
  CHECK(db.execAndGet("PRAGMA journal_mode").getString() == "wal");
}

TEST_CASE("store: committed_changes is true only after a commit that changed the database",
          "[store]") {
  TempDir dir;
  InitOutcome outcome;
  std::ignore = Store::init(dir / "c.db", {}, outcome);
  auto store = Store::open(dir / "c.db");
  auto& db = ncss::database(store);
  CHECK_FALSE(store.committed_changes());
  db.execAndGet("SELECT count(*) FROM graduates");
  db.exec("CREATE TEMP TABLE probe (x)");  // no row changed
  {
    // A table of the database, made by a raw connection: its rows are what a command commits.
    SQLite::Database raw((dir / "c.db").string(), SQLite::OPEN_READWRITE);
    raw.exec("CREATE TABLE meta_probe (x)");
  }
  {
    SQLite::Transaction tx(db, SQLite::TransactionBehavior::IMMEDIATE);
    tx.commit();  // a write transaction that changed nothing
  }
  CHECK_FALSE(store.committed_changes());
  {
    SQLite::Transaction tx(db);
    db.exec("INSERT INTO meta_probe VALUES (1)");
  }  // rolled back
  CHECK_FALSE(store.committed_changes());
  {
    SQLite::Transaction tx(db, SQLite::TransactionBehavior::IMMEDIATE);
    db.exec("INSERT INTO probe VALUES (1)");  // scratch space only
    tx.commit();
  }
  CHECK_FALSE(store.committed_changes());
  {
    SQLite::Transaction tx(db);
    db.exec("INSERT INTO meta_probe VALUES (1)");
    tx.commit();
  }
  CHECK(store.committed_changes());
  // The hook that sees it replaces SQLite's automatic checkpoint, and does it: 8 MiB committed
  // (2,048 pages) reach the database file, not only its WAL.
  db.exec("INSERT INTO meta_probe VALUES (zeroblob(8 * 1024 * 1024))");
  CHECK(std::filesystem::file_size(dir / "c.db") > 8u * 1024 * 1024);
}

TEST_CASE("store: re-running init or migrate changes nothing", "[store]") {
  testkit::StoreFixture f;
  REQUIRE(f.store.migrate() == 0);
  InitOutcome outcome;
  auto again = Store::init(f.path, {}, outcome);
  CHECK(outcome == InitOutcome::AlreadyCurrent);
  CHECK(again.migrate() == 0);
  CHECK(again.schema_version() == ncss::latest_schema_version());
}

TEST_CASE("store: an older database is migrated by migrate, refused by open", "[store]") {
  TempDir dir;
  auto path = dir / "old.db";
  {
    // Build version 1 only, as an old binary would have left it.
    SQLite::Database db(path.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    db.exec(ncss::detail::migrations().front().sql);
    db.exec("PRAGMA user_version = 1");
  }
  CHECK(code_of([&] { Store::open(path); }) == ErrorCode::Storage);
  CHECK(user_version_of(path) == 1);
  auto store = Store::open_for_migration(path);
  CHECK(store.migrate() == ncss::latest_schema_version() - 1);
  CHECK(store.schema_version() == ncss::latest_schema_version());
  CHECK(store.check().ok());
}

TEST_CASE("store: schema 9 drops the unused graduates_import index", "[store]") {
  TempDir dir;
  auto path = dir / "v8.db";
  auto index_count = [&] {
    SQLite::Database db(path.string(), SQLite::OPEN_READONLY);
    return db
        .execAndGet(
            "SELECT count(*) FROM sqlite_schema WHERE type = 'index' AND name = "
            "'graduates_import'")
        .getInt();
  };
  {
    InitOutcome outcome;
    Store::init(path, {}, outcome);
  }
  CHECK(index_count() == 0);  // a new database never has it
  std::filesystem::remove(path);
  {
    // As schema 8 left a database: the index there (schema 3 made it), version 8.
    SQLite::Database db(path.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    for (const auto& m : ncss::detail::migrations()) {
      if (m.version <= 8) db.exec(m.sql);
    }
    db.exec("PRAGMA user_version = 8");
  }
  REQUIRE(index_count() == 1);
  auto store = Store::open_for_migration(path);
  CHECK(store.migrate() == ncss::latest_schema_version() - 8);
  CHECK(index_count() == 0);
  CHECK(store.check().ok());
}

TEST_CASE("store: schema 10 keeps the private-company flag, taken from registrations", "[store]") {
  TempDir dir;
  auto path = dir / "v9.db";
  {
    // As schema 9 left a database: three employers, two registered with --private, one of those
    // edited to 31 国有企业 since (schema 9 let that through).
    SQLite::Database db(path.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    for (const auto& m : ncss::detail::migrations()) {
      if (m.version <= 9) db.exec(m.sql);
    }
    db.exec("PRAGMA user_version = 9");
    for (auto [code, nature, is_private] : {std::tuple{"91110108749352307A", "39", true},
                                            std::tuple{"91370200163562681G", "31", true},
                                            std::tuple{"91310115MA1K3BTP2B", "39", false}}) {
      db.exec(std::string("INSERT INTO employers (credit_code, name, nature_code, industry_code, "
                          "size_code, province, city, street, created_at, updated_at) VALUES ('") +
              code + "', '" + code + "', '" + nature + "', 'I', '1', 'p', 'c', 's', 'x', 'x')");
      db.exec(std::string("INSERT INTO events (at, actor, action, subject_type, subject_id, "
                          "details) VALUES ('x', 'a', 'employer.register', 'employer', '") +
              code + "', json_object('private', json('" + (is_private ? "true" : "false") + "')))");
    }
  }
  auto store = Store::open_for_migration(path);
  CHECK(store.migrate() == ncss::latest_schema_version() - 9);
  CHECK(store.check().ok());
  SQLite::Database db(path.string(), SQLite::OPEN_READONLY);
  CHECK(db.execAndGet("SELECT group_concat(credit_code || ':' || private, ' ') FROM (SELECT * "
                      "FROM employers ORDER BY credit_code)")
            .getString() == "91110108749352307A:1 91310115MA1K3BTP2B:0 91370200163562681G:0");
}

TEST_CASE("store: a newer schema is refused with both versions, never downgraded", "[store]") {
  TempDir dir;
  auto path = dir / "future.db";
  {
    InitOutcome outcome;
    Store::init(path, {}, outcome);
    SQLite::Database db(path.string(), SQLite::OPEN_READWRITE);
    db.exec("PRAGMA user_version = 99");
  }
  for (auto open : {+[](const std::filesystem::path& p) { Store::open(p); },
                    +[](const std::filesystem::path& p) { Store::open_for_migration(p); },
                    +[](const std::filesystem::path& p) {
                      InitOutcome o;
                      Store::init(p, {}, o);
                    }}) {
    try {
      open(path);
      FAIL("a newer schema was accepted");
    } catch (const ncss::Error& e) {
      CHECK(e.code() == ErrorCode::Storage);
      std::string msg = e.what();
      CHECK(msg.find("99") != std::string::npos);
      CHECK(msg.find(std::to_string(ncss::latest_schema_version())) != std::string::npos);
    }
    CHECK(user_version_of(path) == 99);
  }
}

TEST_CASE("store: a missing file is refused and nothing is created", "[store]") {
  TempDir dir;
  auto path = dir / "missing.db";
  try {
    Store::open(path);
    FAIL("a missing database was opened");
  } catch (const ncss::Error& e) {
    CHECK(e.code() == ErrorCode::Storage);
    CHECK(std::string(e.what()).find("ncssctl init") != std::string::npos);
  }
  CHECK_FALSE(std::filesystem::exists(path));
}

TEST_CASE("store: a file that is not SQLite is refused and left untouched", "[store]") {
  TempDir dir;
  auto path = dir / "notes.db";
  const std::string bytes = "姓名,身份证号\nnot a database\n";
  testkit::write_file(path, bytes);
  CHECK(code_of([&] { Store::open(path); }) == ErrorCode::Storage);
  CHECK(code_of([&] {
          InitOutcome o;
          Store::init(path, {}, o);
        }) == ErrorCode::Storage);
  CHECK(testkit::read_file(path) == bytes);
  CHECK_FALSE(std::filesystem::exists(dir / "notes.db-wal"));
}

TEST_CASE("store: another application's SQLite file is not taken over", "[store]") {
  TempDir dir;
  auto path = dir / "other.db";
  {
    SQLite::Database db(path.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    db.exec("CREATE TABLE mine (x INTEGER)");
  }
  auto before = testkit::read_file(path);
  CHECK(code_of([&] {
          InitOutcome o;
          Store::init(path, {}, o);
        }) == ErrorCode::Storage);
  CHECK(code_of([&] { Store::open(path); }) == ErrorCode::Storage);
  CHECK(testkit::read_file(path) == before);
}

TEST_CASE("store: check reports foreign-key and version problems", "[store]") {
  testkit::StoreFixture f;
  {
    SQLite::Database db(f.path.string(), SQLite::OPEN_READWRITE);
    db.exec("PRAGMA foreign_keys = OFF");
    db.exec("INSERT INTO school_aliases (name, school_code) VALUES ('无此校', '00000')");
  }
  auto report = f.store.check();
  CHECK_FALSE(report.ok());
  REQUIRE(report.problems.size() == 1);
  CHECK(report.problems[0].find("school_aliases") != std::string::npos);
}

TEST_CASE("store: SQLite failures are worded for the one who can fix them", "[store]") {
  using ncss::storage_message;
  CHECK(storage_message(SQLite::Exception("database is locked", SQLITE_BUSY))
            .starts_with("the database is busy"));
  CHECK(storage_message(SQLite::Exception("attempt to write a readonly database", SQLITE_READONLY))
            .find("read-only for this user") != std::string::npos);
  CHECK(storage_message(SQLite::Exception("database or disk is full", SQLITE_FULL))
            .find("the disk is full") != std::string::npos);
  CHECK(storage_message(SQLite::Exception("database disk image is malformed", SQLITE_CORRUPT))
            .find("ncssctl db check") != std::string::npos);
  // SQLite's own words stay, for the record; an unmapped code keeps only them.
  CHECK(storage_message(SQLite::Exception("database is locked", SQLITE_BUSY))
            .ends_with("(SQLite: database is locked)"));
  CHECK(storage_message(SQLite::Exception("no such table: x", SQLITE_ERROR)) ==
        "database error: no such table: x");
}
