#include "ncss/dashboard.hpp"

#include <map>

#include "ncss/identity.hpp"
#include "ncss/signing_state.hpp"
#include "store_impl.hpp"
#include "text_rules.hpp"

namespace ncss {

Dashboard dashboard(Store& store, const DashboardFilter& filter) {
  return with_storage_errors([&] {
    auto& db = database(store);
    std::string school;
    if (!filter.school.empty()) {
      auto names = load_school_names(db);
      auto it = names.find(trim(filter.school));
      if (it == names.end())
        throw Error(ErrorCode::NotFound, "unknown school '" + filter.school + "'");
      school = it->second;
    }
    std::string employer = normalize_credit_code(filter.employer);
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
    return d;
  });
}

}  // namespace ncss
