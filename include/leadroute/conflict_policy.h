// ConflictPolicy: how check and register decide (thresholds, protection
// period, evidence weights). The rule set will carry one; these defaults
// hold without it.
#ifndef LEADROUTE_CONFLICT_POLICY_H_
#define LEADROUTE_CONFLICT_POLICY_H_

#include <cstddef>

namespace leadroute {

// Points per kind of evidence (roughly log-odds; see index/match_scorer.h).
// Defaults: a domain or an email alone is a conflict, a company name alone
// (or with its country) is a conflict, a phone or an address alone is below
// the conflict threshold, and the same name in another country is clear.
struct MatchWeights {
  double domain = 6.0;
  double domain_mismatch = -3.0;
  double email = 7.0;
  double phone = 3.0;
  double company = 4.5;           // the same company key
  double company_fuzzy = 3.5;     // at similarity 1.0, down to 0 at 0.85
  double company_acronym = 3.0;
  double company_mismatch = -2.5;
  double given = 1.5;             // the same canonical given name
  double surname = 2.0;
  double name_fuzzy = 0.7;        // share of the above at Jaro-Winkler >= 0.9
  double name_mismatch = -2.0;    // only when neither side names a company
  double number = 1.0;
  double number_mismatch = -1.0;
  double street = 1.5;
  double street_mismatch = -1.0;
  double postal = 1.0;
  double postal_mismatch = -0.5;
  double city = 0.5;
  double country = 0.5;
  double country_mismatch = -5.0;
  double midpoint = 3.0;          // points at which the score is 0.5
  double slope = 0.9;
};

struct ConflictPolicy {
  // A match at or above it is a conflict (or a duplicate, same owner).
  double conflict_threshold = 0.75;
  // Between this and the conflict threshold: a possible match; register
  // stores the deal as pending for review when one belongs to another owner.
  double review_threshold = 0.5;
  // Registrations without expires_at are protected this long.
  int protection_days = 90;
  // Matches reported per check, best first.
  std::size_t max_matches = 10;
  MatchWeights weights;
};

}  // namespace leadroute

#endif  // LEADROUTE_CONFLICT_POLICY_H_
