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
      const std::string n = std::to_string(d.id);
      if (d.state == "awaiting_review") {
        d.way_out = "the graduate aborts it (invite abort " + n +
                    ", 中止签约) or the school rejects it (review reject " + n + ")";
      } else if (d.state == "signed") {
        d.way_out = "the school voids it (void " + n +
                    ") or the parties end it (terminate request " + n + ")";
      } else {
        // 解约中: the request waits for the other party's answer (no time limit; the school
        // helps by recording it once the party has told it, 联系学校协助进行解约), then for the
        // school's approval.
        SQLite::Statement t(db,
                            "SELECT id, phase FROM terminations WHERE invitation_id = :i AND "
                            "phase IN ('awaiting_party', 'awaiting_review') ORDER BY id DESC "
                            "LIMIT 1");
        t.bind(":i", static_cast<std::int64_t>(d.id));
        const std::string tid = t.executeStep() ? std::to_string(t.getColumn(0).getInt64()) : "";
        const bool answered = !tid.empty() && t.getColumn(1).getString() == "awaiting_review";
        d.way_out = tid.empty() ? "its termination (解约中) ends"
                    : answered
                        ? "the school approves its termination (terminate approve " + tid + ")"
                        : "the other party answers its termination (terminate respond " + tid +
                              ") and the school approves it (terminate approve " + tid + ")";
      }
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
  const std::string kind = q.getColumn(1).getString();
  d.description = "registration R" + std::to_string(d.id) + " (" + registration_kind_label(kind) +
                  ", " + registration_state_label(d.state) + ")";
  // As registration_next allows: the graduate voids what is not yet final or not an agreement;
  // the school decides what awaits its review; an approved agreement ends by termination.
  const std::string graduate_voids =
      "the graduate voids it (register void " + std::to_string(d.id) + ")";
  const std::string school_rejects =
      "the school rejects it (review reject R" + std::to_string(d.id) + ")";
  if (d.state == "pending") {
    d.way_out = graduate_voids + " or " + school_rejects;
  } else if (d.state == "scan_review") {
    d.way_out = school_rejects;
  } else if (d.state == "approved" && (kind == "paper" || kind == "offline")) {
    d.way_out = "it ends by an offline termination (terminate offline)";
  } else {
    d.way_out = graduate_voids;  // returned, awaiting_scan, an approved registration
  }
  return d;
}

std::string live_destination_message(const std::string& id_number, const LiveDestination& live) {
  return "the graduate " + mask_resident_id(id_number) +
         " already has a live destination: " + live.description +
         "; one destination at a time: " + live.way_out + " first";
}

}  // namespace ncss
