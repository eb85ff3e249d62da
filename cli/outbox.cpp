// ncssctl outbox list|export: the notifications an SMS or WeChat gateway sends.
#include "ncss/outbox.hpp"

#include <CLI/CLI.hpp>
#include <memory>

#include "context.hpp"
#include "ncss/identity.hpp"
#include "stdout.hpp"

namespace cli {

namespace {

struct OutboxOptions {
  std::string status = "pending";
  bool mark_sent = false;
  bool unmask = false;
};

const std::vector<Column> kOutboxColumns = {
    {"id", "编号", true},   {"event_id", "事件", true},   {"created_at", "时间"},
    {"channel", "渠道"},    {"recipient_type", "收件方"}, {"recipient_id", "收件人"},
    {"template", "模板"},   {"payload", "内容"},          {"status", "状态"},
    {"sent_at", "发送时间"}};

// A table (not --unmask) masks a graduate's ID number and the personal numbers of payloads, and
// shows times in China Standard Time; CSV and JSON, which gateways read, carry them as stored.
void write(Context& ctx, const std::vector<ncss::OutboxMessage>& messages, bool mask) {
  const bool human = ctx.format() == Format::Table;
  RowWriter w(ctx.out(), ctx.format(), kOutboxColumns);
  for (const auto& m : messages) {
    const bool graduate = m.recipient_type == "graduate";
    w.row({std::to_string(m.id), std::to_string(m.event_id), listed_time(human, m.created_at),
           m.channel, m.recipient_type,
           mask && graduate ? ncss::mask_resident_id(m.recipient_id) : m.recipient_id,
           m.template_name, mask ? masked_json_text(m.payload) : m.payload, m.status,
           listed_time(human, m.sent_at)});
  }
}

}  // namespace

void register_outbox(CLI::App& app, Context& ctx) {
  auto o = std::make_shared<OutboxOptions>();
  auto* outbox = app.add_subcommand("outbox", "the notification outbox (SMS/WeChat gateway)");
  outbox->require_subcommand(1);
  auto* list = outbox->add_subcommand("list", "list messages (default: the pending ones)");
  list->add_option("--status", o->status, "pending, sent, failed or all")
      ->check(CLI::IsMember({"pending", "sent", "failed", "all"}))
      ->capture_default_str();
  list->add_flag("--unmask", o->unmask,
                 "show graduates' ID numbers and phones in full in the table (recorded)");
  list->callback([&ctx, o] {
    bool mask = ctx.mask_personal_data(o->unmask, "outbox", o->status, "outbox list");
    write(ctx, ncss::list_outbox(ctx.store(), o->status == "all" ? "" : o->status), mask);
  });
  auto* exp = outbox->add_subcommand(
      "export",
      "print every pending message; with --mark-sent, mark exactly those sent in the "
      "same transaction, so a gateway takes each message once");
  exp->add_flag("--mark-sent", o->mark_sent, "mark the exported messages sent");
  exp->add_flag("--unmask", o->unmask,
                "show graduates' ID numbers and phones in full in the table (recorded)");
  exp->callback([&ctx, o] {
    bool mask = ctx.mask_personal_data(o->unmask, "outbox", "pending", "outbox export");
    // Written and flushed before the marking commits: when standard output fails (exit 8), no
    // message is marked sent.
    ncss::take_outbox(ctx.store(), o->mark_sent, ctx.actor(),
                      [&](const std::vector<ncss::OutboxMessage>& messages) {
                        write(ctx, messages, mask);
                        flush_stdout();
                      });
  });
}

}  // namespace cli
