// The store: one SQLite file, its schema migrations, and its health check.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace ncss {

struct StoreOptions {
  int busy_timeout_ms = 10000;  // how long a write waits for another writer
};

struct CheckReport {
  int schema_version = 0;
  int expected_version = 0;
  std::vector<std::string> problems;  // empty when the database is healthy
  bool ok() const { return problems.empty(); }
};

enum class InitOutcome { Created, AlreadyCurrent };

class Store {
 public:
  // Opens an existing ncssctl database at the latest schema version. Refuses (Storage) a missing
  // file (creating nothing), a file that is not SQLite (leaving it untouched), a schema newer than
  // this binary, and one older than it (with the hint to run `ncssctl db migrate`).
  static Store open(const std::filesystem::path& path, const StoreOptions& options = {});
  // Opens for `db migrate`: like open, but an older schema is accepted so it can be migrated.
  static Store open_for_migration(const std::filesystem::path& path,
                                  const StoreOptions& options = {});
  // Creates the database (mode 0600) and applies every migration. An existing ncssctl database is
  // never destroyed: `outcome` says it was already there.
  static Store init(const std::filesystem::path& path, const StoreOptions& options,
                    InitOutcome& outcome);

  Store(Store&&) noexcept;
  Store& operator=(Store&&) noexcept;
  ~Store();

  const std::filesystem::path& path() const;
  int schema_version();
  // Applies the migrations this database lacks, each in its own transaction; returns how many.
  int migrate();
  CheckReport check();
  // True once a transaction that changed the database (not only temporary tables) has
  // committed through this store: what the command made stays made, whatever happens to its
  // output afterwards.
  bool committed_changes() const;

  struct Impl;
  Impl& impl() { return *impl_; }

 private:
  explicit Store(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// A dry run of several import files that see each other, as they would in the real run: while
// a DryRunSession is alive on a store, each dry-run import (student import, favorite import)
// keeps its changes inside the session's one transaction, so the second file finds the
// graduates the first one added; the session rolls every change back when it ends. Imports
// that would write (no dry_run) refuse to run inside a session.
class DryRunSession {
 public:
  explicit DryRunSession(Store& store);
  ~DryRunSession();
  DryRunSession(const DryRunSession&) = delete;
  DryRunSession& operator=(const DryRunSession&) = delete;

 private:
  Store& store_;
};

// The schema version this binary writes (the highest migration number).
int latest_schema_version();

}  // namespace ncss
