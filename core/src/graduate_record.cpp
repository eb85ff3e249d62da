#include "ncss/graduate_record.hpp"

#include <optional>
#include <vector>

#include "audit_impl.hpp"
#include "ncss/error.hpp"
#include "ncss/identity.hpp"
#include "signing_impl.hpp"
#include "store_impl.hpp"
#include "text_rules.hpp"

namespace ncss {

namespace {

struct Stored {
  std::int64_t id = 0;
  std::string id_number, name, school_code, department, degree_level, major, training_mode, phone,
      email, gender, status;
  int cohort = 0;
};

// The one record of an ID number (and cohort), inside the caller's transaction.
Stored find_stored(SQLite::Database& db, const std::string& raw_id, int cohort) {
  std::string id = normalize_resident_id(raw_id);
  SQLite::Statement q(db,
                      "SELECT id, id_number, name, school_code, department, "
                      "coalesce(degree_level, ''), major, phone, email, gender, status, cohort, "
                      "training_mode FROM graduates WHERE id_number = :id AND (:cohort = "
                      "0 OR cohort = :cohort) ORDER BY cohort");
  q.bind(":id", id);
  q.bind(":cohort", cohort);
  std::vector<Stored> found;
  while (q.executeStep()) {
    Stored s;
    s.id = q.getColumn(0).getInt64();
    s.id_number = q.getColumn(1).getString();
    s.name = q.getColumn(2).getString();
    s.school_code = q.getColumn(3).getString();
    s.department = q.getColumn(4).getString();
    s.degree_level = q.getColumn(5).getString();
    s.major = q.getColumn(6).getString();
    s.phone = q.getColumn(7).getString();
    s.email = q.getColumn(8).getString();
    s.gender = q.getColumn(9).getString();
    s.status = q.getColumn(10).getString();
    s.cohort = q.getColumn(11).getInt();
    s.training_mode = q.getColumn(12).getString();
    found.push_back(std::move(s));
  }
  if (found.empty()) throw Error::not_found("graduate", mask_resident_id(id));
  if (found.size() > 1) {
    throw Error::usage("graduate " + mask_resident_id(id) +
                       " is on several cohorts' rosters; say which with --cohort");
  }
  return found.front();
}

std::string require_reason(const std::string& reason) {
  std::string r = trim(reason);
  if (r.empty()) throw Error::invalid_input("--reason is required: say why the record changes");
  return checked_text(r, "--reason", TextLines::Multi);
}

// Runs `fn(db, audit, stored)` in one IMMEDIATE transaction and returns the record afterwards.
template <typename Fn>
CorrectionResult in_transaction(Store& store, const std::string& id_number, int cohort,
                                const Actor& actor, Fn&& fn) {
  return with_storage_errors([&] {
    auto& db = database(store);
    SQLite::Transaction tx(db, SQLite::TransactionBehavior::IMMEDIATE);
    Stored s = find_stored(db, id_number, cohort);
    AuditWriter audit(db, actor);
    CorrectionResult result;
    std::string final_id = fn(db, audit, s, result);
    tx.commit();
    result.graduate = get_graduate(store, final_id, s.cohort);
    return result;
  });
}

}  // namespace

CorrectionResult correct_graduate(Store& store, const std::string& id_number, int cohort,
                                  const GraduateCorrection& c, const std::string& reason_raw,
                                  const Actor& actor) {
  const std::string reason = require_reason(reason_raw);
  // Each a single line of the roster, which refuses these characters in its cells too.
  const std::pair<const std::string*, const char*> fields[] = {
      {&c.name, "--name (学生姓名)"},          {&c.id_number, "--id-number (身份证号)"},
      {&c.school, "--school (毕业院校)"},      {&c.department, "--department (院系)"},
      {&c.degree_level, "--level (学历层次)"}, {&c.major, "--major (专业)"},
      {&c.phone, "--phone (手机号码)"},        {&c.email, "--email (电子邮箱)"}};
  for (const auto& [value, label] : fields) checked_text(trim(*value), label, TextLines::Single);
  return in_transaction(
      store, id_number, cohort, actor,
      [&](SQLite::Database& db, AuditWriter& audit, Stored& s, CorrectionResult& result) {
        if (s.status != "valid") {
          throw Error::invalid_transition(
              "the graduate " + mask_resident_id(s.id_number) +
              " is removed from the roster; `student restore` it first");
        }
        Stored next = s;
        if (!trim(c.name).empty()) next.name = trim(c.name);
        if (!trim(c.id_number).empty()) {
          next.id_number = normalize_resident_id(c.id_number);
          auto defects = id_refusals(next.id_number, actor.now);
          if (!defects.empty()) {
            throw Error::invalid_input("--id-number: " + defects.front().message);
          }
          next.gender = resident_id_info(next.id_number)->male ? "男" : "女";
        }
        if (!trim(c.school).empty()) {
          auto schools = load_school_names(db);
          auto it = schools.find(trim(c.school));
          if (it == schools.end()) {
            throw Error::not_found("school", trim(c.school));
          }
          next.school_code = it->second;
        }
        if (!trim(c.department).empty()) next.department = trim(c.department);
        if (!trim(c.degree_level).empty()) {
          SQLite::Statement q(
              db, "SELECT code FROM degree_levels WHERE code = :v OR name = :v OR note = :v");
          q.bind(":v", trim(c.degree_level));
          if (!q.executeStep()) {
            throw Error::invalid_input("--level: 学历层次 '" + trim(c.degree_level) +
                                       "' is not one of 博士, 硕士, 本科, 专科");
          }
          next.degree_level = q.getColumn(0).getString();
        }
        if (!trim(c.major).empty()) next.major = trim(c.major);
        if (!trim(c.training_mode).empty()) {
          next.training_mode = trim(c.training_mode);
          if (next.training_mode != "非定向" && next.training_mode != "定向" &&
              next.training_mode != "委培") {
            throw Error::invalid_input("--training-mode: 培养方式 '" + next.training_mode +
                                       "' is not one of 非定向, 定向, 委培");
          }
        }
        if (!trim(c.phone).empty()) {
          next.phone = trim(c.phone);
          if (!valid_mobile(next.phone)) {
            throw Error::invalid_input("--phone: 手机号码 '" + mask_phone(next.phone) +
                                       "' must be 11 digits starting with 1");
          }
        }
        if (!trim(c.email).empty()) {
          next.email = trim(c.email);
          if (!valid_email(next.email)) {
            throw Error::invalid_input("--email: 电子邮箱 '" + next.email +
                                       "' is not an address of the form name@domain.tld");
          }
        }

        nlohmann::json changes = nlohmann::json::object();
        auto compare = [&](const char* key, const std::string& old, const std::string& now) {
          if (old != now) changes[key] = {{"old", old}, {"new", now}};
        };
        compare("name", s.name, next.name);
        compare("id_number", s.id_number, next.id_number);
        compare("gender", s.gender, next.gender);
        compare("school_code", s.school_code, next.school_code);
        compare("department", s.department, next.department);
        compare("degree_level", s.degree_level, next.degree_level);
        compare("major", s.major, next.major);
        compare("training_mode", s.training_mode, next.training_mode);
        compare("phone", s.phone, next.phone);
        compare("email", s.email, next.email);
        if (changes.empty()) return s.id_number;

        if (next.id_number != s.id_number) {
          SQLite::Statement q(db, "SELECT 1 FROM graduates WHERE id_number = :id AND cohort = :c");
          q.bind(":id", next.id_number);
          q.bind(":c", s.cohort);
          if (q.executeStep()) {
            throw Error::conflict("the 身份证号 " + mask_resident_id(next.id_number) +
                                  " is already on the roster of cohort " +
                                  std::to_string(s.cohort));
          }
        }
        SQLite::Statement u(db,
                            "UPDATE graduates SET name = :name, id_number = :id, gender = :gender, "
                            "school_code = :school, department = :department, degree_level = "
                            "nullif(:level, ''), major = :major, training_mode = :mode, phone "
                            "= :phone, email = :email, updated_at = :now WHERE id = :gid");
        u.bind(":name", next.name);
        u.bind(":id", next.id_number);
        u.bind(":gender", next.gender);
        u.bind(":school", next.school_code);
        u.bind(":department", next.department);
        u.bind(":level", next.degree_level);
        u.bind(":major", next.major);
        u.bind(":mode", next.training_mode);
        u.bind(":phone", next.phone);
        u.bind(":email", next.email);
        u.bind(":now", format_utc(actor.now));
        u.bind(":gid", static_cast<std::int64_t>(s.id));
        u.exec();
        if (next.id_number != s.id_number) {
          // The old number may come back in the department's roster file: the import refuses it
          // as id_corrected rather than add the person again (schema 0012).
          SQLite::Statement retire(
              db,
              "INSERT INTO corrected_ids (id_number, cohort, graduate_id, corrected_at) VALUES "
              "(:old, :cohort, :gid, :now) ON CONFLICT (id_number, cohort) DO UPDATE SET "
              "graduate_id = excluded.graduate_id, corrected_at = excluded.corrected_at");
          retire.bind(":old", s.id_number);
          retire.bind(":cohort", s.cohort);
          retire.bind(":gid", static_cast<std::int64_t>(s.id));
          retire.bind(":now", format_utc(actor.now));
          retire.exec();
          SQLite::Statement back(db,
                                 "DELETE FROM corrected_ids WHERE id_number = :id AND cohort = :c");
          back.bind(":id", next.id_number);
          back.bind(":c", s.cohort);
          back.exec();
        }
        std::int64_t event_id = audit.event("graduate.correct", "graduate", next.id_number, reason,
                                            {{"cohort", s.cohort}, {"changes", changes}});
        Notification n;
        n.recipient_type = "graduate";
        n.recipient_id = next.id_number;
        n.template_name = "graduate_record_changed";
        n.payload = {{"cohort", s.cohort}, {"fields", nlohmann::json::array()}};
        for (auto it = changes.begin(); it != changes.end(); ++it)
          n.payload["fields"].push_back(it.key());
        audit.notify(event_id, n);
        result.changed = true;
        if (change_invalidates(changes)) {
          auto count = invalidate_graduate(db, audit, s.id,
                                           "毕业生信息已更正 (record corrected): " + reason);
          result.invalidated = {count.favorites, count.invitations, count.registrations};
        }
        return next.id_number;
      });
}

namespace {

// DOMAIN.md "Notifications": a record changed by the school is messaged to the graduate; taking
// the record off the roster, or putting it back, is such a change.
void notify_status(AuditWriter& audit, std::int64_t event_id, const Stored& s,
                   const std::string& template_name, const std::string& reason) {
  Notification n;
  n.recipient_type = "graduate";
  n.recipient_id = s.id_number;
  n.template_name = template_name;
  n.payload = {{"cohort", s.cohort}, {"reason", reason}};
  audit.notify(event_id, n);
}

}  // namespace

CorrectionResult remove_graduate(Store& store, const std::string& id_number, int cohort,
                                 const std::string& reason_raw, const Actor& actor) {
  const std::string reason = require_reason(reason_raw);
  return in_transaction(
      store, id_number, cohort, actor,
      [&](SQLite::Database& db, AuditWriter& audit, Stored& s, CorrectionResult& result) {
        if (s.status != "valid") {
          throw Error::conflict("the graduate " + mask_resident_id(s.id_number) +
                                " is already removed from the roster");
        }
        SQLite::Statement u(
            db, "UPDATE graduates SET status = 'invalid', updated_at = :now WHERE id = :gid");
        u.bind(":now", format_utc(actor.now));
        u.bind(":gid", static_cast<std::int64_t>(s.id));
        u.exec();
        std::int64_t event_id =
            audit.event("graduate.remove", "graduate", s.id_number, reason,
                        {{"cohort", s.cohort}, {"from", "valid"}, {"to", "invalid"}});
        notify_status(audit, event_id, s, "graduate_record_removed", reason);
        auto count =
            invalidate_graduate(db, audit, s.id, "毕业生信息已删除 (record removed): " + reason);
        result.changed = true;
        result.invalidated = {count.favorites, count.invitations, count.registrations};
        return s.id_number;
      });
}

CorrectionResult restore_graduate(Store& store, const std::string& id_number, int cohort,
                                  const std::string& reason_raw, const Actor& actor) {
  const std::string reason = require_reason(reason_raw);
  return in_transaction(
      store, id_number, cohort, actor,
      [&](SQLite::Database& db, AuditWriter& audit, Stored& s, CorrectionResult& result) {
        if (s.status == "valid") {
          throw Error::conflict("the graduate " + mask_resident_id(s.id_number) +
                                " is on the roster (not removed)");
        }
        SQLite::Statement u(
            db, "UPDATE graduates SET status = 'valid', updated_at = :now WHERE id = :gid");
        u.bind(":now", format_utc(actor.now));
        u.bind(":gid", static_cast<std::int64_t>(s.id));
        u.exec();
        std::int64_t event_id =
            audit.event("graduate.restore", "graduate", s.id_number, reason,
                        {{"cohort", s.cohort}, {"from", "invalid"}, {"to", "valid"}});
        notify_status(audit, event_id, s, "graduate_record_restored", reason);
        result.changed = true;
        return s.id_number;
      });
}

}  // namespace ncss
