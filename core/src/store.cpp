#include "ncss/store.hpp"

#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>

#include "agreement_impl.hpp"
#include "migrations.hpp"
#include "store_impl.hpp"

namespace ncss {

namespace {

namespace fs = std::filesystem;

constexpr char kSqliteMagic[16] = {'S', 'Q', 'L', 'i', 't', 'e', ' ', 'f',
                                   'o', 'r', 'm', 'a', 't', ' ', '3', '\0'};

// True when the file starts with SQLite's header. Read with plain I/O so that a file that is not
// a database is never opened (and so never touched) by SQLite.
bool has_sqlite_header(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  char header[16] = {};
  in.read(header, sizeof header);
  return in.gcount() == sizeof header && std::memcmp(header, kSqliteMagic, sizeof header) == 0;
}

std::string quoted(const fs::path& path) { return "'" + path.string() + "'"; }

void configure(SQLite::Database& db, const StoreOptions& options) {
  db.setBusyTimeout(options.busy_timeout_ms);
  db.exec("PRAGMA foreign_keys = ON");
}

// Only once the file is known to be ours: switching to WAL writes to the file's header.
void use_wal(SQLite::Database& db) {
  // WAL lets readers go on while one writer works; NORMAL sync is durable across process kills
  // (a killed process loses nothing committed) and only risks the last commit on power loss.
  db.exec("PRAGMA journal_mode = WAL");
  db.exec("PRAGMA synchronous = NORMAL");
}

int user_version(SQLite::Database& db) { return db.execAndGet("PRAGMA user_version").getInt(); }

bool has_tables(SQLite::Database& db) {
  return db.execAndGet("SELECT count(*) FROM sqlite_schema").getInt() > 0;
}

void check_existing_file(const fs::path& path) {
  std::error_code ec;
  auto status = fs::status(path, ec);
  if (!fs::exists(status)) {
    throw Error::storage("database " + quoted(path) +
                         " does not exist; create it with `ncssctl init --db " + path.string() +
                         "`");
  }
  if (!fs::is_regular_file(status)) {
    throw Error::storage("database " + quoted(path) + " is not a regular file");
  }
  if (!has_sqlite_header(path)) {
    throw Error::storage("database " + quoted(path) +
                         " is not an SQLite database (left untouched)");
  }
}

void check_version(const fs::path& path, int version, bool allow_older) {
  const int latest = latest_schema_version();
  if (version > latest) {
    throw Error::storage("database " + quoted(path) + " has schema version " +
                         std::to_string(version) + ", newer than this ncssctl's " +
                         std::to_string(latest) +
                         "; use a newer ncssctl (a database is never downgraded)");
  }
  if (version == 0) {
    throw Error::storage("database " + quoted(path) +
                         " is an SQLite file but not an ncssctl database (schema version 0)");
  }
  if (version < latest && !allow_older) {
    throw Error::storage("database " + quoted(path) + " has schema version " +
                         std::to_string(version) + ", older than this ncssctl's " +
                         std::to_string(latest) + "; run `ncssctl db migrate` first");
  }
}

}  // namespace

DryRunSession::DryRunSession(Store& store) : store_(store) {
  with_storage_errors([&] { database(store_).exec("BEGIN IMMEDIATE"); });
}

DryRunSession::~DryRunSession() {
  SQLite::Database& db = database(store_);
  try {
    if (!sqlite3_get_autocommit(db.getHandle())) db.exec("ROLLBACK");
  } catch (...) {  // a failed rollback still leaves nothing written: SQLite undoes it on close
  }
}

ImportTransaction::ImportTransaction(SQLite::Database& db, bool dry_run)
    : db_(db), dry_run_(dry_run), in_session_(sqlite3_get_autocommit(db.getHandle()) == 0) {
  if (in_session_ && !dry_run_) {
    throw Error::internal("an import that writes cannot run inside a dry-run session");
  }
  db_.exec(in_session_ ? "SAVEPOINT import_file" : "BEGIN IMMEDIATE");
}

ImportTransaction::~ImportTransaction() {
  if (!open_) return;
  try {
    if (in_session_) {
      db_.exec("ROLLBACK TO import_file");
      db_.exec("RELEASE import_file");
    } else if (!sqlite3_get_autocommit(db_.getHandle())) {
      db_.exec("ROLLBACK");
    }
  } catch (...) {  // as SQLite::Transaction: nothing to do but leave it to SQLite
  }
}

bool ImportTransaction::end(bool would_write) {
  open_ = false;
  if (in_session_) {
    if (!would_write) db_.exec("ROLLBACK TO import_file");
    db_.exec("RELEASE import_file");
    return false;
  }
  if (would_write && !dry_run_) {
    db_.exec("COMMIT");
    return true;
  }
  db_.exec("ROLLBACK");
  return false;
}

int latest_schema_version() {
  const auto& all = detail::migrations();
  return all.empty() ? 0 : all.back().version;
}

Store::Store(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {
  // SQLite calls the WAL hook after each commit that wrote pages of a database in WAL mode: here
  // only the main database (temporary tables, which commands use as scratch space, are not in
  // WAL), and never for a transaction that changed nothing or was rolled back. The hook replaces
  // SQLite's own, the automatic checkpoint (sqlite3_wal_autocheckpoint, 1000 pages), which it
  // therefore does itself, as SQLite's does.
  sqlite3_wal_hook(
      impl_->db.getHandle(),
      [](void* data, sqlite3* db, const char* name, int frames) {
        static_cast<Impl*>(data)->committed = true;
        if (frames >= 1000) sqlite3_wal_checkpoint(db, name);
        return SQLITE_OK;
      },
      impl_.get());
}
Store::Store(Store&&) noexcept = default;
Store& Store::operator=(Store&&) noexcept = default;
Store::~Store() = default;

std::string storage_message(const SQLite::Exception& e) {
  const std::string sqlite = std::string(" (SQLite: ") + e.what() + ")";
  switch (e.getErrorCode()) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return "the database is busy: another command kept it locked for longer than the busy "
             "timeout (--busy-timeout, NCSSCTL_BUSY_TIMEOUT); try again, or wait longer" +
             sqlite;
    case SQLITE_READONLY:
      return "the database cannot be written: the file, or the directory that holds it (SQLite "
             "writes its -wal and -shm files beside it), is read-only for this user" +
             sqlite;
    case SQLITE_FULL:
      return "the database cannot grow: the disk is full" + sqlite;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return "the database is damaged; `ncssctl db check` says where" + sqlite;
    case SQLITE_IOERR:
    case SQLITE_CANTOPEN:
      return "the database file cannot be read or written" + sqlite;
    default:
      return std::string("database error: ") + e.what();
  }
}

const fs::path& Store::path() const { return impl_->path; }

bool Store::committed_changes() const { return impl_->committed; }

static std::unique_ptr<Store::Impl> connect(const fs::path& path, const StoreOptions& options) {
  // SQLite's memory statistics take a global mutex on every allocation and free: a tenth of a
  // million-row roster import (7.5 s to 6.7 s). Nothing here reads them. Allowed only before
  // SQLite initialises (the first open); later it is a harmless SQLITE_MISUSE.
  static const int memstatus_off = sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
  (void)memstatus_off;
  return with_storage_errors([&] {
    // NOMUTEX: a Store is used by one thread at a time (agreement pdf --jobs keeps it on the
    // reading thread), so SQLite's per-call mutex is pure cost: about 5 % of a roster import.
    auto impl = std::make_unique<Store::Impl>(path, SQLite::OPEN_READWRITE | SQLite::OPEN_NOMUTEX);
    configure(impl->db, options);
    return impl;
  });
}

Store Store::open(const fs::path& path, const StoreOptions& options) {
  check_existing_file(path);
  auto impl = connect(path, options);
  check_version(path, with_storage_errors([&] { return user_version(impl->db); }), false);
  with_storage_errors([&] { use_wal(impl->db); });
  return Store(std::move(impl));
}

Store Store::open_for_migration(const fs::path& path, const StoreOptions& options) {
  check_existing_file(path);
  auto impl = connect(path, options);
  check_version(path, with_storage_errors([&] { return user_version(impl->db); }), true);
  with_storage_errors([&] { use_wal(impl->db); });
  return Store(std::move(impl));
}

Store Store::init(const fs::path& path, const StoreOptions& options, InitOutcome& outcome) {
  std::error_code ec;
  if (fs::exists(path, ec)) {
    check_existing_file(path);
    Store store(connect(path, options));
    SQLite::Database& db = store.impl().db;
    const int version = with_storage_errors([&] { return user_version(db); });
    if (version == 0) {
      if (with_storage_errors([&] { return has_tables(db); })) {
        throw Error::storage("database " + quoted(path) +
                             " is an SQLite file but not an ncssctl database (schema version 0); "
                             "left untouched");
      }
      // An empty SQLite file: make it an ncssctl database.
      with_storage_errors([&] { use_wal(db); });
      store.migrate();
      outcome = InitOutcome::Created;
      return store;
    }
    check_version(path, version, true);
    if (version < latest_schema_version()) {
      throw Error::storage("database " + quoted(path) + " exists with schema version " +
                           std::to_string(version) + "; run `ncssctl db migrate` to upgrade it");
    }
    outcome = InitOutcome::AlreadyCurrent;
    with_storage_errors([&] { use_wal(db); });
    return store;
  }
  // Create the file ourselves so that it is private from its first byte (SQLite gives its -wal
  // and -shm files the same mode).
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    int err = errno;
    throw Error::io("cannot create database " + quoted(path) + ": " + std::strerror(err), err);
  }
  ::close(fd);
  try {
    Store store(connect(path, options));
    with_storage_errors([&] { use_wal(store.impl().db); });
    store.migrate();
    outcome = InitOutcome::Created;
    return store;
  } catch (...) {
    // Nothing of a half-made database is left behind.
    fs::remove(path, ec);
    fs::remove(fs::path(path.string() + "-wal"), ec);
    fs::remove(fs::path(path.string() + "-shm"), ec);
    throw;
  }
}

int Store::schema_version() {
  return with_storage_errors([&] { return user_version(impl_->db); });
}

int Store::migrate() {
  return with_storage_errors([&] {
    int applied = 0;
    for (const auto& m : detail::migrations()) {
      // Re-read inside each write transaction: another process may be migrating too.
      SQLite::Transaction tx(impl_->db, SQLite::TransactionBehavior::IMMEDIATE);
      int current = user_version(impl_->db);
      if (current > latest_schema_version()) {
        throw Error::storage("database schema version " + std::to_string(current) +
                             " is newer than this ncssctl's " +
                             std::to_string(latest_schema_version()));
      }
      if (m.version <= current) continue;
      if (m.version != current + 1) {
        throw Error::internal("migration " + std::to_string(m.version) + " follows version " +
                              std::to_string(current));
      }
      impl_->db.exec(m.sql);
      // Steps SQL cannot take: HMACs over content that existed before the migration.
      if (m.version == 7) detail::assign_missing_verification_codes(impl_->db);
      impl_->db.exec("PRAGMA user_version = " + std::to_string(m.version));
      tx.commit();
      ++applied;
    }
    return applied;
  });
}

CheckReport Store::check() {
  return with_storage_errors([&] {
    CheckReport report;
    report.schema_version = user_version(impl_->db);
    report.expected_version = latest_schema_version();
    if (report.schema_version != report.expected_version) {
      report.problems.push_back("schema version " + std::to_string(report.schema_version) +
                                ", expected " + std::to_string(report.expected_version));
    }
    SQLite::Statement integrity(impl_->db, "PRAGMA integrity_check");
    while (integrity.executeStep()) {
      std::string line = integrity.getColumn(0).getString();
      if (line != "ok") report.problems.push_back("integrity: " + line);
    }
    if (report.schema_version >= 7) {
      for (auto& problem : detail::check_verification_codes(impl_->db)) {
        report.problems.push_back(std::move(problem));
      }
    }
    SQLite::Statement fk(impl_->db, "PRAGMA foreign_key_check");
    while (fk.executeStep()) {
      report.problems.push_back("foreign key: table " + fk.getColumn(0).getString() + " row " +
                                fk.getColumn(1).getString() + " refers to a missing " +
                                fk.getColumn(2).getString());
    }
    return report;
  });
}

}  // namespace ncss
