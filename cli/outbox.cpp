// ncssctl outbox list|export: the notifications an SMS or WeChat gateway sends.
#include "ncss/outbox.hpp"

#include <CLI/CLI.hpp>
#include <memory>

#include "context.hpp"

namespace cli {

namespace {

struct OutboxOptions {
  std::string status = "pending";
  bool mark_sent = false;
};

const std::vector<Column> kOutboxColumns = {
    {"id", "编号", true},   {"event_id", "事件", true},   {"created_at", "时间"},
    {"channel", "渠道"},    {"recipient_type", "收件方"}, {"recipient_id", "收件人"},
    {"template", "模板"},   {"payload", "内容"},          {"status", "状态"},
    {"sent_at", "发送时间"}};

void write(Context& ctx, const std::vector<ncss::OutboxMessage>& messages) {
  RowWriter w(ctx.out(), ctx.format(), kOutboxColumns);
  for (const auto& m : messages) {
    w.row({std::to_string(m.id), std::to_string(m.event_id), m.created_at, m.channel,
           m.recipient_type, m.recipient_id, m.template_name, m.payload, m.status, m.sent_at});
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
  list->callback([&ctx, o] {
    write(ctx, ncss::list_outbox(ctx.store(), o->status == "all" ? "" : o->status));
  });
  auto* exp = outbox->add_subcommand(
      "export",
      "print every pending message; with --mark-sent, mark exactly those sent in the "
      "same transaction, so a gateway takes each message once");
  exp->add_flag("--mark-sent", o->mark_sent, "mark the exported messages sent");
  exp->callback(
      [&ctx, o] { write(ctx, ncss::take_outbox(ctx.store(), o->mark_sent, ctx.actor())); });
}

}  // namespace cli
