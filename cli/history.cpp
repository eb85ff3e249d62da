// ncssctl history (ID | T<id> | R<id> | --graduate ID | --employer USCC): the audit trail,
// oldest first.
#include "history.hpp"

#include <CLI/CLI.hpp>
#include <memory>

#include "context.hpp"
#include "ncss/error.hpp"
#include "ncss/identity.hpp"
#include "ncss/outbox.hpp"
#include "ncss/time.hpp"

namespace cli {

namespace {

struct HistoryOptions {
  std::string item;  // an invitation ID, T<id> a termination, R<id> a registration
  std::string graduate;
  std::string employer;
  bool unmask = false;
};

void run_history(Context& ctx, const HistoryOptions& o) {
  int given = !o.item.empty() + !o.graduate.empty() + !o.employer.empty();
  if (given != 1) {
    throw ncss::Error::usage(
        "history needs exactly one of: an invitation ID (or T<id>, R<id>), --graduate, "
        "--employer");
  }
  std::vector<ncss::EventRecord> events;
  if (!o.item.empty()) {
    char kind = o.item.front() == 't' ? 'T' : o.item.front() == 'r' ? 'R' : o.item.front();
    std::string digits = (kind == 'T' || kind == 'R') ? o.item.substr(1) : o.item;
    if (digits.empty() || digits.size() > 18 ||
        digits.find_first_not_of("0123456789") != std::string::npos) {
      throw ncss::Error::usage("'" + o.item +
                               "' is not an invitation ID (12), a termination (T12) or a "
                               "registration (R12)");
    }
    std::int64_t id = std::stoll(digits);
    events = kind == 'T'   ? ncss::history_of_termination(ctx.store(), id)
             : kind == 'R' ? ncss::history_of_registration(ctx.store(), id)
                           : ncss::history_of_invitation(ctx.store(), id);
  } else if (!o.graduate.empty()) {
    events = ncss::history_of_graduate(ctx.store(), o.graduate);
  } else {
    events = ncss::history_of_employer(ctx.store(), o.employer);
  }
  const std::string subject = !o.item.empty()       ? o.item
                              : !o.graduate.empty() ? o.graduate
                                                    : o.employer;
  print_events(ctx, events, ctx.mask_personal_data(o.unmask, "history", subject, "history"));
}

}  // namespace

void print_events(Context& ctx, const std::vector<ncss::EventRecord>& events, bool mask) {
  const bool human = ctx.format() == Format::Table;
  RowWriter w(ctx.out(), ctx.format(),
              {{"event_id", "编号", true},
               {"at", "时间"},
               {"actor", "操作人"},
               {"action", "操作"},
               {"subject_type", "对象类型"},
               {"subject_id", "对象"},
               {"reason", "原因"},
               {"details", "详情"}});
  for (const auto& e : events) {
    const bool graduate = e.subject_type == "graduate";
    w.row({std::to_string(e.id), listed_time(human, e.at), e.actor, e.action, e.subject_type,
           mask && graduate ? ncss::mask_resident_id(e.subject_id) : e.subject_id, e.reason,
           mask ? masked_json_text(e.details.dump()) : e.details.dump()});
  }
}

void register_history(CLI::App& app, Context& ctx) {
  auto o = std::make_shared<HistoryOptions>();
  auto* cmd = app.add_subcommand(
      "history",
      "the audit trail (who, what, when, why) of an invitation, a graduate or an employer");
  cmd->add_option("item", o->item,
                  "an invitation ID (with its terminations), T<id> a termination, R<id> a "
                  "registration (with its offline terminations)");
  cmd->add_option(
      "--graduate", o->graduate,
      "a graduate's ID number: their record, invitations, registrations and terminations");
  cmd->add_option("--employer", o->employer,
                  "an employer's credit code: its record, verification, user accounts, "
                  "favourites, templates, invitations and their terminations");
  cmd->add_flag("--unmask", o->unmask,
                "show ID numbers and phones in full in the table (recorded)");
  cmd->callback([&ctx, o] { run_history(ctx, *o); });
}

}  // namespace cli
