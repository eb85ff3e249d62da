#include "ncss/review.hpp"

#include <fmt/core.h>

#include <nlohmann/json.hpp>
#include <unordered_set>

#include "agreement_impl.hpp"
#include "audit_impl.hpp"
#include "ncss/error.hpp"
#include "ncss/registration.hpp"
#include "signing_impl.hpp"
#include "store_impl.hpp"
#include "text_rules.hpp"

namespace ncss {

namespace {

const char* const kAwaitingSql =
    "SELECT i.id, g.id_number, g.name, g.school_code, g.department, coalesce(d.note, ''), "
    "g.cohort, i.employer_code, e.name, i.position, coalesce(i.responded_at, '') FROM "
    "invitations i JOIN graduates g ON g.id = i.graduate_id JOIN employers e ON e.credit_code = "
    "i.employer_code LEFT JOIN degree_levels d ON d.code = g.degree_level WHERE i.state = "
    "'awaiting_review' AND (:school = '' OR g.school_code = :school) AND (:dept = '' OR "
    "g.department = :dept) AND (:cohort = 0 OR g.cohort = :cohort) AND (:employer = '' OR "
    "i.employer_code = :employer) ORDER BY i.responded_at, i.id";

// The graduate's six columns, id_number to cohort, from column `first` on.
ReviewGraduate read_review_graduate(SQLite::Statement& q, int first) {
  ReviewGraduate g;
  g.id_number = q.getColumn(first).getString();
  g.name = q.getColumn(first + 1).getString();
  g.school_code = q.getColumn(first + 2).getString();
  g.department = q.getColumn(first + 3).getString();
  g.degree_level = q.getColumn(first + 4).getString();
  g.cohort = q.getColumn(first + 5).getInt();
  return g;
}

std::vector<ReviewItem> awaiting_in(SQLite::Database& db, const ReviewFilter& f) {
  std::string school = school_filter_code(db, f.school);
  SQLite::Statement q(db, kAwaitingSql);
  q.bind(":school", school);
  q.bind(":dept", trim(f.department));
  q.bind(":cohort", f.cohort);
  q.bind(":employer", employer_filter_code(db, f.employer));
  std::vector<ReviewItem> out;
  while (q.executeStep()) {
    ReviewItem r;
    r.invitation_id = q.getColumn(0).getInt64();
    r.graduate = read_review_graduate(q, 1);
    r.employer = q.getColumn(7).getString();
    r.employer_name = q.getColumn(8).getString();
    r.position = q.getColumn(9).getString();
    r.responded_at = q.getColumn(10).getString();
    out.push_back(std::move(r));
  }
  return out;
}

InvitationRow require_invitation(SQLite::Database& db, std::int64_t id) {
  auto inv = load_invitation(db, id);
  if (!inv) throw Error::not_found("invitation", std::to_string(id));
  return *inv;
}

// Approves one invitation inside the caller's transaction.
class Approver {
 public:
  Approver(SQLite::Database& db, const Actor& actor)
      : db_(db),
        audit_(db, actor),
        degree_(db, "SELECT coalesce(degree_level, '') FROM graduates WHERE id = :g"),
        next_(db,
              "INSERT INTO agreement_sequences (school_code, cohort, last) VALUES (:s, :c, 1) "
              "ON CONFLICT (school_code, cohort) DO UPDATE SET last = last + 1 RETURNING last"),
        snapshot_(db,
                  "SELECT json_object("
                  "'agreement_no', :no, "
                  "'employer', json_object('name', e.name, 'credit_code', e.credit_code, "
                  "'nature_code', e.nature_code, 'nature_name', n.name, 'industry_code', "
                  "e.industry_code, 'industry_name', ind.name, 'address', e.province || CASE "
                  "WHEN e.city = e.province THEN '' ELSE e.city END || e.street, 'province', "
                  "e.province, 'city', e.city, 'street', e.street, "
                  "'website', e.website), "
                  "'graduate', json_object('name', g.name, 'gender', g.gender, 'id_number', "
                  "g.id_number, 'degree_level_code', g.degree_level, 'degree_level', d.name, "
                  "'major', g.major, 'training_mode', g.training_mode, 'department', "
                  "g.department, 'cohort', g.cohort, 'school_code', s.code, 'school_name', "
                  "s.name), "
                  "'job', json_object('category_code', i.job_category, 'category_name', j.name, "
                  "'position', i.position, 'work_location', i.work_location, 'contact', "
                  "i.contact, 'contact_phone', i.contact_phone, 'valid_days', i.valid_days, "
                  "'issued_at', i.issued_at, 'deadline', i.deadline, 'responded_at', "
                  "i.responded_at), "
                  "'archive', json(i.archive), 'hukou', json(i.hukou), 'terms', i.terms, "
                  "'reviewed_at', i.reviewed_at, 'reviewed_by', i.reviewed_by) "
                  "FROM invitations i JOIN employers e ON e.credit_code = i.employer_code "
                  "JOIN graduates g ON g.id = i.graduate_id JOIN schools s ON s.code = "
                  "g.school_code LEFT JOIN employer_natures n ON n.code = e.nature_code LEFT "
                  "JOIN industries ind ON ind.code = e.industry_code LEFT JOIN degree_levels d "
                  "ON d.code = g.degree_level LEFT JOIN job_categories j ON j.code = "
                  "i.job_category WHERE i.id = :id"),
        store_(db, "UPDATE invitations SET agreement_no = :no, snapshot = :snap WHERE id = :id") {}

  Approval approve(std::int64_t id) {
    InvitationRow inv = require_invitation(db_, id);
    require_transition(inv.state, SigningEvent::Approve);  // the state machine's why first
    degree_.reset();
    degree_.bind(":g", inv.graduate_id);
    std::string degree = degree_.executeStep() ? degree_.getColumn(0).getString() : "";
    if (degree.empty()) {
      throw Error::invalid_transition(
          "invitation " + std::to_string(id) +
          " cannot be approved: the graduate has no 学历层次 (degree level) on the roster, which "
          "the agreement number needs; the school must correct the roster first");
    }
    apply_signing_event(db_, audit_, inv, SigningEvent::Approve, "", "");
    next_.reset();
    next_.bind(":s", inv.school_code);
    next_.bind(":c", inv.cohort);
    if (!next_.executeStep()) throw Error::internal("agreement sequence not advanced");
    std::int64_t seq = next_.getColumn(0).getInt64();
    while (next_.executeStep()) {
    }
    Approval a{id, format_agreement_number(inv.cohort, inv.school_code, degree, seq)};
    snapshot_.reset();
    snapshot_.bind(":no", a.agreement_no);
    snapshot_.bind(":id", id);
    if (!snapshot_.executeStep()) throw Error::internal("invitation vanished while approving");
    std::string snap = snapshot_.getColumn(0).getString();
    store_.reset();
    store_.bind(":no", a.agreement_no);
    store_.bind(":snap", snap);
    store_.bind(":id", id);
    store_.exec();
    detail::assign_verification_code(db_, id);  // the content is frozen: its code is too
    return a;
  }

 private:
  SQLite::Database& db_;
  AuditWriter audit_;
  SQLite::Statement degree_;
  SQLite::Statement next_;
  SQLite::Statement snapshot_;
  SQLite::Statement store_;
};

}  // namespace

std::string format_agreement_number(int cohort, const std::string& school_code,
                                    const std::string& degree_code, std::int64_t sequence) {
  if (sequence < 1 || sequence > 999999) {
    throw Error::invalid_transition("the agreement sequence of school " + school_code +
                                    " is exhausted for cohort " + std::to_string(cohort));
  }
  return fmt::format("{:04d}{}{}{:06d}", cohort, school_code, degree_code, sequence);
}

std::vector<ReviewItem> list_awaiting_review(Store& store, const ReviewFilter& filter) {
  return with_storage_errors([&] { return awaiting_in(database(store), filter); });
}

namespace {

// Each kind's items with the graduate they concern and since when they wait, then the graduate's
// columns and the filters. One statement, constant: every value is bound.
const char* const kQueueSql =
    "SELECT q.kind, q.id, q.state, g.id_number, g.name, g.school_code, g.department, "
    "coalesce(d.note, ''), g.cohort, q.subject, q.since FROM ("
    "SELECT 'signing' AS kind, i.id AS id, i.state AS state, i.graduate_id AS gid, e.name AS "
    "subject, coalesce(i.responded_at, i.updated_at) AS since FROM invitations i JOIN employers e "
    "ON e.credit_code = i.employer_code WHERE i.state = 'awaiting_review' "
    "UNION ALL SELECT 'registration', r.id, r.state, r.graduate_id, r.kind, r.updated_at FROM "
    "registrations r WHERE r.state IN ('pending', 'scan_review') "
    "UNION ALL SELECT 'termination', t.id, t.phase, coalesce(i.graduate_id, rg.graduate_id), "
    "tr.name, t.updated_at FROM terminations t JOIN termination_reasons tr ON tr.code = t.reason "
    "LEFT JOIN invitations i ON i.id = t.invitation_id LEFT JOIN registrations rg ON rg.id = "
    "t.registration_id WHERE t.phase = 'awaiting_review') q JOIN graduates g ON g.id = q.gid "
    "LEFT JOIN degree_levels d ON d.code = g.degree_level WHERE (:school = '' OR g.school_code = "
    ":school) AND (:dept = '' OR g.department = :dept) AND (:cohort = 0 OR g.cohort = :cohort) "
    "AND (:kind = '' OR q.kind = :kind) ORDER BY q.since, q.kind, q.id";

}  // namespace

std::vector<ReviewQueueItem> review_queue(Store& store, const ReviewQueueFilter& f) {
  return with_storage_errors([&] {
    if (!f.kind.empty() && f.kind != "signing" && f.kind != "registration" &&
        f.kind != "termination") {
      throw Error::usage("--kind '" + f.kind +
                         "' is not a kind of review item (signing, registration, termination)");
    }
    auto& db = database(store);
    SQLite::Statement q(db, kQueueSql);
    q.bind(":school", school_filter_code(db, f.school));
    q.bind(":dept", trim(f.department));
    q.bind(":cohort", f.cohort);
    q.bind(":kind", f.kind);
    std::vector<ReviewQueueItem> out;
    while (q.executeStep()) {
      ReviewQueueItem r;
      r.kind = q.getColumn(0).getString();
      const std::string id = std::to_string(q.getColumn(1).getInt64());
      r.ref = r.kind == "signing" ? id : (r.kind == "registration" ? "R" : "T") + id;
      r.state = q.getColumn(2).getString();
      r.graduate = read_review_graduate(q, 3);
      r.subject = q.getColumn(9).getString();
      if (r.kind == "registration") {
        auto kind = parse_registration_kind(r.subject);
        if (kind) r.subject = registration_kind_text(*kind);
      } else if (r.kind == "termination") {
        r.subject = "解约：" + r.subject;
      }
      r.since = q.getColumn(10).getString();
      out.push_back(std::move(r));
    }
    return out;
  });
}

std::vector<Approval> approve_invitations(Store& store, const std::vector<std::int64_t>& ids,
                                          const Actor& actor) {
  return with_storage_errors([&] {
    auto& db = database(store);
    // Named twice, the second approval would be refused as "already signed": say what it is.
    std::unordered_set<std::int64_t> named;
    for (auto id : ids) {
      if (!named.insert(id).second) {
        throw Error::usage("invitation " + std::to_string(id) +
                           " is named twice; name each signing once");
      }
    }
    SQLite::Transaction tx(db, SQLite::TransactionBehavior::IMMEDIATE);
    Approver approver(db, actor);
    std::vector<Approval> out;
    for (auto id : ids) out.push_back(approver.approve(id));
    tx.commit();
    return out;
  });
}

std::vector<Approval> approve_matching(Store& store, const ReviewFilter& filter, bool dry_run,
                                       const Actor& actor) {
  return with_storage_errors([&] {
    if (trim(filter.school).empty()) {
      throw Error::usage("approving all needs --school: a school reviews its own graduates");
    }
    auto& db = database(store);
    SQLite::Transaction tx(db, SQLite::TransactionBehavior::IMMEDIATE);
    auto items = awaiting_in(db, filter);
    std::vector<Approval> out;
    if (dry_run) {
      for (const auto& i : items) out.push_back({i.invitation_id, ""});
      return out;  // rolled back: nothing written
    }
    Approver approver(db, actor);
    for (const auto& i : items) out.push_back(approver.approve(i.invitation_id));
    tx.commit();
    return out;
  });
}

void reject_invitation(Store& store, std::int64_t id, const std::string& reason,
                       const Actor& actor) {
  with_storage_errors([&] {
    std::string why = trim(reason);
    if (why.empty()) throw Error::invalid_input("--reason is required to reject a signing");
    why = checked_text(why, "--reason", TextLines::Multi);
    auto& db = database(store);
    SQLite::Transaction tx(db, SQLite::TransactionBehavior::IMMEDIATE);
    InvitationRow inv = require_invitation(db, id);
    AuditWriter audit(db, actor);
    apply_signing_event(db, audit, inv, SigningEvent::SchoolReject, why, "");
    tx.commit();
  });
}

}  // namespace ncss
