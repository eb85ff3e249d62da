// ncssctl: parse the command line, run one subcommand, map its outcome to an exit status.
#include <CLI/CLI.hpp>
#include <iostream>

#include "context.hpp"
#include "docs.hpp"
#include "exit_codes.hpp"
#include "format.hpp"
#include "ncss/error.hpp"
#include "ncss/version.hpp"

namespace {

constexpr const char* kEnvironmentHelp =
    "ENVIRONMENT:\n"
    "  NCSSCTL_DB            the database file (--db)\n"
    "  NCSSCTL_NOW           the time to act at (--now)\n"
    "  NCSSCTL_ACTOR         who acts (--actor)\n"
    "  NCSSCTL_BUSY_TIMEOUT  milliseconds to wait for a writer (--busy-timeout)\n";

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "ncssctl: graduate destination registration and online employment agreements "
      "(全国高校毕业生毕业去向登记与网上签约), on one SQLite database."};
  app.name("ncssctl");
  app.set_version_flag("-V,--version", std::string("ncssctl ") + ncss::kVersion);
  app.require_subcommand(1);
  app.fallthrough();
  cli::Context ctx;
  cli::register_global_options(app, ctx);
  cli::register_init(app, ctx);
  cli::register_db(app, ctx);
  cli::register_codes(app, ctx);
  cli::register_school(app, ctx);
  cli::register_student(app, ctx);
  cli::register_employer(app, ctx);
  cli::register_favorite(app, ctx);
  cli::register_template(app, ctx);
  cli::register_invite(app, ctx);
  cli::register_review(app, ctx);
  cli::register_sweep(app, ctx);
  cli::register_history(app, ctx);
  cli::register_outbox(app, ctx);
  cli::register_stats(app, ctx);
  cli::register_terminate(app, ctx);
  cli::register_void(app, ctx);
  cli::register_register(app, ctx);
  cli::register_agreement(app, ctx);
  cli::register_export(app, ctx);
  // Set last so that subcommands' help stays short.
  app.footer(std::string("\n") + cli::exit_status_help() + "\n" + kEnvironmentHelp +
             "\nSee ncssctl(1) for more.");

  // The build's documentation step (CMakeLists.txt): man pages and completion from this tree.
  if (argc == 4 && std::string(argv[1]) == "--generate-docs") {
    return cli::generate_docs(app, argv[2], argv[3]);
  }
  try {
    app.parse(argc, argv);
    return ctx.exit_status;
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == static_cast<int>(CLI::ExitCodes::Success)) {
      app.exit(e);  // --help, --version
      return cli::kExitOk;
    }
    std::cerr << "ncssctl: " << cli::printable(e.what()) << "\nRun 'ncssctl --help' for usage.\n";
    return cli::kExitUsage;
  } catch (const ncss::Error& e) {
    std::cerr << "ncssctl: " << cli::styled(std::cerr, "1;31", "error:") << " "
              << cli::printable(e.what()) << '\n';
    return cli::exit_status_for(e);
  } catch (const std::exception& e) {
    std::cerr << "ncssctl: " << cli::styled(std::cerr, "1;31", "internal error:") << " "
              << cli::printable(e.what()) << '\n';
    return cli::kExitInternal;
  }
}
