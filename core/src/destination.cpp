#include "destination_impl.hpp"
#include "ncss/identity.hpp"
#include "ncss/signing_state.hpp"

namespace ncss {

std::string registration_kind_label(const std::string& kind) {
  if (kind == "paper") return "已签纸质就业协议登记";
  if (kind == "destination") return "其他毕业去向登记";
  if (kind == "targeted") return "定向/委培毕业去向补充登记";
  if (kind == "offline") return "线下签约";
  return kind;
}

std::string registration_state_label(const std::string& state) {
  if (state == "pending") return "待审核";
  if (state == "returned") return "退回修改";
  if (state == "awaiting_scan") return "待上传盖章扫描件";
  if (state == "scan_review") return "扫描件待审核";
  if (state == "approved") return "审核通过";
  if (state == "rejected") return "审核不通过";
  if (state == "voided") return "已作废";
  if (state == "terminated") return "已解约";
  if (state == "invalid") return "失效";
  return state;
}

std::optional<LiveDestination> live_destination(SQLite::Database& db, std::int64_t graduate_id,
                                                std::int64_t except_invitation,
                                                std::int64_t except_registration) {
  {
    SQLite::Statement q(db,
                        "SELECT id, state FROM invitations WHERE graduate_id = :g AND id <> :x "
                        "AND state IN ('awaiting_review', 'signed', 'terminating') ORDER BY id "
                        "LIMIT 1");
    q.bind(":g", static_cast<std::int64_t>(graduate_id));
    q.bind(":x", static_cast<std::int64_t>(except_invitation));
    if (q.executeStep()) {
      LiveDestination d;
      d.kind = "invitation";
      d.id = q.getColumn(0).getInt64();
      d.state = q.getColumn(1).getString();
      auto s = parse_signing_state(d.state);
      d.description = "invitation " + std::to_string(d.id) + " (" +
                      std::string(s ? signing_state_label(*s) : d.state) + ")";
      return d;
    }
  }
  SQLite::Statement q(db,
                      "SELECT id, kind, state FROM registrations WHERE graduate_id = :g AND id <> "
                      ":x AND state IN ('pending', 'returned', 'awaiting_scan', 'scan_review', "
                      "'approved') ORDER BY id LIMIT 1");
  q.bind(":g", static_cast<std::int64_t>(graduate_id));
  q.bind(":x", static_cast<std::int64_t>(except_registration));
  if (!q.executeStep()) return std::nullopt;
  LiveDestination d;
  d.kind = "registration";
  d.id = q.getColumn(0).getInt64();
  d.state = q.getColumn(2).getString();
  d.description = "registration R" + std::to_string(d.id) + " (" +
                  registration_kind_label(q.getColumn(1).getString()) + ", " +
                  registration_state_label(d.state) + ")";
  return d;
}

std::string live_destination_message(const std::string& id_number, const LiveDestination& live) {
  return "the graduate " + mask_resident_id(id_number) +
         " already has a live destination: " + live.description +
         "; one destination at a time: void or terminate it first";
}

}  // namespace ncss
