// What core modules see of the store: the SQLite connection. Never included by the CLI.
#pragma once

#include <SQLiteCpp/SQLiteCpp.h>

#include <filesystem>
#include <utility>

#include "ncss/error.hpp"
#include "ncss/store.hpp"

namespace ncss {

struct Store::Impl {
  std::filesystem::path path;
  SQLite::Database db;
  Impl(std::filesystem::path p, int flags) : path(std::move(p)), db(path.string(), flags) {}
};

inline SQLite::Database& database(Store& store) { return store.impl().db; }

// Runs `fn`, turning SQLite's exceptions into ncss::Error(Storage) with the extended code.
template <typename Fn>
auto with_storage_errors(Fn&& fn) -> decltype(fn()) {
  try {
    return fn();
  } catch (const SQLite::Exception& e) {
    throw Error::storage(std::string("database error: ") + e.what(), e.getExtendedErrorCode());
  }
}

}  // namespace ncss
