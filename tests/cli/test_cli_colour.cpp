// Colour (issue 8): only on a terminal, never when NO_COLOR is set, never into pipes and files.
// A terminal is made with script(1) (util-linux), which runs the command on a pseudo-terminal.
#include <catch2/catch.hpp>
#include <string>

#include "testkit.hpp"

namespace {

using testkit::contains;

// Runs ncssctl ARGS on a pseudo-terminal, with ENV before it; the terminal's text.
std::string on_terminal(const std::string& env, const std::string& args) {
  auto r = testkit::run_shell(env + " script -qec \"" + std::string(NCSSCTL_BINARY) + " " + args +
                              "\" /dev/null");
  return r.text;
}

}  // namespace

TEST_CASE("cli: colour only on a terminal and never with NO_COLOR", "[cli][colour]") {
  testkit::TempDir dir;
  const std::string db = (dir / "c.db").string();
  REQUIRE(testkit::run_ncssctl({"--db", db, "init"}).exit_code == 0);
  const std::string table = "--db " + db + " codes --format table";
  const std::string failing = "--db " + db + " student show 110105200301150012";

  // A terminal: the table's header bold, the error's word red.
  CHECK(contains(on_terminal("TERM=xterm", table), "\033[1m"));
  CHECK(contains(on_terminal("TERM=xterm", failing), "\033[1;31merror:\033[0m"));
  // NO_COLOR (any value), or a dumb terminal: the same text without escapes.
  for (const char* env : {"TERM=xterm NO_COLOR=1", "TERM=dumb"}) {
    INFO(env);
    auto plain = on_terminal(env, table);
    CHECK(contains(plain, "destination"));
    CHECK(!contains(plain, "\033["));
    auto err = on_terminal(env, failing);
    CHECK(contains(err, "ncssctl: error:"));
    CHECK(!contains(err, "\033["));
  }
  // A pipe is never coloured.
  auto piped = testkit::run_ncssctl({"--db", db, "codes", "--format", "table"});
  CHECK(contains(piped.out, "destination"));
  CHECK(!contains(piped.out + piped.err, "\033["));
}
