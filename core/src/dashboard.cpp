#include "ncss/dashboard.hpp"

#include <map>

#include "employer_impl.hpp"
#include "ncss/error.hpp"
#include "ncss/identity.hpp"
#include "ncss/registration.hpp"
#include "ncss/signing_state.hpp"
#include "ncss/termination.hpp"
#include "store_impl.hpp"
#include "text_rules.hpp"

namespace ncss {

Dashboard dashboard(Store& store, const DashboardFilter& filter) {
  return with_storage_errors([&] {
    auto& db = database(store);
    const std::string school = school_filter_code(db, filter.school);
    std::string employer = normalize_credit_code(filter.employer);
    if (!employer.empty()) {
      // Registered, or named by a paper or offline agreement (whose employer need not be on the
      // platform); otherwise the filter names nothing known: exit 2, as every --employer.
      SQLite::Statement known(db,
                              "SELECT EXISTS (SELECT 1 FROM employers WHERE credit_code = :c) OR "
                              "EXISTS (SELECT 1 FROM registrations WHERE "
                              "json_extract(fields, '$.credit_code') = :c)");
      known.bind(":c", employer);
      known.executeStep();
      if (known.getColumn(0).getInt() == 0) {
        throw Error(ErrorCode::NotFound, std::string(employer_not_found(employer).what()) +
                                             ", and no paper or offline agreement names it");
      }
    }
    Dashboard d;
    SQLite::Statement g(db,
                        "SELECT count(*) FROM graduates WHERE (:cohort = 0 OR cohort = :cohort) "
                        "AND (:school = '' OR school_code = :school)");
    g.bind(":cohort", filter.cohort);
    g.bind(":school", school);
    g.executeStep();
    d.graduates = g.getColumn(0).getInt64();
    SQLite::Statement q(db,
                        "SELECT i.state, count(*) FROM invitations i JOIN graduates g ON g.id = "
                        "i.graduate_id WHERE (:cohort = 0 OR g.cohort = :cohort) AND (:school = "
                        "'' OR g.school_code = :school) AND (:employer = '' OR i.employer_code = "
                        ":employer) GROUP BY i.state");
    q.bind(":cohort", filter.cohort);
    q.bind(":school", school);
    q.bind(":employer", employer);
    std::map<std::string, std::int64_t> counts;
    while (q.executeStep()) counts[q.getColumn(0).getString()] = q.getColumn(1).getInt64();
    for (auto s : kSigningStates) {
      std::string name(signing_state_name(s));
      d.states.push_back({name, std::string(signing_state_label(s)),
                          std::string(signing_state_list(s)), counts[name]});
    }
    SQLite::Statement r(db,
                        "SELECT r.kind, r.state, count(*) FROM registrations r JOIN graduates g "
                        "ON g.id = r.graduate_id WHERE (:cohort = 0 OR g.cohort = :cohort) AND "
                        "(:school = '' OR g.school_code = :school) AND (:employer = '' OR "
                        "json_extract(r.fields, '$.credit_code') = :employer) GROUP BY r.kind, "
                        "r.state");
    r.bind(":cohort", filter.cohort);
    r.bind(":school", school);
    r.bind(":employer", employer);
    std::map<std::string, std::int64_t> by_kind;
    while (r.executeStep()) {
      by_kind[r.getColumn(0).getString() + "/" + r.getColumn(1).getString()] =
          r.getColumn(2).getInt64();
    }
    for (auto k : kRegistrationKinds) {
      for (auto s : kRegistrationStates) {
        if (!registration_state_reachable(k, s)) continue;
        std::string kind(registration_kind_name(k)), state(registration_state_name(s));
        d.registrations.push_back({kind, registration_kind_text(k), state,
                                   registration_state_text(s), by_kind[kind + "/" + state]});
      }
    }
    SQLite::Statement t(
        db,
        "SELECT t.mode, t.phase, count(*) FROM terminations t LEFT JOIN invitations i ON i.id = "
        "t.invitation_id LEFT JOIN registrations r ON r.id = t.registration_id JOIN graduates g "
        "ON g.id = coalesce(i.graduate_id, r.graduate_id) WHERE (:cohort = 0 OR g.cohort = "
        ":cohort) AND (:school = '' OR g.school_code = :school) AND (:employer = '' OR "
        "coalesce(i.employer_code, json_extract(r.fields, '$.credit_code')) = :employer) GROUP "
        "BY t.mode, t.phase");
    t.bind(":cohort", filter.cohort);
    t.bind(":school", school);
    t.bind(":employer", employer);
    std::map<std::string, std::int64_t> by_phase;
    while (t.executeStep()) {
      by_phase[t.getColumn(0).getString() + "/" + t.getColumn(1).getString()] =
          t.getColumn(2).getInt64();
    }
    for (const char* mode : {"online", "offline"}) {
      for (const char* phase :
           {"awaiting_party", "awaiting_review", "returned", "approved", "failed"}) {
        const std::string m(mode), p(phase);
        if ((m == "offline" && p == "awaiting_party") || (m == "online" && p == "returned")) {
          continue;
        }
        Termination shown;
        shown.phase = p;
        std::string label = p == "failed" ? "解约失败" : termination_phase_label(shown);
        d.terminations.push_back({m, p, label, termination_list(p), by_phase[m + "/" + p]});
      }
    }
    return d;
  });
}

}  // namespace ncss
