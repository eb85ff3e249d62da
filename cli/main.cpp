// ncssctl: parse the command line, run one subcommand, map its outcome to an exit status.
#include <CLI/CLI.hpp>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <optional>
#include <string>
#include <string_view>

#include "context.hpp"
#include "docs.hpp"
#include "exit_codes.hpp"
#include "format.hpp"
#include "ncss/error.hpp"
#include "ncss/pdf_writer.hpp"
#include "ncss/text.hpp"
#include "ncss/version.hpp"
#include "stdout.hpp"

namespace {

constexpr const char* kEnvironmentHelp =
    "ENVIRONMENT:\n"
    "  NCSSCTL_DB            the database file (--db)\n"
    "  NCSSCTL_NOW           the time to act at (--now)\n"
    "  NCSSCTL_ACTOR         who acts (--actor)\n"
    "  NCSSCTL_BUSY_TIMEOUT  milliseconds to wait for a writer (--busy-timeout)\n"
    "  NCSSCTL_FONT          the TrueType CJK font of PDFs and charts, face 0 (default\n"
    "                        /usr/share/fonts/truetype/wqy/wqy-zenhei.ttc)\n";

// Every argument and NCSSCTL_* variable is text ncssctl may store, print or put in JSON: bytes
// that are not UTF-8 (a terminal in a GBK locale, a binary pasted in) are refused before anything
// runs, naming the option they were given to. Throws ncss::Error (InvalidInput).
void require_utf8_arguments(int argc, char** argv) {
  auto refuse = [](const std::string& what, std::size_t at, unsigned char byte) {
    char hex[8];
    std::snprintf(hex, sizeof hex, "0x%02X", byte);
    throw ncss::Error::invalid_input(what + " is not UTF-8 text (byte " + std::to_string(at + 1) +
                                     " is " + hex +
                                     "); ncssctl reads text as UTF-8: use a UTF-8 locale and "
                                     "files, e.g. LANG=zh_CN.UTF-8");
  };
  for (int i = 1; i < argc; ++i) {
    std::string_view arg(argv[i]);
    if (auto at = ncss::invalid_utf8_at(arg)) {
      std::string what = "argument " + std::to_string(i);
      std::string_view before = i > 1 ? std::string_view(argv[i - 1]) : std::string_view();
      if (arg.size() > 2 && arg.substr(0, 2) == "--" && arg.find('=') != std::string_view::npos &&
          *at > arg.find('=')) {
        what = "the value of " + std::string(arg.substr(0, arg.find('='))) + " (" + what + ")";
        *at -= arg.find('=') + 1;  // counted in the value, as typed
        arg.remove_prefix(arg.find('=') + 1);
      } else if (before.size() > 1 && before[0] == '-' && !ncss::invalid_utf8_at(before)) {
        what = "the value of " + std::string(before) + " (" + what + ")";
      }
      refuse(what, *at, static_cast<unsigned char>(arg[*at]));
    }
  }
  for (const char* name :
       {"NCSSCTL_DB", "NCSSCTL_NOW", "NCSSCTL_ACTOR", "NCSSCTL_BUSY_TIMEOUT", "NCSSCTL_FONT"}) {
    const char* value = std::getenv(name);
    if (!value) continue;
    if (auto at = ncss::invalid_utf8_at(value)) {
      refuse(std::string("the environment variable ") + name, *at,
             static_cast<unsigned char>(value[*at]));
    }
  }
}

// When a command group was given a word that is none of its commands ("ncssctl bogus", "ncssctl
// export bogus"), CLI11 says only "A subcommand is required": name the word and the choices.
std::optional<std::string> unknown_command(const CLI::App& app) {
  const CLI::App* group = &app;
  std::string path = "ncssctl";
  for (;;) {
    auto chosen = group->get_subcommands();
    if (chosen.empty()) break;
    group = chosen.front();
    path += " " + group->get_name();
  }
  auto commands = group->get_subcommands([](const CLI::App*) { return true; });
  auto left = group->remaining();
  if (left.empty()) left = app.remaining();  // a group lets what it does not know fall through
  if (commands.empty() || left.empty() || left.front().empty() || left.front()[0] == '-') {
    return std::nullopt;
  }
  std::string names;
  for (const auto* c : commands) names += (names.empty() ? "" : ", ") + c->get_name();
  return "'" + left.front() + "' is not a command of " + path + "; its commands: " + names;
}

// CLI11 says "Could not convert: --valid-days = abc" for a value of the wrong kind or too large
// for its number type: say which, in the words of the option's type.
std::optional<std::string> conversion_message(const CLI::App& app, const CLI::ParseError& e) {
  constexpr std::string_view kPrefix = "Could not convert: ";
  std::string what = e.what();
  auto equals = what.find(" = ");
  if (!dynamic_cast<const CLI::ConversionError*>(&e) || !what.starts_with(kPrefix) ||
      equals == std::string::npos) {
    return std::nullopt;
  }
  std::string name = what.substr(kPrefix.size(), equals - kPrefix.size());
  std::string value = what.substr(equals + 3);
  std::string type;
  for (const CLI::App* at = &app; at;) {
    if (const auto* option = at->get_option_no_throw(name)) type = option->get_type_name();
    auto chosen = at->get_subcommands();
    at = chosen.empty() ? nullptr : chosen.front();
  }
  const bool whole = type.starts_with("INT") || type.starts_with("UINT");
  const bool digits =
      !value.empty() && value.find_first_not_of("-+0123456789") == std::string::npos;
  if (whole && digits) return name + ": " + value + " is out of range for a whole number";
  if (whole) return name + ": '" + value + "' is not a whole number";
  if (type.starts_with("FLOAT")) return name + ": '" + value + "' is not a number";
  return std::nullopt;
}

// `committed`: whether the command's changes to the database were committed (finish_stdout).
int run(int argc, char** argv, bool& committed) {
  CLI::App app{
      "ncssctl: graduate destination registration and online employment agreements "
      "(全国高校毕业生毕业去向登记与网上签约), on one SQLite database."};
  app.name("ncssctl");
  app.set_version_flag("-V,--version", std::string("ncssctl ") + ncss::kVersion);
  app.require_subcommand(1);
  app.fallthrough();
  cli::Context ctx;
  struct Committed {
    cli::Context& ctx;
    bool& committed;
    ~Committed() { committed = ctx.committed_changes(); }
  } committed_on_return{ctx, committed};
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
    require_utf8_arguments(argc, argv);
    if (const char* font = std::getenv("NCSSCTL_FONT"); font && *font) {
      ncss::CjkFont::use_standard_path(font);
    }
    app.parse(argc, argv);
    ctx.record_unmasking();
    return ctx.exit_status;
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == static_cast<int>(CLI::ExitCodes::Success)) {
      app.exit(e);  // --help, --version
      return cli::kExitOk;
    }
    auto message = unknown_command(app);
    if (!message) message = conversion_message(app, e);
    std::cerr << "ncssctl: " << cli::printable(message.value_or(e.what()))
              << "\nRun 'ncssctl --help' for usage.\n";
    return cli::kExitUsage;
  } catch (const ncss::Error& e) {
    std::string what = e.what();
    // A SQLite failure (detail: its code) names the database it happened to.
    if (e.code() == ncss::ErrorCode::Storage && e.detail() != 0 &&
        what.find(ctx.options.db) == std::string::npos) {
      what = "database '" + ctx.options.db + "': " + what;
    }
    std::cerr << "ncssctl: " << cli::styled(std::cerr, "1;31", "error:") << " "
              << cli::printable(what) << '\n';
    return cli::exit_status_for(e);
  } catch (const std::exception& e) {
    std::cerr << "ncssctl: " << cli::styled(std::cerr, "1;31", "internal error:") << " "
              << cli::printable(e.what()) << '\n';
    return cli::kExitInternal;
  }
}

}  // namespace

int main(int argc, char** argv) {
  // A write past `ulimit -f` fails with EFBIG, reported as exit 8 (or 7 for the database) with
  // its temporary file removed, instead of killing ncssctl without a word.
  std::signal(SIGXFSZ, SIG_IGN);
  cli::install_checked_stdout();
  bool committed = false;
  const int status = run(argc, argv, committed);
  return cli::finish_stdout(status, committed);
}
