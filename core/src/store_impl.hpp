// What core modules see of the store: the SQLite connection. Never included by the CLI.
#pragma once

#include <SQLiteCpp/SQLiteCpp.h>

#include <cstdint>
#include <filesystem>
#include <utility>
#include <vector>

#include "ncss/error.hpp"
#include "ncss/store.hpp"

namespace ncss {

struct Store::Impl {
  std::filesystem::path path;
  SQLite::Database db;
  // Whether a transaction that changed the database has committed (Store::committed_changes,
  // the WAL hook in store.cpp).
  bool committed = false;
  Impl(std::filesystem::path p, int flags) : path(std::move(p)), db(path.string(), flags) {}
};

inline SQLite::Database& database(Store& store) { return store.impl().db; }

// A prepared statement for per-row loops: SQLite scans the parameter names on every by-name
// bind, so each name's index is looked up once (keyed by the literal's address) and reused.
class RowStatement {
 public:
  RowStatement(SQLite::Database& db, const std::string& sql) : st_(db, sql) {}
  template <typename T>
  void bind(const char* name, const T& value) {
    st_.bind(index(name), value);
  }
  void bind(const char* name) { st_.bind(index(name)); }  // NULL
  // Binds the text without SQLite copying it: `value` must stay unchanged until the statement
  // has run (the row loop's own buffers, bound and executed at once).
  void bind_no_copy(const char* name, const std::string& value) {
    st_.bindNoCopy(index(name), value);
  }
  void reset() { st_.reset(); }
  bool executeStep() { return st_.executeStep(); }
  int exec() { return st_.exec(); }
  SQLite::Column getColumn(int i) { return st_.getColumn(i); }

 private:
  // A loop binds the same names in the same order every row, so the entry after the last one
  // found is tried first: one comparison a bind instead of a scan.
  int index(const char* name) {
    if (next_ < indexes_.size() && indexes_[next_].first == name) return indexes_[next_++].second;
    for (std::size_t k = 0; k < indexes_.size(); ++k) {
      if (indexes_[k].first == name) {
        next_ = k + 1;
        return indexes_[k].second;
      }
    }
    int i = st_.getIndex(name);
    indexes_.emplace_back(name, i);
    next_ = indexes_.size();
    return i;
  }
  SQLite::Statement st_;
  std::vector<std::pair<const char*, int>> indexes_;
  std::size_t next_ = 0;  // where the next bind's name is likely to be
};

// One import file's transaction: BEGIN IMMEDIATE on its own, or a savepoint inside a
// DryRunSession's transaction. Rolled back when it ends without end() (an error).
class ImportTransaction {
 public:
  // Throws Internal when a session is open and the import would write (not dry_run).
  ImportTransaction(SQLite::Database& db, bool dry_run);
  ~ImportTransaction();
  ImportTransaction(const ImportTransaction&) = delete;
  ImportTransaction& operator=(const ImportTransaction&) = delete;

  // Ends the file: `would_write` is whether the real run keeps the file (false when
  // --all-or-nothing met a rejected row). On its own, the file is committed when it would be
  // written and this is not a dry run; in a session, it stays in the session's transaction for
  // the files after it. Returns whether the file was committed to the database.
  bool end(bool would_write);

 private:
  SQLite::Database& db_;
  bool dry_run_;
  bool in_session_;
  bool open_ = true;
};

// What an administrator can do about a SQLite failure, in words: a busy database (and the
// timeout to raise), one that cannot be written (file or directory permissions), a full disk, a
// damaged file; SQLite's own text for the rest.
std::string storage_message(const SQLite::Exception& e);

// Runs `fn`, turning SQLite's exceptions into ncss::Error(Storage) with the extended code.
template <typename Fn>
auto with_storage_errors(Fn&& fn) -> decltype(fn()) {
  try {
    return fn();
  } catch (const SQLite::Exception& e) {
    throw Error::storage(storage_message(e), e.getExtendedErrorCode());
  }
}

}  // namespace ncss
