// Fixtures for core tests: a real store (a temporary file with every migration applied).
#pragma once

#include <filesystem>

#include "ncss/audit.hpp"
#include "ncss/store.hpp"
#include "testkit.hpp"

namespace testkit {

struct StoreFixture {
  TempDir dir;
  std::filesystem::path path = dir / "test.db";
  ncss::Store store = make();
  ncss::Actor actor{"tester", *ncss::parse_time("2026-05-20T09:00:00+08:00")};

 private:
  ncss::Store make() {
    ncss::InitOutcome outcome;
    return ncss::Store::init(path, {}, outcome);
  }
};

}  // namespace testkit
